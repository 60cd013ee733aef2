"""Modify a running instance from the cockpit: preview first, then apply; nothing without
confirmation or permission."""

import pytest
from django.urls import reverse

from engine.models import (
    HistoricActivityInstance,
    HistoricProcessInstance,
    Incident,
    Job,
    Task,
    UserOperationLog,
)
from engine.queries.instances import get_variables
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.cockpit.conftest import deploy_xml, fail_job_of
from tests.cockpit.samples import failing_process
from tests.factories import bpmn_document

pytestmark = pytest.mark.django_db

TWO_STEPS = """<bpmn:process id="twoSteps" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="stuck" />
  <bpmn:userTask id="stuck" name="Stuck step" />
  <bpmn:sequenceFlow id="f2" sourceRef="stuck" targetRef="next" />
  <bpmn:userTask id="next" name="Next step" />
  <bpmn:sequenceFlow id="f3" sourceRef="next" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>"""


@pytest.fixture
def stuck_instance() -> str:
    deploy([ResourceInput("two.bpmn", bpmn_document(TWO_STEPS))])
    return rt.start_process_instance("twoSteps").id


def modify_form(instance_id: str, **extra: object) -> dict[str, object]:
    stuck = Task.objects.get(process_instance_id=instance_id)
    return {"cancel": [stuck.activity_instance_id], "start_before": "next", **extra}


def test_the_preview_lists_the_changes_and_changes_nothing(user_client, stuck_instance):
    url = reverse("cockpit:instance-modify", args=[stuck_instance])
    page = user_client.get(url).content.decode()
    assert "Stuck step (stuck)" in page
    assert "Next step (next)" in page
    response = user_client.post(url, modify_form(stuck_instance, action="preview"))
    text = response.content.decode()
    assert "Cancel Stuck step" in text
    assert "Start Next step" in text
    assert list(Task.objects.values_list("name", flat=True)) == ["Stuck step"]


def test_applying_skips_the_stuck_step_and_is_logged(user_client, stuck_instance):
    url = reverse("cockpit:instance-modify", args=[stuck_instance])
    form = modify_form(stuck_instance, action="apply", confirm="yes", annotation="ticket 42")
    response = user_client.post(url, form)
    assert response.status_code == 302
    assert list(Task.objects.values_list("name", flat=True)) == ["Next step"]
    stuck = HistoricActivityInstance.objects.get(activity_id="stuck")
    assert stuck.canceled
    log = UserOperationLog.objects.filter(operation_type="ModifyProcessInstance")
    assert log.filter(user_id="demo", annotation="ticket 42").exists()


def test_applying_without_confirmation_only_previews(user_client, stuck_instance):
    url = reverse("cockpit:instance-modify", args=[stuck_instance])
    user_client.post(url, modify_form(stuck_instance, action="apply"))
    assert list(Task.objects.values_list("name", flat=True)) == ["Stuck step"]


def test_no_instruction_is_an_error_in_words(user_client, stuck_instance):
    url = reverse("cockpit:instance-modify", args=[stuck_instance])
    response = user_client.post(url, {"action": "preview"})
    assert "Choose an activity" in response.content.decode()


def test_a_user_without_update_permission_cannot_modify(client, stuck_instance, operator):
    client.force_login(operator)
    url = reverse("cockpit:instance-modify", args=[stuck_instance])
    response = client.post(url, modify_form(stuck_instance, action="apply", confirm="yes"))
    assert response.status_code == 403
    assert list(Task.objects.values_list("name", flat=True)) == ["Stuck step"]


def test_starting_after_an_activity_takes_its_outgoing_flow(user_client, stuck_instance):
    url = reverse("cockpit:instance-modify", args=[stuck_instance])
    stuck = Task.objects.get(process_instance_id=stuck_instance)
    form = {"cancel": [stuck.activity_instance_id], "start_after": "stuck",
            "action": "apply", "confirm": "yes"}
    assert user_client.post(url, form).status_code == 302
    assert list(Task.objects.values_list("name", flat=True)) == ["Next step"]


def test_the_stuck_async_step_of_an_incident_is_offered_and_canceled(user_client):
    deploy_xml("payment", failing_process())
    instance_id = rt.start_process_instance("payment").id
    fail_job_of(instance_id)
    url = reverse("cockpit:instance-modify", args=[instance_id])
    page = user_client.get(url).content.decode()
    assert "Compute total (calc, waiting)" in page
    waiting = page.split('name="cancel" value="')[1].split('"')[0]
    form = {"cancel": [waiting], "start_before": "End_1", "action": "apply", "confirm": "yes"}
    assert user_client.post(url, form).status_code == 302
    assert not Job.objects.filter(process_instance_id=instance_id).exists()
    assert not Incident.objects.filter(process_instance_id=instance_id).exists()
    history = HistoricProcessInstance.objects.get(pk=instance_id)
    assert history.state == "COMPLETED"
    assert history.end_activity_id == "End_1"


LISTENED = """<bpmn:process id="listenedSteps" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="stuck" />
  <bpmn:userTask id="stuck" name="Stuck step">
    <bpmn:extensionElements>
      <camunda:executionListener event="end" expression="${execution.setVariable('ended', true)}" />
      <camunda:inputOutput>
        <camunda:outputParameter name="mapped">${true}</camunda:outputParameter>
      </camunda:inputOutput>
    </bpmn:extensionElements>
  </bpmn:userTask>
  <bpmn:sequenceFlow id="f2" sourceRef="stuck" targetRef="next" />
  <bpmn:userTask id="next" name="Next step" />
  <bpmn:sequenceFlow id="f3" sourceRef="next" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>"""


@pytest.mark.parametrize(("skip", "ran"), [({}, True), ({"skip_listeners": "yes"}, False)])
def test_the_options_skip_the_cancelled_activity_s_listeners(user_client, skip, ran):
    deploy([ResourceInput("listened.bpmn", bpmn_document(LISTENED))])
    instance = rt.start_process_instance("listenedSteps").id
    url = reverse("cockpit:instance-modify", args=[instance])
    assert "Skip custom listeners" in user_client.get(url).content.decode()
    form = modify_form(instance, action="apply", confirm="yes", **skip)
    assert user_client.post(url, form).status_code == 302
    variables = get_variables(instance)
    assert ("ended" in variables) is ran
    assert "mapped" in variables  # the output mapping is skipped only when asked


def test_the_options_skip_the_cancelled_activity_s_output_mappings(user_client):
    deploy([ResourceInput("listened.bpmn", bpmn_document(LISTENED))])
    instance = rt.start_process_instance("listenedSteps").id
    url = reverse("cockpit:instance-modify", args=[instance])
    form = modify_form(instance, action="apply", confirm="yes", skip_mappings="yes")
    assert user_client.post(url, form).status_code == 302
    variables = get_variables(instance)
    assert "mapped" not in variables
    assert "ended" in variables
