"""GET /history/decision-requirements-definition/{id}/statistics: per decision of a DRD, how
often it was evaluated, optionally within one evaluation (Camunda's getDecisionStatistics)."""

from __future__ import annotations

import pytest

from engine.models import HistoricDecisionInstance
from engine.services import ResourceInput, deploy
from tests.engine.test_decision_requirements import DINNER_DRD
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db
VARIABLES = {"temperature": {"value": 20, "type": "Integer"},
             "dayType": {"value": "Weekday", "type": "String"},
             "guestsWithChildren": {"value": False, "type": "Boolean"}}


@pytest.fixture
def drd_id(demo_user) -> str:
    result = deploy([ResourceInput("dinner.dmn", DINNER_DRD)])
    return result.decision_definitions[0].decision_requirements_definition.id


def evaluate(api, key: str = "menu") -> None:
    response = api.post(f"{BASE}/decision-definition/key/{key}/evaluate",
                        {"variables": VARIABLES}, content_type="application/json")
    assert response.status_code == 200, response.content


def url(drd_id: str) -> str:
    return f"{BASE}/history/decision-requirements-definition/{drd_id}/statistics"


def test_each_decision_counts_its_evaluations(api, drd_id):
    evaluate(api)
    evaluate(api)
    evaluate(api, "season")
    response = api.get(url(drd_id))
    assert response.status_code == 200
    counts = {row["decisionDefinitionKey"]: row["evaluations"] for row in response.json()}
    assert counts == {"season": 3, "guestCount": 2, "dish": 2, "beverages": 2, "menu": 2}


def test_one_evaluation_counts_itself_and_the_decisions_it_required(api, drd_id):
    evaluate(api)
    evaluate(api)
    root = HistoricDecisionInstance.objects.filter(
        decision_definition_key="menu").order_by("evaluation_time", "id").first()
    rows = api.get(url(drd_id), {"decisionInstanceId": root.id}).json()
    assert sorted((r["decisionDefinitionKey"], r["evaluations"]) for r in rows) == sorted(
        [(key, 1) for key in ("season", "guestCount", "dish", "beverages", "menu")])


def test_an_unknown_drd_or_evaluation_counts_nothing(api, drd_id):
    evaluate(api)
    assert api.get(url("nope")).json() == []
    assert api.get(url(drd_id), {"decisionInstanceId": "nope"}).json() == []
