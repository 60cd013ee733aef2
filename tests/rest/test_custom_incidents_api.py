"""Custom incidents: POST /execution/{id}/create-incident and DELETE /incident/{id}."""

from __future__ import annotations

import pytest

from engine.models import (
    Execution,
    ExternalTask,
    HistoricIncident,
    Incident,
    ProcessInstance,
    UserOperationLog,
)
from engine.services.external_tasks import set_retries
from engine.services.runtime import start_process_instance
from identity.resources import Permission, Resource
from tests.factories import bpmn_document
from tests.identity.factories import make_user
from tests.rest.batch_helpers import WORKER, start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db

PARENT = bpmn_document("""<bpmn:process id="parent" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="call" />
  <bpmn:callActivity id="call" calledElement="invoice" />
  <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")

FORK = bpmn_document("""<bpmn:process id="fork" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="split" />
  <bpmn:parallelGateway id="split" />
  <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="a" /><bpmn:userTask id="a" />
  <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="b" /><bpmn:userTask id="b" />
</bpmn:process>""")


def create(client, execution_id, body):
    return client.post(
        f"{BASE}/execution/{execution_id}/create-incident", body, content_type="application/json"
    )


def test_an_incident_is_created_on_the_activity_listed_and_logged(api):
    [instance_id] = start_instances(1)
    response = create(api, instance_id, {
        "incidentType": "dataQuality", "configuration": "order-17", "message": "bad address",
    })
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["incidentType"], body["activityId"], body["processInstanceId"]) \
        == ("dataQuality", "Task_1", instance_id)
    assert (body["configuration"], body["incidentMessage"]) == ("order-17", "bad address")
    assert body["causeIncidentId"] == body["rootCauseIncidentId"] == body["id"]
    listed = api.get(f"{BASE}/incident", {"processInstanceId": instance_id}).json()
    assert [i["id"] for i in listed] == [body["id"]]
    assert HistoricIncident.objects.get(pk=body["id"]).state == "open"
    logged = UserOperationLog.objects.filter(operation_type="CreateIncident")
    assert {(e.entity_type, e.property, e.new_value) for e in logged} == {
        ("ProcessInstance", "incidentType", "dataQuality"),
        ("ProcessInstance", "configuration", "order-17"),
    }


def test_a_concurrent_token_takes_the_incident_by_its_own_id(api):
    start_instances(0, "fork", FORK)
    instance_id = start_process_instance("fork").id
    token = Execution.objects.get(process_instance_id=instance_id, activity_id="b")
    response = create(api, token.id, {"incidentType": "stuck"})
    assert response.status_code == 200
    assert (response.json()["activityId"], response.json()["executionId"]) == ("b", token.id)
    # The root of two tokens is at no activity: which one would be meant?
    response = create(api, instance_id, {"incidentType": "stuck"})
    assert response.status_code == 400
    assert "not at an activity" in response.json()["message"]


def test_calling_instances_get_an_incident_and_resolving_the_root_closes_both(api):
    start_instances(0)
    start_instances(0, "parent", PARENT)
    parent_id = start_process_instance("parent").id
    child_id = ProcessInstance.objects.get(super_process_instance_id=parent_id).id
    root = create(api, child_id, {"incidentType": "manualCheck"}).json()
    child = Incident.objects.get(process_instance_id=parent_id)
    assert (child.activity_id, child.root_cause_incident_id) == ("call", root["id"])
    caused = api.delete(f"{BASE}/incident/{child.id}")
    assert caused.status_code == 400
    assert root["id"] in caused.json()["message"]
    assert api.delete(f"{BASE}/incident/{root['id']}").status_code == 204
    assert not Incident.objects.exists()
    assert set(HistoricIncident.objects.values_list("state", flat=True)) == {"resolved"}
    entry = UserOperationLog.objects.get(operation_type="Resolve")
    assert (entry.entity_type, entry.property, entry.new_value, entry.process_instance_id) \
        == ("ProcessInstance", "incidentId", root["id"], child_id)


@pytest.mark.parametrize(
    ("body", "message"),
    [({}, "incidentType is null"), ({"incidentType": 3}, "must be a text"),
     ({"incidentType": "x", "message": ["a"]}, "must be a text"),
     ({"incidentType": "failedJob"}, "the engine raises those")],
)
def test_bad_bodies_are_400_and_create_nothing(api, body, message):
    [instance_id] = start_instances(1)
    response = create(api, instance_id, body)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert not Incident.objects.exists()
    assert not UserOperationLog.objects.filter(operation_type="CreateIncident").exists()


def test_unknown_executions_are_400_and_unknown_incidents_404(api):
    response = create(api, "nope", {"incidentType": "x"})
    assert response.status_code == 400
    assert response.json()["message"] == "Cannot find an execution with id 'nope'"
    assert api.delete(f"{BASE}/incident/nope").status_code == 404


def test_incidents_of_external_tasks_are_resolved_by_retries_not_by_hand(api):
    start_instances(1, "worker", WORKER)
    set_retries(ExternalTask.objects.get().id, 0)
    incident = Incident.objects.get()
    response = api.delete(f"{BASE}/incident/{incident.id}")
    assert response.status_code == 400
    assert "Cannot resolve an incident of type failedExternalTask" in response.json()["message"]
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_creating_and_resolving_need_update_on_the_instance(api):
    [instance_id] = start_instances(1)
    make_user("mallory")
    grant("mallory", Resource.PROCESS_INSTANCE, "*", Permission.READ)
    mallory = basic_client("mallory")
    assert create(mallory, instance_id, {"incidentType": "x"}).status_code == 403
    assert not Incident.objects.exists()
    incident_id = create(api, instance_id, {"incidentType": "x"}).json()["id"]
    assert mallory.delete(f"{BASE}/incident/{incident_id}").status_code == 403
    grant("mallory", Resource.PROCESS_INSTANCE, instance_id, Permission.UPDATE)
    assert mallory.delete(f"{BASE}/incident/{incident_id}").status_code == 204


def test_an_ended_instance_leaves_its_custom_incident_deleted_in_history(api):
    [instance_id] = start_instances(1)
    incident_id = create(api, instance_id, {"incidentType": "x"}).json()["id"]
    assert api.delete(f"{BASE}/process-instance/{instance_id}").status_code == 204
    assert HistoricIncident.objects.get(pk=incident_id).state == "deleted"
