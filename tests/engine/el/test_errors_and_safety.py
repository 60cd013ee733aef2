import pickle

import pytest

from engine.el import EvaluationContext, ExpressionError, compile_expression
from engine.el.expression import MAX_EXPRESSION_LENGTH
from engine.el.parser import MAX_NESTING
from tests.engine.el.support import ExampleExecution, evaluate


def test_an_unknown_identifier_names_the_identifier_the_expression_and_the_position():
    with pytest.raises(ExpressionError) as caught:
        evaluate("${amount * discountRate}", amount=3)
    error = caught.value
    assert str(error) == (
        "Cannot resolve identifier 'discountRate' in expression '${amount * discountRate}' "
        "at position 12"
    )
    assert error.reason == "Cannot resolve identifier 'discountRate'"
    assert error.expression == "${amount * discountRate}"
    assert error.position == 12


def test_positions_count_from_the_start_of_composite_text():
    with pytest.raises(ExpressionError) as caught:
        evaluate("Dear ${name}, ${missing}", name="Ada")
    assert caught.value.position == 17


def test_a_coercion_error_points_at_the_operator():
    with pytest.raises(ExpressionError) as caught:
        evaluate("${1 + 'x'}")
    assert caught.value.position == 5


@pytest.mark.parametrize(
    ("text", "reason", "position"),
    [
        ("${a +}", "Unexpected end of the expression", 6),
        ("${}", "Expected an expression", 3),
        ("${a b}", "Unexpected 'b'", 5),
        ("${(a}", "Expected ')' but found the end of the expression", 5),
        ("${a", "Missing '}' at the end of the expression", 1),
        ("${'abc}", "Unterminated string literal", 3),
        ("${a = 1}", "Assignment is not supported in JUEL expressions", 5),
        ("${a; b}", "Statement sequences are not supported", 4),
        ("${x -> x}", "Lambda expressions are not supported", 5),
        ("${a @ b}", "Unexpected character '@'", 5),
        ("${f(1,}", "Unexpected end of the expression", 7),
        ("${a ? b}", "Expected ':' but found the end of the expression", 8),
        ("${a instanceof b}", "'instanceof' is not supported", 5),
    ],
)
def test_syntax_errors_are_raised_at_compile_time_with_a_position(text, reason, position):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(text)
    assert caught.value.reason.startswith(reason)
    assert caught.value.position == position
    assert caught.value.expression == text


def test_expression_errors_survive_pickling_for_incident_records():
    error = ExpressionError("Cannot resolve identifier 'x'", "${x}", 3)
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


@pytest.mark.parametrize(
    ("text", "variables", "reason"),
    [
        ("${''.getClass()}", {}, "Method 'getClass' is not allowed on String"),
        ("${s.getBytes()}", {"s": "a"}, "Method 'getBytes' is not allowed on String"),
        ("${s.format('%s')}", {"s": "a"}, "Method 'format' is not allowed on String"),
        ("${s['__class__']}", {"s": "a"}, "Property '__class__' is not found on String"),
        ("${n.getClass()}", {"n": 1}, "Method 'getClass' is not allowed on Long"),
        ("${m.getClass()}", {"m": {}}, "Method 'getClass' is not allowed on Map"),
        ("${l.pop()}", {"l": [1]}, "Method 'pop' is not allowed on List"),
        ("${m.clear()}", {"m": {"a": 1}}, "Method 'clear' is not allowed on Map"),
        ("${m.put('a', 1)}", {"m": {}}, "Method 'put' is not allowed on Map"),
        ("${l['__len__']()}", {"l": []}, "Method '__len__' is not allowed on List"),
        ("${s['upper']()}", {"s": "a"}, "Method 'upper' is not allowed on String"),
        ("${o.x}", {"o": object()}, "Property 'x' is not found on object"),
        ("${o.x()}", {"o": object()}, "Method 'x' is not allowed on object"),
        ("${__import__}", {}, "Cannot resolve identifier '__import__'"),
        ("${__builtins__}", {}, "Cannot resolve identifier '__builtins__'"),
        ("${open('/etc/passwd')}", {}, "Unknown function 'open'"),
        ("${eval('1')}", {}, "Unknown function 'eval'"),
    ],
)
def test_access_outside_the_allow_list_is_refused(text, variables, reason):
    with pytest.raises(ExpressionError) as caught:
        evaluate(text, **variables)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    "text",
    ["${x.__class__}", "${x.__globals__}", "${execution.__dict__}", "${x.__init__()}"],
)
def test_dunder_members_are_refused_when_compiling(text):
    with pytest.raises(ExpressionError, match="Access to '__"):
        compile_expression(text)


def test_private_host_attributes_are_not_reachable():
    context = EvaluationContext(beans={"execution": ExampleExecution({})})
    for text in ("${execution._private}", "${execution.variables}", "${execution.EL_METHODS}"):
        with pytest.raises(ExpressionError, match="is not allowed on ExampleExecution"):
            compile_expression(text).evaluate(context)


def test_a_private_map_key_is_just_a_missing_key():
    assert evaluate("${m._private}", m={}) is None


def test_deep_nesting_is_refused_instead_of_exhausting_the_stack():
    text = "${" + "(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1) + "}"
    with pytest.raises(ExpressionError, match="Expression too deeply nested"):
        compile_expression(text)


def test_nesting_within_the_bound_is_fine():
    depth = MAX_NESTING - 1
    assert evaluate("${" + "(" * depth + "1" + ")" * depth + "}") == 1


def test_deeply_nested_function_arguments_and_brackets_are_refused():
    with pytest.raises(ExpressionError, match="too deeply nested"):
        compile_expression("${" + "f(" * 1000 + ")" * 1000 + "}")
    with pytest.raises(ExpressionError, match="too deeply nested"):
        compile_expression("${" + "a[" * 1000 + "0" + "]" * 1000 + "}")
    with pytest.raises(ExpressionError, match="too deeply nested"):
        compile_expression("${" + "a ? b : " * 1000 + "c}")


def test_many_prefix_operators_are_flat_and_evaluate():
    assert evaluate("${" + "!" * 10_000 + "true}") is True
    assert evaluate("${" + "- " * 10_001 + "1}") == -1


def test_a_long_property_path_is_flat_and_evaluates():
    assert evaluate("${m" + ".m" * 10_000 + "}", m={}) is None


def test_overlong_expressions_are_refused():
    with pytest.raises(ExpressionError, match="longer than"):
        compile_expression("${" + "1+" * MAX_EXPRESSION_LENGTH + "1}")


def test_non_text_is_refused():
    with pytest.raises(ExpressionError, match="Expected expression text"):
        compile_expression(42)  # type: ignore[arg-type]
