"""The Batches pages' suspend, activate, delete and remove-from-history buttons."""

import pytest
from django.urls import reverse

from batches.models import Batch, BatchState, BatchType
from batches.runner import create_batch, run_batch
from engine.models import UserOperationLog
from engine.services.runtime import start_process_instance
from identity.models import Authorization
from identity.resources import Permission, Resource
from tests.cockpit.conftest import deploy_key, grant

pytestmark = pytest.mark.django_db


def deletion_batch(creator, count: int = 2) -> Batch:
    deploy_key("invoice")
    ids = [start_process_instance("invoice").id for _ in range(count)]
    return create_batch(BatchType.INSTANCE_DELETION, ids, creator, options={})


def logged(batch: Batch) -> list[tuple[str, str | None, str | None, str | None]]:
    rows = UserOperationLog.objects.filter(batch_id=str(batch.id)).order_by("id")
    return [(r.operation_type, r.property, r.new_value, r.user_id) for r in rows]


def test_the_batch_page_offers_suspend_and_delete_to_whoever_may(user_client, demo_user):
    batch = deletion_batch(demo_user)
    page = user_client.get(reverse("cockpit:batch", args=[batch.id])).content.decode()
    assert 'data-testid="batch-suspend"' in page
    assert 'data-testid="batch-delete"' in page
    assert "Also remove it from history" in page
    listing = user_client.get(reverse("cockpit:batches")).content.decode()
    assert 'data-testid="batch-suspend"' in listing


def test_suspending_and_activating_go_through_the_service_and_are_logged(user_client, demo_user):
    batch = deletion_batch(demo_user)
    url = reverse("cockpit:batch-suspension", args=[batch.id])
    response = user_client.post(url, {"action": "suspend"})
    assert response.url == reverse("cockpit:batch", args=[batch.id])
    assert Batch.objects.get(pk=batch.id).suspended is True
    page = user_client.get(response.url).content.decode()
    assert 'data-testid="batch-activate"' in page
    user_client.post(url, {"action": "activate", "from": "list"})
    assert Batch.objects.get(pk=batch.id).suspended is False
    assert logged(batch) == [
        ("SuspendBatch", "suspensionState", "suspended", "demo"),
        ("ActivateBatch", "suspensionState", "active", "demo"),
    ]


def test_deleting_needs_the_confirmation(user_client, demo_user):
    batch = deletion_batch(demo_user)
    response = user_client.post(reverse("cockpit:batch-delete", args=[batch.id]), follow=True)
    assert "confirm the deletion first" in response.content.decode()
    assert Batch.objects.get(pk=batch.id).state == BatchState.RUNNING
    assert logged(batch) == []


def test_deleting_a_running_batch_keeps_its_history_unless_cascade(user_client, demo_user):
    kept, gone = deletion_batch(demo_user), deletion_batch(demo_user)
    response = user_client.post(reverse("cockpit:batch-delete", args=[kept.id]),
                                {"confirm": "yes"})
    assert response.url == reverse("cockpit:batch", args=[kept.id])
    assert Batch.objects.get(pk=kept.id).state == BatchState.DELETED
    response = user_client.post(reverse("cockpit:batch-delete", args=[gone.id]),
                                {"confirm": "yes", "cascade": "yes"})
    assert response.url == reverse("cockpit:batches")
    assert not Batch.objects.filter(pk=gone.id).exists()
    assert logged(kept) == [("Delete", "cascadeDelete", "false", "demo")]
    assert logged(gone) == [("Delete", "cascadeDelete", "true", "demo")]


def test_a_finished_batch_is_removed_from_history(user_client, demo_user):
    batch = deletion_batch(demo_user)
    run_batch(batch.id)
    page = user_client.get(reverse("cockpit:batch", args=[batch.id])).content.decode()
    assert 'data-testid="batch-remove"' in page
    assert 'data-testid="batch-suspend"' not in page
    response = user_client.post(reverse("cockpit:batch-delete", args=[batch.id]),
                                {"confirm": "yes"})
    assert response.url == reverse("cockpit:batches")
    assert not Batch.objects.filter(pk=batch.id).exists()
    assert logged(batch) == [("DeleteHistory", None, None, "demo")]


def test_a_reader_sees_no_buttons_and_is_refused_as_rest_refuses(client, operator, demo_user):
    batch = deletion_batch(demo_user)
    grant(operator, Resource.BATCH, str(batch.id), Permission.READ)
    client.force_login(operator)
    page = client.get(reverse("cockpit:batch", args=[batch.id])).content.decode()
    assert 'data-testid="batch-suspend"' not in page
    assert 'data-testid="batch-delete"' not in page
    suspend = client.post(reverse("cockpit:batch-suspension", args=[batch.id]),
                          {"action": "suspend"})
    delete = client.post(reverse("cockpit:batch-delete", args=[batch.id]),
                         {"confirm": "yes", "cascade": "yes"})
    assert (suspend.status_code, delete.status_code) == (403, 403)
    assert Batch.objects.get(pk=batch.id).suspended is False
    assert logged(batch) == []
    Authorization.objects.filter(user_id="operator", resource_type=Resource.BATCH).delete()
    grant(operator, Resource.BATCH, str(batch.id), Permission.READ, Permission.UPDATE)
    page = client.get(reverse("cockpit:batch", args=[batch.id])).content.decode()
    assert 'data-testid="batch-suspend"' in page
    assert 'data-testid="batch-delete"' not in page
