"""parse_dmn reads DMN 1.1-1.3 and refuses a file with every problem, its element and line."""

from __future__ import annotations

import pytest

from engine.bpmn.errors import BpmnParseError
from engine.dmn import HitPolicy, parse_dmn
from engine.dmn.parser import DMN11_NS, DMN12_NS, DMN13_NS
from tests.engine.dmn.support import decide, one_column, table_xml

HEADER = (
    f'<definitions xmlns="{DMN13_NS}" xmlns:camunda="http://camunda.org/schema/1.0/dmn"'
    ' id="defs" name="defs" namespace="http://example.com">\n'
)


def _problems(data):
    with pytest.raises(BpmnParseError) as caught:
        parse_dmn(data, "bad.dmn")
    return caught.value.problems


@pytest.mark.parametrize("namespace", [DMN11_NS, DMN12_NS, DMN13_NS])
def test_every_dmn_version_parses_and_decides(namespace):
    assert decide(one_column("> 1", namespace=namespace), x=2) == [{"result": "yes"}]


def test_decision_attributes_and_table_shape_are_read():
    xml = (HEADER + '<decision id="dish" name="Dish" camunda:versionTag="v2"'
           ' camunda:historyTimeToLive="P30D"><decisionTable>'
           '<output id="o" name="out"/><rule id="r"><outputEntry><text>1</text></outputEntry>'
           "</rule></decisionTable></decision></definitions>").encode()
    (decision,) = parse_dmn(xml, "dish.dmn").decisions
    assert (decision.id, decision.name, decision.version_tag) == ("dish", "Dish", "v2")
    assert decision.history_time_to_live == "P30D"
    assert decision.table.hit_policy is HitPolicy.UNIQUE
    assert decision.table.inputs == ()


def test_decisions_come_in_document_order():
    xml = HEADER + "".join(
        f'<decision id="{key}"><decisionTable><output id="o{key}" name="out"/>'
        "</decisionTable></decision>" for key in ("b", "a", "c")
    ) + "</definitions>"
    definitions = parse_dmn(xml.encode(), "three.dmn")
    assert [d.id for d in definitions.decisions] == ["b", "a", "c"]


def test_empty_and_dash_input_entries_match_anything():
    rule = parse_dmn(table_xml([("r1", ["-"], ['"a"'])]), "t.dmn").decisions[0].table.rules[0]
    assert rule.input_entries == (None,)
    assert decide(table_xml([("r1", [""], ['"a"'])]), x=None) == [{"result": "a"}]


def test_a_root_that_is_not_dmn_definitions_is_refused():
    bpmn = b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>'
    (problem,) = _problems(bpmn)
    assert "not a DMN <definitions>" in problem.message
    assert problem.line == 1


def test_a_doctype_is_refused_before_parsing():
    hostile = (b'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
               + table_xml([("r1", ["-"], ["&x;"])]))
    (problem,) = _problems(hostile)
    assert problem.message == (
        "document type declarations (DOCTYPE/ENTITY) are not allowed in DMN files"
    )
    assert problem.line == 2


def test_a_literal_expression_decision_needs_a_named_variable():
    xml = (HEADER + '<decision id="lit">\n<literalExpression id="le"><text>1</text>'
           "</literalExpression></decision></definitions>").encode()
    (problem,) = _problems(xml)
    assert problem.message == (
        "decision 'lit' has a <literalExpression> but no <variable> with a name to name "
        "its result"
    )
    assert (problem.element_id, problem.line) == ("le", 3)


def test_other_boxed_expressions_are_refused_by_name():
    xml = (HEADER + '<decision id="ctx">\n<context id="c"/></decision></definitions>').encode()
    (problem,) = _problems(xml)
    assert problem.message == (
        "decision 'ctx' is a <context>: only decision tables and literal expressions are "
        "supported"
    )
    assert (problem.element_id, problem.line) == ("c", 3)


def test_a_decision_without_logic_or_id_is_refused():
    xml = (HEADER + "<decision>\n<decisionTable><output id='o' name='out'/></decisionTable>"
           '</decision>\n<decision id="empty"/></definitions>').encode()
    first, second = _problems(xml)
    assert (first.line, first.message) == (2, "a decision needs an id (its key)")
    assert (second.line, second.message) == (
        4, "decision 'empty' has no <decisionTable> or <literalExpression>")


def test_entry_counts_that_do_not_match_the_columns_are_refused():
    problems = _problems(table_xml([("r1", ["1", "2"], [])]))
    assert [p.message for p in problems] == [
        "rule 'r1' has 2 input entries, but the table has 1 inputs",
        "rule 'r1' has 0 output entries, but the table has 1 outputs",
    ]
    assert {(p.element_id, p.line) for p in problems} == {("r1", 8)}


def test_every_entry_that_does_not_parse_is_reported_with_its_line_in_order():
    rules = [("r1", ["[1..2"], ['"ok"']), ("r2", ["> 1"], ["1 +"])]
    first, second = _problems(table_xml(rules))
    assert first.line == 9
    assert first.message.startswith("input entry 1 of rule 'r1': expected ']', '[' or ')'")
    assert "in expression '[1..2'" in first.message
    assert second.line == 14
    assert "output entry 1 of rule 'r2': expected a value" in second.message
    assert str(first).startswith("bad.dmn line 9: ")


def test_a_bad_input_expression_and_a_bad_juel_entry_are_refused():
    xml = one_column("cellInput >", entry_language="juel", inputs=[("a b", None)])
    first, second = _problems(xml)
    assert "input expression of input 'i1'" in first.message
    assert "unexpected text after the expression" in first.message
    assert "input entry 1 of rule 'r1': JUEL:" in second.message


def test_an_unknown_expression_language_is_refused():
    (problem,) = _problems(one_column("cellInput > 1", entry_language="javascript"))
    assert "expression language 'javascript' is not supported (FEEL, JUEL and Groovy are)" in (
        problem.message
    )


def test_outputs_of_a_wide_table_need_distinct_names():
    xml = table_xml([], outputs=[("a", None), ("a", None), ("", None)])
    messages = [p.message for p in _problems(xml)]
    assert messages == [
        "output name 'a' is used more than once",
        "output 'o3' needs a name: the table has more than one output",
    ]


def test_a_decision_id_used_twice_is_refused():
    decision = '<decision id="d"><decisionTable><output id="o" name="out"/></decisionTable>'
    xml = (HEADER + decision + "</decision>\n" + decision + "</decision></definitions>").encode()
    (problem,) = _problems(xml)
    assert (problem.message, problem.line) == ("decision id 'd' is used more than once", 3)


def test_output_values_that_are_not_literals_are_refused():
    xml = table_xml([], hit_policy="PRIORITY", output_values='"a", unknown')
    messages = [p.message for p in _problems(xml)]
    assert any("outputValues of output 'o1'" in m and "'unknown'" in m for m in messages)


def test_a_single_output_without_a_name_is_keyed_by_its_id():
    xml = table_xml([("r1", ["-"], ['"a"'])], outputs=[("", None)])
    assert decide(xml, x=1) == [{"o1": "a"}]


def test_operatons_dmn_namespace_is_read_as_camundas():
    data = table_xml([("r1", ["v > 1"], ['"big"'])], input_variable="v").replace(
        b"http://camunda.org/schema/1.0/dmn", b"http://operaton.org/schema/1.0/dmn"
    )
    assert decide(data, x=5) == [{"result": "big"}]
