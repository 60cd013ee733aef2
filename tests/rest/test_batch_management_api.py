"""`DELETE /history/batch/{id}`, and the operation log of suspending and deleting batches."""

from __future__ import annotations

import pytest

from batches.models import Batch
from engine.models import UserOperationLog
from identity.audit import verify_chain
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.batch_helpers import run_to_end, start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db


def deletion_batch(api) -> str:
    body = {"processInstanceIds": start_instances(1)}
    response = api.post(f"{BASE}/process-instance/delete", body, content_type="application/json")
    return response.json()["id"]


def batch_entries(batch_id: str) -> list[tuple[str, str | None, str | None]]:
    rows = UserOperationLog.objects.filter(batch_id=batch_id, entity_type="Batch").order_by("id")
    return [(row.operation_type, row.property, row.new_value) for row in rows]


def test_a_finished_batch_is_removed_from_history_and_the_log_says_so(api):
    batch_id = deletion_batch(api)
    run_to_end(batch_id)

    response = api.delete(f"{BASE}/history/batch/{batch_id}")

    assert response.status_code == 204
    assert api.get(f"{BASE}/history/batch/{batch_id}").status_code == 404
    assert not Batch.objects.filter(pk=batch_id).exists()
    assert batch_entries(batch_id) == [("DeleteHistory", None, None)]
    entry = api.get(f"{BASE}/history/user-operation", {"batchId": batch_id}).json()[0]
    assert (entry["entityType"], entry["batchId"], entry["userId"]) == ("Batch", batch_id, "demo")


@pytest.mark.parametrize("batch_id", ["00000000-0000-0000-0000-000000000000", "not-a-batch"])
def test_an_unknown_historic_batch_is_a_404_in_camundas_shape(api, batch_id):
    response = api.delete(f"{BASE}/history/batch/{batch_id}")
    assert response.status_code == 404
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": f"Historic batch for id '{batch_id}' cannot be found",
        "code": None,
    }


def test_a_running_batch_is_not_removed_from_history(api):
    batch_id = deletion_batch(api)
    response = api.delete(f"{BASE}/history/batch/{batch_id}")
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert Batch.objects.get(pk=batch_id).state == "running"
    assert batch_entries(batch_id) == []


def test_removing_history_needs_delete_history_on_the_batch(api, demo_user):
    batch_id = deletion_batch(api)
    run_to_end(batch_id)
    make_user("mary")
    grant("mary", Resource.BATCH, "*", Permission.READ_HISTORY)
    mary = basic_client("mary")
    assert mary.delete(f"{BASE}/history/batch/{batch_id}").status_code == 403
    assert Batch.objects.filter(pk=batch_id).exists()
    grant("mary", Resource.BATCH, batch_id, Permission.DELETE_HISTORY)
    assert mary.delete(f"{BASE}/history/batch/{batch_id}").status_code == 204


def test_suspending_activating_and_deleting_a_batch_write_camundas_log_entries(api):
    batch_id = deletion_batch(api)
    url = f"{BASE}/batch/{batch_id}/suspended"
    for suspended in (True, False):
        assert api.put(url, {"suspended": suspended},
                       content_type="application/json").status_code == 204
    assert api.delete(f"{BASE}/batch/{batch_id}").status_code == 204
    assert batch_entries(batch_id) == [
        ("SuspendBatch", "suspensionState", "suspended"),
        ("ActivateBatch", "suspensionState", "active"),
        ("Delete", "cascadeDelete", "false"),
    ]


def test_a_refused_batch_change_writes_no_log_entry(api, demo_user):
    batch_id = deletion_batch(api)
    make_user("mary")
    grant("mary", Resource.BATCH, "*", Permission.READ)
    mary = basic_client("mary")
    assert mary.put(f"{BASE}/batch/{batch_id}/suspended", {"suspended": True},
                    content_type="application/json").status_code == 403
    assert mary.delete(f"{BASE}/batch/{batch_id}").status_code == 403
    assert batch_entries(batch_id) == []
    assert Batch.objects.get(pk=batch_id).suspended is False


def test_entries_naming_a_batch_keep_the_hash_chain_whole(api):
    batch_id = deletion_batch(api)
    api.delete(f"{BASE}/batch/{batch_id}", QUERY_STRING="cascade=true")
    row = UserOperationLog.objects.get(batch_id=batch_id)
    assert verify_chain().intact
    UserOperationLog.objects.filter(pk=row.pk).update(batch_id="another")
    assert not verify_chain().intact
