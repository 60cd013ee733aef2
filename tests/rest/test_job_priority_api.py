"""PUT /job/{id}/priority: the order in which the job executor takes jobs."""

from __future__ import annotations

import pytest

from engine.models import Job, UserOperationLog
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.batch_helpers import TIMER, start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(demo_user) -> Job:
    start_instances(1, "waiter", TIMER)
    return Job.objects.get()


def put(client, job_id, body):
    return client.put(f"{BASE}/job/{job_id}/priority", body, content_type="application/json")


def test_the_priority_is_set_shown_and_logged(api, job):
    assert put(api, job.id, {"priority": 70}).status_code == 204
    assert api.get(f"{BASE}/job/{job.id}").json()["priority"] == 70
    entry = UserOperationLog.objects.get(operation_type="SetPriority")
    assert (entry.entity_type, entry.property, entry.org_value, entry.new_value, entry.job_id) \
        == ("Job", "priority", str(job.priority), "70", job.id)
    assert put(api, job.id, {"priority": -(2**40)}).status_code == 204  # a Java long


@pytest.mark.parametrize(
    ("body", "message"),
    [({}, "cannot be null"), ({"priority": "high"}, "whole number"),
     ({"priority": 2**63}, "whole number"), ({"priority": True}, "whole number")],
)
def test_bad_priorities_are_400_and_change_nothing(api, job, body, message):
    response = put(api, job.id, body)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert Job.objects.get(pk=job.id).priority == job.priority


def test_unknown_jobs_are_404_and_others_need_update(api, job):
    assert put(api, "nope", {"priority": 1}).status_code == 404
    make_user("mallory")
    grant("mallory", Resource.PROCESS_INSTANCE, "*", Permission.READ)
    assert put(basic_client("mallory"), job.id, {"priority": 1}).status_code == 403
    assert Job.objects.get(pk=job.id).priority == job.priority
