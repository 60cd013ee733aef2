"""Each hit policy picks, orders or aggregates the matched rules as DMN (and Camunda) says."""

from __future__ import annotations

import pytest

from engine.bpmn.errors import BpmnParseError
from engine.dmn import DecisionError, parse_dmn
from tests.engine.dmn.support import decide, table_xml

# x = 5 matches r1, r2 and r3; r4 never matches.
RULES = [
    ("r1", ["> 1"], ['"b"']),
    ("r2", ["< 10"], ['"a"']),
    ("r3", ["5"], ['"c"']),
    ("r4", ["> 100"], ['"d"']),
]


def _results(hit_policy, rules=RULES, **kwargs):
    return decide(table_xml(rules, hit_policy=hit_policy, **kwargs), x=5)


def test_unique_is_the_default_and_returns_the_one_match():
    rules = [("r1", ["< 3"], ['"low"']), ("r2", [">= 3"], ['"high"'])]
    assert decide(table_xml(rules), x=5) == [{"result": "high"}]


def test_unique_refuses_more_than_one_match_and_names_the_rules():
    with pytest.raises(DecisionError) as caught:
        _results("UNIQUE")
    message = str(caught.value)
    assert message.startswith("Decision 'd': hit policy 'UNIQUE'")
    assert "'r1', 'r2', 'r3'" in message


def test_no_match_is_an_empty_result_for_every_policy():
    rules = [("r1", ["> 100"], ['"d"'])]
    for policy in ("UNIQUE", "FIRST", "ANY", "RULE ORDER", "COLLECT"):
        assert _results(policy, rules) == []


def test_first_returns_the_first_match_in_rule_order():
    assert _results("FIRST") == [{"result": "b"}]


def test_rule_order_returns_all_matches_in_rule_order():
    assert _results("RULE ORDER") == [{"result": "b"}, {"result": "a"}, {"result": "c"}]


def test_collect_without_aggregation_returns_all_matches():
    assert _results("COLLECT") == [{"result": "b"}, {"result": "a"}, {"result": "c"}]


def test_any_returns_one_result_when_the_matches_agree():
    rules = [("r1", ["> 1"], ['"same"']), ("r2", ["< 10"], ['"same"'])]
    assert _results("ANY", rules) == [{"result": "same"}]


def test_any_refuses_matches_that_disagree():
    with pytest.raises(DecisionError, match="hit policy 'ANY' only allows multiple matching"):
        _results("ANY")


def test_priority_returns_the_match_whose_output_comes_first_in_output_values():
    assert _results("PRIORITY", output_values='"c", "a", "b"') == [{"result": "c"}]


def test_output_order_sorts_the_matches_by_output_values():
    results = _results("OUTPUT ORDER", output_values='"c", "a", "b"')
    assert results == [{"result": "c"}, {"result": "a"}, {"result": "b"}]


def test_output_order_puts_unlisted_values_last_in_rule_order():
    results = _results("OUTPUT ORDER", output_values='"a"')
    assert results == [{"result": "a"}, {"result": "b"}, {"result": "c"}]


def test_priority_without_output_values_is_refused_at_parse_time():
    with pytest.raises(BpmnParseError, match="hit policy PRIORITY needs <outputValues>"):
        parse_dmn(table_xml(RULES, hit_policy="PRIORITY"), "p.dmn")


NUMBER_RULES = [
    ("r1", ["> 1"], ["10"]),
    ("r2", ["< 10"], ["2.5"]),
    ("r3", ["5"], ["-4"]),
    ("r4", ["-"], [""]),  # matches, but its null output is left out of aggregations
]


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("SUM", 8.5), ("MIN", -4), ("MAX", 10), ("COUNT", 3)],
)
def test_collect_aggregates_the_single_output(aggregation, expected):
    results = _results("COLLECT", NUMBER_RULES, aggregation=aggregation)
    assert results == [{"result": expected}]


def test_collect_sum_of_no_match_is_no_result_and_count_is_zero():
    rules = [("r1", ["> 100"], ["1"])]
    assert _results("COLLECT", rules, aggregation="SUM") == []
    assert _results("COLLECT", rules, aggregation="COUNT") == [{"result": 0}]


def test_collect_sum_of_integers_stays_an_integer():
    rules = [("r1", ["-"], ["1"]), ("r2", ["-"], ["2"])]
    assert _results("COLLECT", rules, aggregation="SUM") == [{"result": 3}]


def test_collect_sum_refuses_values_that_are_not_numbers():
    with pytest.raises(DecisionError, match="unable to convert value 'b'"):
        _results("COLLECT", aggregation="SUM")


def test_aggregation_on_a_table_with_two_outputs_fails():
    rules = [("r1", ["-"], ["1", "2"])]
    xml = table_xml(rules, hit_policy="COLLECT", aggregation="MAX",
                    outputs=[("a", None), ("b", None)])
    with pytest.raises(DecisionError, match="compound decision output"):
        decide(xml, x=1)


def test_two_outputs_give_one_dict_per_rule_with_null_for_an_empty_entry():
    rules = [("r1", ["-"], ['"one"', ""])]
    xml = table_xml(rules, outputs=[("a", None), ("b", None)])
    assert decide(xml, x=1) == [{"a": "one", "b": None}]


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"hit_policy": "SOMETIMES"}, "unknown hitPolicy 'SOMETIMES'"),
        ({"hit_policy": "COLLECT", "aggregation": "AVG"}, "unknown aggregation 'AVG'"),
        ({"hit_policy": "FIRST", "aggregation": "SUM"}, "only allowed with hit policy COLLECT"),
    ],
)
def test_unknown_hit_policy_or_aggregation_is_a_parse_problem_on_the_table(attributes, message):
    with pytest.raises(BpmnParseError) as caught:
        parse_dmn(table_xml(RULES, **attributes), "h.dmn")
    (problem,) = caught.value.problems
    assert message in problem.message
    assert (problem.element_id, problem.line) == ("t", 3)
