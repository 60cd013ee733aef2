"""typeRef conversion as Camunda's data type transformers do it, and JUEL expressions."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.bpmn.errors import BpmnParseError
from engine.dmn import DecisionError, parse_dmn
from engine.dmn.types import TypeConversionError, convert
from tests.engine.dmn.support import NOW, decide, one_column, table_xml


@pytest.mark.parametrize(
    ("value", "type_ref", "expected"),
    [
        ("abc", "string", "abc"),
        (True, "string", "true"),
        (12, "string", "12"),
        (7, "integer", 7),
        (7.0, "integer", 7),
        ("7", "integer", 7),
        (2**40, "long", 2**40),
        (3, "double", 3.0),
        ("2.5", "double", 2.5),
        (False, "boolean", False),
        ("TRUE", "boolean", True),
        ("2026-01-31T10:00:00", "date", datetime(2026, 1, 31, 10)),
        (datetime(2026, 1, 31), "date", datetime(2026, 1, 31)),
        (None, "integer", None),
        ({"any": "thing"}, None, {"any": "thing"}),
        ("kept", "number", "kept"),  # typeRefs Camunda does not know leave the value as is
    ],
)
def test_values_convert_to_the_type_ref(value, type_ref, expected):
    converted = convert(value, type_ref)
    assert converted == expected
    assert type(converted) is type(expected)


@pytest.mark.parametrize(
    ("value", "type_ref"),
    [
        (7.5, "integer"),
        ("seven", "integer"),
        (True, "integer"),
        (2**40, "integer"),
        (2**70, "long"),
        ("x", "double"),
        ("yes", "boolean"),
        (1, "boolean"),
        ("31.01.2026", "date"),
        ("2026-01-31", "date"),
        ([1], "string"),
    ],
)
def test_values_that_do_not_fit_the_type_ref_are_refused(value, type_ref):
    with pytest.raises(TypeConversionError, match=f"for clause with type '{type_ref}'"):
        convert(value, type_ref)


def test_input_value_is_converted_before_the_entries_test_it():
    xml = one_column("<= 8", inputs=[("x", "integer")])
    assert decide(xml, x="7") == [{"result": "yes"}]


def test_input_value_that_does_not_convert_names_the_input_and_the_value():
    xml = one_column("<= 8", inputs=[("x", "integer")])
    with pytest.raises(DecisionError) as caught:
        decide(xml, x="many")
    assert str(caught.value) == (
        "Decision 'd': input 'i1': Invalid value 'many' for clause with type 'integer'"
    )


def test_output_value_is_converted_to_the_output_type_ref():
    xml = one_column("-", "5", outputs=[("result", "double")])
    result = decide(xml, x=1)
    assert result == [{"result": 5.0}]
    assert type(result[0]["result"]) is float


def test_output_value_that_does_not_convert_names_output_and_rule():
    xml = one_column("-", '"five"', outputs=[("result", "integer")])
    with pytest.raises(DecisionError, match="output 'o1' of rule 'r1': Invalid value 'five'"):
        decide(xml, x=1)


def test_failing_input_expression_names_the_decision_input_and_text():
    with pytest.raises(DecisionError) as caught:
        decide(one_column("-"), y=1)
    message = str(caught.value)
    assert message.startswith("Decision 'd': input 'i1' failed:")
    assert "no variable found for name 'x' in expression 'x'" in message


def test_failing_input_entry_names_the_rule_and_the_entry_text():
    with pytest.raises(DecisionError) as caught:
        decide(one_column('< "a"'), x=1)
    message = str(caught.value)
    assert "input entry of rule 'r1' for input 'i1' failed" in message
    assert "expression '< \"a\"'" in message


def test_input_entries_see_the_input_variable_and_other_variables():
    xml = one_column("cellInput > limit")
    assert decide(xml, x=5, limit=3) == [{"result": "yes"}]
    assert decide(xml, x=5, limit=8) == []


def test_camunda_input_variable_renames_the_input_value():
    xml = one_column("amount > 3", input_variable="amount")
    assert decide(xml, x=5) == [{"result": "yes"}]


def test_juel_input_entries_match_when_they_return_true():
    xml = one_column('cellInput == "Spring"', entry_language="juel")
    assert decide(xml, x="Spring") == [{"result": "yes"}]
    assert decide(xml, x="Fall") == []


def test_juel_input_entry_in_dollar_braces_and_a_non_boolean_result_does_not_match():
    assert decide(one_column("${cellInput > 5}", entry_language="JUEL"), x=6)
    assert decide(one_column("${cellInput}", entry_language="juel"), x="Spring") == []


def test_juel_as_the_language_of_the_whole_file():
    rules = [("r1", ["cellInput >= 18"], ['name.concat("!")'])]
    xml = table_xml(rules, inputs=[("age", "integer")], language="juel")
    assert decide(xml, age=20, name="Ada") == [{"result": "Ada!"}]


def test_juel_sees_the_clock():
    rules = [("r1", ["-"], ["now()"])]
    assert decide(table_xml(rules, language="juel"), x=1) == [{"result": NOW}]


def test_juel_errors_name_the_rule():
    xml = one_column("cellInput > missing", entry_language="juel")
    with pytest.raises(DecisionError, match="input entry of rule 'r1'"):
        decide(xml, x=1)


def test_groovy_input_entries_and_outputs():
    rules = [
        ("r1", ["cellInput.startsWith('S')"], ["x.toUpperCase() + '!'"]),
        ("r2", ["cellInput in ['Fall', 'Winter']"], ["[season: x, cold: true].size()"]),
    ]
    xml = table_xml(rules, language="groovy")
    assert decide(xml, x="Spring") == [{"result": "SPRING!"}]
    assert decide(xml, x="Winter") == [{"result": 2}]
    assert decide(xml, x="x") == []


def test_groovy_numbers_are_doubles_to_the_table_and_errors_name_the_rule():
    rules = [("r1", ["-"], ["amount * 1.5"])]
    result = decide(table_xml(rules, language="groovy"), x=1, amount=2)
    assert result == [{"result": 3.0}]
    assert type(result[0]["result"]) is float
    xml = one_column("cellInput / 0 > 1", entry_language="groovy")
    with pytest.raises(DecisionError, match="input entry of rule 'r1' .* Division by zero"):
        decide(xml, x=1)


def test_groovy_outside_the_subset_is_refused_when_the_table_is_read():
    with pytest.raises(BpmnParseError, match="Groovy: 'class' is not supported"):
        parse_dmn(one_column("class X {}", entry_language="groovy"))
