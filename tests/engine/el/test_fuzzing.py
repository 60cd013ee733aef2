import builtins

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.el import EvaluationContext, ExpressionError, compile_expression
from tests.engine.el.support import NOW, ExampleExecution

TOKENS = [
    "a", "b", "s", "items", "m", "execution", "now", "dateTime", "x", "__class__", "getClass",
    "size", "length", "toUpperCase", "plusDays", "toDate", "getVariable", "businessKey",
    "1", "0", "2.5", "1e400", "-", "+", "*", "/", "%", "div", "mod", "==", "!=", "<", ">",
    "<=", ">=", "&&", "||", "!", "not", "and", "or", "empty", "?", ":", "(", ")", "[", "]",
    ".", ",", "'x'", '"y"', "''", "null", "true", "false", "eq", "lt", "=", "#", "${", "}",
    "\\", "'", " ",
]

VARIABLES = {
    "a": 5, "b": "7", "s": "Hello", "items": [1, "two", None], "m": {"k": {"n": [1]}},
    "x": None,
}


def _context():
    return EvaluationContext(
        VARIABLES, beans={"execution": ExampleExecution({"v": 1})}, now=NOW
    )


def _refuse_file_access(*args, **kwargs):
    raise AssertionError("the expression language touched the file system")


def _run(text):
    # Patched only around our code: hypothesis and pytest legitimately read files meanwhile.
    real_open = builtins.open
    builtins.open = _refuse_file_access
    try:
        expression = compile_expression(text)
        expression.evaluate(_context())
    except ExpressionError:
        pass
    finally:
        builtins.open = real_open


@settings(max_examples=400)
@given(st.text(max_size=80))
def test_random_text_raises_nothing_but_expression_error(text):
    _run(text)
    _run("${" + text + "}")


@settings(max_examples=1500)
@given(st.lists(st.sampled_from(TOKENS), max_size=25))
def test_random_token_sequences_raise_nothing_but_expression_error(tokens):
    _run("${" + " ".join(tokens) + "}")
    _run("${" + "".join(tokens) + "}")
