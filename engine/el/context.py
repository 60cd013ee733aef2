"""What an expression can see while it is evaluated: beans, variables, functions and the time."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from engine.el.datetime_value import DateTimeValue, require_now
from engine.el.errors import ExpressionError
from engine.el.spin import spin_json
from engine.el.spin_xml import SpinXml, looks_like_xml, spin_xml


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@runtime_checkable
class VariableScope(Protocol):
    """The runtime's view of the variables visible from an execution or a task."""

    def has_variable(self, name: str) -> bool: ...

    def get_variable(self, name: str) -> Any: ...


VariableLookup = Callable[[str], Any]
"""A callable resolver: returns the variable's value, raises ``KeyError`` when there is none."""

Variables = VariableScope | Mapping[str, Any] | VariableLookup


def _lookup_from(variables: Variables | None) -> Callable[[str], Any]:
    """Normalise the variable source to one function returning the value or ``MISSING``."""
    if variables is None:
        return lambda name: MISSING
    if isinstance(variables, Mapping):
        mapping = variables
        return lambda name: mapping.get(name, MISSING)
    if isinstance(variables, VariableScope):
        scope = variables

        def from_scope(name: str) -> Any:
            if scope.has_variable(name):
                return scope.get_variable(name)
            return MISSING

        return from_scope
    resolver = variables

    def from_callable(name: str) -> Any:
        try:
            return resolver(name)
        except KeyError:
            return MISSING

    return from_callable


class EvaluationContext:
    """Everything an evaluation may read. Built by the runtime for one evaluation (or a few).

    Identifiers resolve in this order: ``beans`` (``execution``, ``task``, registered beans),
    then variables; an identifier found in neither is an error, as in Camunda.
    ``now`` is the engine's clock for this command; ``now()`` and ``dateTime()`` return it,
    evaluation never reads the system clock. ``S()``, ``JSON()`` and ``XML()`` are Camunda
    Spin's (engine/el/spin.py, engine/el/spin_xml.py). ``functions`` adds to (or overrides)
    the defaults.
    """

    __slots__ = ("_extra_functions", "_functions", "beans", "lookup_variable", "now", "variables")

    def __init__(
        self,
        variables: Variables | None = None,
        *,
        beans: Mapping[str, object] | None = None,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        now: datetime | None = None,
    ) -> None:
        self.variables = variables
        self.beans: Mapping[str, object] = beans if beans is not None else {}
        self.now = now
        self.lookup_variable = _lookup_from(variables)
        self._extra_functions = functions
        self._functions: Mapping[str, Callable[..., Any]] | None = None

    @property
    def functions(self) -> Mapping[str, Callable[..., Any]]:
        # Built on first use: most expressions call no function, and a context is made for
        # each evaluation.
        if self._functions is None:
            defaults = _default_functions(self)
            extra = self._extra_functions
            self._functions = {**defaults, **extra} if extra else defaults
        return self._functions


def _default_functions(context: EvaluationContext) -> dict[str, Callable[..., Any]]:
    def now() -> datetime:
        return require_now(context.now, "now")

    def date_time() -> DateTimeValue:
        return DateTimeValue(require_now(context.now, "dateTime"))

    return {"now": now, "dateTime": date_time, **SPIN_FUNCTIONS}


def spin(value: Any, data_format: str | None = None) -> Any:
    """Spin's `S(...)`: XML text (starting with `<`) or an XML element as XML, anything else
    as JSON; `S(value, "application/json")` / `"application/xml"` names the format."""
    if data_format is not None:
        readers = {"application/json": spin_json, "application/xml": spin_xml}
        if data_format not in readers:
            raise ExpressionError(
                f"S() knows the data formats application/json and application/xml, not "
                f"'{data_format}'"
            )
        return readers[data_format](value)
    if isinstance(value, SpinXml) or isinstance(value, str) and looks_like_xml(value):
        return spin_xml(value)
    return spin_json(value)


SPIN_FUNCTIONS: dict[str, Callable[..., Any]] = {"S": spin, "JSON": spin_json, "XML": spin_xml}
