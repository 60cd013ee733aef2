"""The GDK on lists and maps: Java's List/Map methods (reused from the expression language)
and Groovy's closure methods (each, collect, findAll, inject, sort, groupBy...).

Iteration runs over a snapshot, so that a closure changing the collection cannot make a loop
endless. Methods added here compare elements with Groovy's `==` (values.equals); the ones
reused from EL (contains, indexOf) keep Java's equals.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cmp_to_key
from typing import TYPE_CHECKING, Any

from engine.el import methods as el_methods
from engine.groovy import values
from engine.groovy.arithmetic import is_int
from engine.groovy.errors import GroovyRuntimeError, check_size
from engine.groovy.gdk_support import (
    SEQUENCE_METHODS,
    ArgumentMismatch,
    Table,
    call,
    closure_arg,
    from_el,
    holds,
    int_arg,
    is_closure,
    list_arg,
    map_arg,
    put,
    text_arg,
)
from engine.groovy.values import MapEntry, Membership

if TYPE_CHECKING:
    from engine.groovy.gdk import Closure

# -- lists: changing them ------------------------------------------------------------------


def _add(items: list[Any], *args: Any) -> Any:
    if len(args) == 1:
        values.check_items(len(items) + 1)
        items.append(args[0])
        return True
    index = int_arg(args[0])
    if not 0 <= index <= len(items):
        raise GroovyRuntimeError(f"Index: {index}, Size: {len(items)}")
    values.check_items(len(items) + 1)
    items.insert(index, args[1])
    return None


def _add_all(items: list[Any], other: Any) -> bool:
    added = list_arg(other)
    values.check_items(len(items) + len(added))
    items.extend(added)
    return bool(added)


def _check_index(items: list[Any], index: int) -> int:
    if not 0 <= index < len(items):
        raise GroovyRuntimeError(f"Index {index} out of bounds for length {len(items)}")
    return index


def _remove(items: list[Any], item: Any) -> Any:
    # remove(int) removes at an index (Java's List.remove(int)); anything else by value.
    if is_int(item):
        return items.pop(_check_index(items, item))
    for position, element in enumerate(items):
        if values.equals(element, item):
            del items[position]
            return True
    return False


def _remove_all(items: list[Any], other: Any) -> bool:
    removed = Membership(list_arg(other))
    kept = [item for item in items if not removed.contains(item)]
    changed = len(kept) != len(items)
    items[:] = kept
    return changed


def _set(items: list[Any], index: Any, item: Any) -> Any:
    position = _check_index(items, int_arg(index))
    previous = items[position]
    items[position] = item
    return previous


def _unique(items: list[Any], closure: Any = None) -> list[Any]:
    if closure is None:
        items[:] = values.unique(items)
        return items
    seen = Membership([])
    kept = []
    for item in list(items):
        key = call(closure_arg(closure), item)
        if not seen.contains(key):
            seen.add(key)
            kept.append(item)
    items[:] = kept
    return items


# -- lists: iterating ----------------------------------------------------------------------


def _each(items: list[Any], closure: Any) -> list[Any]:
    function = closure_arg(closure)
    for item in list(items):
        call(function, item)
    return items


def _each_with_index(items: list[Any], closure: Any) -> list[Any]:
    function = closure_arg(closure)
    for index, item in enumerate(list(items)):
        function(item, index)
    return items


def _collect(items: list[Any], closure: Any = None) -> list[Any]:
    if closure is None:
        return list(items)
    function = closure_arg(closure)
    collected = [call(function, item) for item in list(items)]
    check_size(collected)
    return collected


def _add_entries(result: dict[Any, Any], produced: Any) -> None:
    if isinstance(produced, dict):
        for key, item in produced.items():
            put(result, key, item)
    elif isinstance(produced, MapEntry):
        put(result, produced.key, produced.value)
    elif isinstance(produced, list) and len(produced) == 2:
        put(result, produced[0], produced[1])
    else:
        raise GroovyRuntimeError(
            "collectEntries needs [key, value] lists, map entries or maps, not "
            f"{values.type_name(produced)} '{values.brief(produced)}'"
        )


def _collect_entries(items: list[Any], closure: Any = None) -> dict[Any, Any]:
    function = None if closure is None else closure_arg(closure)
    result: dict[Any, Any] = {}
    for item in list(items):
        _add_entries(result, item if function is None else call(function, item))
    return result


def _condition(closure: Any) -> Closure | None:
    return None if closure is None else closure_arg(closure)


def _kept(item: Any, condition: Closure | None) -> bool:
    return values.truth(item) if condition is None else holds(condition, item)


def _find_all(items: list[Any], closure: Any = None) -> list[Any]:
    condition = _condition(closure)
    return [item for item in list(items) if _kept(item, condition)]


def _find(items: list[Any], closure: Any = None) -> Any:
    condition = _condition(closure)
    return next((item for item in list(items) if _kept(item, condition)), None)


def _find_index_of(items: list[Any], closure: Any) -> int:
    condition = closure_arg(closure)
    return next((i for i, item in enumerate(list(items)) if holds(condition, item)), -1)


def _any(items: list[Any], closure: Any = None) -> bool:
    condition = _condition(closure)
    return any(_kept(item, condition) for item in list(items))


def _every(items: list[Any], closure: Any = None) -> bool:
    condition = _condition(closure)
    return all(_kept(item, condition) for item in list(items))


def _count(items: list[Any], value: Any) -> int:
    if is_closure(value):
        return sum(1 for item in list(items) if holds(value, item))
    return sum(1 for item in items if values.equals(item, value))


def _sum(items: list[Any], argument: Any = None) -> Any:
    # sum(): the items added (null for none); sum(closure): what the closure answers for
    # each; sum(initial): the items added to an initial value.
    if is_closure(argument):
        addends = [call(argument, item) for item in list(items)]
    elif argument is not None:
        addends = [argument, *items]
    else:
        addends = list(items)
    if not addends:
        return None
    total = addends[0]
    for added in addends[1:]:
        total = values.binary("+", total, added)
    return total


def _inject(items: list[Any], *args: Any) -> Any:
    if len(args) == 1:
        if not items:
            raise GroovyRuntimeError(
                "Cannot call inject() on an empty collection without passing an initial value."
            )
        accumulator, rest, closure = items[0], items[1:], args[0]
    else:
        accumulator, rest, closure = args[0], list(items), args[1]
    function = closure_arg(closure)
    for item in rest:
        accumulator = function(accumulator, item)
    return accumulator


def _group_by(items: list[Any], closure: Any) -> dict[Any, list[Any]]:
    function = closure_arg(closure)
    groups: dict[Any, list[Any]] = {}
    for item in list(items):
        key = call(function, item)
        if _has(groups, key):
            groups[key].append(item)
        else:
            put(groups, key, [item])
    return groups


def _has(entries: dict[Any, Any], key: Any) -> bool:
    try:
        return key in entries
    except TypeError:
        return False


# -- lists: order --------------------------------------------------------------------------


def _sign(result: Any) -> int:
    # A comparator closure answers a number; Groovy casts it to int.
    return values.compare(values.cast(result, "int"), 0)


def _order(closure: Closure | None) -> Callable[[Any, Any], int]:
    # Natural order, by a key (a closure with one parameter) or a comparator (two).
    if closure is None:
        return values.compare
    if closure.parameter_count == 2:
        return lambda a, b: _sign(closure(a, b))
    return lambda a, b: values.compare(call(closure, a), call(closure, b))


def _sorted(items: list[Any], closure: Closure | None) -> list[Any]:
    snapshot = list(items)
    if closure is None or closure.parameter_count == 2:
        return sorted(snapshot, key=cmp_to_key(_order(closure)))
    # By key: each key is computed once, not at every comparison.
    keyed = [(call(closure, item), item) for item in snapshot]
    keyed.sort(key=cmp_to_key(_by_key))
    return [item for _, item in keyed]


def _by_key(a: tuple[Any, Any], b: tuple[Any, Any]) -> int:
    return values.compare(a[0], b[0])


def _sort(items: list[Any], *args: Any) -> list[Any]:
    # sort(), sort(closure), sort(mutate), sort(mutate, closure): in place unless mutate is false
    mutate = True
    if args and isinstance(args[0], bool):
        mutate, args = args[0], args[1:]
    if len(args) > 1:
        raise ArgumentMismatch
    result = _sorted(items, closure_arg(args[0]) if args else None)
    if not mutate:
        return result
    items[:] = result
    return items


def _extreme(items: list[Any], closure: Any, sign: int) -> Any:
    # max (sign 1) and min (sign -1); the first of equal ones wins.
    order = _order(None if closure is None else closure_arg(closure))
    best = None
    for position, item in enumerate(list(items)):
        if position == 0 or order(item, best) * sign > 0:
            best = item
    return best


# -- lists: pieces -------------------------------------------------------------------------


def _end(items: list[Any], method: str, index: int) -> Any:
    if not items:
        raise GroovyRuntimeError(f"Cannot access {method}() element from an empty List")
    return items[index]


def _tail(items: list[Any]) -> list[Any]:
    if not items:
        raise GroovyRuntimeError("Cannot access tail() for an empty List")
    return items[1:]


def _flatten(items: list[Any]) -> list[Any]:
    result: list[Any] = []
    stack = [iter(items)]
    open_ids = [id(items)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                if id(item) in open_ids:
                    raise GroovyRuntimeError("Cannot flatten a list that contains itself")
                stack.append(iter(item))
                open_ids.append(id(item))
                break
            values.check_items(len(result) + 1)
            result.append(item)
        else:
            stack.pop()
            open_ids.pop()
    return result


def _sub_list(items: list[Any], start: Any, end: Any) -> list[Any]:
    low, high = int_arg(start), int_arg(end)
    if low < 0:
        raise GroovyRuntimeError(f"fromIndex = {low}")
    if high > len(items):
        raise GroovyRuntimeError(f"toIndex = {high}")
    if low > high:
        raise GroovyRuntimeError(f"fromIndex({low}) > toIndex({high})")
    return items[low:high]


def _join(items: list[Any], separator: Any = "") -> str:
    glue = text_arg(separator)
    parts: list[str] = []
    size = 0
    for item in items:
        text = values.to_string(item)
        size += len(text) + (len(glue) if parts else 0)
        values.check_chars(size)
        parts.append(text)
    return glue.join(parts)


def _last_index_of(items: list[Any], item: Any) -> int:
    for position in range(len(items) - 1, -1, -1):
        if values.equals(items[position], item):
            return position
    return -1


def _intersect(items: list[Any], other: Any) -> list[Any]:
    found = Membership(list_arg(other))
    return values.unique([item for item in items if found.contains(item)])


def _contains_all(items: list[Any], other: Any) -> bool:
    present = Membership(items)
    return all(present.contains(item) for item in list_arg(other))


LIST_METHODS: Table = {
    **from_el(el_methods.LIST_METHODS, "toString"),
    "toString": (0, 0, values.to_string),
    "equals": (1, 1, values.equals),
    "add": (1, 2, _add),
    "addAll": (1, 1, _add_all),
    "remove": (1, 1, _remove),
    "removeAll": (1, 1, _remove_all),
    "clear": (0, 0, lambda items: items.clear()),
    "set": (2, 2, _set),
    "each": (1, 1, _each),
    "eachWithIndex": (1, 1, _each_with_index),
    "collect": (0, 1, _collect),
    "collectEntries": (0, 1, _collect_entries),
    "findAll": (0, 1, _find_all),
    "find": (0, 1, _find),
    "findIndexOf": (1, 1, _find_index_of),
    "any": (0, 1, _any),
    "every": (0, 1, _every),
    "count": (1, 1, _count),
    "sum": (0, 1, _sum),
    "max": (0, 1, lambda items, closure=None: _extreme(items, closure, 1)),
    "min": (0, 1, lambda items, closure=None: _extreme(items, closure, -1)),
    "sort": (0, 2, _sort),
    "join": (0, 1, _join),
    "first": (0, 0, lambda items: _end(items, "first", 0)),
    "head": (0, 0, lambda items: _end(items, "first", 0)),
    "last": (0, 0, lambda items: _end(items, "last", -1)),
    "tail": (0, 0, _tail),
    "reverse": (0, 0, lambda items: items[::-1]),
    "unique": (0, 1, _unique),
    "flatten": (0, 0, _flatten),
    "inject": (1, 2, _inject),
    **SEQUENCE_METHODS,
    "subList": (2, 2, _sub_list),
    "lastIndexOf": (1, 1, _last_index_of),
    "toList": (0, 0, list),
    "toSet": (0, 0, values.unique),
    "containsAll": (1, 1, _contains_all),
    "intersect": (1, 1, _intersect),
    "groupBy": (1, 1, _group_by),
}

# -- maps ----------------------------------------------------------------------------------


def _entries(entries: dict[Any, Any]) -> list[MapEntry]:
    return [MapEntry(key, item) for key, item in entries.items()]


def _put(entries: dict[Any, Any], key: Any, item: Any) -> Any:
    previous = entries.get(key) if _has(entries, key) else None
    put(entries, key, item)
    return previous


def _put_all(entries: dict[Any, Any], other: Any) -> None:
    for key, item in list(map_arg(other).items()):
        put(entries, key, item)


def _map_remove(entries: dict[Any, Any], key: Any) -> Any:
    return entries.pop(key, None) if _has(entries, key) else None


def _map_each(entries: dict[Any, Any], closure: Any) -> dict[Any, Any]:
    function = closure_arg(closure)
    for entry in _entries(entries):
        call(function, entry)
    return entries


def _map_collect(entries: dict[Any, Any], closure: Any) -> list[Any]:
    function = closure_arg(closure)
    return [call(function, entry) for entry in _entries(entries)]


def _map_collect_entries(entries: dict[Any, Any], closure: Any) -> dict[Any, Any]:
    function = closure_arg(closure)
    result: dict[Any, Any] = {}
    for entry in _entries(entries):
        _add_entries(result, call(function, entry))
    return result


def _map_find_all(entries: dict[Any, Any], closure: Any) -> dict[Any, Any]:
    condition = closure_arg(closure)
    return {e.key: e.value for e in _entries(entries) if holds(condition, e)}


def _map_find(entries: dict[Any, Any], closure: Any) -> MapEntry | None:
    condition = closure_arg(closure)
    return next((e for e in _entries(entries) if holds(condition, e)), None)


def _map_any(entries: dict[Any, Any], closure: Any) -> bool:
    condition = closure_arg(closure)
    return any(holds(condition, e) for e in _entries(entries))


def _map_every(entries: dict[Any, Any], closure: Any) -> bool:
    condition = closure_arg(closure)
    return all(holds(condition, e) for e in _entries(entries))


def _map_count(entries: dict[Any, Any], closure: Any) -> int:
    condition = closure_arg(closure)
    return sum(1 for e in _entries(entries) if holds(condition, e))


def _sub_map(entries: dict[Any, Any], keys: Any) -> dict[Any, Any]:
    return {key: entries[key] for key in list_arg(keys) if _has(entries, key)}


MAP_METHODS: Table = {
    **from_el(el_methods.MAP_METHODS, "toString"),
    "toString": (0, 0, values.to_string),
    "equals": (1, 1, values.equals),
    "put": (2, 2, _put),
    "putAll": (1, 1, _put_all),
    "remove": (1, 1, _map_remove),
    "clear": (0, 0, lambda entries: entries.clear()),
    "each": (1, 1, _map_each),
    "collect": (1, 1, _map_collect),
    "collectEntries": (1, 1, _map_collect_entries),
    "findAll": (1, 1, _map_find_all),
    "find": (1, 1, _map_find),
    "any": (1, 1, _map_any),
    "every": (1, 1, _map_every),
    "count": (1, 1, _map_count),
    "entrySet": (0, 0, _entries),
    "subMap": (1, 1, _sub_map),
    "plus": (1, 1, lambda entries, other: values.binary("+", entries, other)),
}
