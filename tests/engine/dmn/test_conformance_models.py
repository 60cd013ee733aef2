"""The DMN files of the Camunda conformance corpus parse and decide as Camunda decides."""

from __future__ import annotations

import pytest

from engine.dmn import evaluate_decision, map_decision_result, parse_dmn
from tests.engine.bpmn.helpers import conformance_dir

CONFORMANCE = conformance_dir()
pytestmark = pytest.mark.skipif(CONFORMANCE is None, reason="conformance models not found")


def _model(name):
    assert CONFORMANCE is not None
    path = CONFORMANCE / "models" / name
    return parse_dmn(path.read_bytes(), name)


@pytest.mark.parametrize(
    ("season", "guests", "dish"),
    [
        ("Spring", 4, "Dry Aged Gourmet Steak"),
        ("Spring", 7, "Steak"),
        ("Spring", 20, "Stew"),
        ("Fall", 3, "Spareribs"),
        ("Winter", 8, "Roastbeef"),
        ("Summer", 1, "Light Salad and a nice Steak"),
        ("Summer", 300, "Light Salad and a nice Steak"),
    ],
)
def test_dish_decision_picks_the_dish_for_season_and_guests(season, guests, dish):
    decision = _model("dish-decision.dmn").decisions[0]
    variables = {"season": season, "guestCount": guests}
    results = evaluate_decision(decision, variables.__getitem__)
    assert results == [{"desiredDish": dish}]
    assert map_decision_result(results, "singleEntry") == dish


def test_dish_decision_reads_key_name_and_history_time_to_live():
    decision = _model("dish-decision.dmn").decisions[0]
    assert (decision.id, decision.name, decision.history_time_to_live) == (
        "decision", "Dish", "P180D"
    )
    assert decision.version_tag is None
    assert decision.line == 4
    assert len(decision.table.rules) == 6


def test_dish_decision_matches_no_rule_for_a_large_fall_party():
    decision = _model("dish-decision.dmn").decisions[0]
    variables = {"season": "Fall", "guestCount": 9}
    assert evaluate_decision(decision, variables.__getitem__) == [{"desiredDish": "Stew"}]
    variables = {"season": "Autumn", "guestCount": 9}
    assert evaluate_decision(decision, variables.__getitem__) == []


def test_decision_without_inputs_returns_its_single_rule():
    definitions = _model("DmnBusinessRuleTaskTest.testDecisionOkay.dmn")
    decision = definitions.decision("testDecision")
    assert decision is not None
    results = evaluate_decision(decision, {}.__getitem__)
    assert results == [{"result": "okay"}]
    assert map_decision_result(results, "singleEntry") == "okay"
