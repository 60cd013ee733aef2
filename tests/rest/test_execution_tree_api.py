"""Executions as Camunda shows them over REST: a token Camunda runs in its scope's execution
(alone under the process instance, or alone in a sub-process) is not an execution of its own;
tasks, jobs, incidents, event subscriptions and activity instances name the execution it
shows as, and `/execution` lists and filters by it."""

from __future__ import annotations

import pytest

from engine.queries.external_tasks import list_external_tasks
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

MODELS = bpmn_document(
    """<bpmn:process id="lone" isExecutable="true">
  <bpmn:startEvent id="s1" /><bpmn:sequenceFlow id="a1" sourceRef="s1" targetRef="approve" />
  <bpmn:userTask id="approve" />
</bpmn:process>""",
    """<bpmn:process id="waiting" isExecutable="true">
  <bpmn:startEvent id="s2" /><bpmn:sequenceFlow id="b1" sourceRef="s2" targetRef="paid" />
  <bpmn:intermediateCatchEvent id="paid"><bpmn:messageEventDefinition messageRef="m" />
  </bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="b2" sourceRef="paid" targetRef="wait" />
  <bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>
    <bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:intermediateCatchEvent>
</bpmn:process>
<bpmn:message id="m" name="Paid" />""",
    """<bpmn:process id="nested" isExecutable="true">
  <bpmn:startEvent id="s3" /><bpmn:sequenceFlow id="c1" sourceRef="s3" targetRef="sub" />
  <bpmn:subProcess id="sub">
    <bpmn:startEvent id="s4" /><bpmn:sequenceFlow id="c2" sourceRef="s4" targetRef="check" />
    <bpmn:userTask id="check" />
  </bpmn:subProcess>
</bpmn:process>""",
    """<bpmn:process id="fork" isExecutable="true">
  <bpmn:startEvent id="s5" /><bpmn:sequenceFlow id="d1" sourceRef="s5" targetRef="split" />
  <bpmn:parallelGateway id="split" />
  <bpmn:sequenceFlow id="d2" sourceRef="split" targetRef="a" /><bpmn:userTask id="a" />
  <bpmn:sequenceFlow id="d3" sourceRef="split" targetRef="b" /><bpmn:userTask id="b" />
</bpmn:process>""",
    """<bpmn:process id="reminded" isExecutable="true">
  <bpmn:startEvent id="s6" /><bpmn:sequenceFlow id="e1" sourceRef="s6" targetRef="review" />
  <bpmn:userTask id="review" />
  <bpmn:serviceTask id="call" camunda:type="external" camunda:topic="call" />
  <bpmn:sequenceFlow id="e2" sourceRef="review" targetRef="call" />
  <bpmn:subProcess id="reminder" triggeredByEvent="true">
    <bpmn:startEvent id="nudged" isInterrupting="false">
      <bpmn:messageEventDefinition messageRef="n" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="e3" sourceRef="nudged" targetRef="remind" />
    <bpmn:userTask id="remind" />
  </bpmn:subProcess>
</bpmn:process>
<bpmn:message id="n" name="Nudge" />""",
)


@pytest.fixture(autouse=True)
def models() -> None:
    deploy([ResourceInput("executions.bpmn", MODELS)])


def executions(api, **query) -> list[str]:
    return [e["id"] for e in api.get(f"{BASE}/execution", query).json()]


def tree(api, instance_id: str, key: str = "executionIds") -> dict[str, list[str]]:
    """`key` of each activity instance of the instance's tree, by activity id."""
    root = api.get(f"{BASE}/process-instance/{instance_id}/activity-instances").json()
    found: dict[str, list[str]] = {}

    def walk(node: dict) -> None:
        for child in node["childActivityInstances"]:
            found[child["activityId"]] = child[key]
            walk(child)

    walk(root)
    return found


def history_executions(api, instance_id: str) -> dict[str, str]:
    rows = api.get(f"{BASE}/history/activity-instance", {"processInstanceId": instance_id})
    return {row["activityId"]: row["executionId"] for row in rows.json()}


def test_a_lone_task_runs_in_the_process_instance_execution(api):
    instance_id = rt.start_process_instance("lone").id
    assert executions(api, processInstanceId=instance_id) == [instance_id]
    count = api.get(f"{BASE}/execution/count", {"processInstanceId": instance_id}).json()
    assert count == {"count": 1}
    assert executions(api, activityId="approve") == [instance_id]
    (task,) = api.get(f"{BASE}/task", {"processInstanceId": instance_id}).json()
    assert task["executionId"] == instance_id
    assert tree(api, instance_id) == {"approve": [instance_id]}
    assert history_executions(api, instance_id)["approve"] == instance_id


def test_subscriptions_jobs_and_incidents_of_a_lone_token_name_the_instance(api):
    instance_id = rt.start_process_instance("waiting").id
    assert executions(api, messageEventSubscriptionName="Paid") == [instance_id]
    (subscription,) = api.get(f"{BASE}/event-subscription", {"executionId": instance_id}).json()
    assert subscription["executionId"] == instance_id
    found = api.get(f"{BASE}/execution/{instance_id}/messageSubscriptions/Paid")
    assert (found.status_code, found.json()["executionId"]) == (200, instance_id)
    triggered = api.post(
        f"{BASE}/execution/{instance_id}/messageSubscriptions/Paid/trigger",
        {},
        content_type="application/json",
    )
    assert triggered.status_code == 204
    (job,) = api.get(f"{BASE}/job", {"executionId": instance_id}).json()
    assert (job["executionId"], job["processInstanceId"]) == (instance_id, instance_id)
    created = api.post(
        f"{BASE}/execution/{instance_id}/create-incident",
        {"incidentType": "dataQuality", "message": "late"},
        content_type="application/json",
    )
    assert (created.status_code, created.json()["activityId"]) == (200, "wait")
    assert created.json()["executionId"] == instance_id
    listed = api.get(f"{BASE}/incident", {"executionId": instance_id}).json()
    assert [i["id"] for i in listed] == [created.json()["id"]]
    assert executions(api, incidentType="dataQuality") == [instance_id]


def test_a_task_alone_in_a_sub_process_runs_in_the_sub_process_execution(api):
    instance_id = rt.start_process_instance("nested").id
    listed = executions(api, processInstanceId=instance_id)
    assert len(listed) == 2
    assert instance_id in listed
    (scope,) = [e for e in listed if e != instance_id]
    (task,) = api.get(f"{BASE}/task", {"processInstanceId": instance_id}).json()
    assert task["executionId"] == scope
    assert executions(api, activityId="check") == [scope]
    assert tree(api, instance_id) == {"sub": [scope], "check": [scope]}
    assert history_executions(api, instance_id) == {"s3": instance_id, "sub": scope,
                                                   "s4": scope, "check": scope}
    created = api.post(
        f"{BASE}/execution/{scope}/create-incident",
        {"incidentType": "dataQuality"},
        content_type="application/json",
    ).json()
    assert (created["activityId"], created["executionId"]) == ("check", scope)
    # Shown as one execution, the two activity instances still tell whose incident it is.
    assert tree(api, instance_id, "incidentIds") == {"sub": [], "check": [created["id"]]}


def test_parallel_branches_are_executions_of_their_own(api):
    instance_id = rt.start_process_instance("fork").id
    listed = executions(api, processInstanceId=instance_id)
    tasks = api.get(f"{BASE}/task", {"processInstanceId": instance_id}).json()
    assert len(listed) == 3
    assert {t["executionId"] for t in tasks} == set(listed) - {instance_id}
    ids = tree(api, instance_id)
    assert {ids["a"][0], ids["b"][0]} == {t["executionId"] for t in tasks}
    recorded = history_executions(api, instance_id)
    assert {recorded["a"], recorded["b"]} == {t["executionId"] for t in tasks}
    assert recorded["split"] == instance_id  # the fork ran before there were branches


def test_waiting_work_moves_to_a_concurrent_execution_while_a_sibling_runs(api):
    """Camunda moves a lone token's task into a concurrent execution when an event
    sub-process starts beside it, and back into the instance's once that has ended."""
    instance_id = rt.start_process_instance("reminded").id

    def shown(activity_id: str) -> str:
        rows = api.get(f"{BASE}/task", {"processInstanceId": instance_id}).json()
        (row,) = [r for r in rows if r["taskDefinitionKey"] == activity_id]
        return row["executionId"]

    def historic(activity_id: str) -> str:
        rows = api.get(f"{BASE}/history/task", {"processInstanceId": instance_id}).json()
        (row,) = [r for r in rows if r["taskDefinitionKey"] == activity_id]
        return row["executionId"]

    assert shown("review") == historic("review") == instance_id
    rt.correlate_message("Nudge", process_instance_id=instance_id)
    review = shown("review")
    assert review != instance_id
    assert review in executions(api, processInstanceId=instance_id)
    assert executions(api, activityId="review") == [review]
    assert historic("review") == review
    (remind,) = [
        t for t in api.get(f"{BASE}/task", {"processInstanceId": instance_id}).json()
        if t["taskDefinitionKey"] == "remind"
    ]
    completed = api.post(
        f"{BASE}/task/{remind['id']}/complete", {}, content_type="application/json"
    )
    assert completed.status_code == 204
    assert shown("review") == historic("review") == instance_id
    assert executions(api, processInstanceId=instance_id) == [instance_id]

    # An external task follows its token the same way (as /external-task lists it).
    (review_task,) = api.get(f"{BASE}/task", {"processInstanceId": instance_id}).json()
    api.post(f"{BASE}/task/{review_task['id']}/complete", {}, content_type="application/json")
    assert external_execution(instance_id) == instance_id
    rt.correlate_message("Nudge", process_instance_id=instance_id)
    call = external_execution(instance_id)
    assert call != instance_id
    assert executions(api, activityId="call") == [call]


def external_execution(instance_id: str) -> str:
    (task,) = list_external_tasks(process_instance_id=instance_id)
    return task.execution_id
