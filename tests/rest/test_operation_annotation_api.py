"""PUT /history/user-operation/{operationId}/set-annotation and /clear-annotation: why an
operator did something, added afterwards without breaking the hash chain."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from engine.models import UserOperationLog
from engine.services.runtime import delete_process_instance
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.batch_helpers import start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def operation_id(demo_user) -> str:
    [instance_id] = start_instances(1)
    delete_process_instance(instance_id, "duplicate order", user_id="demo")
    return UserOperationLog.objects.get(operation_type="Delete").operation_id


def put(client, operation_id, action, body=None):
    return client.put(f"{BASE}/history/user-operation/{operation_id}/{action}", body or {},
                      content_type="application/json")


def test_an_operation_is_annotated_and_cleared_and_the_chain_stays_intact(api, operation_id,
                                                                          capsys):
    reason = {"annotation": "Customer called: order placed twice"}
    assert put(api, operation_id, "set-annotation", reason).status_code == 204
    listed = api.get(f"{BASE}/history/user-operation", {"operationId": operation_id}).json()
    assert {e["annotation"] for e in listed} == {"Customer called: order placed twice"}
    logged = UserOperationLog.objects.get(operation_type="SetAnnotation")
    assert (logged.entity_type, logged.property, logged.new_value) == (
        "OperationLog", "operationId", operation_id
    )
    assert put(api, operation_id, "clear-annotation").status_code == 204
    assert set(UserOperationLog.objects.filter(operation_id=operation_id)
               .values_list("annotation", flat=True)) == {None}
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_bad_requests_are_400_and_others_need_update_history(api, operation_id):
    assert put(api, operation_id, "set-annotation", {"annotation": 5}).status_code == 400
    assert put(api, "nope", "clear-annotation").status_code == 400
    assert put(api, operation_id, "change-annotation").status_code == 404
    make_user("mallory")
    grant("mallory", Resource.PROCESS_DEFINITION, "invoice", Permission.READ_HISTORY)
    mallory = basic_client("mallory")
    assert put(mallory, operation_id, "set-annotation", {"annotation": "x"}).status_code == 403
    grant("mallory", Resource.PROCESS_DEFINITION, "*", Permission.UPDATE_HISTORY)
    assert put(mallory, operation_id, "set-annotation", {"annotation": "x"}).status_code == 204
