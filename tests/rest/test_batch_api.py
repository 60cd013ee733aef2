"""`/batch`, `/history/batch` and `POST /process-instance/delete`, as a Camunda client sees them."""

from __future__ import annotations

import time

import pytest

from batches.models import Batch
from batches.runner import _claim_chunk, _handle, _record, run_batch
from engine.models import HistoricVariableInstance, ProcessInstance
from identity.resources import Permission, Resource
from tests.identity.factories import GRANT, make_user, rule
from tests.rest.batch_helpers import LISTENING, run_to_end, start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db


def delete_async(api, **body):
    return api.post(f"{BASE}/process-instance/delete", body, content_type="application/json")


def test_a_batch_deletes_fifty_instances_and_history_shows_them_terminated_with_the_reason(api):
    start_instances(50)
    response = delete_async(
        api, processInstanceQuery={"processDefinitionKey": "invoice"}, deleteReason="cleanup"
    )
    assert response.status_code == 200, response.content
    dto = response.json()
    assert (dto["type"], dto["totalJobs"], dto["createUserId"]) == ("instance-deletion", 50, "demo")
    assert api.get(f"{BASE}/batch/count").json() == {"count": 1}

    batch = run_to_end(dto["id"])

    assert (batch.done, batch.failed) == (50, 0)
    assert api.get(f"{BASE}/process-instance/count").json() == {"count": 0}
    history = api.get(f"{BASE}/history/process-instance", {"processDefinitionKey": "invoice"})
    assert {(h["state"], h["deleteReason"]) for h in history.json()} == {
        ("EXTERNALLY_TERMINATED", "cleanup")
    }
    assert len(history.json()) == 50
    assert api.get(f"{BASE}/batch").json() == []  # a completed batch leaves the runtime
    historic = api.get(f"{BASE}/history/batch/{dto['id']}").json()
    assert historic["endTime"] is not None
    assert historic["executionStartTime"] is not None


def test_neither_ids_nor_query_is_a_camunda_400_and_creates_nothing(api):
    start_instances(1)
    for body in ({}, {"processInstanceQuery": {"processDefinitionKey": "nothing-here"}}):
        response = delete_async(api, **body)
        assert response.status_code == 400
        assert response.json() == {
            "type": "InvalidRequestException", "message": "processInstanceIds is empty",
            "code": None,
        }
    assert not Batch.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"processInstanceIds": "abc"},
        {"processInstanceIds": ["a"], "failIfNotExists": "yes"},
        {"processInstanceIds": ["a"], "deleteReason": 5},
        {"processInstanceQuery": {"suspended": "maybe"}},
        {"processInstanceQuery": ["not", "an", "object"]},
    ],
)
def test_malformed_delete_bodies_are_refused_and_change_nothing(api, body):
    ids = start_instances(1)
    response = delete_async(api, **body)
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert not Batch.objects.exists()
    assert ProcessInstance.objects.filter(pk=ids[0]).exists()


def test_creating_a_batch_needs_create_on_batch(demo_user):
    ids = start_instances(2)
    make_user("mary")
    rule(GRANT, Resource.PROCESS_DEFINITION, "invoice", Permission.READ_INSTANCE,
         Permission.DELETE_INSTANCE, user="mary")
    response = delete_async(basic_client("mary"), processInstanceIds=ids)
    assert response.status_code == 403
    body = response.json()
    assert (body["type"], body["userId"]) == ("AuthorizationException", "mary")
    assert body["missingAuthorizations"][0]["resourceName"] == "Batch"
    assert not Batch.objects.exists()


def test_instances_the_creator_may_not_delete_are_recorded_as_failures(demo_user):
    ids = start_instances(3)
    make_user("mary")
    grant("mary", Resource.BATCH, "*", Permission.CREATE)
    mary = basic_client("mary")
    dto = delete_async(mary, processInstanceIds=ids, deleteReason="x").json()

    batch = run_to_end(dto["id"])

    assert (batch.done, batch.failed) == (0, 3)
    assert "DELETE" in batch.failures[0]["message"]
    assert ProcessInstance.objects.filter(pk__in=ids).count() == 3
    statistics = mary.get(f"{BASE}/history/batch/{dto['id']}")
    assert statistics.status_code == 200  # the creator reads its own batch


def test_failures_show_in_the_statistics_and_missing_instances_can_be_skipped(api):
    ids = start_instances(2)
    failing = delete_async(api, processInstanceIds=[*ids, "gone"]).json()
    run_batch(failing["id"])
    skipping = delete_async(api, processInstanceIds=["gone"], failIfNotExists=False).json()
    run_batch(skipping["id"])
    stats = {s["id"]: s for s in api.get(f"{BASE}/history/batch").json()}
    assert set(stats) == {failing["id"], skipping["id"]}
    assert Batch.objects.get(pk=failing["id"]).failures == [
        {"target": "gone", "message": "No process instance found for id 'gone'"}
    ]
    assert Batch.objects.get(pk=skipping["id"]).failed == 0


def test_a_suspended_batch_stops_and_resumes_where_it_stopped_when_activated(api):
    ids = start_instances(45)
    dto = delete_async(api, processInstanceIds=ids).json()
    # A runner is in the middle of its first chunk when the batch is suspended.
    batch, chunk = _claim_chunk(dto["id"], "runner-1")
    suspend = api.put(f"{BASE}/batch/{dto['id']}/suspended", {"suspended": True},
                      content_type="application/json")
    assert suspend.status_code == 204
    _record(dto["id"], "runner-1", len(chunk), *_handle(batch, chunk, None))
    assert run_batch(dto["id"], "runner-1") is None  # it lets go instead of going on
    assert ProcessInstance.objects.count() == 25
    listed = api.get(f"{BASE}/batch", {"suspended": "true"}).json()
    assert [(b["id"], b["suspended"]) for b in listed] == [(dto["id"], True)]
    stats = api.get(f"{BASE}/batch/statistics").json()[0]
    assert (stats["completedJobs"], stats["remainingJobs"], stats["failedJobs"]) == (20, 25, 0)

    activate = api.put(f"{BASE}/batch/{dto['id']}/suspended", {"suspended": False},
                       content_type="application/json")
    assert activate.status_code == 204
    assert run_to_end(dto["id"]).done == 45
    assert ProcessInstance.objects.count() == 0


def test_deleting_a_running_batch_stops_it_and_keeps_its_history(api):
    ids = start_instances(30)
    dto = delete_async(api, processInstanceIds=ids).json()
    batch, chunk = _claim_chunk(dto["id"], "runner-1")
    _record(dto["id"], "runner-1", len(chunk), *_handle(batch, chunk, None))

    assert api.delete(f"{BASE}/batch/{dto['id']}").status_code == 204

    assert run_batch(dto["id"], "runner-1") is None
    assert ProcessInstance.objects.count() == 10
    assert api.get(f"{BASE}/batch/{dto['id']}").status_code == 404
    historic = api.get(f"{BASE}/history/batch/{dto['id']}").json()
    assert historic["endTime"] is not None
    assert api.delete(f"{BASE}/batch/{dto['id']}", QUERY_STRING="cascade=true").status_code == 204
    assert api.get(f"{BASE}/history/batch/{dto['id']}").status_code == 404


def test_batch_lists_filter_sort_and_count(api):
    ids = start_instances(2)
    first = delete_async(api, processInstanceIds=ids[:1]).json()
    second = delete_async(api, processInstanceIds=ids[1:]).json()
    listed = api.get(f"{BASE}/batch", {"sortBy": "batchId", "sortOrder": "desc"}).json()
    assert [b["id"] for b in listed] == sorted([first["id"], second["id"]], reverse=True)
    assert list(listed[0]) == list(first)  # every BatchDto field, in Camunda's order
    one = api.get(f"{BASE}/batch", {"batchId": first["id"], "type": "instance-deletion"})
    assert [b["id"] for b in one.json()] == [first["id"]]
    assert api.get(f"{BASE}/batch/count", {"type": "set-job-retries"}).json() == {"count": 0}
    assert api.get(f"{BASE}/batch/count", {"tenantIdIn": "acme"}).json() == {"count": 0}
    assert api.get(f"{BASE}/batch/statistics/count").json() == {"count": 2}
    assert api.get(f"{BASE}/history/batch/count", {"completed": "false"}).json() == {"count": 2}
    assert api.get(f"{BASE}/batch/{first['id']}").json() == first


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "batch?sortBy=type&sortOrder=asc", 400),
        ("get", "batch?suspended=perhaps", 400),
        ("get", "batch/not-a-batch", 404),
        ("get", "batch/00000000-0000-0000-0000-000000000000", 404),
        ("delete", "batch/00000000-0000-0000-0000-000000000000", 404),
        ("get", "history/batch/not-a-batch", 404),
    ],
)
def test_bad_batch_requests_answer_camunda_errors(api, method, path, status):
    response = getattr(api, method)(f"{BASE}/{path}")
    assert response.status_code == status
    assert response.json()["type"] == "InvalidRequestException"


def test_suspension_needs_a_boolean_and_update_on_the_batch(api, demo_user):
    ids = start_instances(1)
    dto = delete_async(api, processInstanceIds=ids).json()
    url = f"{BASE}/batch/{dto['id']}/suspended"
    bad = api.put(url, {"suspended": "yes"}, content_type="application/json")
    assert bad.status_code == 400
    make_user("mary")
    grant("mary", Resource.BATCH, "*", Permission.READ)
    refused = basic_client("mary").put(url, {"suspended": True}, content_type="application/json")
    assert refused.status_code == 403
    assert basic_client("mary").delete(f"{BASE}/batch/{dto['id']}").status_code == 403
    assert Batch.objects.get(pk=dto["id"]).suspended is False


def test_other_users_see_only_batches_they_may_read(api, demo_user):
    dto = delete_async(api, processInstanceIds=start_instances(1)).json()
    make_user("mary")
    mary = basic_client("mary")
    assert mary.get(f"{BASE}/batch").json() == []
    assert mary.get(f"{BASE}/batch/{dto['id']}").status_code == 403
    grant("mary", Resource.BATCH, dto["id"], Permission.READ)
    assert [b["id"] for b in mary.get(f"{BASE}/batch").json()] == [dto["id"]]


def test_skip_custom_listeners_keeps_the_end_listeners_from_running(api):
    skipped, heard = start_instances(2, "listening", LISTENING)
    for instance_id, skip in ((skipped, True), (heard, False)):
        dto = delete_async(api, processInstanceIds=[instance_id], skipCustomListeners=skip)
        assert run_to_end(dto.json()["id"]).done == 1
    ran = HistoricVariableInstance.objects.filter(name="cleanedUp")
    assert list(ran.values_list("process_instance_id", flat=True)) == [heard]


def test_the_single_delete_honours_skip_custom_listeners_too(api):
    skipped, heard = start_instances(2, "listening", LISTENING)
    url = f"{BASE}/process-instance/{skipped}"
    assert api.delete(url, QUERY_STRING="skipCustomListeners=true").status_code == 204
    assert api.delete(f"{BASE}/process-instance/{heard}").status_code == 204
    ran = HistoricVariableInstance.objects.filter(name="cleanedUp")
    assert list(ran.values_list("process_instance_id", flat=True)) == [heard]


def test_a_batch_suspends_and_activates_the_instances_a_query_finds(api):
    start_instances(3)
    url = f"{BASE}/process-instance/suspended-async"
    query = {"processDefinitionKey": "invoice"}
    suspend = api.post(url, {"processInstanceQuery": query, "suspended": True},
                       content_type="application/json")
    assert suspend.json()["type"] == "instance-update-suspension-state"
    assert run_to_end(suspend.json()["id"]).done == 3
    assert api.get(f"{BASE}/process-instance/count", {"suspended": "true"}).json()["count"] == 3
    activate = api.post(url, {"processInstanceQuery": query, "suspended": False},
                        content_type="application/json")
    assert run_to_end(activate.json()["id"]).done == 3
    assert api.get(f"{BASE}/process-instance/count", {"active": "true"}).json()["count"] == 3


def test_suspension_batches_need_a_boolean_and_targets(api):
    ids = start_instances(1)
    url = f"{BASE}/process-instance/suspended-async"
    for body, message in (
        ({"processInstanceIds": ids}, "'suspended' must be true or false"),
        ({"suspended": True}, "processInstanceIds is empty"),
    ):
        response = api.post(url, body, content_type="application/json")
        assert response.status_code == 400
        assert response.json() == {"type": "InvalidRequestException", "message": message,
                                   "code": None}
    assert not Batch.objects.exists()


def test_a_batch_sets_variables_on_many_instances(api):
    ids = start_instances(3)
    body = {"processInstanceIds": ids, "variables": {"checked": {"value": 7, "type": "Long"}}}
    dto = api.post(f"{BASE}/process-instance/variables-async", body,
                   content_type="application/json").json()
    assert dto["type"] == "variables"
    assert run_to_end(dto["id"]).done == 3
    for instance_id in ids:
        value = api.get(f"{BASE}/process-instance/{instance_id}/variables/checked").json()
        assert (value["value"], value["type"]) == (7, "Long")


@pytest.mark.parametrize(
    "variables", [None, {}, {"x": {"value": "abc", "type": "Integer"}}, {"x": "plain"}]
)
def test_a_variables_batch_needs_readable_variables(api, variables):
    ids = start_instances(1)
    response = api.post(f"{BASE}/process-instance/variables-async",
                        {"processInstanceIds": ids, "variables": variables},
                        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert not Batch.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_embedded_runner_thread_works_the_batch_off_after_the_request(api, settings):
    """No runner called by the test: the request's commit starts the thread, as `make run`."""
    settings.LEGATO_JOB_EXECUTOR_IN_PROCESS = True
    start_instances(5)
    dto = delete_async(api, processInstanceQuery={}, deleteReason="embedded").json()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not Batch.objects.get(pk=dto["id"]).finished:
        time.sleep(0.1)
    assert Batch.objects.get(pk=dto["id"]).done == 5
    assert api.get(f"{BASE}/process-instance/count").json() == {"count": 0}


def test_batch_history_needs_read_history_on_the_batch(api, demo_user):
    dto = delete_async(api, processInstanceIds=start_instances(1)).json()
    make_user("mary")
    grant("mary", Resource.BATCH, "*", Permission.READ)
    mary = basic_client("mary")
    assert mary.get(f"{BASE}/history/batch/count").json() == {"count": 0}
    assert mary.get(f"{BASE}/history/batch/{dto['id']}").status_code == 403
    grant("mary", Resource.BATCH, dto["id"], Permission.READ_HISTORY)
    assert mary.get(f"{BASE}/history/batch/count").json() == {"count": 1}
