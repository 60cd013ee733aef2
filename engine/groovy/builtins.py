"""What a Groovy script finds besides its variables: the classes it may create with `new`,
the static methods of the Java and Groovy classes scripts use (`Integer.parseInt`,
`Math.max`, `JsonOutput.toJson`, ...), and the exceptions it may throw and catch.

Each is a host object (`ElObject`): a script reaches only the methods listed here.
"""

from __future__ import annotations

import json
import logging
import math
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from engine.el.host import ElObject
from engine.groovy import values
from engine.groovy.date_parsing import parse_date
from engine.groovy.dates import format_date
from engine.groovy.errors import GroovyRuntimeError


class ScriptObject(ElObject):
    """An object of the script's own (a StringBuilder, an exception, a static class): its
    methods run inside the sandbox, so values reach them without being copied."""


logger = logging.getLogger("legato.scripts")

# Exception classes by their superclass; `catch (RuntimeException e)` catches the ones below.
_PARENTS = {
    "Exception": "Throwable",
    "Error": "Throwable",
    "AssertionError": "Error",
    "RuntimeException": "Exception",
    "IllegalArgumentException": "RuntimeException",
    "IllegalStateException": "RuntimeException",
    "NumberFormatException": "IllegalArgumentException",
    "NullPointerException": "RuntimeException",
    "ProcessEngineException": "RuntimeException",
    "BpmnError": "ProcessEngineException",
}


class Thrown(ScriptObject):
    """An exception a script created (`new RuntimeException("...")`, `new BpmnError("code")`)
    or one the sandbox raised (a null dereference is a NullPointerException)."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "getMessage": "get_message",
        "getErrorCode": "get_error_code",
        "toString": "to_string",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {
        "message": "get_message",
        "errorCode": "get_error_code",
    }

    def __init__(self, type_name: str, message: str | None, code: str | None = None) -> None:
        self.type_name = type_name
        self.message = message
        self.code = code

    def get_message(self) -> str | None:
        return self.message

    def get_error_code(self) -> str | None:
        return self.code

    def to_string(self) -> str:
        return f"{self.type_name}: {self.message}" if self.message else self.type_name

    def __str__(self) -> str:
        return self.to_string()

    def is_a(self, type_name: str) -> bool:
        return type_name in self.class_names()

    def class_names(self) -> list[str]:
        """Its Java class and their superclasses, by simple name, down to Throwable."""
        names = []
        current: str | None = self.type_name
        while current is not None:
            names.append(current)
            current = _PARENTS.get(current)
        return [*names, "Throwable"]


class ScriptThrow(GroovyRuntimeError):
    """`throw` in a script; the runtime turns a BpmnError into a BPMN error."""

    def __init__(self, thrown: Thrown, line: int | None = None) -> None:
        super().__init__(thrown.to_string(), line)
        self.thrown = thrown


def new_instance(type_name: str, arguments: list[Any], now: datetime | None) -> Any:
    """`new Type(arguments)` for the types the parser lets through (parser.NEW_TYPES)."""
    factory = _FACTORIES.get(type_name)
    if factory is not None:
        return factory(arguments, now)
    if type_name in _PARENTS or type_name == "Exception":
        message = values.to_string(arguments[0]) if arguments else None
        return Thrown(type_name, message)
    raise GroovyRuntimeError(f"new {type_name}(...) is not supported")


def _new_date(arguments: list[Any], now: datetime | None) -> datetime:
    if not arguments:
        return now or datetime.now(UTC)
    millis = arguments[0]
    if isinstance(millis, bool) or not isinstance(millis, int):
        raise GroovyRuntimeError("new Date(...) takes milliseconds since 1970")
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=millis)


def _new_list(*, unique: bool) -> Callable[[list[Any], datetime | None], list[Any]]:
    def create(arguments: list[Any], now: datetime | None) -> list[Any]:
        if not arguments or isinstance(arguments[0], int) and not isinstance(arguments[0], bool):
            return []  # no argument, or an initial capacity
        return values.cast(arguments[0], "Set" if unique else "List")

    return create


def _new_map(*, ordered_by_key: bool) -> Callable[[list[Any], datetime | None], dict[Any, Any]]:
    def create(arguments: list[Any], now: datetime | None) -> dict[Any, Any]:
        if not arguments or isinstance(arguments[0], int) and not isinstance(arguments[0], bool):
            return {}
        copy = values.cast(arguments[0], "Map")
        return dict(sorted(copy.items())) if ordered_by_key else copy

    return create


def _new_bpmn_error(arguments: list[Any], now: datetime | None) -> Thrown:
    if not arguments or arguments[0] is None:
        raise GroovyRuntimeError("new BpmnError(errorCode[, message]) needs an error code")
    code = values.to_string(arguments[0])
    message = values.to_string(arguments[1]) if len(arguments) > 1 else None
    return Thrown("BpmnError", message, code)


_FACTORIES: dict[str, Callable[[list[Any], datetime | None], Any]] = {
    "Date": _new_date,
    "ArrayList": _new_list(unique=False),
    "LinkedList": _new_list(unique=False),
    "HashSet": _new_list(unique=True),
    "LinkedHashSet": _new_list(unique=True),
    "HashMap": _new_map(ordered_by_key=False),
    "LinkedHashMap": _new_map(ordered_by_key=False),
    "TreeMap": _new_map(ordered_by_key=True),
    "BigDecimal": lambda arguments, now: values.cast(arguments[0], "BigDecimal"),
    "String": lambda arguments, now: values.to_string(arguments[0]) if arguments else "",
    "BpmnError": _new_bpmn_error,
    "JsonSlurper": lambda arguments, now: JsonSlurper(),
    "StringBuilder": lambda arguments, now: StringBuilder(*arguments[:1]),
    "SimpleDateFormat": lambda arguments, now: SimpleDateFormat(*arguments[:1]),
    "StringBuffer": lambda arguments, now: StringBuilder(*arguments[:1]),
}


class StringBuilder(ScriptObject):
    """java.lang.StringBuilder: text built by `append` (or `<<`); it crosses to the process
    as its text."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "append": "append",
        "toString": "to_string",
        "length": "length",
        "reverse": "reverse",
        "insert": "insert",
        "setLength": "set_length",
    }

    def __init__(self, initial: Any = "") -> None:
        # new StringBuilder(16) is a capacity, not text
        self.text = "" if isinstance(initial, int) else values.to_string(initial)

    def append(self, value: Any) -> StringBuilder:
        self.text = values.concat(self.text, values.to_string(value))
        return self

    def insert(self, offset: int, value: Any) -> StringBuilder:
        if not 0 <= offset <= len(self.text):
            raise GroovyRuntimeError(f"offset {offset}, length {len(self.text)}")
        self.text = values.concat(self.text[:offset] + values.to_string(value), self.text[offset:])
        return self

    def reverse(self) -> StringBuilder:
        self.text = self.text[::-1]
        return self

    def set_length(self, length: int) -> None:
        self.text = self.text[:length].ljust(length, "\x00")

    def length(self) -> int:
        return len(self.text)

    def to_string(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text


class SimpleDateFormat(ScriptObject):
    """java.text.SimpleDateFormat: dates as text and back, by a pattern (UTC unless the
    text has a zone)."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "format": "format", "parse": "parse", "toPattern": "to_pattern",
    }

    def __init__(self, pattern: Any = "yyyy-MM-dd'T'HH:mm:ss") -> None:
        self.pattern = values.to_string(pattern)

    def format(self, moment: Any) -> str:
        if not isinstance(moment, datetime):
            raise GroovyRuntimeError("Cannot format given Object as a Date")
        return format_date(moment, self.pattern)

    def parse(self, text: Any) -> datetime:
        return parse_date(self.pattern, values.to_string(text))

    def to_pattern(self) -> str:
        return self.pattern


class JsonSlurper(ScriptObject):
    """groovy.json.JsonSlurper: JSON text as maps and lists (decimals as BigDecimal)."""

    EL_METHODS: ClassVar[dict[str, str]] = {"parseText": "parse_text"}

    def parse_text(self, text: Any) -> Any:
        if not isinstance(text, str):
            raise GroovyRuntimeError("parseText takes JSON text")
        try:
            return json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
        except ValueError as error:
            raise GroovyRuntimeError(f"Unable to parse the JSON text: {error}") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _number_text(parse: Callable[[str], Any], what: str) -> Callable[[Any, Any], Any]:
    def convert(_: Any, text: Any) -> Any:
        try:
            return parse(values.to_string(text).strip())
        except (ValueError, InvalidOperation):
            # Java's NumberFormatException wording
            raise GroovyRuntimeError(f'For input string: "{text}" ({what})') from None

    return convert


class _Static(ScriptObject):
    """A class whose static members scripts call (`Math.max(a, b)`)."""


class _Math(_Static):
    EL_METHODS: ClassVar[dict[str, str]] = {
        "max": "max", "min": "min", "abs": "abs", "round": "round", "floor": "floor",
        "ceil": "ceil", "pow": "pow", "sqrt": "sqrt",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {"PI": "pi", "E": "e"}

    def max(self, a: Any, b: Any) -> Any:
        return a if values.compare(a, b) >= 0 else b

    def min(self, a: Any, b: Any) -> Any:
        return a if values.compare(a, b) <= 0 else b

    def abs(self, a: Any) -> Any:
        return abs(a)

    def round(self, a: Any) -> int:
        return math.floor(float(a) + 0.5)  # Java's Math.round: half up

    def floor(self, a: Any) -> float:
        return float(math.floor(a))

    def ceil(self, a: Any) -> float:
        return float(math.ceil(a))

    def pow(self, a: Any, b: Any) -> float:
        return float(a) ** float(b)

    def sqrt(self, a: Any) -> float:
        return math.sqrt(a) if a >= 0 else math.nan

    def pi(self) -> float:
        return math.pi

    def e(self) -> float:
        return math.e


def _whole_number_class(low: int, high: int, parse_name: str) -> type[_Static]:
    class WholeNumber(_Static):
        EL_METHODS: ClassVar[dict[str, str]] = {
            parse_name: "parse", "valueOf": "parse", "toString": "text",
        }
        EL_PROPERTIES: ClassVar[dict[str, str]] = {"MAX_VALUE": "high", "MIN_VALUE": "low"}
        parse = _number_text(lambda text: _in_range(int(text), low, high), "a whole number")

        def text(self, value: Any) -> str:
            return values.to_string(value)

        def high(self) -> int:
            return high

        def low(self) -> int:
            return low

    return WholeNumber


def _in_range(number: int, low: int, high: int) -> int:
    if not low <= number <= high:
        raise ValueError("out of range")
    return number


class _Double(_Static):
    EL_METHODS: ClassVar[dict[str, str]] = {"parseDouble": "parse", "valueOf": "parse"}
    parse = _number_text(float, "a number")


class _BigDecimal(_Static):
    EL_METHODS: ClassVar[dict[str, str]] = {"valueOf": "value_of"}
    EL_PROPERTIES: ClassVar[dict[str, str]] = {"ZERO": "zero", "ONE": "one", "TEN": "ten"}

    def value_of(self, value: Any) -> Decimal:
        return values.cast(value, "BigDecimal")

    def zero(self) -> Decimal:
        return Decimal(0)

    def one(self) -> Decimal:
        return Decimal(1)

    def ten(self) -> Decimal:
        return Decimal(10)


class _Boolean(_Static):
    EL_METHODS: ClassVar[dict[str, str]] = {"parseBoolean": "parse", "valueOf": "parse"}
    EL_PROPERTIES: ClassVar[dict[str, str]] = {"TRUE": "true", "FALSE": "false"}

    def parse(self, text: Any) -> bool:
        return isinstance(text, bool) and text or (
            isinstance(text, str) and text.strip().lower() == "true"
        )

    def true(self) -> bool:
        return True

    def false(self) -> bool:
        return False


class _String(_Static):
    EL_METHODS: ClassVar[dict[str, str]] = {"valueOf": "value_of", "format": "format"}

    def value_of(self, value: Any) -> str:
        return values.to_string(value)

    def format(self, pattern: Any, *arguments: Any) -> str:
        """Java's String.format for its common conversions (%s %d %f %.2f %n %%)."""
        converted = tuple(
            values.to_string(a) if not isinstance(a, int | float | Decimal) or isinstance(
                a, bool) else a for a in arguments
        )
        try:
            return str(pattern).replace("%n", "\n") % converted
        except (TypeError, ValueError) as error:
            raise GroovyRuntimeError(f"String.format: {error}") from None


class _JsonOutput(_Static):
    EL_METHODS: ClassVar[dict[str, str]] = {"toJson": "to_json", "prettyPrint": "pretty"}

    def to_json(self, value: Any) -> str:
        return json.dumps(value, separators=(",", ":"), default=_json_default)

    def pretty(self, text: Any) -> str:
        return json.dumps(json.loads(str(text), parse_float=Decimal), indent=4,
                          default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{values.type_name(value)} is not JSON")


class _Output(ScriptObject):
    """System.out and System.err: what a script prints goes to the `legato.scripts` log."""

    EL_METHODS: ClassVar[dict[str, str]] = {"println": "print", "print": "print"}

    def print(self, *values_: Any) -> None:
        logger.debug("script output: %s", " ".join(map(values.to_string, values_)))


class _System(_Static):
    EL_METHODS: ClassVar[dict[str, str]] = {"currentTimeMillis": "millis"}
    EL_PROPERTIES: ClassVar[dict[str, str]] = {"out": "output", "err": "output"}

    def __init__(self, now: datetime | None) -> None:
        self._now = now

    def output(self) -> _Output:
        return _Output()

    def millis(self) -> int:
        now = self._now or datetime.now(UTC)
        return int(now.timestamp() * 1000)


class _Date(_Static):
    EL_METHODS: ClassVar[dict[str, str]] = {"parse": "parse", "from": "from_instant"}

    def parse(self, pattern: Any, text: Any) -> datetime:
        """Groovy's Date.parse(pattern, text)."""
        return parse_date(values.to_string(pattern), values.to_string(text))

    def from_instant(self, instant: Any) -> datetime:
        """Date.from(instant): java.time back to a Date."""
        from engine.groovy.java_time.zoned import Instant  # java.time builds on this module

        if not isinstance(instant, Instant):
            raise GroovyRuntimeError("Date.from takes an Instant")
        return instant.value


class _Uuid(_Static):
    EL_METHODS: ClassVar[dict[str, str]] = {"randomUUID": "random"}

    def random(self) -> str:
        return str(uuid.uuid4())


def static_classes(now: datetime | None) -> dict[str, ElObject]:
    """The classes a script names without `new`: their static methods and constants."""
    return {
        "Math": _Math(),
        "Integer": _whole_number_class(-(2**31), 2**31 - 1, "parseInt")(),
        "Long": _whole_number_class(-(2**63), 2**63 - 1, "parseLong")(),
        "Double": _Double(),
        "BigDecimal": _BigDecimal(),
        "Boolean": _Boolean(),
        "String": _String(),
        "JsonOutput": _JsonOutput(),
        "System": _System(now),
        "UUID": _Uuid(),
        "Date": _Date(),
    }
