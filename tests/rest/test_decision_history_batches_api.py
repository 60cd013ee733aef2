"""POST /history/decision-instance/delete and /set-removal-time: historic decision instances
deleted or given a removal time in a batch; the history cleanup honours the removal time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.models import DecisionDefinition, HistoricDecisionInstance, UserOperationLog
from engine.services import ResourceInput, deploy
from engine.services.decisions import evaluate_decision_definition
from identity.cleanup import cleanup_history
from identity.resources import Permission, Resource
from tests.cockpit.test_decision_requirements_page import WINTER_WEEKEND
from tests.engine.test_decision_requirements import DINNER_DRD
from tests.identity.factories import make_user
from tests.rest.batch_helpers import run_to_end
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def roots(demo_user) -> list[str]:
    """Two evaluations of `menu` over REST, each with the four decisions it required."""
    deploy([ResourceInput("dinner.dmn", DINNER_DRD)])
    menu = DecisionDefinition.objects.get(key="menu")
    for _ in range(2):
        evaluate_decision_definition(menu, WINTER_WEEKEND, user_id=None)
    return list(HistoricDecisionInstance.objects.filter(root_decision_instance_id=None)
                .order_by("evaluation_time").values_list("id", flat=True))


def post(client, action, body):
    return client.post(f"{BASE}/history/decision-instance/{action}", body,
                       content_type="application/json")


def test_a_root_goes_with_the_decisions_it_required_in_a_batch(api, roots):
    assert HistoricDecisionInstance.objects.count() == 10
    batch = post(api, "delete", {"historicDecisionInstanceIds": roots[:1]}).json()
    assert batch["type"] == "historic-decision-instance-deletion"
    assert run_to_end(batch["id"]).failed == 0
    assert HistoricDecisionInstance.objects.count() == 5
    assert not HistoricDecisionInstance.objects.filter(root_decision_instance_id=roots[0]) \
        .exists()
    entry = UserOperationLog.objects.get(operation_type="DeleteHistory", property="nrOfInstances")
    assert (entry.entity_type, entry.new_value) == ("DecisionInstance", "1")
    query = {"historicDecisionInstanceQuery": {"decisionDefinitionKey": "menu"}}
    found = post(api, "delete", query)
    assert found.json()["totalJobs"] == 1


def test_a_removal_time_is_set_hierarchically_and_the_cleanup_honours_it(api, roots):
    batch = post(api, "set-removal-time", {
        "historicDecisionInstanceIds": roots[:1], "hierarchical": True,
        "absoluteRemovalTime": "2026-01-01T00:00:00.000+0000",
    }).json()
    assert batch["type"] == "decision-set-removal-time"
    run_to_end(batch["id"])
    hierarchy = HistoricDecisionInstance.objects.filter(root_decision_instance_id=roots[0])
    assert set(hierarchy.values_list("removal_time", flat=True)) == {
        datetime(2026, 1, 1, tzinfo=UTC)
    }
    cleanup_history(datetime(2026, 1, 2, tzinfo=UTC), ignore_window=True)
    assert list(HistoricDecisionInstance.objects.filter(root_decision_instance_id=None)
                .values_list("id", flat=True)) == roots[1:]


def test_calculated_is_evaluation_plus_the_decisions_time_to_live(api, roots):
    DecisionDefinition.objects.filter(key="menu").update(history_time_to_live=7)
    batch = post(api, "set-removal-time", {"historicDecisionInstanceIds": roots[1:],
                                           "calculatedRemovalTime": True}).json()
    run_to_end(batch["id"])
    root = HistoricDecisionInstance.objects.get(pk=roots[1])
    assert root.removal_time == root.evaluation_time + timedelta(days=7)


def test_deleting_needs_delete_history_on_the_decision(roots):
    make_user("mallory")
    grant("mallory", Resource.BATCH, "*", Permission.CREATE)
    mallory = basic_client("mallory")
    batch = post(mallory, "delete", {"historicDecisionInstanceIds": roots}).json()
    assert run_to_end(batch["id"]).failed == 2
    assert HistoricDecisionInstance.objects.count() == 10
