"""POST /external-task/{id}/lock (Camunda 7.21): a worker locks one task by id; a live lock of
another worker, a bad body, an unknown or a suspended task refuse it and change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engine.models import ExternalTask
from tests.identity.factories import make_user
from tests.rest.batch_helpers import WORKER, start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client

# The async views read in another thread: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def task(demo_user) -> ExternalTask:
    start_instances(1, "worker", WORKER)
    return ExternalTask.objects.get()


def lock(client, task_id, body):
    return client.post(f"{BASE}/external-task/{task_id}/lock", body,
                       content_type="application/json")


def test_an_unlocked_task_is_locked_for_the_worker(api, task):
    before = timezone.now()
    assert lock(api, task.id, {"workerId": "w1", "lockDuration": 60_000}).status_code == 204
    row = ExternalTask.objects.get(pk=task.id)
    assert row.worker_id == "w1"
    assert before + timedelta(seconds=59) < row.lock_expiration_time
    assert row.lock_expiration_time < timezone.now() + timedelta(seconds=61)
    dto = api.get(f"{BASE}/external-task/{task.id}").json()
    assert dto["workerId"] == "w1"
    assert dto["lockExpirationTime"] is not None


def test_a_live_lock_of_another_worker_is_refused_an_expired_one_taken(api, task):
    expires = timezone.now() + timedelta(minutes=5)
    ExternalTask.objects.filter(pk=task.id).update(worker_id="w1", lock_expiration_time=expires)
    refused = lock(api, task.id, {"workerId": "w2", "lockDuration": 1000})
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        f"External Task {task.id} cannot be locked by worker 'w2'. It is locked by worker 'w1'."
    )
    row = ExternalTask.objects.get(pk=task.id)
    assert (row.worker_id, row.lock_expiration_time) == ("w1", expires)
    # the holder renews its own lock
    assert lock(api, task.id, {"workerId": "w1", "lockDuration": 1000}).status_code == 204
    expired = timezone.now() - timedelta(seconds=1)
    ExternalTask.objects.filter(pk=task.id).update(lock_expiration_time=expired)
    assert lock(api, task.id, {"workerId": "w2", "lockDuration": 1000}).status_code == 204
    assert ExternalTask.objects.get(pk=task.id).worker_id == "w2"


@pytest.mark.parametrize(
    ("body", "message"),
    [({"lockDuration": 1000}, "workerId is null"),
     ({"workerId": "w1", "lockDuration": 0}, "lockDuration is not greater than 0"),
     ({"workerId": "w1"}, "lockDuration is not greater than 0"),
     ({"workerId": "w1", "lockDuration": "soon"}, "'lockDuration' must be an integer")],
)
def test_a_bad_body_is_a_400_and_locks_nothing(api, task, body, message):
    response = lock(api, task.id, body)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert ExternalTask.objects.get(pk=task.id).worker_id is None


def test_unknown_suspended_and_forbidden_tasks_are_refused(api, task):
    unknown = lock(api, "nope", {"workerId": "w1", "lockDuration": 1000})
    assert unknown.status_code == 404
    assert unknown.json() == {"type": "InvalidRequestException",
                              "message": "External task with id nope does not exist", "code": None}
    make_user("mallory")
    denied = lock(basic_client("mallory"), task.id, {"workerId": "w1", "lockDuration": 1000})
    assert denied.status_code == 403
    ExternalTask.objects.filter(pk=task.id).update(suspended=True)
    suspended = lock(api, task.id, {"workerId": "w1", "lockDuration": 1000})
    assert suspended.status_code == 500  # as completing a suspended task (Camunda's wording)
    assert suspended.json()["message"] == f"ExternalTask with id '{task.id}' is suspended"
    assert ExternalTask.objects.get(pk=task.id).worker_id is None
