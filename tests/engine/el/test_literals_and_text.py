from decimal import Decimal

import pytest

from engine.el import EvaluationContext, ExpressionError, compile_expression, compile_script
from tests.engine.el.support import evaluate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${'Approved'}", "Approved"),
        ('${"high"}', "high"),
        ("${5}", 5),
        ("${1.5}", 1.5),
        ("${.5}", 0.5),
        ("${1e3}", 1000.0),
        ("${2E-1}", 0.2),
        ("${true}", True),
        ("${false}", False),
        ("${null}", None),
        ("#{5}", 5),
    ],
)
def test_literals_evaluate_to_python_values(text, expected):
    value = evaluate(text)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"${'it\'s'}", "it's"),
        (r'${"say \"hi\""}', 'say "hi"'),
        (r"${'back\\slash'}", "back\\slash"),
        ("${'a}b'}", "a}b"),
    ],
)
def test_string_literals_follow_juel_escapes(text, expected):
    assert evaluate(text) == expected


def test_an_unknown_escape_in_a_string_literal_is_a_syntax_error():
    with pytest.raises(ExpressionError, match="Invalid escape"):
        compile_expression(r"${'a\nb'}")


def test_plain_text_evaluates_to_itself_and_is_literal():
    expression = compile_expression("just text")
    assert expression.is_literal
    assert expression.evaluate(EvaluationContext()) == "just text"


def test_empty_text_evaluates_to_an_empty_string():
    assert evaluate("") == ""


def test_a_single_expression_keeps_the_value_type():
    assert evaluate("${amount}", amount=Decimal("12.50")) == Decimal("12.50")
    assert evaluate("${items}", items=[1, 2]) == [1, 2]


def test_composite_text_coerces_each_value_to_a_string():
    assert evaluate("Order ${orderId} shipped", orderId=42) == "Order 42 shipped"


def test_composite_text_prints_null_as_nothing_and_booleans_in_lower_case():
    assert evaluate("[${a}|${b}|${c}]", a=None, b=True, c=2.0) == "[|true|2.0]"


def test_composite_text_mixes_dollar_and_hash_expressions():
    assert evaluate("${a}-#{b}", a=1, b=2) == "1-2"


def test_an_expression_with_surrounding_text_is_a_string():
    assert evaluate(" ${a} ", a=1) == " 1 "


def test_an_escaped_dollar_brace_is_literal_text():
    assert evaluate(r"cost \${x} is ${x}", x=3) == "cost ${x} is 3"


def test_a_lone_dollar_or_brace_is_plain_text():
    assert evaluate("$5 {ok}") == "$5 {ok}"


def test_composite_prints_lists_and_maps_the_java_way():
    assert evaluate("${l} ${m}", l=[1, None, "x"], m={"k": 1}) == "[1, null, x] {k=1}"


@pytest.mark.parametrize(
    ("value", "text"),
    [(1e7, "1.0E7"), (1.5e-4, "1.5E-4"), (123.25, "123.25"), (float("inf"), "Infinity")],
)
def test_doubles_print_as_java_double_to_string(value, text):
    assert evaluate("${x}!", x=value) == text + "!"


def test_compiled_expressions_are_cached_by_text():
    assert compile_expression("${a + 1}") is compile_expression("${a + 1}")


def test_the_expression_remembers_its_text():
    assert compile_expression("${a}").text == "${a}"
    assert not compile_expression("${a}").is_literal


def test_a_juel_script_body_without_expression_is_the_string():
    assert compile_script("0").evaluate(EvaluationContext()) == "0"


def test_a_juel_script_body_ignores_the_surrounding_xml_indentation():
    script = compile_script("\n    ${a * 2}\n  ")
    assert script.evaluate(EvaluationContext({"a": 21})) == 42
