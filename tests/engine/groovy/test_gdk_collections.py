"""The GDK on lists and maps (engine/groovy/gdk_collections.py through gdk.call_method):
Java's List/Map methods and Groovy's closure methods."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.groovy.errors import GroovyLimitError, GroovyRuntimeError
from engine.groovy.gdk import call_method
from engine.groovy.values import MapEntry
from tests.engine.groovy.closures import Fn, call, it

# -- lists ---------------------------------------------------------------------------------


def test_list_methods_from_the_expression_language():
    items = ["a", "b"]
    assert call(items, "size") == 2
    assert call(items, "contains", "b") is True
    assert call(items, "get", 1) == "b"
    assert call(items, "indexOf", "b") == 1
    assert call(items, "isEmpty") is False
    assert call([1, None, "x"], "toString") == "[1, null, x]"
    with pytest.raises(GroovyRuntimeError, match="Index 5 out of bounds for length 2"):
        call(items, "get", 5)


def test_add_remove_and_set_change_the_list_in_place():
    items = [1, 2]
    assert call(items, "add", 3) is True
    assert call(items, "add", 0, "first") is None
    assert call(items, "addAll", [4, 5]) is True
    assert items == ["first", 1, 2, 3, 4, 5]
    assert call(items, "remove", 0) == "first"  # an int is an index
    assert call(items, "remove", "nothing") is False
    assert call(items, "set", 0, 10) == 1
    assert call(items, "removeAll", [3, 4.0]) is True
    assert items == [10, 2, 5]
    call(items, "clear")
    assert items == []


def test_remove_by_value_removes_the_first_equal_element():
    items = ["a", "b", "a"]
    assert call(items, "remove", "a") is True
    assert items == ["b", "a"]


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("remove", [7], "Index 7 out of bounds for length 2"),
        ("set", [2, "x"], "Index 2 out of bounds for length 2"),
        ("add", [5, "x"], "Index: 5, Size: 2"),
        ("first", [], None),
        ("subList", [1, 3], "toIndex = 3"),
        ("subList", [-1, 1], "fromIndex = -1"),
        ("subList", [2, 1], r"fromIndex\(2\) > toIndex\(1\)"),
        ("addAll", ["x"], r"java.util.ArrayList.addAll\(\) is applicable for argument types: "
         r"\(java.lang.String\)"),
        ("each", [], r"java.util.ArrayList.each\(\) is applicable for argument types: \(\)"),
        ("collect", [1], r"java.util.ArrayList.collect\(\)"),
    ],
)
def test_list_methods_fail_as_in_groovy(name, args, message):
    if message is None:
        assert call_method(["a", "b"], name, args) == "a"
        return
    with pytest.raises(GroovyRuntimeError, match=message):
        call_method(["a", "b"], name, args)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("first", r"Cannot access first\(\) element from an empty List"),
        ("head", r"Cannot access first\(\) element from an empty List"),
        ("last", r"Cannot access last\(\) element from an empty List"),
        ("tail", r"Cannot access tail\(\) for an empty List"),
    ],
)
def test_ends_of_an_empty_list_fail(name, message):
    with pytest.raises(GroovyRuntimeError, match=message):
        call([], name)


def test_each_and_each_with_index_return_the_list():
    items = ["a", "b"]
    closure = it(lambda x: None)
    assert call(items, "each", closure) is items
    assert closure.calls == [("a",), ("b",)]
    closure = Fn(lambda x, i: None)
    assert call(items, "eachWithIndex", closure) is items
    assert closure.calls == [("a", 0), ("b", 1)]


def test_each_runs_over_a_snapshot_of_the_list():
    items = [1, 2]
    call(items, "each", it(lambda x: items.append(x)))
    assert items == [1, 2, 1, 2]


def test_a_closure_with_several_parameters_gets_a_list_spread():
    closure = Fn(lambda a, b: a + b)
    assert call([[1, 2], [3, 4]], "collect", closure) == [3, 7]


@pytest.mark.parametrize(
    ("target", "name", "args", "expected"),
    [
        ([1, 2, 3], "collect", [it(lambda x: x * 2)], [2, 4, 6]),
        ([1, 2], "collect", [], [1, 2]),
        (["a", "b"], "collectEntries", [it(lambda x: [x, x.upper()])], {"a": "A", "b": "B"}),
        (["a"], "collectEntries", [it(lambda x: {x: 1})], {"a": 1}),
        ([["k", 1]], "collectEntries", [], {"k": 1}),
        ([1, 2, 3, 4], "findAll", [it(lambda x: x % 2 == 0)], [2, 4]),
        ([0, 1, "", "a", None, [], [0]], "findAll", [], [1, "a", [0]]),
        ([1, 2, 3], "find", [it(lambda x: x > 1)], 2),
        ([1, 2, 3], "find", [it(lambda x: x > 5)], None),
        ([1, 2, 3], "findIndexOf", [it(lambda x: x > 1)], 1),
        ([1, 2, 3], "findIndexOf", [it(lambda x: x > 5)], -1),
        ([1, 2, 3], "any", [it(lambda x: x > 2)], True),
        ([0, None], "any", [], False),
        ([1, 2, 3], "every", [it(lambda x: x > 0)], True),
        ([1, 0], "every", [], False),
        ([], "every", [it(lambda x: False)], True),
        ([1, 2, 1, 1.0], "count", [1], 3),
        ([1, 2, 3], "count", [it(lambda x: x > 1)], 2),
        ([1, 2, 3], "any", [it(lambda x: "text")], True),
        ([1, 2, 3.5], "sum", [], 6.5),
        ([Decimal("0.1"), Decimal("0.2")], "sum", [], Decimal("0.3")),
        (["a", "b"], "sum", [], "ab"),
        ([[1], [2]], "sum", [], [1, 2]),
        ([], "sum", [], None),
        ([1, 2], "sum", [it(lambda x: x * 10)], 30),
        ([1, 2], "sum", [10], 13),
        ([3, 1, 2], "max", [], 3),
        ([3, 1, 2], "min", [], 1),
        ([], "max", [], None),
        (["bb", "a", "ccc"], "max", [it(lambda s: len(s))], "ccc"),
        (["bb", "a", "ccc"], "min", [Fn(lambda a, b: len(a) - len(b))], "a"),
        (["b", "c", "a"], "max", [], "c"),
        ([1, 2, 3], "join", [", "], "1, 2, 3"),
        ([1, None, "a"], "join", [], "1nulla"),
        ([1, 2, 3], "first", [], 1),
        ([1, 2, 3], "head", [], 1),
        ([1, 2, 3], "last", [], 3),
        ([1, 2, 3], "tail", [], [2, 3]),
        ([1, 2, 3], "reverse", [], [3, 2, 1]),
        ([1, [2, [3, [4]]], [], 5], "flatten", [], [1, 2, 3, 4, 5]),
        ([1, 2, 3], "inject", [0, Fn(lambda acc, x: acc + x)], 6),
        (["a", "b"], "inject", [Fn(lambda acc, x: acc + x)], "ab"),
        ([1, 2, 3], "take", [2], [1, 2]),
        ([1, 2, 3], "take", [-1], []),
        ([1, 2, 3], "drop", [2], [3]),
        ([1, 2, 3], "drop", [5], []),
        ([1], "plus", [[2]], [1, 2]),
        ([1, 2, 1], "minus", [1], [2]),
        ([1, 2, 3, 4], "subList", [1, 3], [2, 3]),
        ([1, 2, 1], "lastIndexOf", [1], 2),
        ([1, 2, 1], "lastIndexOf", [5], -1),
        ([1, 2], "toList", [], [1, 2]),
        ([1, 2, 1, 2.0, "1"], "toSet", [], [1, 2, "1"]),
        ([1, 2, 3], "containsAll", [[3, 1]], True),
        ([1, 2, 3], "containsAll", [[4]], False),
        ([1, 2, 3, 2], "intersect", [[2, 3, 4]], [2, 3]),
        (["ab", "c", "de"], "groupBy", [it(lambda s: len(s))], {2: ["ab", "de"], 1: ["c"]}),
        ([1, 2], "equals", [[1.0, 2]], True),
        ([1, 2], "size", [], 2),
    ],
)
def test_list_methods(target, name, args, expected):
    assert call_method(target, name, args) == expected


def test_methods_returning_new_lists_leave_the_list_alone():
    items = [3, 1, 2]
    for name, args in [("collect", [it(lambda x: x)]), ("reverse", []), ("tail", []),
                       ("toList", []), ("findAll", []), ("plus", [4]), ("take", [5])]:
        result = call_method(items, name, args)
        assert result is not items
    assert items == [3, 1, 2]


def test_sort_sorts_in_place():
    items = [3, 1, 2]
    assert call(items, "sort") is items
    assert items == [1, 2, 3]


def test_sort_false_answers_a_sorted_copy():
    items = [3, 1, 2]
    assert call(items, "sort", False) == [1, 2, 3]
    assert items == [3, 1, 2]


def test_sort_by_a_key_or_with_a_comparator():
    people = [{"name": "b", "age": 30}, {"name": "a", "age": 40}, {"name": "c", "age": 20}]
    call(people, "sort", it(lambda p: p["name"]))
    assert [p["name"] for p in people] == ["a", "b", "c"]
    call(people, "sort", Fn(lambda x, y: x["age"] - y["age"]))
    assert [p["age"] for p in people] == [20, 30, 40]
    copy = call(people, "sort", False, Fn(lambda x, y: y["age"] - x["age"]))
    assert [p["age"] for p in copy] == [40, 30, 20]


def test_sort_with_nulls_puts_them_first_and_refuses_mixed_kinds():
    assert call([2, None, 1], "sort") == [None, 1, 2]
    with pytest.raises(GroovyRuntimeError, match="Cannot compare java.lang.(Integer|String)"):
        call(["a", 1], "sort")
    with pytest.raises(GroovyRuntimeError, match="Cannot cast object '(true|false)' with class"):
        call([1, 2], "sort", Fn(lambda a, b: a < b))


def test_unique_works_in_place():
    items = [1, 2, 1, 3.0, 3, "1"]
    assert call(items, "unique") is items
    assert items == [1, 2, 3.0, "1"]
    words = ["a", "bb", "cc", "d"]
    call(words, "unique", it(lambda s: len(s)))
    assert words == ["a", "bb"]


def test_inject_without_an_initial_value_needs_an_element():
    with pytest.raises(GroovyRuntimeError, match="Cannot call inject\\(\\) on an empty"):
        call([], "inject", Fn(lambda a, b: a))


def test_flatten_refuses_a_list_holding_itself():
    items = [1]
    items.append(items)
    with pytest.raises(GroovyRuntimeError, match="contains itself"):
        call(items, "flatten")


def test_group_by_refuses_an_unhashable_key():
    with pytest.raises(GroovyRuntimeError, match="Cannot use java.util.ArrayList"):
        call([1], "groupBy", it(lambda x: [x]))


def test_list_growth_is_limited():
    items = list(range(600_000))
    with pytest.raises(GroovyLimitError):
        call(items, "addAll", list(range(600_000)))
    with pytest.raises(GroovyLimitError):
        call(["x" * 6_000_000, "y" * 6_000_000], "join", "")


# -- maps ----------------------------------------------------------------------------------


def test_map_methods_from_the_expression_language():
    entries = {"a": 1, "b": None}
    assert call(entries, "get", "a") == 1
    assert call(entries, "containsKey", "b") is True
    assert call(entries, "containsKey", [1]) is False
    assert call(entries, "keySet") == ["a", "b"]
    assert call(entries, "values") == [1, None]
    assert call(entries, "size") == 2
    assert call(entries, "getOrDefault", "z", 0) == 0
    assert call(entries, "toString") == "[a:1, b:null]"


def test_put_remove_and_clear_change_the_map_in_place():
    entries = {"a": 1}
    assert call(entries, "put", "a", 2) == 1
    assert call(entries, "put", "b", 3) is None
    assert call(entries, "putAll", {"c": 4}) is None
    assert entries == {"a": 2, "b": 3, "c": 4}
    assert call(entries, "remove", "b") == 3
    assert call(entries, "remove", "zz") is None
    call(entries, "clear")
    assert entries == {}


def test_map_closures_take_an_entry_or_a_key_and_a_value():
    entries = {"a": 1, "b": 2}
    one = it(lambda e: None)
    assert call(entries, "each", one) is entries
    assert one.calls == [(MapEntry("a", 1),), (MapEntry("b", 2),)]
    two = Fn(lambda k, v: None)
    call(entries, "each", two)
    assert two.calls == [("a", 1), ("b", 2)]


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("collect", [Fn(lambda k, v: f"{k}={v}")], ["a=1", "b=2", "c=3"]),
        ("collect", [it(lambda e: e.value)], [1, 2, 3]),
        ("collectEntries", [Fn(lambda k, v: [v, k])], {1: "a", 2: "b", 3: "c"}),
        ("findAll", [Fn(lambda k, v: v > 1)], {"b": 2, "c": 3}),
        ("find", [Fn(lambda k, v: v > 1)], MapEntry("b", 2)),
        ("find", [it(lambda e: e.value > 5)], None),
        ("any", [Fn(lambda k, v: k == "c")], True),
        ("every", [Fn(lambda k, v: v > 1)], False),
        ("count", [it(lambda e: e.value % 2)], 2),
        ("entrySet", [], [MapEntry("a", 1), MapEntry("b", 2), MapEntry("c", 3)]),
        ("subMap", [["c", "a", "z"]], {"c": 3, "a": 1}),
        ("plus", [{"d": 4}], {"a": 1, "b": 2, "c": 3, "d": 4}),
        ("equals", [{"c": 3, "b": 2, "a": 1.0}], True),
    ],
)
def test_map_methods(name, args, expected):
    entries = {"a": 1, "b": 2, "c": 3}
    assert call_method(entries, name, args) == expected
    assert entries == {"a": 1, "b": 2, "c": 3}


def test_map_entry_methods():
    entry = MapEntry("k", 1)
    assert call(entry, "getKey") == "k"
    assert call(entry, "getValue") == 1
    assert call(entry, "toString") == "k=1"


def test_a_list_cannot_be_a_map_key():
    with pytest.raises(GroovyRuntimeError, match="Cannot use java.util.ArrayList '\\[1\\]' as"):
        call({}, "put", [1], "x")
