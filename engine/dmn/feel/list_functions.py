"""FEEL's list functions (DMN 1.3 section 10.3.4.4 and 10.3.4.5): `count`, `sum`, `min`,
`list contains`, `distinct values`, ... Positions are 1-based and a negative one counts from
the end. The aggregates take a list or their items as arguments (`max([1, 2])`, `max(1, 2)`);
one that is not a number (or, for min and max, not comparable) makes the result null.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from functools import cmp_to_key
from typing import Any

from engine.dmn.feel.errors import FeelError
from engine.dmn.feel.functions import Builtin, string_arg, whole_arg
from engine.dmn.feel.values import FeelFunction, Scope, feel_compare, feel_equal, kind_of

MAX_LIST_ITEMS = 100_000


def list_arg(function: str, value: Any) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise FeelError(f"function '{function}' expects a list, got {kind_of(value)}")
    return list(value)


def _items(arguments: tuple[Any, ...]) -> list[Any]:
    """An aggregate's items: its one list argument, or its arguments themselves."""
    if len(arguments) == 1 and isinstance(arguments[0], list | tuple):
        return list(arguments[0])
    return list(arguments)


def _checked(items: list[Any]) -> list[Any]:
    if len(items) > MAX_LIST_ITEMS:
        raise FeelError(f"a list of more than {MAX_LIST_ITEMS} items")
    return items


def _numbers(items: list[Any]) -> list[Any] | None:
    return items if all(kind_of(item) == "number" for item in items) else None


def _aggregate(compute: Callable[[list[Any]], Any], *, empty: Any = None) -> Builtin:
    def run(scope: Scope, *arguments: Any) -> Any:
        numbers = _numbers(_items(arguments))
        if numbers is None:
            return None
        return compute(numbers) if numbers else empty

    return Builtin(1, None, run)


def _extreme(pick: str) -> Builtin:
    def run(scope: Scope, *arguments: Any) -> Any:
        items = _items(arguments)
        if not items or any(item is None for item in items):
            return None
        best = items[0]
        for item in items[1:]:
            try:
                better = feel_compare(pick, item, best)
            except FeelError:
                return None
            if better:
                best = item
        return best

    return Builtin(1, None, run)


def _whole_if_exact(value: float) -> Any:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def _sum(numbers: list[Any]) -> Any:
    return sum(numbers) if all(isinstance(n, int) for n in numbers) else math.fsum(numbers)


def _mean(numbers: list[Any]) -> Any:
    return _whole_if_exact(math.fsum(numbers) / len(numbers))


def _median(numbers: list[Any]) -> Any:
    return _whole_if_exact(statistics.median(numbers))


def _stddev(numbers: list[Any]) -> Any:
    return statistics.stdev(numbers) if len(numbers) > 1 else None


def _mode(numbers: list[Any]) -> list[Any]:
    counts: dict[Any, int] = {}
    for number in numbers:
        counts[number] = counts.get(number, 0) + 1
    most = max(counts.values(), default=0)
    return sorted(number for number, count in counts.items() if count == most)


def _product(numbers: list[Any]) -> Any:
    result: Any = 1
    for number in numbers:
        result *= number
    return result


def _logic(name: str, decided: bool) -> Builtin:
    """`all` (alias `and`) and `any` (alias `or`): three-valued over booleans."""

    def run(scope: Scope, *arguments: Any) -> Any:
        items = _items(arguments)
        if any(item is decided for item in items):
            return decided
        if all(item is (not decided) for item in items):
            return not decided
        return None

    return Builtin(1, None, run, null_tolerant=True)


def _position(function: str, items: Sequence[Any], position: Any, *, end: bool = False) -> int:
    """A 1-based (negative: from the end) position as an index into `items`."""
    at = whole_arg(function, position)
    index = at - 1 if at > 0 else len(items) + at
    if at == 0 or not 0 <= index < len(items) + (1 if end else 0):
        raise FeelError(f"{function}(): position {at} is outside a list of {len(items)}")
    return index


def _sublist(scope: Scope, items: Any, start: Any, length: Any = None) -> list[Any]:
    items = list_arg("sublist", items)
    begin = _position("sublist", items, start)
    if length is None:
        return items[begin:]
    return items[begin : begin + max(0, whole_arg("sublist", length))]


def _append(scope: Scope, items: Any, *more: Any) -> Any:
    if items is None:
        return None
    return _checked(list_arg("append", items) + list(more))


def _concatenate(scope: Scope, *lists: Any) -> list[Any]:
    return _checked([item for each in lists for item in list_arg("concatenate", each)])


def _insert_before(scope: Scope, items: Any, position: Any, item: Any) -> Any:
    if items is None or position is None:
        return None
    items = list_arg("insert before", items)
    index = _position("insert before", items, position, end=True)
    return _checked(items[:index] + [item] + items[index:])


def _remove(scope: Scope, items: Any, position: Any) -> list[Any]:
    items = list_arg("remove", items)
    index = _position("remove", items, position)
    return items[:index] + items[index + 1 :]


def _index_of(scope: Scope, items: Any, match: Any) -> Any:
    if items is None:
        return None
    return [i for i, item in enumerate(list_arg("index of", items), 1) if feel_equal(item, match)]


def _distinct(items: list[Any]) -> list[Any]:
    kept: list[Any] = []
    for item in items:
        if not any(feel_equal(item, seen) for seen in kept):
            kept.append(item)
    return kept


def _union(scope: Scope, *lists: Any) -> list[Any]:
    return _distinct(_concatenate(scope, *lists))


def _flatten(items: Any) -> list[Any]:
    flat: list[Any] = []
    for item in items:
        flat.extend(_flatten(item) if isinstance(item, list | tuple) else [item])
    return _checked(flat)


def _list_contains(scope: Scope, items: Any, match: Any) -> Any:
    if items is None:
        return None
    return any(feel_equal(item, match) for item in list_arg("list contains", items))


def _string_join(scope: Scope, items: Any, delimiter: Any = None, prefix: Any = None,
                 suffix: Any = None) -> str:
    texts = [string_arg("string join", item) for item in list_arg("string join", items)
             if item is not None]
    joined = string_arg("string join", delimiter or "").join(texts)
    return f"{prefix or ''}{joined}{suffix or ''}"


def _sort(_scope: Scope, items: Any, precedes: Any) -> list[Any]:
    """`sort(list, precedes)`: ordered so that `precedes(a, b)` holds for each item before
    another (`sort([3, 1, 2], function(x, y) x < y)`); a stable sort."""
    values = _checked(list_arg("sort", items))
    if not isinstance(precedes, FeelFunction):
        raise FeelError(f"function 'sort' expects a function to order by, got {kind_of(precedes)}")

    def compare(left: Any, right: Any) -> int:
        if precedes(left, right) is True:
            return -1
        return 1 if precedes(right, left) is True else 0

    return sorted(values, key=cmp_to_key(compare))


LIST_FUNCTIONS: dict[str, Builtin] = {
    "list contains": Builtin(2, 2, _list_contains, null_tolerant=True),
    "count": Builtin(1, 1, lambda scope, items: len(list_arg("count", items))),
    "min": _extreme("<"),
    "max": _extreme(">"),
    "sum": _aggregate(_sum),
    "mean": _aggregate(_mean),
    "median": _aggregate(_median),
    "stddev": _aggregate(_stddev),
    "mode": _aggregate(_mode, empty=[]),
    "product": _aggregate(_product),
    "all": _logic("all", False),
    "any": _logic("any", True),
    "sublist": Builtin(2, 3, _sublist),
    "append": Builtin(1, None, _append, null_tolerant=True),
    "concatenate": Builtin(1, None, _concatenate),
    "insert before": Builtin(3, 3, _insert_before, null_tolerant=True),
    "remove": Builtin(2, 2, _remove),
    "reverse": Builtin(1, 1, lambda scope, items: list_arg("reverse", items)[::-1]),
    "index of": Builtin(2, 2, _index_of, null_tolerant=True),
    "union": Builtin(1, None, _union),
    "distinct values": Builtin(1, 1, lambda scope, items: _distinct(list_arg("distinct", items))),
    "flatten": Builtin(1, 1, lambda scope, items: _flatten(list_arg("flatten", items))),
    "string join": Builtin(1, 4, _string_join),
    "sort": Builtin(2, 2, _sort),
}
