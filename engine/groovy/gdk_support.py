"""What the GDK method tables share: calling closures (gdk.Closure), argument checks and the
bridge to the expression language's method tables (engine/el/methods.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from engine.el.errors import ExpressionError
from engine.groovy import values
from engine.groovy.arithmetic import is_number
from engine.groovy.errors import GroovyRuntimeError

if TYPE_CHECKING:
    from engine.groovy.gdk import Closure

Method = Callable[..., Any]
# name -> (fewest arguments, most arguments, implementation taking the target first)
Table = dict[str, tuple[int, int, Method]]


class ArgumentMismatch(Exception):
    """The arguments are not ones the method takes: the caller answers Groovy's
    "No signature of method" with the method's name and all its arguments."""


def is_closure(value: Any) -> bool:
    return callable(value) and hasattr(value, "parameter_count")


class MethodPointer:
    """`obj.&name`: a closure that calls the method on the object (one argument for `each`)."""

    parameter_count = 1

    def __init__(self, call: Callable[[list[Any]], Any]) -> None:
        self.call = call

    def __call__(self, *arguments: Any) -> Any:
        return self.call(list(arguments))


def closure_arg(value: Any) -> Closure:
    if not is_closure(value):
        raise ArgumentMismatch
    closure: Closure = value
    return closure


def int_arg(value: Any) -> int:
    """A count or an index: Groovy takes any Number there and uses its intValue()."""
    if not is_number(value):
        raise ArgumentMismatch
    number: int = values.cast(value, "BigInteger")
    return number


def text_arg(value: Any) -> str:
    if not isinstance(value, str):
        raise ArgumentMismatch
    return value


def list_arg(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise ArgumentMismatch
    return value


def map_arg(value: Any) -> dict[Any, Any]:
    if not isinstance(value, dict):
        raise ArgumentMismatch
    return value


def call(closure: Closure, item: Any) -> Any:
    """Call a closure with one element, spread as Groovy does over a closure declaring
    several parameters: a map entry over (key, value), a list over its items."""
    count = closure.parameter_count
    if count == 2 and isinstance(item, values.MapEntry):
        return closure(item.key, item.value)
    if count > 1 and isinstance(item, list) and len(item) == count:
        return closure(*item)
    return closure(item)


def holds(closure: Closure, item: Any) -> bool:
    """A closure used as a condition: its result read with Groovy truth."""
    return values.truth(call(closure, item))


def from_el(table: Mapping[str, tuple[int, int, Method]], *skipped: str) -> Table:
    """The expression language's methods for Groovy: its errors become GroovyRuntimeError."""
    return {
        name: (fewest, most, _groovy_errors(method))
        for name, (fewest, most, method) in table.items()
        if name not in skipped
    }


def _groovy_errors(method: Method) -> Method:
    def run(*args: Any) -> Any:
        try:
            return method(*args)
        except ExpressionError as error:
            raise GroovyRuntimeError(error.reason) from None

    return run


def put(entries: dict[Any, Any], key: Any, value: Any) -> None:
    """`entries[key] = value` within the size limit. A Groovy map takes any key; a Python
    dict only hashable ones, so a list or a map as a key is refused."""
    try:
        if key not in entries:
            values.check_items(len(entries) + 1)
        entries[key] = value
    except TypeError:
        raise GroovyRuntimeError(
            f"Cannot use {values.type_name(key)} '{values.brief(key)}' as a map key"
        ) from None


# What strings and lists answer alike: slices by count, and the operators as methods.
SEQUENCE_METHODS: Table = {
    "take": (1, 1, lambda sequence, n: sequence[: max(int_arg(n), 0)]),
    "drop": (1, 1, lambda sequence, n: sequence[max(int_arg(n), 0) :]),
    "plus": (1, 1, lambda sequence, other: values.binary("+", sequence, other)),
    "minus": (1, 1, lambda sequence, other: values.binary("-", sequence, other)),
}
