"""The POST forms of /job, /external-task and /group: the GET filters as a JSON body, sorting
as a `sorting` list, paging in the query string (Camunda's query DTOs)."""

from __future__ import annotations

import pytest

from engine.models import ExternalTask, Job
from tests.rest.batch_helpers import TIMER, WORKER, start_instances
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db


def post(client, path, body, query=""):
    return client.post(f"{BASE}/{path}{query}", body, content_type="application/json")


def test_post_job_query_filters_sorts_and_pages_as_get_does(api):
    first, second = start_instances(2, "waiter", TIMER)
    Job.objects.filter(process_instance_id=second).update(priority=9)
    body = {"timers": True, "sorting": [{"sortBy": "jobPriority", "sortOrder": "desc"}]}
    listed = post(api, "job", body).json()
    assert [job["processInstanceId"] for job in listed] == [second, first]
    assert [j["processInstanceId"] for j in post(api, "job", body, "?maxResults=1").json()] \
        == [second]
    assert post(api, "job", {"processInstanceId": first}).json()[0]["processInstanceId"] == first
    assert post(api, "job/count", {"processInstanceIds": [first, second]}).json() == {"count": 2}
    assert post(api, "job/count", {"messages": True}).json() == {"count": 0}
    assert post(api, "job/count", {}).json() == {"count": 2}


@pytest.mark.parametrize(
    "body",
    [{"timers": "yes"}, {"processInstanceIds": "a,b"}, {"sorting": [{"sortBy": "nope",
                                                                     "sortOrder": "asc"}]},
     {"timers": True, "messages": True}],
)
def test_post_job_query_refuses_what_get_refuses(api, body):
    start_instances(1, "waiter", TIMER)
    for path in ("job", "job/count"):
        response = post(api, path, body)
        assert response.status_code == 400
        assert response.json()["type"] == "InvalidRequestException"


@pytest.mark.django_db(transaction=True)  # the async views read in another thread
def test_post_external_task_query_and_count(api):
    first, second = start_instances(2, "worker", WORKER)
    ExternalTask.objects.filter(process_instance_id=first).update(priority=5)
    body = {"topicName": "work", "sorting": [{"sortBy": "taskPriority", "sortOrder": "desc"}]}
    listed = post(api, "external-task", body).json()
    assert [task["processInstanceId"] for task in listed] == [first, second]
    assert len(post(api, "external-task", body, "?firstResult=1").json()) == 1
    assert post(api, "external-task/count", {"processInstanceIdIn": [second]}).json() == {
        "count": 1
    }
    assert post(api, "external-task/count", {"topicName": "other"}).json() == {"count": 0}
    refused = post(api, "external-task/count", {"locked": "maybe"})
    assert refused.status_code == 400
    assert refused.json()["type"] == "InvalidRequestException"


def test_post_group_query_and_count(api, settings):
    from django.contrib.auth.models import Group

    Group.objects.create(name="sales")
    Group.objects.create(name="support")
    body = {"idIn": ["sales", "support"], "sorting": [{"sortBy": "id", "sortOrder": "desc"}]}
    assert [g["id"] for g in post(api, "group", body).json()] == ["support", "sales"]
    assert [g["id"] for g in post(api, "group", body, "?maxResults=1").json()] == ["support"]
    assert post(api, "group/count", {"id": "sales"}).json() == {"count": 1}
    refused = post(api, "group", {"sorting": [{"sortBy": "size", "sortOrder": "asc"}]})
    assert refused.status_code == 400
    assert refused.json()["type"] == "InvalidRequestException"
