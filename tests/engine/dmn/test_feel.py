"""The FEEL subset: simple expressions as output entries, unary tests as input entries."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from engine.dmn.feel import FeelError, FeelExpression, FeelUnaryTests, Scope
from tests.engine.dmn.support import NOW

VARIABLES = {
    "x": 5,
    "name": "Ada",
    "customer": {"age": 42, "address": {"city": "Berlin"}},
    "flag": True,
    "nothing": None,
    "birthday": date(1990, 7, 1),
}


def _lookup(name):
    return VARIABLES[name]


def feel(text):
    return FeelExpression(text).evaluate(Scope(_lookup, now=NOW))


def matches(text, value):
    return FeelUnaryTests(text).matches(Scope(_lookup, input=value, now=NOW))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Steak"', "Steak"),
        (r'"say \"hi\"\n\u00e9"', 'say "hi"\né'),
        ("42", 42),
        ("2.5", 2.5),
        ("-3", -3),
        ("true", True),
        ("false", False),
        ("null", None),
        ("[1, 2, x]", [1, 2, 5]),
        ("[]", []),
    ],
)
def test_literals(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x", 5),
        ("customer.age", 42),
        ("customer.address.city", "Berlin"),
        ("customer.missing", None),
        ("nothing.anything", None),
        ("birthday.year", 1990),
    ],
)
def test_names_and_dotted_paths(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 / 4", 2.5),
        ("10 / 2", 5),
        ("2 ** 3 ** 2", 64),  # left-associative, as FEEL's grammar says
        ("x - 7", -2),
        ("1 / 0", None),
        ("x + null", None),
        ('"Dry " + "Steak"', "Dry Steak"),
        ('name + "!"', "Ada!"),
    ],
)
def test_arithmetic_and_string_concatenation(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x = 5", True),
        ("x != 5", False),
        ('x = "5"', False),
        ("flag = 1", False),
        ("x < 6 and x >= 5", True),
        ("x > 6 or flag", True),
        ("null = null", True),
        ("x < null", None),
        ("false and null", False),
        ("true or null", True),
        ("true and null", None),
        ("not(x = 5)", False),
        ("not(null)", None),
        ('if x > 3 then "big" else "small"', "big"),
        ('if nothing then "yes" else "no"', "no"),
    ],
)
def test_comparisons_logic_and_if(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('date("2026-01-31")', date(2026, 1, 31)),
        ('date and time("2026-01-31T10:00:00")', datetime(2026, 1, 31, 10)),
        ('date and time("2026-01-31T10:00:00Z")', datetime(2026, 1, 31, 10, tzinfo=UTC)),
        ('duration("P1DT2H30M")', timedelta(days=1, hours=2, minutes=30)),
        ('date("2026-01-31") + duration("P1D")', date(2026, 2, 1)),
        ('date("2026-02-01") - date("2026-01-31")', timedelta(days=1)),
        ("today()", NOW.date()),
        ("now()", NOW),
        ('string length("Ada")', 3),
        ('upper case(name)', "ADA"),
        ('starts with(name, "A")', True),
        ("abs(-2)", 2),
    ],
)
def test_built_in_functions(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('function(a) external {java: {class: "Math"}}', "external functions are not supp"),
        ("function(a, a) a + 1", "a parameter is named twice"),
        ("{double: function(x) x * 2, r: tripl(3)}", "unknown function 'tripl'"),
        ("x instance of list<number", "expected '>'"),
        ("x instance of context<a number>", "expected ':'"),
        ("x instance of integer", "expected a type name (number, string"),
        ("frobnicate(4)", "unknown function 'frobnicate'"),
        ("[1..5]", "ranges are only supported in input entries, 'in' and 'for'"),
        ('date("2026-01-31", 1, 2, 3)', "takes 1 to 3 argument(s), got 4"),
        ("sum()", "takes 1 or more argument(s), got 0"),
        ("for i in [1] i", "expected 'return'"),
        ("some i in [1] i > 0", "expected 'satisfies'"),
        ("{a 1}", "expected ':'"),
        ("{: 1}", "expected a name or a string as a context key"),
        ("x between 1", "expected 'and'"),
        ('@"10:70:00"', "is not a time like '10:30:00'"),
        ("1 +", "expected a value, found the end"),
        ("first name", "unexpected text after the expression"),
        ('"open', "string is not closed"),
        ("x # 1", "unexpected character '#'"),
        ("", "expression is empty"),
    ],
)
def test_unsupported_or_broken_expressions_are_refused_when_compiled(text, message):
    with pytest.raises(FeelError, match=re.escape(message)):
        FeelExpression(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("unknown + 1", "no variable found for name 'unknown'"),
        ('x < "a"', "cannot compare number '5' with string 'a'"),
        ('name * 2', "cannot apply '*'"),
        ('date("31.01.2026")', "is not a date"),
        ('duration("P1Y2D")', "is not a duration like 'P1DT2H'"),
        ("name.length", "cannot read 'length' of string"),
    ],
)
def test_evaluation_errors_name_the_reason_and_the_text(text, message):
    with pytest.raises(FeelError, match=message) as caught:
        feel(text)
    assert f"in expression '{text}'" in str(caught.value)


@pytest.mark.parametrize(
    "text", ["10 ** 100000", "(10 ** 1000) ** 1000", "(2 ** 60000) * (2 ** 60000)"]
)
def test_huge_numbers_are_refused(text):
    with pytest.raises(FeelError, match="too large"):
        feel(text)


@pytest.mark.parametrize(
    "text", ["(" * 200 + "1" + ")" * 200, "-" * 200 + "1", "- " * 5000 + "1"]
)
def test_deep_nesting_is_refused(text):
    with pytest.raises(FeelError, match="nested too deeply"):
        FeelExpression(text)


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("-", "anything", True),
        ('"Spring"', "Spring", True),
        ('"Spring"', "Fall", False),
        ('"Fall", "Winter", "Spring"', "Winter", True),
        ('"Fall", "Winter"', "Spring", False),
        ('not("Fall", "Winter")', "Spring", True),
        ('not("Fall", "Winter")', "Fall", False),
        ("< 5", 4, True),
        ("< 5", 5, False),
        ("<= 5", 5, True),
        ("> 8", 9, True),
        (">= 8", 8, True),
        ('>= "b"', "c", True),
        ("<= x", 5, True),
        ("[5..8]", 5, True),
        ("[5..8]", 8, True),
        ("]5..8[", 5, False),
        ("]5..8[", 6, True),
        ("(5..8)", 8, False),
        ("[1..10)", 10, False),
        ("[1..10)", 1, True),
        ("(1..10]", 10, True),
        ("[x..x + 1]", 6, True),
        ("5", 5, True),
        ("5", 5.0, True),
        ("true", True, True),
        ("true", False, False),
        ("false", False, True),
        ("null", None, True),
        ("null", 0, False),
        ("x", 5, True),
        ('date("2026-01-01")', date(2026, 1, 1), True),
        ('[date("2026-01-01")..date("2026-12-31")]', date(2026, 6, 1), True),
        ("[1, 2, 3]", 2, True),
        ("? > 3 and ? < 9", 5, True),
        ("? > 3 and ? < 9", 9, False),
        ("string length(?) > 2", "Ada", True),
        ("< 5, > 10", 11, True),
        ("< 5", None, False),
    ],
)
def test_unary_tests(text, value, expected):
    assert matches(text, value) is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1..5", "expected ']', '[' or ')' to close the interval"),
        ("< ", "expected a value"),
        ("not(1", "expected ')'"),
        ("1,", "expected a value"),
    ],
)
def test_broken_unary_tests_are_refused_when_compiled(text, message):
    with pytest.raises(FeelError, match=re.escape(message)):
        FeelUnaryTests(text)
