"""/history/process-instance `processInstanceIdNotIn`, `rootProcessInstanceId`,
`withJobsRetrying`, `incidentIdIn`, `activityIdIn` and `orQueries`; /history/task
`rootProcessInstanceId`, `processInstanceBusinessKeyIn`/`Like`, `withoutTaskDueDate` and
`orQueries`; and the bulk operations whose `historicProcessInstanceQuery` they narrow."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.models import HistoricProcessInstance, HistoricTaskInstance, Job, ProcessInstance
from engine.services import ResourceInput, deploy
from engine.services.incidents import create_incident
from engine.services.runtime import delete_process_instance, start_process_instance
from tests.factories import one_task_bpmn
from tests.rest.batch_helpers import TIMER, run_to_end
from tests.rest.conftest import BASE
from tests.rest.test_custom_incidents_api import PARENT
from tests.rest.test_process_instance_query_fields import GRAND

pytestmark = pytest.mark.django_db

INSTANCES = f"{BASE}/history/process-instance"
TASKS = f"{BASE}/history/task"


@pytest.fixture
def world(demo_user) -> dict[str, str]:
    """`grand` calls `parent` calls the invoice `child`; invoices `a` (key A-1, an incident)
    and `b` (B-1) wait in Task_1; `f1`, `f2` ended; waiters `w1` (failed job, retries left)
    and `w2` (failed job, no retries left)."""
    for name, xml in (("invoice", one_task_bpmn()), ("parent", PARENT), ("grand", GRAND),
                      ("waiter", TIMER)):
        deploy([ResourceInput(f"{name}.bpmn", xml)])
    grand = start_process_instance("grand").id
    parent = ProcessInstance.objects.get(super_process_instance_id=grand).id
    child = ProcessInstance.objects.get(super_process_instance_id=parent).id
    a = start_process_instance("invoice", business_key="A-1").id
    b = start_process_instance("invoice", business_key="B-1").id
    f1, f2 = (start_process_instance("invoice").id for _ in range(2))
    for ended in (f1, f2):
        delete_process_instance(ended, "done")
    w1, w2 = (start_process_instance("waiter").id for _ in range(2))
    Job.objects.filter(process_instance_id=w1).update(exception_message="boom", retries=2)
    Job.objects.filter(process_instance_id=w2).update(exception_message="boom", retries=0)
    incident = create_incident(a, "custom", message="check").id
    return {"grand": grand, "parent": parent, "child": child, "a": a, "b": b, "f1": f1,
            "f2": f2, "w1": w1, "w2": w2, "incident": incident}


def found(api, url: str, body: dict, key: str = "id") -> list[str]:
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    return sorted(row[key] for row in response.json())


def ids(world: dict[str, str], *names: str) -> list[str]:
    return sorted(world[name] for name in names)


def test_instances_other_than_those_named(api, world):
    got = api.get(INSTANCES, {"processDefinitionKey": "invoice",
                              "processInstanceIdNotIn": f"{world['a']},{world['b']}"})
    assert sorted(row["id"] for row in got.json()) == ids(world, "child", "f1", "f2")
    assert api.post(f"{INSTANCES}/count", {"processInstanceIdNotIn": [world["a"]]},
                    content_type="application/json").json() == {"count": 8}


def test_root_process_instance_id_and_the_root_each_instance_shows(api, world):
    tree = ids(world, "grand", "parent", "child")
    assert found(api, INSTANCES, {"rootProcessInstanceId": world["grand"]}) == tree
    assert found(api, INSTANCES, {"rootProcessInstanceId": world["parent"]}) == []
    child = api.get(f"{INSTANCES}/{world['child']}").json()
    assert child["rootProcessInstanceId"] == world["grand"]
    assert api.get(f"{INSTANCES}/{world['a']}").json()["rootProcessInstanceId"] == world["a"]


def test_jobs_retrying_incidents_by_id_and_current_activities(api, world):
    assert found(api, INSTANCES, {"withJobsRetrying": True}) == [world["w1"]]
    assert found(api, INSTANCES, {"incidentIdIn": [world["incident"], "x"]}) == [world["a"]]
    # The incident filters hold on the same incident.
    assert found(api, INSTANCES, {"incidentIdIn": [world["incident"]],
                                  "incidentType": "failedJob"}) == []
    # Ended instances have no token anywhere.
    assert found(api, INSTANCES, {"activityIdIn": ["Task_1"]}) == ids(world, "child", "a", "b")
    assert found(api, INSTANCES, {"activityIdIn": ["call", "t"]}) == ids(
        world, "grand", "parent", "w1", "w2")


def test_historic_or_queries(api, world):
    body = {"processDefinitionKey": "invoice", "orQueries": [
        {"processInstanceBusinessKey": "B-1", "rootProcessInstanceId": world["grand"]}]}
    assert found(api, INSTANCES, body) == ids(world, "b", "child")
    either = {"orQueries": [{"withJobsRetrying": True, "incidentIdIn": [world["incident"]],
                             "finished": False}]}
    assert found(api, INSTANCES, either) == ids(world, "a", "w1")
    assert api.post(f"{INSTANCES}/count", {"orQueries": [{"processInstanceIds": ["x"]}]},
                    content_type="application/json").json() == {"count": 0}


def test_historic_task_filters_on_the_instance(api, world):
    def task_of(name: str) -> str:
        return HistoricTaskInstance.objects.get(process_instance_id=world[name]).id

    assert found(api, TASKS, {"rootProcessInstanceId": world["grand"]}) == [task_of("child")]
    listed = api.get(TASKS, {"rootProcessInstanceId": world["grand"]}).json()
    assert listed[0]["rootProcessInstanceId"] == world["grand"]
    assert found(api, TASKS, {"processInstanceBusinessKeyIn": ["A-1", "Z"]}) == [task_of("a")]
    assert api.get(f"{TASKS}/count", {"processInstanceBusinessKeyLike": "B-%"}).json() == {
        "count": 1}
    assert found(api, TASKS, {"orQueries": [{"processInstanceBusinessKeyIn": ["A-1"],
                                             "rootProcessInstanceId": world["grand"]}]}) \
        == sorted([task_of("a"), task_of("child")])


def test_tasks_without_a_due_date(api, world):
    due = datetime(2030, 1, 1, tzinfo=UTC)
    HistoricTaskInstance.objects.filter(process_instance_id=world["a"]).update(due_date=due)
    assert api.get(f"{TASKS}/count", {"withoutTaskDueDate": "true"}).json() == {"count": 4}
    # Camunda combines them only within an or-query.
    either = {"orQueries": [{"withoutTaskDueDate": True,
                             "taskDueDateAfter": "2029-01-01T00:00:00.000+0000"}]}
    assert len(found(api, TASKS, either)) == 5
    refused = api.get(TASKS, {"withoutTaskDueDate": "true",
                              "taskDueDateBefore": "2031-01-01T00:00:00.000+0000"})
    assert refused.status_code == 400
    assert "withoutTaskDueDate" in refused.json()["message"]


def test_candidate_group_flags_are_refused_in_a_task_or_query(api, world):
    response = api.post(TASKS, {"orQueries": [{"withCandidateGroups": True}]},
                        content_type="application/json")
    assert response.status_code == 400
    assert "withCandidateGroups() within 'or' query" in response.json()["message"]


def test_a_history_deletion_batch_spares_the_excluded_instance(api, world):
    query = {"finished": True, "processInstanceIdNotIn": [world["f1"]]}
    response = api.post(f"{BASE}/history/process-instance/delete",
                        {"historicProcessInstanceQuery": query}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["totalJobs"] == 1
    run_to_end(response.json()["id"])
    remaining = HistoricProcessInstance.objects.filter(pk__in=[world["f1"], world["f2"]])
    assert list(remaining.values_list("id", flat=True)) == [world["f1"]]


def test_query_based_batches_act_only_on_what_the_historic_query_selects(api, world):
    deletion = api.post(f"{BASE}/process-instance/delete-historic-query-based", {
        "historicProcessInstanceQuery": {
            "activityIdIn": ["Task_1"],
            "orQueries": [{"processInstanceBusinessKeyLike": "B%",
                           "incidentIdIn": [world["incident"]]}]},
    }, content_type="application/json")
    assert deletion.status_code == 200, deletion.content
    assert deletion.json()["totalJobs"] == 2
    run_to_end(deletion.json()["id"])
    assert not ProcessInstance.objects.filter(pk__in=[world["a"], world["b"]]).exists()
    assert ProcessInstance.objects.filter(pk=world["child"]).exists()

    retries = api.post(f"{BASE}/process-instance/job-retries-historic-query-based", {
        "historicProcessInstanceQuery": {"withJobsRetrying": True}, "retries": 5,
    }, content_type="application/json")
    assert retries.status_code == 200, retries.content
    run_to_end(retries.json()["id"])
    assert dict(Job.objects.values_list("process_instance_id", "retries")) == {
        world["w1"]: 5, world["w2"]: 0}


def test_history_rows_of_a_called_instance_name_the_root_of_its_chain(api, world):
    child, grand = world["child"], world["grand"]
    for path in ("history/activity-instance", "history/variable-instance", "history/detail",
                 "history/identity-link-log", "history/task"):
        rows = api.get(f"{BASE}/{path}", {"processInstanceId": child}).json()
        roots = {row["rootProcessInstanceId"] for row in rows
                 if row.get("processInstanceId") == child}
        assert roots <= {grand}, path
    activities = api.get(f"{BASE}/history/activity-instance",
                         {"processInstanceId": child}).json()
    assert activities
    assert {row["rootProcessInstanceId"] for row in activities} == {grand}
    own = api.get(f"{BASE}/history/activity-instance", {"processInstanceId": world["a"]}).json()
    assert {row["rootProcessInstanceId"] for row in own} == {world["a"]}
    incident = create_incident(child, "custom", message="deep").id
    [row] = api.get(f"{BASE}/history/incident", {"incidentId": incident}).json()
    assert row["rootProcessInstanceId"] == grand
