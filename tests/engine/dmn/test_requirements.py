"""Decision requirements graphs and literal expressions, parsed and evaluated as Camunda 7's
DMN engine does: required decisions first, each once, their outputs as variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.bpmn.errors import BpmnParseError
from engine.dmn import DecisionError, evaluate_decision, evaluate_graph, parse_dmn
from engine.dmn.parser import DMN11_NS, DMN13_NS
from tests.engine.dmn.support import NOW

DINNER = (Path(__file__).parents[2] / "fixtures" / "dmn" / "dinner_decisions.dmn").read_bytes()
WINTER_WEEKEND = {"temperature": 5, "dayType": "Weekend", "guestsWithChildren": True}


def _file(body: str, namespace: str = DMN13_NS) -> bytes:
    return (f'<definitions xmlns="{namespace}" id="drd" name="DRD" namespace="http://x">\n'
            f"{body}\n</definitions>").encode()


def _table(decision_id: str, expression: str, output: str, entry: str,
           requires: tuple[str, ...] = (), hit_policy: str = "UNIQUE") -> str:
    required = "".join(f'<informationRequirement id="{decision_id}_{r}">'
                       f'<requiredDecision href="#{r}"/></informationRequirement>'
                       for r in requires)
    return (f'<decision id="{decision_id}">{required}<decisionTable hitPolicy="{hit_policy}">'
            f'<input id="{decision_id}_i"><inputExpression><text>{expression}</text>'
            f'</inputExpression></input><output id="{decision_id}_o" name="{output}"/>'
            f"{entry}</decisionTable></decision>")


def _rule(rule_id: str, test: str, value: str) -> str:
    return (f'<rule id="{rule_id}"><inputEntry><text>{test}</text></inputEntry>'
            f"<outputEntry><text>{value}</text></outputEntry></rule>")


def _problems(data: bytes):
    with pytest.raises(BpmnParseError) as caught:
        parse_dmn(data, "drd.dmn")
    return caught.value.problems


def test_the_dinner_drd_parses_with_its_key_name_and_required_decisions():
    definitions = parse_dmn(DINNER, "dinner.dmn")
    assert (definitions.id, definitions.name, definitions.is_drd) == (
        "dinnerDecisions", "Dinner Decisions", True)
    dish = definitions.decision("dish")
    assert dish is not None
    assert [d.id for d in dish.required] == ["season", "guestCount"]
    menu = definitions.decision("menu")
    assert menu is not None
    assert menu.table is None
    assert menu.literal is not None
    assert (menu.literal.variable_name, menu.literal.type_ref) == ("menu", "string")


def test_evaluating_a_root_evaluates_each_required_decision_once_in_order():
    graph = evaluate_graph(parse_dmn(DINNER, "d.dmn").decision("menu"),
                           WINTER_WEEKEND.__getitem__, now=NOW)
    assert [decision.id for decision, _ in graph.steps] == [
        "season", "guestCount", "dish", "beverages", "menu"]
    assert graph.results == [{"menu": "Serve Stew"}]
    assert graph.required[2][1].results == [{"desiredDish": "Stew"}]


@pytest.mark.parametrize(("temperature", "day", "dish"), [
    (5, "Weekday", "Roastbeef"), (12, "Holiday", "Steak"), (12, "Weekday", "Spareribs"),
    (25, "Weekend", "Light Salad and a nice Steak"),
])
def test_the_dish_is_decided_from_the_required_season_and_guest_count(temperature, day, dish):
    variables = {"temperature": temperature, "dayType": day}
    decision = parse_dmn(DINNER, "d.dmn").decision("dish")
    assert evaluate_decision(decision, variables.__getitem__) == [{"desiredDish": dish}]


def test_a_collect_required_decision_gives_the_list_of_its_values():
    xml = _file(
        _table("drinks", "dish", "drink", _rule("r1", "-", '"Water"') + _rule("r2", "-", '"Tea"'),
               hit_policy="COLLECT")
        + _table("dishes", "x", "dish", _rule("d1", "-", '"Stew"'))
        + '<decision id="all"><variable name="all"/>'
        '<informationRequirement><requiredDecision href="#drinks"/></informationRequirement>'
        '<informationRequirement><requiredDecision href="#dishes"/></informationRequirement>'
        "<literalExpression><text>drink</text></literalExpression></decision>"
    )
    # `drinks` requires nothing but reads `dish`, the caller's variable: `dishes` comes later.
    decision = parse_dmn(xml, "d.dmn").decision("all")
    assert evaluate_decision(decision, {"x": 1, "dish": "Soup"}.__getitem__) == [
        {"all": ["Water", "Tea"]}]


def test_a_single_result_of_a_required_decision_hides_a_variable_of_that_name():
    xml = _file(_table("a", "x", "x", _rule("r", "-", "x + 1"))
                + _table("b", "x", "y", _rule("r", "-", "x * 10"), requires=("a",)))
    decision = parse_dmn(xml, "d.dmn").decision("b")
    assert evaluate_decision(decision, {"x": 1}.__getitem__) == [{"y": 20}]


def test_a_literal_expression_converts_to_its_type_and_may_be_juel():
    xml = _file('<decision id="total"><variable name="total" typeRef="integer"/>'
                '<literalExpression expressionLanguage="juel"><text>price * count</text>'
                "</literalExpression></decision>", namespace=DMN11_NS)
    decision = parse_dmn(xml, "d.dmn").decision("total")
    assert evaluate_decision(decision, {"price": 2.0, "count": 3}.__getitem__) == [{"total": 6}]
    with pytest.raises(DecisionError, match="Decision 'total': literal expression: Invalid"):
        evaluate_decision(decision, {"price": 2.5, "count": 1}.__getitem__)


def test_a_failing_required_decision_names_itself():
    decision = parse_dmn(DINNER, "d.dmn").decision("dish")
    with pytest.raises(DecisionError, match="Decision 'season'"):
        evaluate_decision(decision, {"dayType": "Weekday"}.__getitem__)


def test_a_cycle_of_requirements_is_refused_with_the_line_of_its_first_decision():
    xml = _file(_table("a", "x", "a", "", requires=("b",)) + "\n"
                + _table("b", "x", "b", "", requires=("a",)) + "\n"
                + _table("c", "x", "c", "", requires=("c",)))
    first, second = _problems(xml)
    assert (first.element_id, first.line) == ("a", 2)
    assert first.message.startswith("decisions require each other in a cycle: a -> b -> a")
    assert (second.element_id, second.line) == ("c", 4)
    assert "cycle: c -> c" in second.message


def test_a_required_decision_missing_or_in_another_file_is_refused_by_element_and_line():
    xml = _file(_table("a", "x", "a", "", requires=("nowhere",)) + "\n"
                '<decision id="b"><informationRequirement id="external">\n'
                '<requiredDecision href="other.dmn#a"/></informationRequirement>'
                '<decisionTable><output id="bo" name="b"/></decisionTable></decision>')
    first, second = _problems(xml)
    assert (first.element_id, first.line) == ("a_nowhere", 2)
    assert first.message == (
        "decision 'a' requires decision 'nowhere', which this file does not define")
    assert (second.element_id, second.line) == ("external", 4)
    assert "href 'other.dmn#a'" in second.message
    assert "only decisions of the same file can be required" in second.message


def test_input_data_knowledge_and_authority_requirements_are_ignored_as_camunda_does():
    xml = _file('<decision id="a"><informationRequirement><requiredInput href="#in"/>'
                '</informationRequirement><knowledgeRequirement><requiredKnowledge href="#bkm"/>'
                '</knowledgeRequirement><authorityRequirement><requiredAuthority href="#src"/>'
                '</authorityRequirement><decisionTable><output id="o" name="out"/>'
                '<rule id="r"><outputEntry><text>1</text></outputEntry></rule></decisionTable>'
                '</decision><inputData id="in" name="in"/><knowledgeSource id="src"/>'
                '<businessKnowledgeModel id="bkm"/>')
    (decision,) = parse_dmn(xml, "d.dmn").decisions
    assert decision.required == ()
    assert evaluate_decision(decision, {}.__getitem__) == [{"out": 1}]


def test_a_file_of_several_decisions_needs_a_definitions_id():
    xml = (f'<definitions xmlns="{DMN13_NS}" namespace="http://x">'
           + _table("a", "x", "a", "") + _table("b", "x", "b", "") + "</definitions>").encode()
    (problem,) = _problems(xml)
    assert "the <definitions> needs an id" in problem.message
    assert problem.line == 1
