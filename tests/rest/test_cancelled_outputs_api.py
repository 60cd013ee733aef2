"""`skipIoMappings` of instance deletion, cascades and modification over REST, on the database:
a cancelled activity runs its output mapping (history shows the variable update) unless
skipped, and one that fails rolls the deletion back naming the activity (Camunda 7's
RuntimeServiceTest#testDeleteProcessInstance[Without]SkipIoMappings)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from engine.models import HistoricVariableInstance, ProcessInstance, Task
from engine.services import ResourceInput, deploy
from engine.services.runtime import start_process_instance
from tests.factories import bpmn_document
from tests.rest.batch_helpers import run_to_end
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db


def mapped(key: str = "mapping", output: str = "${mine}") -> bytes:
    """A user task with an input `mine` (local) and an output `result`, the process's only
    wait state; Camunda's oneTaskProcessWithIoMappings."""
    return bpmn_document(f"""<bpmn:process id="{key}" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work" />
  <bpmn:userTask id="work" name="Work"><bpmn:extensionElements><camunda:inputOutput>
    <camunda:inputParameter name="mine">inputMappingExecuted</camunda:inputParameter>
    <camunda:outputParameter name="result">{output}</camunda:outputParameter>
  </camunda:inputOutput></bpmn:extensionElements></bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")


CALLING = bpmn_document("""<bpmn:process id="calling" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="call" />
  <bpmn:callActivity id="call" calledElement="mapping" />
  <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")


def start(count: int = 1, xml: bytes | None = None, key: str = "mapping") -> list[str]:
    deploy([ResourceInput(f"{key}.bpmn", xml or mapped(key))], name=key)
    return [start_process_instance(key).id for _ in range(count)]


def history_names(api, instance_id: str) -> list[str]:
    rows = api.get(f"{BASE}/history/variable-instance", {"processInstanceId": instance_id})
    return sorted(row["name"] for row in rows.json())


def result_updates(api, instance_id: str) -> list[object]:
    rows = api.get(f"{BASE}/history/detail", {"processInstanceId": instance_id})
    return [row.get("value") for row in rows.json() if row.get("variableName") == "result"]


def test_deleting_runs_the_output_mapping_and_history_shows_the_update(api):
    (instance_id,) = start()
    assert api.delete(f"{BASE}/process-instance/{instance_id}").status_code == 204
    assert history_names(api, instance_id) == ["mine", "result"]
    assert result_updates(api, instance_id) == ["inputMappingExecuted"]
    (row,) = HistoricVariableInstance.objects.filter(process_instance_id=instance_id, name="result")
    assert row.execution_id == instance_id  # written on the process instance, as on completion


def test_deleting_with_skip_io_mappings_runs_none(api):
    (instance_id,) = start()
    url = f"{BASE}/process-instance/{instance_id}"
    assert api.delete(url, QUERY_STRING="skipIoMappings=true").status_code == 204
    assert history_names(api, instance_id) == ["mine"]
    assert not ProcessInstance.objects.filter(pk=instance_id).exists()


def test_a_failing_output_mapping_rolls_the_deletion_back_naming_the_activity(api):
    (instance_id,) = start(xml=mapped(output="${noSuchVariable}"))
    url = f"{BASE}/process-instance/{instance_id}"
    response = api.delete(url)
    assert response.status_code == 500
    body = response.json()
    assert body["type"] == "ProcessEngineException"
    assert "Output mapping of the cancelled activity 'work' failed" in body["message"]
    assert "noSuchVariable" in body["message"]
    assert "skipIoMappings" in body["message"]
    # nothing was deleted
    assert ProcessInstance.objects.filter(pk=instance_id).exists()
    assert Task.objects.filter(process_instance_id=instance_id).count() == 1
    assert api.delete(url, QUERY_STRING="skipIoMappings=true").status_code == 204
    assert not ProcessInstance.objects.filter(pk=instance_id).exists()


def test_a_malformed_skip_io_mappings_is_refused_and_changes_nothing(api):
    (instance_id,) = start()
    url = f"{BASE}/process-instance/{instance_id}"
    response = api.delete(url, QUERY_STRING="skipIoMappings=yes")
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert ProcessInstance.objects.filter(pk=instance_id).exists()


def test_a_deleted_parent_deletes_its_called_instance_with_the_same_flag(api):
    start(0)  # deploys the called process
    ran, skipped = start(2, CALLING, "calling")
    children = {
        parent: ProcessInstance.objects.get(super_process_instance_id=parent).id
        for parent in (ran, skipped)
    }
    assert api.delete(f"{BASE}/process-instance/{ran}").status_code == 204
    url = f"{BASE}/process-instance/{skipped}"
    assert api.delete(url, QUERY_STRING="skipIoMappings=true").status_code == 204
    assert history_names(api, children[ran]) == ["mine", "result"]
    assert history_names(api, children[skipped]) == ["mine"]


def test_the_deletion_batch_passes_skip_io_mappings_on(api):
    ran, skipped = start(2)
    for instance_id, skip in ((ran, False), (skipped, True)):
        dto = api.post(
            f"{BASE}/process-instance/delete",
            {"processInstanceIds": [instance_id], "skipIoMappings": skip},
            content_type="application/json",
        ).json()
        assert run_to_end(dto["id"]).done == 1
    mapped_in = HistoricVariableInstance.objects.filter(name="result")
    assert list(mapped_in.values_list("process_instance_id", flat=True)) == [ran]


def test_a_batch_records_a_failing_output_mapping_and_leaves_that_instance_running(api):
    (instance_id,) = start(xml=mapped(output="${noSuchVariable}"))

    def delete(**flags: bool):
        body = {"processInstanceIds": [instance_id], **flags}
        url = f"{BASE}/process-instance/delete"
        return run_to_end(api.post(url, body, content_type="application/json").json()["id"])

    failed = delete()
    assert (failed.done, failed.failed) == (0, 1)
    assert "Output mapping of the cancelled activity 'work'" in failed.failures[0]["message"]
    assert ProcessInstance.objects.filter(pk=instance_id).exists()
    assert delete(skipIoMappings=True).done == 1
    assert not ProcessInstance.objects.filter(pk=instance_id).exists()


@pytest.mark.parametrize("resource", ["deployment", "process-definition"])
def test_cascading_deletes_pass_skip_io_mappings_on(api, resource):
    (skipped,) = start(1, key="skipping")
    (ran,) = start(1, key="running")
    queries = ((skipped, "cascade=true&skipIoMappings=true"), (ran, "cascade=true"))
    for instance_id, query in queries:
        row = ProcessInstance.objects.get(pk=instance_id)
        target = (
            row.process_definition.deployment_id
            if resource == "deployment"
            else row.process_definition_id
        )
        assert api.delete(f"{BASE}/{resource}/{target}", QUERY_STRING=query).status_code == 204
    mapped_in = HistoricVariableInstance.objects.filter(name="result")
    assert list(mapped_in.values_list("process_instance_id", flat=True)) == [ran]


@pytest.mark.parametrize("skip", [False, True])
def test_a_modification_cancelling_the_task_runs_its_output_mapping_unless_skipped(api, skip):
    (instance_id,) = start()
    response = api.post(
        f"{BASE}/process-instance/{instance_id}/modification",
        {"skipIoMappings": skip, "instructions": [{"type": "cancel", "activityId": "work"}]},
        content_type="application/json",
    )
    assert response.status_code == 204
    assert history_names(api, instance_id) == (["mine"] if skip else ["mine", "result"])


@pytest.mark.parametrize("skip", [False, True])
def test_the_cockpit_cancel_action_offers_skipping_the_output_mappings(client, demo_user, skip):
    client.force_login(demo_user)
    (instance_id,) = start()
    page = client.get(reverse("cockpit:instance", args=[instance_id]))
    assert 'name="skip_io_mappings"' in page.content.decode()
    form = {"reason": "no longer needed", "confirm": "yes"}
    if skip:
        form["skip_io_mappings"] = "yes"
    client.post(reverse("cockpit:instance-cancel", args=[instance_id]), form)
    assert not ProcessInstance.objects.filter(pk=instance_id).exists()
    mapped_in = HistoricVariableInstance.objects.filter(process_instance_id=instance_id)
    assert sorted(mapped_in.values_list("name", flat=True)) == (
        ["mine"] if skip else ["mine", "result"]
    )
