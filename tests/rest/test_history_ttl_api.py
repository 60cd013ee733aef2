"""PUT /process-definition/{id}/history-time-to-live and the decision definition's: how long
history of the definition's instances is kept, as the history cleanup reads it."""

from __future__ import annotations

import pytest

from engine.models import DecisionDefinition, ProcessDefinition, UserOperationLog
from engine.services import ResourceInput, deploy
from identity.resources import Permission, Resource
from tests.engine.test_decisions import DISH
from tests.factories import one_task_bpmn
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def definitions(demo_user) -> tuple[ProcessDefinition, DecisionDefinition]:
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice")),
            ResourceInput("dish.dmn", DISH)])
    return ProcessDefinition.objects.get(key="invoice"), DecisionDefinition.objects.get()


def put(client, path, value):
    return client.put(f"{BASE}/{path}/history-time-to-live", {"historyTimeToLive": value},
                      content_type="application/json")


def test_set_by_id_and_by_key_shows_in_the_dto_and_is_logged(api, definitions):
    process, decision = definitions
    assert put(api, f"process-definition/{process.id}", 30).status_code == 204
    assert api.get(f"{BASE}/process-definition/{process.id}").json()["historyTimeToLive"] == 30
    assert put(api, "process-definition/key/invoice", None).status_code == 204
    assert ProcessDefinition.objects.get(pk=process.id).history_time_to_live is None
    logged = list(
        UserOperationLog.objects.filter(operation_type="UpdateHistoryTimeToLive")
        .order_by("id").values_list("entity_type", "org_value", "new_value")
    )
    assert logged == [("ProcessDefinition", None, "30"), ("ProcessDefinition", "30", None)]

    assert put(api, f"decision-definition/{decision.id}", 7).status_code == 204
    assert put(api, f"decision-definition/key/{decision.key}", 8).status_code == 204
    assert api.get(f"{BASE}/decision-definition/{decision.id}").json()["historyTimeToLive"] == 8


@pytest.mark.parametrize("value", [-1, "ten", 1.5, True, 2**31])
def test_a_bad_value_is_400_and_changes_nothing(api, definitions, value):
    process = definitions[0]
    response = put(api, f"process-definition/{process.id}", value)
    assert response.status_code == 400
    assert "historyTimeToLive" in response.json()["message"]
    assert ProcessDefinition.objects.get(pk=process.id).history_time_to_live is None


def test_unknown_definitions_are_404(api, definitions):
    assert put(api, "process-definition/nope:1:x", 5).status_code == 404
    assert put(api, "decision-definition/key/nope", 5).status_code == 404


def test_changing_it_needs_update_on_the_definition(definitions):
    make_user("mallory")
    mallory = basic_client("mallory")
    assert_forbidden(put(mallory, "process-definition/key/invoice", 5), "mallory")
    grant("mallory", Resource.PROCESS_DEFINITION, "invoice", Permission.UPDATE)
    assert put(mallory, "process-definition/key/invoice", 5).status_code == 204
