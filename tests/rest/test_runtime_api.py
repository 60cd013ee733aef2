"""Contract tests of the runtime resources: start, instances, tasks, variables, messages,
signals, executions, incidents, jobs, history — shapes, filters, paging, sorting, errors."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from engine.rest import openapi
from tests.factories import bpmn_document, one_task_bpmn
from tests.rest.conftest import BASE

MESSAGE_BPMN = bpmn_document(
    """<bpmn:process id="waiter" isExecutable="true">
  <bpmn:startEvent id="s" />
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="catch" />
  <bpmn:intermediateCatchEvent id="catch"><bpmn:messageEventDefinition messageRef="m" />
  </bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="catch" targetRef="e" />
  <bpmn:endEvent id="e" />
</bpmn:process>""",
    extra='<bpmn:message id="m" name="go" />',
)


def props(name: str) -> list[str]:
    return list(openapi.SCHEMAS[name]["properties"])


@pytest.fixture
def deployed(modeler_deploy):
    response = modeler_deploy({"invoice.bpmn": one_task_bpmn(), "waiter.bpmn": MESSAGE_BPMN})
    assert response.status_code == 200, response.content
    return response.json()


def start(api, key="invoice", **body):
    return api.post(f"{BASE}/process-definition/key/{key}/start", body,
                    content_type="application/json")


def test_start_answers_the_instance_with_variables_on_request(api, deployed):
    response = start(api, businessKey="B-1", withVariablesInReturn=True,
                     variables={"amount": {"value": 30, "type": "Integer"}})
    assert response.status_code == 200
    body = response.json()
    assert list(body) == props("ProcessInstanceWithVariablesDto")
    assert body["businessKey"] == "B-1"
    assert body["variables"]["amount"] == {"type": "Integer", "value": 30, "valueInfo": {}}
    assert "variables" not in start(api).json()


def test_a_business_key_or_variable_name_too_long_to_keep_is_refused_naming_it(api, deployed):
    long_key = start(api, businessKey="B" * 256)
    assert long_key.status_code == 400
    assert long_key.json()["message"] == "businessKey is too long: 256 characters, at most 255"
    long_name = start(api, variables={"v" * 256: {"value": 1, "type": "Integer"}})
    assert long_name.status_code == 400
    assert "its name is 256 characters long, at most 255" in long_name.json()["message"]
    correlated = api.post(f"{BASE}/message", {"messageName": "go", "businessKey": "B" * 256},
                          content_type="application/json")
    assert correlated.status_code == 400
    assert api.get(f"{BASE}/process-instance/count").json() == {"count": 0}


def test_start_refuses_java_serialized_objects_and_unsupported_instructions(api, deployed):
    java = {"x": {"value": "rO0", "type": "Object", "valueInfo": {
        "serializationDataFormat": "application/x-java-serialized-object"}}}
    assert start(api, variables=java).status_code == 400
    cancel = [{"type": "cancel", "activityId": "Task_1"}]
    assert start(api, startInstructions=cancel).json()["type"] == "InvalidRequestException"


def test_process_instance_list_filters_pages_sorts_and_counts(api, deployed):
    for n in range(3):
        start(api, businessKey=f"K{n}", variables={"n": {"value": n, "type": "Integer"}})
    rows = api.get(f"{BASE}/process-instance?processDefinitionKey=invoice"
                   "&sortBy=businessKey&sortOrder=desc&maxResults=2").json()
    assert [r["businessKey"] for r in rows] == ["K2", "K1"]
    assert list(rows[0]) == props("ProcessInstanceDto")
    assert api.get(f"{BASE}/process-instance/count?variables=n_gteq_1").json() == {"count": 2}
    posted = api.post(f"{BASE}/process-instance/count", {
        "variables": [{"name": "n", "operator": "eq", "value": 0}]},
        content_type="application/json")
    assert posted.json() == {"count": 1}
    assert api.get(f"{BASE}/process-instance?sortBy=nope&sortOrder=asc").status_code == 400
    assert api.get(f"{BASE}/process-instance/missing").status_code == 404


def test_instance_variables_activity_tree_suspension_and_delete(api, deployed):
    instance = start(api).json()["id"]
    url = f"{BASE}/process-instance/{instance}"
    modified = api.post(f"{url}/variables", {
        "modifications": {"a": {"value": "x", "type": "String"}}, "deletions": []},
        content_type="application/json")
    assert modified.status_code == 204
    assert api.get(f"{url}/variables/a").json() == {"type": "String", "value": "x",
                                                    "valueInfo": {}}
    assert api.get(f"{url}/variables/zz").status_code == 404
    tree = api.get(f"{url}/activity-instances").json()
    assert list(tree) == props("ActivityInstanceDto")
    assert tree["childActivityInstances"][0]["activityId"] == "Task_1"
    assert api.put(f"{url}/suspended", {"suspended": True},
                   content_type="application/json").status_code == 204
    assert api.get(url).json()["suspended"] is True
    assert api.post(f"{url}/modification", {}, content_type="application/json").status_code == 400
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_task_list_claim_complete_and_history(api, deployed):
    instance = start(api, businessKey="T-1").json()["id"]
    tasks = api.get(f"{BASE}/task?processInstanceBusinessKey=T-1").json()
    assert list(tasks[0]) == props("TaskDto")
    task = tasks[0]["id"]
    assert api.post(f"{BASE}/task/{task}/claim", {"userId": "demo"},
                    content_type="application/json").status_code == 204
    assert api.get(f"{BASE}/task?assignee=demo").json()[0]["id"] == task
    assert api.put(f"{BASE}/task/{task}", {"priority": 70, "name": "Check"},
                   content_type="application/json").status_code == 204
    assert api.get(f"{BASE}/task/{task}").json()["priority"] == 70
    comment = api.post(f"{BASE}/task/{task}/comment/create", {"message": "ok"},
                       content_type="application/json").json()
    assert list(comment) == props("CommentDto")
    links = api.get(f"{BASE}/task/{task}/identity-links").json()
    assert {"userId": "demo", "groupId": None, "type": "assignee"} in links
    done = api.post(f"{BASE}/task/{task}/complete", {"withVariablesInReturn": True,
                    "variables": {"ok": {"value": True}}}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["ok"]["value"] is True
    history = api.get(f"{BASE}/history/process-instance/{instance}").json()
    assert list(history) == props("HistoricProcessInstanceDto")
    assert history["state"] == "COMPLETED"
    historic_tasks = api.get(f"{BASE}/history/task?processInstanceId={instance}").json()
    assert list(historic_tasks[0]) == props("HistoricTaskInstanceDto")
    operations = api.get(f"{BASE}/history/user-operation?taskId={task}").json()
    assert {"Claim", "Complete"} <= {o["operationType"] for o in operations}
    assert api.get(f"{BASE}/history/job-log/count").json() == {"count": 0}


def test_message_correlation_results_and_mismatch(api, deployed):
    waiting = start(api, key="waiter", businessKey="W").json()["id"]
    execution = api.get(f"{BASE}/execution?messageEventSubscriptionName=go").json()
    assert execution
    assert list(execution[0]) == props("ExecutionDto")
    response = api.post(f"{BASE}/message", {"messageName": "go", "businessKey": "W",
                        "resultEnabled": True}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()[0]["resultType"] == "Execution"
    assert response.json()[0]["execution"]["processInstanceId"] == waiting
    missing = api.post(f"{BASE}/message", {"messageName": "go"}, content_type="application/json")
    assert missing.status_code == 400
    assert missing.json()["type"] == "RestException"
    # correlateAll: nothing matching is no error (Camunda's CorrelateAllMessageCmd)
    none = api.post(f"{BASE}/message", {"messageName": "go", "all": True, "resultEnabled": True},
                    content_type="application/json")
    assert (none.status_code, none.json()) == (200, [])
    assert api.post(f"{BASE}/signal", {"name": "s"},
                    content_type="application/json").status_code == 204


def test_statistics_incidents_jobs_and_version(api, deployed):
    start(api)
    stats = api.get(f"{BASE}/process-definition/statistics?failedJobs=true").json()
    row = next(s for s in stats if s["definition"]["key"] == "invoice")
    assert list(row) == props("ProcessDefinitionStatisticsResultDto")
    assert row["instances"] == 1
    activity = api.get(f"{BASE}/process-definition/{row['id']}/statistics").json()
    assert {"@class": "org.camunda.bpm.engine.rest.dto.repository.ActivityStatisticsResultDto",
            "id": "Task_1", "instances": 1, "failedJobs": 0, "incidents": []} in activity
    assert api.get(f"{BASE}/incident").json() == []
    assert api.get(f"{BASE}/job/count").json() == {"count": 0}
    assert api.get(f"{BASE}/job/missing").status_code == 404
    assert api.get(f"{BASE}/version").json() == {"version": "7.24.0"}


def test_requests_without_credentials_get_401(client, db):
    for path in ("task", "process-instance", "history/process-instance", "job", "version"):
        assert client.get(f"{BASE}/{path}").status_code == 401


def test_a_user_without_permissions_sees_nothing_and_gets_403(api, deployed, client):
    instance = start(api).json()["id"]
    User.objects.create_user("mallory", password="pw")
    import base64
    token = base64.b64encode(b"mallory:pw").decode()
    client.defaults["HTTP_AUTHORIZATION"] = f"Basic {token}"
    assert client.get(f"{BASE}/process-instance").json() == []
    assert client.get(f"{BASE}/task/count").json() == {"count": 0}
    refused = client.get(f"{BASE}/process-instance/{instance}")
    assert refused.status_code == 403
    assert refused.json()["type"] == "AuthorizationException"
    assert start(client).status_code == 403


CONDITIONAL_BPMN = bpmn_document(
    """<bpmn:process id="onFoo" isExecutable="true">
  <bpmn:startEvent id="s"><bpmn:conditionalEventDefinition>
    <bpmn:condition>${foo == 1}</bpmn:condition>
  </bpmn:conditionalEventDefinition></bpmn:startEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review" />
  <bpmn:userTask id="review" />
  <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="e" />
  <bpmn:endEvent id="e" />
</bpmn:process>"""
)


def evaluate(api, **body):
    return api.post(f"{BASE}/condition", body, content_type="application/json")


def test_condition_starts_the_instances_whose_start_condition_holds(api, deployed, modeler_deploy):
    from engine.models import ProcessInstance, Task, UserOperationLog

    nothing = evaluate(api, variables={"foo": {"value": 1, "type": "Integer"}})
    assert nothing.status_code == 400
    assert "No subscriptions were found" in nothing.json()["message"]
    assert modeler_deploy({"cond.bpmn": CONDITIONAL_BPMN}).status_code == 200
    assert evaluate(api, variables={"foo": {"value": 2, "type": "Integer"}}).json() == []
    assert not ProcessInstance.objects.filter(process_definition__key="onFoo").exists()
    response = evaluate(api, businessKey="B-7", variables={"foo": {"value": 1, "type": "Integer"}})
    assert response.status_code == 200
    [started] = response.json()
    assert list(started) == props("ProcessInstanceDto")
    assert (started["businessKey"], started["ended"]) == ("B-7", False)
    assert Task.objects.get(process_instance_id=started["id"]).task_definition_key == "review"
    assert UserOperationLog.objects.filter(
        process_instance_id=started["id"], operation_type="Create"
    ).exists()
    invoice = api.get(f"{BASE}/process-definition/key/invoice").json()["id"]
    refused = evaluate(api, processDefinitionId=invoice)
    assert refused.status_code == 400
    assert "does not declare conditional start event" in refused.json()["message"]
    assert evaluate(api, processDefinitionId="nope").status_code == 404
    on_foo = started["definitionId"]
    suspend = api.put(f"{BASE}/process-definition/{on_foo}/suspended", {"suspended": True},
                      content_type="application/json")
    assert suspend.status_code == 204
    foo = {"foo": {"value": 1, "type": "Integer"}}
    assert evaluate(api, processDefinitionId=on_foo, variables=foo).json() == []
    assert evaluate(api, variables=foo).json() == []  # suspended: no longer subscribed
    assert ProcessInstance.objects.filter(process_definition__key="onFoo").count() == 1
