"""Methods, properties and indexes of plain values (engine/groovy/gdk.py): Groovy's GDK and
the Java methods scripts call on strings, numbers, map entries and dates (lists and maps:
test_gdk_collections.py)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from engine.groovy.errors import MAX_CHARS, GroovyLimitError, GroovyRuntimeError
from engine.groovy.gdk import call_method, get_index, get_property, set_index, set_property
from engine.groovy.values import MapEntry
from tests.engine.groovy.closures import call, it

NOW = datetime(2026, 3, 14, 9, 26, 53, 42_000, tzinfo=UTC)


# -- strings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "name", "args", "expected"),
    [
        # from the expression language's String methods
        ("Hello", "toUpperCase", [], "HELLO"),
        ("  x  ", "trim", [], "x"),
        ("abc", "contains", ["b"], True),
        ("abc", "substring", [1], "bc"),
        ("abc", "length", [], 3),
        ("abc", "isEmpty", [], False),
        ("a,b,,c", "split", [","], ["a", "b", "", "c"]),
        ("abc", "equals", ["abc"], True),
        ("abc", "charAt", [1], "b"),
        # Groovy's additions
        ("abc", "size", [], 3),
        (" 42 ", "toInteger", [], 42),
        ("-9000000000", "toLong", [], -9000000000),
        ("1.5", "toDouble", [], 1.5),
        ("1.50", "toBigDecimal", [], Decimal("1.50")),
        (" Y ", "toBoolean", [], True),
        ("1", "toBoolean", [], True),
        ("TRUE", "toBoolean", [], True),
        ("yes", "toBoolean", [], False),
        ("12", "isInteger", [], True),
        ("12.5", "isInteger", [], False),
        ("9999999999", "isInteger", [], False),
        ("9999999999", "isLong", [], True),
        ("1e5", "isDouble", [], True),
        ("abc", "isDouble", [], False),
        ("1.5", "isBigDecimal", [], True),
        ("-3.25", "isNumber", [], True),
        ("3.", "isNumber", [], True),
        ("", "isNumber", [], False),
        ("abc", "isNumber", [], False),
        ("hello", "capitalize", [], "Hello"),
        ("Hello", "uncapitalize", [], "hello"),
        ("", "capitalize", [], ""),
        ("abc", "reverse", [], "cba"),
        ("7", "padLeft", [3, "0"], "007"),
        ("ab", "padLeft", [5], "   ab"),
        ("ab", "padLeft", [7, "xy"], "xyxyxab"),
        ("abcdef", "padLeft", [3], "abcdef"),
        ("ab", "padRight", [4, "."], "ab.."),
        ("ab", "center", [6], "  ab  "),
        ("ab", "center", [5, "-"], "-ab--"),
        ("ab", "center", [7, "xy"], "xyxabxyx"[:2] + "ab" + "xyx"),
        ("abc", "toList", [], ["a", "b", "c"]),
        ("  a b\tc\n", "tokenize", [], ["a", "b", "c"]),
        ("a,b;;c,", "tokenize", [",;"], ["a", "b", "c"]),
        ("a b  c", "split", [], ["a", "b", "c"]),
        ("aaa", "count", ["aa"], 2),
        ("banana", "count", ["an"], 2),
        ("banana", "count", ["x"], 0),
        ("a", "plus", [1], "a1"),
        ("banana", "minus", ["an"], "bana"),
        ("ab", "multiply", [2], "abab"),
        ("hello", "take", [2], "he"),
        ("hello", "drop", [2], "llo"),
        ("b", "compareTo", ["a"], 1),
    ],
)
def test_string_methods(target, name, args, expected):
    result = call_method(target, name, args)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("target", "name", "args", "expected"),
    [
        ("a1b22c", "replaceAll", [r"\d+", "#"], "a#b#c"),
        ("John Smith", "replaceAll", [r"(\w+) (\w+)", "$2, $1"], "Smith, John"),
        ("2026-03-14", "replaceAll", [r"(?<y>\d+)-(\d+)-(\d+)", "$3.$2.${y}"], "14.03.2026"),
        ("a.b", "replaceAll", [r"\.", "\\$"], "a$b"),
        ("a.b", "replaceAll", [r"\Q.\E", "-"], "a-b"),
        ("abc", "replaceAll", ["", "-"], "-a-b-c-"),
        ("ab", "replaceAll", ["(x)?b", "[$1]"], "a[]"),
        ("aaa", "replaceFirst", ["a", "b"], "baa"),
        ("x12", "replaceFirst", [r"(\d)(\d)", "$2$1"], "x21"),
        ("ab1", "replaceAll", [r"\p{Alpha}", "x"], "xx1"),
        ("ab1", "replaceAll", [r"[\p{Digit}b]", "x"], "axx"),
        ("éa", "replaceAll", [r"\w", "x"], "éx"),
        ("abc123", "matches", [r"[a-z]+\d+"], True),
        ("abc123", "matches", [r"[a-z]+"], False),
        ("line\n", "matches", [r"line\z"], False),
        ("a-1 b-2", "replaceAll", [r"(\w)-(\d)", it(lambda m: m[2] + m[1])], "1a 2b"),
        ("a b", "replaceAll", [r"\w", it(lambda m: m.upper())], "A B"),
    ],
)
def test_regular_expressions_are_java_ones(target, name, args, expected):
    assert call_method(target, name, args) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["(", "x"], "Invalid regular expression '\\('"),
        (["a" * 1001, "x"], "Regular expression longer than 1000 characters"),
        (["a", "$2"], "No group 2"),
        (["a", "${name}"], "No group with name {name}"),
        (["a", "$x"], "Illegal group reference"),
        (["a", "x\\"], "character to be escaped is missing"),
        ([r"\p{IsGreek}", "x"], "is not supported"),
        (["[a&&[b]]", "x"], "is not supported"),
        (["[[:alpha:]]", "x"], "a character class union or intersection is not supported"),
    ],
)
def test_bad_regular_expressions_fail(args, message):
    with pytest.raises(GroovyRuntimeError, match=message.replace("{", r"\{").replace("$", r"\$")):
        call_method("abc", "replaceAll", args)


def test_replace_all_cannot_build_beyond_the_limit():
    with pytest.raises(GroovyLimitError):
        call("a" * 1000, "replaceAll", "", "x" * 20_000)


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("toInteger", [], 'For input string: "abc"'),
        ("toBigDecimal", [], 'For input string: "abc"'),
        ("toDouble", [], 'For input string: "abc"'),
    ],
)
def test_string_conversions_fail_like_java(name, args, message):
    with pytest.raises(GroovyRuntimeError, match=message):
        call_method("abc", name, args)


def test_string_each_calls_the_closure_with_each_character():
    closure = it(lambda c: None)
    assert call("abc", "each", closure) == "abc"
    assert closure.calls == [("a",), ("b",), ("c",)]


@pytest.mark.parametrize(
    ("target", "name", "args", "message"),
    [
        ("abc", "foo", [1], r"No signature of method: java.lang.String.foo\(\) is applicable "
         r"for argument types: \(java.lang.Integer\) values: \[1\]"),
        ("abc", "padLeft", ["x"], r"java.lang.String.padLeft\(\) is applicable for argument "
         r"types: \(java.lang.String\) values: \[x\]"),
        ("abc", "toUpperCase", [1], r"java.lang.String.toUpperCase\(\) is applicable for "
         r"argument types: \(java.lang.Integer\)"),
        ("abc", "replaceAll", [1, 2], r"java.lang.String.replaceAll\(\) is applicable for "
         r"argument types: \(java.lang.Integer, java.lang.Integer\) values: \[1, 2\]"),
        ("abc", "each", ["x"], r"java.lang.String.each\(\)"),
        ("abc", "__class__", [], r"java.lang.String.__class__\(\)"),
        ("abc", "upper", [], r"java.lang.String.upper\(\)"),
        (None, "size", [], r"Cannot invoke method size\(\) on null object"),
        (object(), "size", [], r"No signature of method: object.size\(\)"),
    ],
)
def test_unknown_methods_and_wrong_arguments_fail_as_in_groovy(target, name, args, message):
    with pytest.raises(GroovyRuntimeError, match=message):
        call_method(target, name, args)


def test_el_errors_become_groovy_errors():
    with pytest.raises(GroovyRuntimeError, match="String index out of range"):
        call("abc", "substring", 5)
    with pytest.raises(GroovyRuntimeError, match="Invalid regular expression"):
        call("abc", "split", "[a-z")


@pytest.mark.parametrize(
    ("text", "regex", "pieces"),
    [
        ("a b  c", "\\s+", ["a", "b", "c"]),
        ("a,b,,c,,", ",", ["a", "b", "", "c"]),  # trailing empty strings dropped, as Java
        ("", ",", [""]),
        ("abc", "", ["a", "b", "c"]),
        (", a", ",\\s*", ["", "a"]),
        ("a1b22c", "\\d+", ["a", "b", "c"]),
    ],
)
def test_split_takes_a_java_regular_expression(text, regex, pieces):
    assert call(text, "split", regex) == pieces


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("padLeft", [20_000_000]),
        ("padRight", [20_000_000, "ab"]),
        ("center", [20_000_000]),
        ("multiply", [20_000_000]),
    ],
)
def test_string_growth_is_limited(name, args):
    with pytest.raises(GroovyLimitError):
        call_method("x", name, args)


def test_a_string_too_long_for_a_list_of_characters_is_refused():
    with pytest.raises(GroovyLimitError):
        call("x" * (MAX_CHARS // 2), "toList")


# -- numbers and booleans ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "name", "args", "expected"),
    [
        (42, "toString", [], "42"),
        (1.0, "toString", [], "1.0"),
        (Decimal("1.50"), "toString", [], "1.50"),
        (3.9, "intValue", [], 3),
        (-3.9, "toInteger", [], -3),
        (Decimal("7.5"), "longValue", [], 7),
        (3, "doubleValue", [], 3.0),
        (Decimal("0.5"), "toDouble", [], 0.5),
        (2, "toBigDecimal", [], Decimal(2)),
        (0.1, "toBigDecimal", [], Decimal("0.1")),
        (-5, "abs", [], 5),
        (Decimal("-1.50"), "abs", [], Decimal("1.50")),
        (2.5, "round", [], 3),
        (-2.5, "round", [], -2),
        (2.4, "round", [], 2),
        (0.49999999999999994, "round", [], 0),
        (2.675, "round", [2], 2.68),
        (Decimal("2.345"), "round", [2], Decimal("2.35")),
        (Decimal("2.5"), "round", [], Decimal("3")),
        (7, "round", [], 7),
        (7, "intdiv", [2], 3),
        (-7, "intdiv", [2], -3),
        (7, "intdiv", [-2], -3),
        (1, "plus", [2], 3),
        (1, "plus", ["a"], "1a"),
        (5, "minus", [7], -2),
        (3, "multiply", [1.5], 4.5),
        (1, "div", [3], Decimal("0.3333333333")),
        (-7, "mod", [3], -1),
        (2, "power", [8], 256),
        (1, "compareTo", [2], -1),
        (2.0, "compareTo", [2], 0),
        (1, "equals", [1], True),
        (1, "equals", [1.0], False),
        (True, "toString", [], "true"),
        (False, "booleanValue", [], False),
        (True, "equals", [True], True),
        (True, "equals", [1], False),
    ],
)
def test_number_and_boolean_methods(target, name, args, expected):
    result = call_method(target, name, args)
    assert result == expected
    assert type(result) is type(expected)


def test_times_upto_and_downto_call_the_closure_with_each_number():
    closure = it(lambda i: None)
    assert call(3, "times", closure) is None
    assert closure.calls == [(0,), (1,), (2,)]
    closure = it(lambda i: None)
    call(2, "upto", 4, closure)
    assert closure.calls == [(2,), (3,), (4,)]
    closure = it(lambda i: None)
    call(2, "downto", 0, closure)
    assert closure.calls == [(2,), (1,), (0,)]


def test_upto_refuses_a_smaller_end():
    with pytest.raises(GroovyRuntimeError, match=r"The argument \(1\) to upto\(\) cannot be less"):
        call(2, "upto", 1, it(lambda i: None))


@pytest.mark.parametrize(
    ("target", "name", "args", "message"),
    [
        (1, "intdiv", [0], "Division by zero"),
        (1, "times", [5], r"java.lang.Integer.times\(\) is applicable for argument types: "
         r"\(java.lang.Integer\) values: \[5\]"),
        (True, "plus", [1], r"java.lang.Boolean.plus\(\)"),
        (1.5, "toUpperCase", [], r"java.lang.Double.toUpperCase\(\)"),
        (math.nan, "toInteger", [], "Cannot cast object 'NaN'"),
    ],
)
def test_number_methods_fail_as_in_groovy(target, name, args, message):
    with pytest.raises(GroovyRuntimeError, match=message):
        call_method(target, name, args)


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("yyyy-MM-dd", "2026-03-14"),
        ("yy/M/d", "26/3/14"),
        ("dd.MM.yyyy HH:mm:ss.SSS", "14.03.2026 09:26:53.042"),
        ("yyyy-MM-dd'T'HH:mm:ssXXX", "2026-03-14T09:26:53Z"),
        ("EEE, d MMM yyyy", "Sat, 14 Mar 2026"),
        ("EEEE d MMMM", "Saturday 14 March"),
        ("h:mm a", "9:26 AM"),
        ("hh 'o''clock' a, z Z", "09 o'clock AM, UTC +0000"),
        ("D u", "73 6"),
    ],
)
def test_date_format_takes_simple_date_format_patterns(pattern, expected):
    assert call(NOW, "format", pattern) == expected


def test_date_format_in_the_dates_zone():
    moment = datetime(2026, 7, 1, 18, 5, tzinfo=timezone(timedelta(hours=-3, minutes=-30)))
    assert call(moment, "format", "HH:mm Z X XXX") == "18:05 -0330 -03 -03:30"


def test_date_format_refuses_unknown_letters():
    with pytest.raises(GroovyRuntimeError, match="Illegal pattern character 'q'"):
        call(NOW, "format", "yyyy q")


def test_date_methods():
    later = NOW + timedelta(days=1)
    assert call(NOW, "getTime") == 1773480413042
    assert call(NOW, "before", later) is True
    assert call(NOW, "after", later) is False
    assert call(NOW, "plus", 2) == NOW + timedelta(days=2)
    assert call(NOW, "minus", 2) == NOW - timedelta(days=2)
    assert call(later, "minus", NOW) == 1
    assert call(NOW, "compareTo", later) == -1
    assert call(NOW, "toString") == "Sat Mar 14 09:26:53 UTC 2026"


# -- properties ----------------------------------------------------------------------------


def test_properties():
    assert get_property({"a": 1}, "a") == 1
    assert get_property({"a": 1}, "missing") is None
    assert get_property({"empty": 5}, "empty") == 5
    assert get_property(MapEntry("k", "v"), "key") == "k"
    assert get_property(MapEntry("k", "v"), "value") == "v"
    assert get_property("", "empty") is True
    assert get_property([], "empty") is True
    assert get_property(NOW, "time") == 1773480413042


def test_a_property_of_a_list_is_spread_over_its_elements():
    people = [{"name": "a", "tags": [{"id": 1}]}, {"name": "b", "tags": []}, None]
    assert get_property(people, "name") == ["a", "b", None]
    assert get_property([[{"id": 1}], [{"id": 2}]], "id") == [[1], [2]]
    assert get_index(people, "name") == ["a", "b", None]


@pytest.mark.parametrize(
    ("target", "name", "message"),
    [
        ("abc", "x", "No such property: x for class: java.lang.String"),
        (1, "class", "No such property: class for class: java.lang.Integer"),
        (MapEntry(1, 2), "k", r"No such property: k for class: java.util.Map\$Entry"),
        ([1], "x", "No such property: x for class: java.lang.Integer"),
        (None, "x", "Cannot get property 'x' on null object"),
    ],
)
def test_unknown_properties_fail(target, name, message):
    with pytest.raises(GroovyRuntimeError, match=message):
        get_property(target, name)


def test_set_property_sets_map_entries_only():
    entries = {}
    set_property(entries, "a", 1)
    assert entries == {"a": 1}
    with pytest.raises(GroovyRuntimeError, match="No such property: a for class: java.util.Arr"):
        set_property([], "a", 1)


# -- indexes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "index", "expected"),
    [
        ([1, 2, 3], 0, 1),
        ([1, 2, 3], -1, 3),
        ([1, 2, 3], 3, None),
        ([1, 2, 3], -4, None),
        ({"a": 1}, "a", 1),
        ({1: "x"}, 1, "x"),
        ({"a": 1}, "b", None),
        ({"a": 1}, [1], None),
        ("abc", 1, "b"),
        ("abc", -1, "c"),
    ],
)
def test_get_index(target, index, expected):
    assert get_index(target, index) == expected


@pytest.mark.parametrize(
    ("target", "index", "message"),
    [
        ("abc", 7, "String index out of range: 7"),
        ("abc", -4, "String index out of range: -4"),
        ([1], True, r"java.util.ArrayList.getAt\(\) is applicable for argument types: "
         r"\(java.lang.Boolean\)"),
        ([1], 1.5, r"java.util.ArrayList.getAt\(\)"),
        (5, 0, r"java.lang.Integer.getAt\(\)"),
        (None, 0, r"Cannot invoke method getAt\(\) on null object"),
    ],
)
def test_get_index_fails(target, index, message):
    with pytest.raises(GroovyRuntimeError, match=message):
        get_index(target, index)


def test_set_index_on_lists_and_maps():
    items = [1, 2]
    set_index(items, 0, "a")
    set_index(items, -1, "b")
    set_index(items, 4, "e")
    assert items == ["a", "b", None, None, "e"]
    entries = {}
    set_index(entries, "k", 1)
    assert entries == {"k": 1}


def test_set_index_fails_outside_lists_and_maps():
    with pytest.raises(GroovyRuntimeError, match=r"Negative array index \[-3\] too large"):
        set_index([1], -3, "x")
    with pytest.raises(GroovyRuntimeError, match=r"java.lang.String.putAt\(\)"):
        set_index("abc", 0, "x")
    with pytest.raises(GroovyRuntimeError, match="Cannot use java.util.LinkedHashMap"):
        set_index({}, {}, "x")


def test_set_index_cannot_pad_beyond_the_limit():
    items = []
    with pytest.raises(GroovyLimitError):
        set_index(items, 50_000_000, "x")
    assert items == []


def test_growing_a_string_by_concatenation_is_limited():
    with pytest.raises(GroovyLimitError):
        call("x" * (MAX_CHARS - 1), "plus", "yy")
