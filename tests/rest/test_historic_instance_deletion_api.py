"""DELETE /history/process-instance/{id} and POST /history/process-instance/delete: the
history of finished instances removed on request, every table of it."""

from __future__ import annotations

import pytest

from engine.models import (
    HistoricActivityInstance,
    HistoricProcessInstance,
    HistoricTaskInstance,
    UserOperationLog,
)
from engine.services.runtime import delete_process_instance
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.batch_helpers import run_to_end, start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def instances(demo_user) -> list[str]:
    """Two finished instances of `invoice` and a running one."""
    ids = start_instances(3)
    for instance_id in ids[:2]:
        delete_process_instance(instance_id, "done")
    return ids


def history_of(instance_id):
    return (
        HistoricProcessInstance.objects.filter(pk=instance_id).exists(),
        HistoricActivityInstance.objects.filter(process_instance_id=instance_id).exists(),
        HistoricTaskInstance.objects.filter(process_instance_id=instance_id).exists(),
    )


def test_a_finished_instances_history_is_deleted_and_logged(api, instances):
    finished, other, running = instances
    assert api.delete(f"{BASE}/history/process-instance/{finished}").status_code == 204
    assert history_of(finished) == (False, False, False)
    assert history_of(other) == (True, True, True)
    assert api.get(f"{BASE}/history/process-instance/{finished}").status_code == 404
    logged = dict(UserOperationLog.objects.filter(operation_type="DeleteHistory")
                  .values_list("property", "new_value"))
    assert logged == {"nrOfInstances": "1", "async": "false"}


def test_running_instances_and_unknown_ids_are_refused(api, instances):
    running = instances[2]
    refused = api.delete(f"{BASE}/history/process-instance/{running}")
    assert refused.status_code == 400
    assert "still running" in refused.json()["message"]
    assert history_of(running)[0]
    assert api.delete(f"{BASE}/history/process-instance/nope").status_code == 404
    assert api.delete(f"{BASE}/history/process-instance/nope?failIfNotExists=false") \
        .status_code == 204


def test_deleting_history_needs_delete_history_on_the_definition(instances):
    make_user("mallory")
    grant("mallory", Resource.PROCESS_DEFINITION, "invoice", Permission.READ_HISTORY)
    mallory = basic_client("mallory")
    assert mallory.delete(f"{BASE}/history/process-instance/{instances[0]}").status_code == 403
    assert history_of(instances[0])[0]
    grant("mallory", Resource.PROCESS_DEFINITION, "*", Permission.DELETE_HISTORY)
    assert mallory.delete(f"{BASE}/history/process-instance/{instances[0]}").status_code == 204


def test_many_are_deleted_in_a_batch_and_a_running_one_fails_alone(api, instances):
    response = api.post(f"{BASE}/history/process-instance/delete", {
        "historicProcessInstanceIds": instances, "deleteReason": "GDPR request 17",
    }, content_type="application/json")
    assert response.status_code == 200, response.content
    batch = response.json()
    assert (batch["type"], batch["totalJobs"]) == ("historic-process-instance-deletion", 3)
    done = run_to_end(batch["id"])
    assert done.failed == 1  # the running one
    assert [history_of(i)[0] for i in instances] == [False, False, True]
    logged = dict(UserOperationLog.objects.filter(operation_type="DeleteHistory")
                  .values_list("property", "new_value"))
    assert logged == {"nrOfInstances": "3", "async": "true"}
    empty = api.post(f"{BASE}/history/process-instance/delete", {},
                     content_type="application/json")
    assert empty.status_code == 400
    assert "historicProcessInstanceIds is empty" in empty.json()["message"]


def test_a_historic_variable_goes_with_its_updates_and_the_rest_stays(api, demo_user):
    from engine.models import HistoricDetail, HistoricVariableInstance
    from engine.services.runtime import set_variables, start_process_instance

    start_instances(0)
    instance_id = start_process_instance(
        "invoice", variables={"iban": "DE02120300000000202051", "amount": 5}
    ).id
    set_variables(instance_id, {"iban": "DE02500105170137075030"})
    iban = HistoricVariableInstance.objects.get(name="iban")
    url = f"{BASE}/history/variable-instance/{iban.id}"
    assert api.delete(url).status_code == 204
    assert not HistoricVariableInstance.objects.filter(name="iban").exists()
    assert not HistoricDetail.objects.filter(name="iban").exists()
    assert HistoricDetail.objects.filter(name="amount").exists()
    assert api.delete(url).status_code == 404
    entry = UserOperationLog.objects.get(operation_type="DeleteHistory", entity_type="Variable")
    assert (entry.property, entry.new_value, entry.process_instance_id) == (
        "name", "iban", instance_id
    )
    every = f"{BASE}/history/process-instance/{instance_id}/variable-instances"
    assert api.delete(every).status_code == 204
    assert not HistoricVariableInstance.objects.filter(process_instance_id=instance_id).exists()
    assert not HistoricDetail.objects.filter(process_instance_id=instance_id).exists()
    assert api.delete(f"{BASE}/history/process-instance/nope/variable-instances") \
        .status_code == 404


def test_deleting_a_historic_variable_needs_delete_history(instances):
    from engine.models import HistoricVariableInstance
    from engine.services.runtime import set_variables

    set_variables(instances[2], {"secret": "x"})
    make_user("mallory")
    grant("mallory", Resource.PROCESS_DEFINITION, "invoice", Permission.READ_HISTORY)
    mallory = basic_client("mallory")
    secret = HistoricVariableInstance.objects.get(name="secret")
    assert mallory.delete(f"{BASE}/history/variable-instance/{secret.id}").status_code == 403
    assert mallory.delete(
        f"{BASE}/history/process-instance/{instances[2]}/variable-instances"
    ).status_code == 403
    assert HistoricVariableInstance.objects.filter(name="secret").exists()
