"""What FEEL's iterating and naming expressions evaluate: `for` and `some`/`every` over their
iteration contexts, list filters (`items[price > 10]`, `items[1]`), context entries that see
the ones before them, `between`, and temporal literals (`@"2026-01-31"`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from engine.dmn.feel.errors import FeelError
from engine.dmn.feel.temporal import (
    YearsMonths,
    parse_date,
    parse_date_time,
    parse_duration,
    parse_time,
)
from engine.dmn.feel.values import Scope, feel_compare, kind_of, with_names

MAX_ITERATIONS = 100_000

Node = Callable[[Scope], Any]


def _range(low: Any, high: Any) -> range:
    if kind_of(low) != "number" or kind_of(high) != "number" or low != int(low) or high != int(
        high
    ):
        raise FeelError(f"a range to iterate over needs whole numbers, got {low}..{high}")
    step = 1 if high >= low else -1
    return range(int(low), int(high) + step, step)


def iterations(
    scope: Scope, contexts: list[tuple[str, Node, Node | None]]
) -> Iterator[Scope]:
    """The scopes of a `for`/`some`/`every` body: every combination of the iteration
    contexts' values, the first varying slowest."""
    count = 0

    def walk(inner: Scope, rest: list[tuple[str, Node, Node | None]]) -> Iterator[Scope]:
        nonlocal count
        if not rest:
            count += 1
            if count > MAX_ITERATIONS:
                raise FeelError(f"more than {MAX_ITERATIONS} iterations")
            yield inner
            return
        (name, values, high), *more = rest
        if high is not None:
            items: Any = _range(values(inner), high(inner))
        else:
            items = values(inner)
            if items is None:
                return
            if not isinstance(items, list | tuple):
                items = [items]  # FEEL: a single value iterates as a list of one
        for item in items:
            yield from walk(with_names(inner, {name: item}), more)

    return walk(scope, contexts)


def filtered(scope: Scope, value: Any, condition: Node) -> Any:
    """`list[condition]`: the items for which it is true, seen as `item` (and, for a context,
    by its entries' names); a number instead picks the item at that 1-based position."""
    if value is None:
        return None
    items = list(value) if isinstance(value, list | tuple) else [value]
    kept = []
    for position, item in enumerate(items):
        names = {**item, "item": item} if isinstance(item, dict) else {"item": item}
        result = condition(with_names(scope, names))
        if position == 0 and kind_of(result) == "number":
            return _at(items, result)
        if result is True:
            kept.append(item)
    return kept


def _at(items: list[Any], position: Any) -> Any:
    if position != int(position):
        return None
    index = int(position) - 1 if position > 0 else len(items) + int(position)
    return items[index] if position != 0 and 0 <= index < len(items) else None


def between(value: Any, low: Any, high: Any) -> bool | None:
    above = feel_compare(">=", value, low)
    below = feel_compare("<=", value, high)
    if above is False or below is False:
        return False
    return None if above is None or below is None else True


def temporal_literal(text: str) -> date | datetime | time | timedelta | YearsMonths:
    """`@"..."`: a date, date and time, time or duration, by the text's shape."""
    if text.lstrip("-").startswith("P"):
        return parse_duration(text)
    if "T" in text:
        return parse_date_time(text)
    if ":" in text:
        return parse_time(text)
    return parse_date(text)
