"""FEEL beyond simple expressions: the built-in functions (the DMN 1.3 specification's own
examples, section 10.3.4) and `for`, `some`/`every`, `in`, `between`, filters and contexts,
as decision tables migrated from Camunda 7.13+ use them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from engine.dmn.feel import FeelError, FeelExpression, FeelUnaryTests, Scope
from engine.dmn.feel.temporal import YearsMonths
from tests.engine.dmn.support import NOW

VARIABLES = {
    "x": 3,
    "tags": ["vip", "new"],
    "items": [{"name": "pen", "price": 5}, {"name": "desk", "price": 150}],
    "nothing": None,
}


def feel(text):
    return FeelExpression(text).evaluate(Scope(VARIABLES.__getitem__, now=NOW))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('substring("foobar", 3)', "obar"),
        ('substring("foobar", 3, 3)', "oba"),
        ('substring("foobar", -2, 1)', "a"),
        ('substring before("foobar", "bar")', "foo"),
        ('substring before("foobar", "xyz")', ""),
        ('substring after("foobar", "ob")', "ar"),
        ('substring after("", "a")', ""),
        ('replace("abcd", "(ab)|(a)", "[1=$1][2=$2]")', "[1=ab][2=]cd"),
        ('replace("a.b.c", ".", "-", "q")', "a-b-c"),
        ('matches("foobar", "^fo*b")', True),
        ('matches("FOOBAR", "^fo*b", "i")', True),
        ('matches("2026-01", "\\d{4}-\\d{2}")', True),
        ('split("John Doe", "\\s")', ["John", "Doe"]),
        ('split("a;b;c;;", ";")', ["a", "b", "c", "", ""]),
        ('string join(["a", "b", "c"], ", ")', "a, b, c"),
        ('string join(["a", null, "c"])', "ac"),
        ('string join(["a"], "x", "[", "]")', "[a]"),
        ('trim("  padded  ")', "padded"),
        ('contains("foobar", "of")', False),
    ],
)
def test_string_functions(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("list contains([1, 2, 3], 2)", True),
        ("list contains([1, null], null)", True),
        ("list contains(tags, \"old\")", False),
        ("count([1, 2, 3])", 3),
        ("count([])", 0),
        ("min([1, 2, 3])", 1),
        ("min(1, 2, 3)", 1),
        ('max(["a", "c", "b"])', "c"),
        ("min([])", None),
        ("sum([1, 2, 3])", 6),
        ("sum(1, 2.5)", 3.5),
        ("sum([])", None),
        ('sum([1, "2"])', None),
        ("mean([1, 2, 3])", 2),
        ("mean(1, 2, 3, 4)", 2.5),
        ("median([8, 2, 5, 3, 4])", 4),
        ("median([6, 1, 2, 3])", 2.5),
        ("stddev([2, 4, 7, 5])", pytest.approx(2.0816659994661326)),
        ("mode([6, 3, 9, 6, 6])", [6]),
        ("mode([6, 1, 9, 6, 1])", [1, 6]),
        ("mode([])", []),
        ("product([2, 3, 4])", 24),
        ("all([false, null, true])", False),
        ("all([])", True),
        ("all([true, null])", None),
        ("any([false, null, true])", True),
        ("any([])", False),
        ("sublist([4, 5, 6], 1, 2)", [4, 5]),
        ("sublist([4, 5, 6], -1)", [6]),
        ("append([1], 2, 3)", [1, 2, 3]),
        ("concatenate([1, 2], [3])", [1, 2, 3]),
        ("insert before([1, 3], 1, 2)", [2, 1, 3]),
        ("remove([1, 2, 3], 2)", [1, 3]),
        ("reverse([1, 2, 3])", [3, 2, 1]),
        ("index of([1, 2, 3, 2], 2)", [2, 4]),
        ("union([1, 2], [2, 3])", [1, 2, 3]),
        ("distinct values([1, 2, 3, 2, 1])", [1, 2, 3]),
        ("flatten([[1, 2], [[3]], 4])", [1, 2, 3, 4]),
    ],
)
def test_list_functions(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("decimal(1/3, 2)", 0.33),
        ("decimal(1.5, 0)", 2),
        ("decimal(2.5, 0)", 2),
        ("floor(1.5)", 1),
        ("floor(-1.56, 1)", -1.6),
        ("ceiling(-1.5)", -1),
        ("ceiling(1.56, 1)", 1.6),
        ("round up(5.5, 0)", 6),
        ("round up(-5.5, 0)", -6),
        ("round up(1.121, 2)", 1.13),
        ("round down(5.5, 0)", 5),
        ("round down(-5.5, 0)", -5),
        ("round half up(5.5, 0)", 6),
        ("round half up(-5.5, 0)", -6),
        ("round half down(5.5, 0)", 5),
        ("round half down(-5.5, 0)", -5),
        ("modulo(12, 5)", 2),
        ("modulo(-12, 5)", 3),
        ("modulo(12, -5)", -3),
        ("modulo(10.1, 4.5)", 1.1),
        ("modulo(1, 0)", None),
        ("sqrt(16)", 4),
        ("sqrt(-1)", None),
        ("log(10)", pytest.approx(2.302585092994046)),
        ("exp(0)", 1.0),
        ("odd(5)", True),
        ("even(5)", False),
        ('number("1 000,5", " ", ",")', 1000.5),
        ('number("12")', 12),
        ('number("twelve")', None),
        ("string(1.5)", "1.5"),
        ("string(true)", "true"),
        ("string(null)", None),
        ('string(date("2026-01-31"))', "2026-01-31"),
        ('string(duration("P1DT2H30M"))', "P1DT2H30M"),
    ],
)
def test_number_and_conversion_functions(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date(2012, 12, 25)", date(2012, 12, 25)),
        ('date(date and time("2012-12-25T11:00:00"))', date(2012, 12, 25)),
        ('date and time(date("2012-12-25"))', datetime(2012, 12, 25)),
        ("day of week(date(2019, 9, 17))", "Tuesday"),
        ("day of year(date(2019, 9, 17))", 260),
        ("week of year(date(2019, 9, 17))", 38),
        ("month of year(date(2019, 9, 17))", "September"),
        ('@"2026-01-31" + @"P1D"', date(2026, 2, 1)),
        ('@"2026-01-31T10:00:00"', datetime(2026, 1, 31, 10)),
        ('@"PT90M"', timedelta(minutes=90)),
        ('get value({a: 1}, "a")', 1),
        ('get value({a: 1}, "b")', None),
        ("get entries({a: 1})", [{"key": "a", "value": 1}]),
    ],
)
def test_date_and_context_functions(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("for i in [1, 2, 3] return i * i", [1, 4, 9]),
        ("for i in 1..3 return i * 2", [2, 4, 6]),
        ("for i in 3..1 return i", [3, 2, 1]),
        ("for a in [1, 2], b in [10, 20] return a + b", [11, 21, 12, 22]),
        ("for item in items return item.name", ["pen", "desk"]),
        ('some t in tags satisfies t = "vip"', True),
        ("some i in [] satisfies i > 0", False),
        ("every i in [1, 2] satisfies i > 0", True),
        ("every i in [1, -2] satisfies i > 0", False),
        ("x between 1 and 5", True),
        ("x between 4 and 5", False),
        ("nothing between 1 and 5", None),
        ("x in [1..5]", True),
        ("x in (1, 2, 3)", True),
        ("x in (4, 5)", False),
        ("x in < 4", True),
        ("x in [1, 2]", False),
        ('"vip" in tags', True),
        ("x in (? > 2)", True),
        ("items[price > 100].name", ["desk"]),
        ("items[item.price < 10]", [{"name": "pen", "price": 5}]),
        ("items[1].name", "pen"),
        ("items[-1].name", "desk"),
        ("items[3]", None),
        ("[1, 2, 3][item > 1]", [2, 3]),
        ("count(items[price > 1000])", 0),
        ("sum(items.price)", 155),
        ("{a: 1, b: a + 1}", {"a": 1, "b": 2}),
        ("{a: 1, b: a + 1}.b", 2),
        ('{"first name": "Ada", age: 36}', {"first name": "Ada", "age": 36}),
        ("{first name: \"Ada\"}", {"first name": "Ada"}),
        ("{}", {}),
        ("x instance of number", True),
        ('x instance of string', False),
        ('@"2026-01-31T10:00:00" instance of date and time', True),
        ('@"2026-01-31" instance of date', True),
        ('duration("P1Y") instance of years and months duration', True),
        ('duration("P1D") instance of days and time duration', True),
        ("items instance of list", True),
        ("items[1] instance of context", True),
        ("nothing instance of Null", True),
        ("nothing instance of Any", False),
        ("x instance of Any", True),
    ],
)
def test_iteration_tests_filters_and_contexts(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('duration("P1Y2M")', YearsMonths(14)),
        ('duration("-P3M")', YearsMonths(-3)),
        ('years and months duration(date("2008-03-15"), date("2026-03-14")).years', 17),
        ('years and months duration(date("2008-03-15"), date("2026-03-15")).years', 18),
        ('years and months duration(date("2026-03-15"), date("2025-01-16"))', YearsMonths(-13)),
        ('date("2024-01-31") + duration("P1M")', date(2024, 2, 29)),
        ('date("2024-03-31") - @"P1Y1M"', date(2023, 2, 28)),
        ('date and time("2024-01-31T10:00:00") + duration("P1Y")', datetime(2025, 1, 31, 10)),
        ('duration("P1Y") + duration("P3M")', YearsMonths(15)),
        ('duration("P1Y") * 2', YearsMonths(24)),
        ('duration("P1Y") > duration("P11M")', True),
        ('duration("P1Y2M").months', 2),
        ('duration("P1DT2H").hours', 2),
        ('duration("P2D") / duration("PT12H")', 4.0),
        ('duration("PT1H") * 1.5', timedelta(minutes=90)),
        ('string(duration("P1Y2M"))', "P1Y2M"),
        ('time("10:30:00")', time(10, 30)),
        ('time("10:30:00Z")', time(10, 30, tzinfo=UTC)),
        ("time(23, 59, 0)", time(23, 59)),
        ('time("23:30:00") + duration("PT1H")', time(0, 30)),
        ('time("10:30:00") - time("08:00:00")', timedelta(hours=2, minutes=30)),
        ('time("10:30:00") < time("11:00:00")', True),
        ('time("10:30:00").minute', 30),
        ('time(date and time("2026-01-31T10:15:00"))', time(10, 15)),
        ('date and time(date("2026-01-31"), time("10:15:00"))', datetime(2026, 1, 31, 10, 15)),
        ('string(time("10:15:00"))', "10:15:00"),
        ('@"10:15:00" in [@"09:00:00"..@"17:00:00"]', True),
    ],
)
def test_times_of_day_and_years_and_months_durations(text, expected):
    assert feel(text) == expected


def test_an_age_test_as_decision_tables_write_it():
    adult = FeelUnaryTests('>= duration("P18Y")')
    def age(born):
        return FeelExpression(f'years and months duration(date("{born}"), today())').evaluate(
            Scope(VARIABLES.__getitem__, now=NOW))
    assert adult.matches(Scope(VARIABLES.__getitem__, input=age("2008-03-14"), now=NOW))
    assert not adult.matches(Scope(VARIABLES.__getitem__, input=age("2008-03-15"), now=NOW))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('substring(string: "foobar", start position: 3)', "obar"),
        ('substring(start position: 2, length: 3, string: "foobar")', "oob"),
        ("date(year: 2026, month: 1, day: 31)", date(2026, 1, 31)),
        ('date(from: "2026-01-31")', date(2026, 1, 31)),
        ("list contains(element: 2, list: [1, 2])", True),
        ("decimal(scale: 1, n: 1.25)", 1.2),
        ("modulo(divisor: 5, dividend: 12)", 2),
        ('string join(list: ["a", "b"], delimiter: "+")', "a+b"),
    ],
)
def test_named_arguments_go_where_their_parameters_are(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('substring(text: "x", start position: 1)',
         "function 'substring' has no parameter named 'text'; its parameters: "
         "(string, start position, length)"),
        ('substring(string: "x", length: 1)', "function 'substring' needs 'start position' too"),
        ('upper case(string: "a", string: "b")', "a parameter is named twice"),
    ],
)
def test_named_arguments_a_function_does_not_have_are_refused_when_compiled(text, message):
    with pytest.raises(FeelError, match=re.escape(message)):
        FeelExpression(text)


def test_an_input_entry_can_test_with_the_new_functions():
    tests = FeelUnaryTests('list contains(["gold", "platinum"], ?)')
    assert tests.matches(Scope(VARIABLES.__getitem__, input="gold", now=NOW))
    assert not tests.matches(Scope(VARIABLES.__getitem__, input="bronze", now=NOW))
    interval = FeelUnaryTests("[1..count(tags)]")
    assert interval.matches(Scope(VARIABLES.__getitem__, input=2, now=NOW))
    assert not interval.matches(Scope(VARIABLES.__getitem__, input=3, now=NOW))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('substring("foobar", 0)', "start position 0 is outside 'foobar'"),
        ("remove([1, 2], 5)", "position 5 is outside a list of 2"),
        ('matches("a", "(")', "is not a regular expression"),
        ('matches("a", "a", "z")', "unknown flag 'z'"),
        ("count(5)", "function 'count' expects a list, got number"),
        ('for i in 1.5..3 return i', "needs whole numbers"),
        ("date(2026, 2, 30)", "is not a date"),
        ("for i in 1..200000 return i", "more than 100000 iterations"),
    ],
)
def test_function_misuse_is_an_error_naming_the_function(text, message):
    with pytest.raises(FeelError, match=message):
        feel(text)


def test_every_built_in_of_a_fixed_arity_names_its_parameters():
    from engine.dmn.feel.calls import BUILTINS
    from engine.dmn.feel.parameters import SIGNATURES

    for name, builtin in BUILTINS.items():
        if builtin.most:
            longest = max(len(signature) for signature in SIGNATURES[name])
            assert longest == builtin.most, name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{double: function(x) x * 2, r: double(4)}.r", 8),
        ("{add: function(a, b: number) a + b, r: add(b: 2, a: 40)}.r", 42),
        # a function sees what was visible where it was defined, and recurses by its name
        ("{rate: 10, fee: function(amount) amount * rate / 100, r: fee(250)}.r", 25),
        ("{fact: function(n) if n <= 1 then 1 else n * fact(n - 1), r: fact(5)}.r", 120),
        ("{f: function(a, b) b, r: f(a: 1)}.r", None),  # a parameter not given is null
        ("sort([3, 1, 2], function(x, y) x < y)", [1, 2, 3]),
        ('sort(["b", "c", "a"], function(x, y) x > y)', ["c", "b", "a"]),
        ("sort(items, function(a, b) a.price > b.price)[1].name", "desk"),
        ("sort(list: [2, 1], precedes: function(x, y) x < y)", [1, 2]),
        ("{f: function() 1, r: f instance of function}.r", True),
        ("{rates: {fee: function(amount) amount / 10}, r: rates.fee(250)}.r", 25),
        ("{twice: function(v) v * 2}.twice(v: 21)", 42),
    ],
)
def test_function_definitions_and_sort(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1, 2.5] instance of list<number>", True),
        ('[1, "2"] instance of list<number>', False),
        ("[] instance of list<string>", True),
        ("[[1], [2, 3]] instance of list<list<number>>", True),
        ("items instance of list<context<name: string, price: number>>", True),
        ("items instance of list<context<name: string, weight: number>>", False),
        ('{a: 1, b: "x"} instance of context<a: number>', True),
        ("5 instance of list<number>", False),
        ("nothing instance of list<Any>", False),
        ("{f: function(a: number, b: list<string>) a, r: f(1, [])}.r", 1),
    ],
)
def test_typed_instance_of_tests_every_item_and_entry(text, expected):
    assert feel(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{f: 5, r: f(1)}.r", "'f' is not a function, it is number"),
        ("{a: {f: 5}, r: a.f(1)}.r", "'f' is not a function, it is number"),
        ("{f: function(a) a, r: f(1, 2)}.r", "1 parameter\\(s\\) was given 2 argument"),
        ("{f: function(a) a, r: f(b: 1)}.r", "has the parameters \\(a\\), not 'b'"),
        ("sort([2, 1], 5)", "function 'sort' expects a function to order by, got number"),
        ("{f: function(n) f(n), r: f(1)}.r", "nested too deeply to evaluate"),
    ],
)
def test_a_function_misused_is_an_error_naming_it(text, message):
    with pytest.raises(FeelError, match=message):
        feel(text)


def test_a_decision_that_would_give_a_function_fails_naming_the_decision():
    from engine.dmn.errors import DecisionError
    from tests.engine.dmn.support import decide, one_column

    assert decide(one_column("-", output="{twice: function(v) v * 2, r: twice(x)}.r"), x=4) == [
        {"result": 8}
    ]
    with pytest.raises(DecisionError, match="Decision 'd': a function cannot be a decision's"):
        decide(one_column("-", output="{twice: function(v) v * 2}"), x=4)
