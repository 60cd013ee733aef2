"""PUT /job/suspended: suspend or activate the jobs of a job definition, an instance, a
definition or a key at once (Camunda's JobSuspensionStateDto); refusals change nothing."""

from __future__ import annotations

import pytest

from engine.models import Job, UserOperationLog
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.batch_helpers import TIMER, start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def instances(demo_user) -> list[str]:
    return start_instances(2, "waiter", TIMER)


def put(client, body):
    return client.put(f"{BASE}/job/suspended", body, content_type="application/json")


def suspended() -> dict[str, bool]:
    return dict(Job.objects.values_list("process_instance_id", "suspended"))


def test_the_jobs_of_one_instance_are_suspended_and_activated(api, instances):
    first, second = instances
    assert put(api, {"processInstanceId": first, "suspended": True}).status_code == 204
    assert suspended() == {first: True, second: False}
    assert api.post(f"{BASE}/job/count", {"suspended": True},
                    content_type="application/json").json() == {"count": 1}
    entry = UserOperationLog.objects.get(operation_type="SuspendJob")
    assert (entry.entity_type, entry.property, entry.new_value, entry.process_instance_id) == (
        "Job", "suspensionState", "suspended", first)
    assert put(api, {"processInstanceId": first, "suspended": False}).status_code == 204
    assert suspended() == {first: False, second: False}
    assert UserOperationLog.objects.filter(operation_type="ActivateJob").count() == 1


@pytest.mark.parametrize("selector", ["jobDefinitionId", "processDefinitionId",
                                      "processDefinitionKey"])
def test_a_definition_selects_all_its_jobs(api, instances, selector):
    job = Job.objects.first()
    value = {"jobDefinitionId": job.job_definition_id,
             "processDefinitionId": job.process_definition_id,
             "processDefinitionKey": "waiter"}[selector]
    assert put(api, {selector: value, "suspended": True}).status_code == 204
    assert set(suspended().values()) == {True}


def test_a_key_of_another_tenant_selects_nothing(api, instances):
    body = {"processDefinitionKey": "waiter", "processDefinitionTenantId": "acme",
            "suspended": True}
    assert put(api, body).status_code == 204
    assert set(suspended().values()) == {False}


@pytest.mark.parametrize(
    ("body", "message"),
    [({"suspended": True}, "Either jobId, jobDefinitionId, processInstanceId"),
     ({"suspended": True, "processInstanceId": "a", "processDefinitionKey": "waiter"},
      "Only one of jobId, jobDefinitionId"),
     ({"suspended": True, "jobId": "x"}, "Either jobDefinitionId, processInstanceId"),
     ({"processDefinitionKey": "waiter", "suspended": "yes"}, "'suspended' must be"),
     ({"processDefinitionKey": 5, "suspended": True}, "'processDefinitionKey' must be")],
)
def test_bad_bodies_are_400_and_suspend_nothing(api, instances, body, message):
    response = put(api, body)
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert message in response.json()["message"]
    assert set(suspended().values()) == {False}
    assert not UserOperationLog.objects.filter(operation_type="SuspendJob").exists()


def test_suspending_needs_suspend_instance_on_the_definition(instances):
    make_user("mona")
    client = basic_client("mona")
    assert_forbidden(put(client, {"processDefinitionKey": "waiter", "suspended": True}), "mona")
    assert_forbidden(put(client, {"processInstanceId": instances[0], "suspended": True}), "mona")
    assert set(suspended().values()) == {False}
    grant("mona", Resource.PROCESS_DEFINITION, "waiter", Permission.SUSPEND_INSTANCE)
    assert put(client, {"processDefinitionKey": "waiter", "suspended": True}).status_code == 204
    assert set(suspended().values()) == {True}
