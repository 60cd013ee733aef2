"""camunda:mapDecisionResult modes and the errors Camunda raises for results that do not fit."""

from __future__ import annotations

import pytest

from engine.dmn import DecisionError, map_decision_result

ONE = [{"dish": "Steak"}]
TWO = [{"dish": "Steak"}, {"dish": "Stew"}]
WIDE = [{"dish": "Steak", "drink": "Wine"}]


@pytest.mark.parametrize(
    ("results", "mode", "expected"),
    [
        ([], "singleEntry", None),
        (ONE, "singleEntry", "Steak"),
        ([{"dish": None}], "singleEntry", None),
        ([], "singleResult", None),
        (ONE, "singleResult", {"dish": "Steak"}),
        (WIDE, "singleResult", {"dish": "Steak", "drink": "Wine"}),
        ([], "collectEntries", []),
        (TWO, "collectEntries", ["Steak", "Stew"]),
        ([], "resultList", []),
        (TWO + WIDE, "resultList", TWO + WIDE),
    ],
)
def test_each_mode_shapes_the_result(results, mode, expected):
    assert map_decision_result(results, mode) == expected


@pytest.mark.parametrize(
    ("results", "mode", "message"),
    [
        (TWO, "singleEntry", "more than one rule in the result"),
        (WIDE, "singleEntry", "one output name but found ['dish', 'drink']"),
        (TWO, "singleResult", "more than one rule in the result"),
        (ONE + WIDE, "collectEntries", "one output name but found ['dish', 'drink']"),
        (ONE, "firstEntry", "unknown decision result mapper 'firstEntry'"),
    ],
)
def test_results_that_do_not_fit_the_mode_raise_a_decision_error(results, mode, message):
    with pytest.raises(DecisionError) as caught:
        map_decision_result(results, mode)
    assert message in str(caught.value)


def test_result_list_is_a_copy():
    results = list(ONE)
    assert map_decision_result(results, "resultList") is not results
