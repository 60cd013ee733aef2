"""Groovy semantics of plain values (engine/groovy/values.py): truth, toString, ==, <=>, the
binary operators, `as` and `instanceof`."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from engine.groovy import values
from engine.groovy.errors import MAX_CHARS, GroovyLimitError, GroovyRuntimeError
from engine.groovy.values import MapEntry, binary, cast, compare, equals, is_instance, to_string

NOW = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


class Closure:
    def __call__(self, *args):
        return None

    parameter_count = 0


# -- truth ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False),
        (False, False),
        (True, True),
        (0, False),
        (7, True),
        (0.0, False),
        (-0.5, True),
        (Decimal("0.00"), False),
        (Decimal("0.01"), True),
        ("", False),
        ("false", True),
        ([], False),
        ([None], True),
        ({}, False),
        ({"a": None}, True),
        (MapEntry("k", None), True),
        (NOW, True),
    ],
)
def test_truth_is_groovy_truth(value, expected):
    assert values.truth(value) is expected


# -- toString ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (42, "42"),
        (-(2**70), str(-(2**70))),
        (1.0, "1.0"),
        (1.5, "1.5"),
        (-2.25, "-2.25"),
        (1e10, "1.0E10"),
        (1.234e7, "1.234E7"),
        (1e-4, "1.0E-4"),
        (0.001, "0.001"),
        (1234567.0, "1234567.0"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        (Decimal("1.50"), "1.50"),
        (Decimal("100"), "100"),
        (Decimal("-0.000"), "0.000"),
        ("text", "text"),
        ([1, "a", None], "[1, a, null]"),
        ([1, [2, ["x"]], []], "[1, [2, [x]], []]"),
        ({"k": "v", "n": 1}, "[k:v, n:1]"),
        ({}, "[:]"),
        ({"list": [1, 2], "map": {"a": None}}, "[list:[1, 2], map:[a:null]]"),
        (MapEntry("k", 1.5), "k=1.5"),
        (NOW, "Sat Mar 14 09:26:53 UTC 2026"),
        (datetime(2026, 1, 5, 7, 8, 9), "Mon Jan 05 07:08:09 UTC 2026"),
        (datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))),
         "Wed Jul 01 12:00:00 GMT+02:00 2026"),
    ],
)
def test_to_string_follows_groovy(value, expected):
    assert to_string(value) == expected


def test_to_string_of_a_collection_holding_itself_ends():
    items = [1]
    items.append(items)
    entries = {"a": 1}
    entries["self"] = entries
    assert to_string(items) == "[1, (this Collection)]"
    assert to_string(entries) == "[a:1, self:(this Map)]"


def test_to_string_refuses_text_beyond_the_limit():
    with pytest.raises(GroovyLimitError):
        to_string(["x" * (MAX_CHARS // 2), "y" * (MAX_CHARS // 2)])


# -- equality and order --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (1, 1.0, True),
        (1, Decimal("1.00"), True),
        (Decimal("1.0"), 1.0, True),
        (1, 2, False),
        (True, True, True),
        (True, 1, False),
        (1, True, False),
        (False, 0, False),
        (None, None, True),
        (None, 0, False),
        ("", None, False),
        ("1", 1, False),
        ("a", "a", True),
        ([1, "a"], [1.0, "a"], True),
        ([1, 2], [1, 2, 3], False),
        ([True], [1], False),
        ({"a": 1, "b": [2]}, {"b": [2.0], "a": 1}, True),
        ({"a": 1}, {"a": 2}, False),
        ({"a": 1}, {"b": 1}, False),
        (MapEntry("a", 1), MapEntry("a", 1.0), True),
        (NOW, NOW.replace(tzinfo=None), True),
        (NOW, NOW + timedelta(seconds=1), False),
        ([1], {"a": 1}, False),
    ],
)
def test_equals_is_groovy_double_equals(a, b, expected):
    assert equals(a, b) is expected
    assert equals(b, a) is expected


def test_equal_strings_are_equal_whatever_object_holds_them():
    built = "".join(["ab", "c"])
    assert equals("abc", built)
    assert equals(["abc"], [built])
    assert equals({"k": "abc"}, {"k": built})
    assert binary("in", built, ["abc"])


def test_map_entries_support_python_equality():
    assert MapEntry("k", [1]) == MapEntry("k", [1])
    assert MapEntry("k", 1) != MapEntry("k", 2)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (1, 2, -1),
        (2, 1, 1),
        (2, 2.0, 0),
        (Decimal("1.5"), 1, 1),
        (1.5, Decimal("1.5"), 0),
        ("apple", "banana", -1),
        ("b", "B", 1),
        (False, True, -1),
        (None, 1, -1),
        ("a", None, 1),
        (None, None, 0),
        (NOW, NOW - timedelta(days=1), 1),
        (NOW.replace(tzinfo=None), NOW, 0),
        (math.nan, 1.0, 1),
    ],
)
def test_compare_is_the_spaceship_operator(a, b, expected):
    assert compare(a, b) == expected


@pytest.mark.parametrize(
    ("a", "b", "message"),
    [
        ("a", 1, "Cannot compare java.lang.String with value 'a' and java.lang.Integer with "
         "value '1'"),
        (True, 1, "Cannot compare java.lang.Boolean with value 'true' and java.lang.Integer"),
        ([1], [1], "Cannot compare java.util.ArrayList with value '[1]'"),
        (NOW, 1, "Cannot compare java.util.Date"),
    ],
)
def test_compare_refuses_values_of_different_kinds(a, b, message):
    with pytest.raises(GroovyRuntimeError, match=message.replace("[", r"\[").replace("]", r"\]")):
        compare(a, b)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        ("s", "java.lang.String"),
        (True, "java.lang.Boolean"),
        (1, "java.lang.Integer"),
        (2**31 - 1, "java.lang.Integer"),
        (2**31, "java.lang.Long"),
        (-(2**31) - 1, "java.lang.Long"),
        (2**63, "java.math.BigInteger"),
        (1.5, "java.lang.Double"),
        (Decimal("1.5"), "java.math.BigDecimal"),
        ([], "java.util.ArrayList"),
        ({}, "java.util.LinkedHashMap"),
        (NOW, "java.util.Date"),
        (MapEntry(1, 2), "java.util.Map$Entry"),
        (Closure(), "Closure"),
    ],
)
def test_type_name_is_the_java_class(value, expected):
    assert values.type_name(value) == expected


# -- arithmetic ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "a", "b", "expected"),
    [
        ("+", 1, 2, 3),
        ("-", 1, 5, -4),
        ("*", 6, 7, 42),
        ("%", 7, 3, 1),
        ("%", -7, 3, -1),
        ("%", 7, -3, 1),
        ("**", 2, 10, 1024),
        ("**", -3, 3, -27),
        ("**", 2, -1, 0.5),
        ("+", 1, 1.5, 2.5),
        ("*", 2.5, 2, 5.0),
        ("+", 1, Decimal("0.10"), Decimal("1.10")),
        ("*", Decimal("1.5"), Decimal("1.5"), Decimal("2.25")),
        ("-", Decimal("0.3"), Decimal("0.1"), Decimal("0.2")),
        ("+", Decimal("0.1"), 0.2, 0.1 + 0.2),
        ("%", Decimal("7.5"), 2, Decimal("1.5")),
        ("%", -7.5, 2, -1.5),
        ("**", Decimal("1.1"), 2, Decimal("1.21")),
        ("**", 2, 0.5, math.sqrt(2)),
        ("/", 1.0, 4, 0.25),
        ("/", 1.0, 0, math.inf),
        ("/", -1.0, 0, -math.inf),
        ("<<", 1, 10, 1024),
    ],
)
def test_arithmetic_keeps_groovy_number_types(op, a, b, expected):
    result = binary(op, a, b)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (1, 3, "0.3333333333"),
        (2, 3, "0.6666666667"),
        (10, 3, "3.3333333333"),
        (1, 7, "0.1428571429"),
        (10, 4, "2.5"),
        (4, 2, "2"),
        (100, 4, "25"),
        (100, 1, "100"),
        (1, 8, "0.125"),
        (1, 1024, "0.0009765625"),
        (-7, 2, "-3.5"),
        (Decimal("6.0"), 2, "3.0"),
        (Decimal("1.00"), 4, "0.25"),
        (Decimal("1.0"), 3, "0.3333333333"),
        (Decimal("1.000000000000"), 3, "0.333333333333"),
        (0, 5, "0"),
    ],
)
def test_division_is_big_decimal_division(a, b, expected):
    result = binary("/", a, b)
    assert isinstance(result, Decimal)
    assert to_string(result) == expected


@pytest.mark.parametrize(
    ("op", "b"), [("/", 0), ("%", 0), ("/", Decimal("0.0")), ("%", Decimal(0))]
)
def test_division_by_zero_fails(op, b):
    with pytest.raises(GroovyRuntimeError, match="Division by zero"):
        binary(op, 1, b)


def test_float_remainder_by_zero_is_nan():
    assert math.isnan(binary("%", 1.0, 0))
    assert math.isnan(binary("/", 0.0, 0))


@pytest.mark.parametrize(
    ("op", "a", "b"),
    [
        ("**", 10, 5000),
        ("**", 2, 10**9),
        ("**", Decimal("1.5"), 100_000),
        ("*", 10**3000, 10**3000),
        ("+", 10**4000 - 1, 1),
        ("<<", 1, 100_000),
    ],
)
def test_numbers_beyond_the_limit_are_refused(op, a, b):
    with pytest.raises(GroovyLimitError):
        binary(op, a, b)


def test_small_powers_of_big_numbers_are_exact():
    assert binary("**", 10, 3999) == 10**3999
    assert binary("**", 1, 10**12) == 1
    assert binary("**", -1, 10**12 + 1) == -1


# -- strings, lists, maps, dates -----------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "a", "b", "expected"),
    [
        ("+", "a", "b", "ab"),
        ("+", 1, "a", "1a"),
        ("+", "a", None, "anull"),
        (("+"), None, "a", "nulla"),
        ("+", "x=", [1, "b"], "x=[1, b]"),
        ("+", "v", 1.0, "v1.0"),
        ("+", "m", {"a": 1}, "m[a:1]"),
        ("-", "banana", "an", "bana"),
        ("-", "abc", "x", "abc"),
        ("-", "a1b1", 1, "ab1"),
        ("*", "ab", 3, "ababab"),
        ("*", "ab", 0, ""),
        ("<<", "ab", 1, "ab1"),
        ("+", [1, 2], [3], [1, 2, 3]),
        ("+", [1], 2, [1, 2]),
        ("+", [1], None, [1, None]),
        ("+", [1], "a", [1, "a"]),
        ("-", [1, 2, 3, 2, 1.0], [1, 2], [3]),
        ("-", [1, "a", 1], 1, ["a"]),
        ("-", [[1], [2]], [[1]], [[2]]),
        ("*", [1, 2], 2, [1, 2, 1, 2]),
        ("+", {"a": 1, "b": 2}, {"b": 3, "c": 4}, {"a": 1, "b": 3, "c": 4}),
        ("+", NOW, 2, NOW + timedelta(days=2)),
        ("-", NOW, 1, NOW - timedelta(days=1)),
        ("-", NOW, NOW - timedelta(days=3, hours=1), 3),
        ("-", datetime(2026, 3, 2, 0, 5, tzinfo=UTC), datetime(2026, 3, 1, 23, 55, tzinfo=UTC), 1),
    ],
)
def test_operators_on_strings_lists_maps_and_dates(op, a, b, expected):
    assert binary(op, a, b) == expected


def test_plus_builds_new_collections():
    items, entries = [1], {"a": 1}
    assert binary("+", items, 2) is not items
    assert binary("+", entries, {"b": 2}) is not entries
    assert items == [1]
    assert entries == {"a": 1}


def test_left_shift_appends_to_a_list_in_place():
    items = [1]
    assert binary("<<", items, [2]) is items
    assert items == [1, [2]]


def test_left_shift_merges_into_a_map_in_place():
    entries = {"a": 1}
    assert binary("<<", entries, {"b": 2}) is entries
    assert binary("<<", entries, MapEntry("c", 3)) is entries
    assert entries == {"a": 1, "b": 2, "c": 3}


@pytest.mark.parametrize(
    ("item", "container", "expected"),
    [
        (2, [1, 2, 3], True),
        (2.0, [1, 2, 3], True),
        ("2", [1, 2, 3], False),
        ([1], [[1], [2]], True),
        ("a", {"a": 0}, True),
        ("b", {"a": 0}, False),
        ([1], {"a": 0}, False),
        ("abc", "abc", True),
        ("b", "abc", False),
        (1, "1", True),
        (None, "null", False),
        (1, None, False),
        (1, 1.0, True),
    ],
)
def test_in_is_groovy_is_case(item, container, expected):
    assert binary("in", item, container) is expected


@pytest.mark.parametrize(
    ("op", "a", "b", "message"),
    [
        ("+", None, 1, r"Cannot invoke method plus\(\) on null object"),
        ("-", None, None, r"Cannot invoke method minus\(\) on null object"),
        ("*", None, 2, r"Cannot invoke method multiply\(\) on null object"),
        ("+", True, 1, r"No signature of method: java.lang.Boolean.plus\(\) is applicable for "
         r"argument types: \(java.lang.Integer\) values: \[1\]"),
        ("+", 1, True, r"java.lang.Integer.plus\(\) is applicable for argument types: "
         r"\(java.lang.Boolean\) values: \[true\]"),
        ("+", 1, None, r"java.lang.Integer.plus\(\) is applicable for argument types: \(null\)"),
        ("-", 1, "a", r"java.lang.Integer.minus\(\) .* \(java.lang.String\) values: \[a\]"),
        ("*", 2, "ab", r"java.lang.Integer.multiply\(\)"),
        ("/", "a", 2, r"java.lang.String.div\(\)"),
        ("%", [1], 2, r"java.util.ArrayList.mod\(\)"),
        ("**", "a", 2, r"java.lang.String.power\(\)"),
        ("<<", 1.5, 1, r"java.lang.Double.leftShift\(\)"),
        ("+", {"a": 1}, [1], r"java.util.LinkedHashMap.plus\(\)"),
        ("*", "a", -1, r"multiply\(\) should be called with a number of 0 or greater not: -1"),
    ],
)
def test_operators_refuse_other_operands_as_groovy_does(op, a, b, message):
    with pytest.raises(GroovyRuntimeError, match=message):
        binary(op, a, b)


@pytest.mark.parametrize(
    ("op", "a", "b"),
    [
        ("*", "x", 20_000_000),
        ("*", "x" * 1000, 10_001),
        ("+", "x" * (MAX_CHARS - 1), "yy"),
        ("*", [1, 2], 600_000),
        ("+", list(range(600_000)), list(range(600_000))),
    ],
)
def test_building_beyond_the_limits_is_refused(op, a, b):
    with pytest.raises(GroovyLimitError):
        binary(op, a, b)


def test_negate():
    assert values.negate(5) == -5
    assert values.negate(-1.5) == 1.5
    assert to_string(values.negate(Decimal("1.50"))) == "-1.50"
    with pytest.raises(GroovyRuntimeError, match=r"Cannot invoke method negative\(\) on null"):
        values.negate(None)
    with pytest.raises(GroovyRuntimeError, match=r"java.lang.String.negative\(\)"):
        values.negate("a")


# -- as ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "type_name", "expected"),
    [
        (1.5, "String", "1.5"),
        ([1, None], "java.lang.String", "[1, null]"),
        (None, "String", None),
        ("42", "Integer", 42),
        (" -7 ", "int", -7),
        ("9999999999", "Long", 9999999999),
        ("9999999999", "BigInteger", 9999999999),
        (3.99, "Integer", 3),
        (-3.99, "long", -3),
        (Decimal("12.7"), "Integer", 12),
        (5, "Short", 5),
        ("1.5", "Double", 1.5),
        ("1e3", "double", 1000.0),
        (2, "Float", 2.0),
        (Decimal("0.1"), "Double", 0.1),
        ("1.50", "BigDecimal", Decimal("1.50")),
        (0.1, "java.math.BigDecimal", Decimal("0.1")),
        (3, "BigDecimal", Decimal(3)),
        (3, "Number", 3),
        ("2.5", "Number", Decimal("2.5")),
        ("false", "Boolean", True),
        ("", "boolean", False),
        (0, "Boolean", False),
        ([], "Boolean", False),
        ("abc", "List", ["a", "b", "c"]),
        ((1, 2), "Object", (1, 2)),
        ([3, 1, 3, 1.0, 2], "Set", [3, 1, 2]),
        ("abca", "java.util.HashSet", ["a", "b", "c"]),
        ({"a": 1}, "List", [MapEntry("a", 1)]),
        ({"a": 1}, "java.util.Map", {"a": 1}),
        ({"a": 1}, "LinkedHashMap", {"a": 1}),
        (NOW, "Date", NOW),
        ("x", "char", "x"),
        (65, "char", "A"),
        (None, "int", 0),
        (None, "double", 0.0),
        (None, "boolean", False),
        (None, "Integer", None),
        (None, "List", None),
    ],
)
def test_cast_is_groovy_as(value, type_name, expected):
    result = cast(value, type_name)
    assert result == expected
    assert type(result) is type(expected)


def test_cast_to_a_collection_copies():
    items, entries = [1], {"a": 1}
    assert cast(items, "ArrayList") is not items
    assert cast(entries, "HashMap") is not entries


@pytest.mark.parametrize(
    ("value", "type_name", "message"),
    [
        ("x", "Integer", "Cannot cast object 'x' with class 'java.lang.String' to class "
         "'java.lang.Integer'"),
        ("1.5", "int", "Cannot cast object '1.5' with class 'java.lang.String' to class 'int'"),
        ("9999999999", "Integer", "to class 'java.lang.Integer'"),
        (True, "Integer", "with class 'java.lang.Boolean' to class 'java.lang.Integer'"),
        (math.nan, "Long", "with class 'java.lang.Double' to class 'java.lang.Long'"),
        ("1,5", "BigDecimal", "to class 'java.math.BigDecimal'"),
        ("1_000", "Integer", "to class 'java.lang.Integer'"),
        ("infinity", "Double", "to class 'java.lang.Double'"),
        ([1], "Map", "with class 'java.util.ArrayList' to class 'java.util.Map'"),
        (5, "List", "with class 'java.lang.Integer' to class 'java.util.List'"),
        ("text", "Date", "to class 'java.util.Date'"),
        ("ab", "char", "to class 'char'"),
    ],
)
def test_cast_refuses_what_groovy_refuses(value, type_name, message):
    with pytest.raises(GroovyRuntimeError, match=message.replace("(", r"\(")):
        cast(value, type_name)


@pytest.mark.parametrize("value", [None, 1, "x"])
def test_cast_to_an_unknown_type_names_the_known_ones(value):
    with pytest.raises(GroovyRuntimeError, match="Cannot cast to Thread: only .*Integer.* known"):
        cast(value, "Thread")


# -- instanceof ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "type_name", "expected"),
    [
        ("s", "String", True),
        ("s", "java.lang.String", True),
        ("s", "Object", True),
        (1, "Integer", True),
        (1, "Long", True),
        (2**40, "Integer", False),
        (2**40, "Long", True),
        (2**40, "Short", False),
        (1, "Number", True),
        (1.5, "Number", True),
        (Decimal(1), "Number", True),
        (True, "Number", False),
        (True, "Integer", False),
        (True, "Boolean", True),
        (1.5, "Double", True),
        (1.5, "BigDecimal", False),
        (Decimal("1.5"), "BigDecimal", True),
        ([], "List", True),
        ([], "java.util.Collection", True),
        ([], "Map", False),
        ({}, "Map", True),
        ({}, "HashMap", True),
        (NOW, "Date", True),
        (NOW, "java.util.Date", True),
        (None, "Object", False),
        (None, "String", False),
        (Closure(), "Closure", True),
    ],
)
def test_is_instance_is_instanceof(value, type_name, expected):
    assert is_instance(value, type_name) is expected


def test_is_instance_of_an_unknown_type_fails():
    with pytest.raises(GroovyRuntimeError, match="Cannot test instanceof Thread"):
        is_instance(1, "Thread")
