"""FEEL's built-in functions (DMN 1.3 section 10.3.4, as the FEEL engine of Camunda 7.13+ has
them): conversions, strings, numbers, dates and contexts here; lists in list_functions.py.

Each is called with the evaluation scope and its arguments. A null argument makes the result
null, except for the functions marked `null_tolerant`; an argument of the wrong kind is an
error naming the function.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
    InvalidOperation,
)
from typing import Any

from engine.dmn.feel.errors import FeelError
from engine.dmn.feel.temporal import (
    YearsMonths,
    duration_text,
    months_between,
    parse_date,
    parse_date_time,
    parse_duration,
    parse_time,
)
from engine.dmn.feel.values import FeelFunction, Scope, kind_of


@dataclass(frozen=True, slots=True)
class Builtin:
    """`least` to `most` arguments (None: any number); `run(scope, *arguments)`."""

    least: int
    most: int | None
    run: Callable[..., Any]
    null_tolerant: bool = False

    def arity(self) -> str:
        if self.most == self.least:
            return str(self.least)
        return f"{self.least} or more" if self.most is None else f"{self.least} to {self.most}"


def string_arg(function: str, value: Any) -> str:
    if not isinstance(value, str):
        raise FeelError(f"function '{function}' expects a string, got {kind_of(value)}")
    return value


def number_arg(function: str, value: Any) -> int | float:
    if kind_of(value) != "number":
        raise FeelError(f"function '{function}' expects a number, got {kind_of(value)}")
    return value  # type: ignore[no-any-return]


def whole_arg(function: str, value: Any) -> int:
    number = number_arg(function, value)
    if number != int(number):
        raise FeelError(f"function '{function}' expects a whole number, got {number}")
    return int(number)


def _date_arg(function: str, value: Any) -> date:
    if not isinstance(value, date):
        raise FeelError(f"function '{function}' expects a date, got {kind_of(value)}")
    return value


def _now(scope: Scope) -> datetime:
    if scope.now is None:
        raise FeelError("now() and today() need the evaluation time; none was given")
    return scope.now if scope.now.tzinfo is not None else scope.now.replace(tzinfo=UTC)


def _not(value: Any) -> Any:
    return (not value) if isinstance(value, bool) else None


# -- conversions ---------------------------------------------------------------------------


def _date(scope: Scope, *parts: Any) -> date:
    if len(parts) == 3:
        year, month, day = (whole_arg("date", part) for part in parts)
        try:
            return date(year, month, day)
        except ValueError as error:
            raise FeelError(f"date({year}, {month}, {day}) is not a date: {error}") from None
    (value,) = parts
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(string_arg("date", value))


def _date_and_time(scope: Scope, value: Any, at: Any = None) -> datetime:
    if at is not None:
        if not isinstance(value, date) or not isinstance(at, time):
            raise FeelError("date and time(date, time) expects a date and a time, got "
                            f"{kind_of(value)} and {kind_of(at)}")
        return datetime.combine(value, at)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return parse_date_time(string_arg("date and time", value))


def _time(scope: Scope, *parts: Any) -> time:
    if len(parts) == 1:
        (value,) = parts
        if isinstance(value, datetime):
            return value.timetz()
        if isinstance(value, time):
            return value
        return parse_time(string_arg("time", value))
    if len(parts) == 2:
        raise FeelError("time() takes a text, a date and time, or hour, minute, second")
    hour, minute = whole_arg("time", parts[0]), whole_arg("time", parts[1])
    second = number_arg("time", parts[2])
    offset = parts[3] if len(parts) == 4 else None
    if offset is not None and not isinstance(offset, timedelta):
        raise FeelError(f"time(): the offset must be a duration, got {kind_of(offset)}")
    try:
        return time(hour, minute, int(second), int(round(second % 1 * 1_000_000)),
                    tzinfo=timezone(offset) if offset is not None else None)
    except ValueError as error:
        raise FeelError(f"time({hour}, {minute}, {second}) is not a time: {error}") from None


def _years_and_months(scope: Scope, start: Any, end: Any) -> YearsMonths:
    if not isinstance(start, date) or not isinstance(end, date):
        raise FeelError("years and months duration(from, to) expects two dates, got "
                        f"{kind_of(start)} and {kind_of(end)}")
    return months_between(start, end)


_GROUPING = frozenset({" ", ",", ".", "'"})


def _number(scope: Scope, text: Any, grouping: Any = None, separator: Any = None) -> Any:
    text = string_arg("number", text)
    if grouping is not None and grouping not in _GROUPING:
        raise FeelError("number(): the grouping separator must be one of ' ,.' or \"'\"")
    if separator is not None and separator not in {".", ","}:
        raise FeelError("number(): the decimal separator must be '.' or ','")
    if grouping is not None:
        text = text.replace(grouping, "")
    if separator is not None:
        text = text.replace(separator, ".")
    if not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", text):
        return None  # FEEL: text that is no number converts to null
    value = float(text)
    return int(value) if re.fullmatch(r"-?\d+", text) else value


def feel_string(value: Any) -> str:
    """How FEEL writes a value with string(): numbers plainly, dates in ISO 8601."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_text(value)
    if isinstance(value, YearsMonths):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_quoted(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}:{_quoted(v)}" for k, v in value.items()) + "}"
    return str(value)


def host_value(value: Any) -> Any:
    """A FEEL value as the rest of the engine can keep it: times of day and durations as
    their ISO 8601 texts, inside lists and contexts too; anything else as it is (the same
    object when nothing changed). A function is refused: nothing outside FEEL can call it."""
    if isinstance(value, FeelFunction):
        raise FeelError("a function cannot be a decision's value: call it inside the expression")
    if isinstance(value, time | timedelta | YearsMonths):
        return feel_string(value)
    if isinstance(value, list):
        items = [host_value(item) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, dict):
        entries = {key: host_value(item) for key, item in value.items()}
        return value if all(entries[k] is value[k] for k in value) else entries
    return value


def _quoted(value: Any) -> str:
    if value is None:
        return "null"
    return f'"{value}"' if isinstance(value, str) else feel_string(value)


# -- strings -------------------------------------------------------------------------------


def _substring(scope: Scope, text: Any, start: Any, length: Any = None) -> str:
    text = string_arg("substring", text)
    position = whole_arg("substring", start)
    begin = position - 1 if position > 0 else len(text) + position
    if position == 0 or not 0 <= begin <= len(text):
        raise FeelError(f"substring(): start position {position} is outside '{text}'")
    if length is None:
        return text[begin:]
    return text[begin : begin + max(0, whole_arg("substring", length))]


def _substring_before(scope: Scope, text: Any, match: Any) -> str:
    text, match = string_arg("substring before", text), string_arg("substring before", match)
    return text.partition(match)[0] if match in text else ""


def _substring_after(scope: Scope, text: Any, match: Any) -> str:
    text, match = string_arg("substring after", text), string_arg("substring after", match)
    return text.partition(match)[2] if match in text else ""


_FLAGS = {"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE, "x": re.VERBOSE}


def _pattern(function: str, pattern: Any, flags: Any) -> re.Pattern[str]:
    pattern = string_arg(function, pattern)
    options = 0
    for flag in string_arg(function, flags or ""):
        if flag == "q":
            pattern = re.escape(pattern)
        elif flag in _FLAGS:
            options |= _FLAGS[flag]
        else:
            raise FeelError(f"{function}(): unknown flag '{flag}' (i, s, m, x or q)")
    if len(pattern) > 1000:
        raise FeelError(f"{function}(): the pattern is longer than 1000 characters")
    try:
        return re.compile(pattern, options)
    except re.error as error:
        raise FeelError(f"{function}(): '{pattern}' is not a regular expression: {error}") from None


def _replace(scope: Scope, text: Any, pattern: Any, replacement: Any, flags: Any = None) -> str:
    compiled = _pattern("replace", pattern, flags)
    # XPath writes groups as $1; Python's template as \g<1>.
    template = re.sub(r"\\(.)|\$(\d+)", lambda m: (m.group(1).replace("\\", "\\\\")
                      if m.group(1) is not None else f"\\g<{m.group(2)}>"),
                      string_arg("replace", replacement))
    try:
        return compiled.sub(template, string_arg("replace", text))
    except (re.error, IndexError) as error:
        raise FeelError(f"replace(): {error}") from None


def _matches(scope: Scope, text: Any, pattern: Any, flags: Any = None) -> bool:
    return _pattern("matches", pattern, flags).search(string_arg("matches", text)) is not None


def _split(scope: Scope, text: Any, delimiter: Any) -> list[str]:
    return _pattern("split", delimiter, None).split(string_arg("split", text))


# -- numbers -------------------------------------------------------------------------------


def _rounded(mode: str) -> Callable[..., Any]:
    def run(scope: Scope, value: Any, scale: Any = 0) -> Any:
        number = number_arg("round", value)
        places = whole_arg("round", scale)
        if not -1000 <= places <= 1000:
            raise FeelError(f"the scale {places} is out of range (-1000 to 1000)")
        try:
            result = Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), rounding=mode)
        except InvalidOperation:
            raise FeelError(f"cannot round {number} to {places} places") from None
        return int(result) if places <= 0 else float(result)

    return run


def _modulo(scope: Scope, dividend: Any, divisor: Any) -> Any:
    a, b = number_arg("modulo", dividend), number_arg("modulo", divisor)
    if b == 0:
        return None
    if isinstance(a, int) and isinstance(b, int):
        return a % b  # the sign of the divisor, as FEEL's modulo
    exact_a, exact_b = Decimal(repr(a)), Decimal(repr(b))
    rest = exact_a % exact_b  # Decimal keeps the dividend's sign: move it to the divisor's
    if rest and (rest < 0) != (exact_b < 0):
        rest += exact_b
    return float(rest)


def _sqrt(scope: Scope, value: Any) -> Any:
    number = number_arg("sqrt", value)
    if number < 0:
        return None
    root = math.sqrt(number)
    return int(root) if isinstance(number, int) and root == int(root) else root


def _log(scope: Scope, value: Any) -> Any:
    number = number_arg("log", value)
    return math.log(number) if number > 0 else None


def _exp(scope: Scope, value: Any) -> Any:
    try:
        return math.exp(number_arg("exp", value))
    except OverflowError:
        return None


# -- dates ---------------------------------------------------------------------------------

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _date_function(name: str, read: Callable[[date], Any]) -> Builtin:
    return Builtin(1, 1, lambda scope, value: read(_date_arg(name, value)))


# -- contexts ------------------------------------------------------------------------------


def _get_value(scope: Scope, context: Any, key: Any) -> Any:
    if not isinstance(context, dict):
        raise FeelError(f"function 'get value' expects a context, got {kind_of(context)}")
    return context.get(string_arg("get value", key))


def _get_entries(scope: Scope, context: Any) -> list[dict[str, Any]]:
    if not isinstance(context, dict):
        raise FeelError(f"function 'get entries' expects a context, got {kind_of(context)}")
    return [{"key": key, "value": value} for key, value in context.items()]


SCALAR_FUNCTIONS: dict[str, Builtin] = {
    "not": Builtin(1, 1, lambda scope, v: _not(v), null_tolerant=True),
    "date": Builtin(1, 3, _date),
    "date and time": Builtin(1, 2, _date_and_time),
    "time": Builtin(1, 4, _time),
    "duration": Builtin(1, 1, lambda scope, v: parse_duration(string_arg("duration", v))),
    "years and months duration": Builtin(2, 2, _years_and_months),
    "number": Builtin(1, 3, _number),
    "string": Builtin(1, 1, lambda scope, v: feel_string(v)),
    "now": Builtin(0, 0, lambda scope: _now(scope), null_tolerant=True),
    "today": Builtin(0, 0, lambda scope: _now(scope).date(), null_tolerant=True),
    "string length": Builtin(1, 1, lambda scope, v: len(string_arg("string length", v))),
    "upper case": Builtin(1, 1, lambda scope, v: string_arg("upper case", v).upper()),
    "lower case": Builtin(1, 1, lambda scope, v: string_arg("lower case", v).lower()),
    "contains": Builtin(
        2, 2, lambda scope, s, m: string_arg("contains", m) in string_arg("contains", s)
    ),
    "starts with": Builtin(
        2, 2, lambda scope, s, m: string_arg("starts with", s).startswith(string_arg("", m))
    ),
    "ends with": Builtin(
        2, 2, lambda scope, s, m: string_arg("ends with", s).endswith(string_arg("", m))
    ),
    "substring": Builtin(2, 3, _substring),
    "substring before": Builtin(2, 2, _substring_before),
    "substring after": Builtin(2, 2, _substring_after),
    "replace": Builtin(3, 4, _replace),
    "matches": Builtin(2, 3, _matches),
    "split": Builtin(2, 2, _split),
    "trim": Builtin(1, 1, lambda scope, v: string_arg("trim", v).strip()),
    "abs": Builtin(1, 1, lambda scope, v: abs(number_arg("abs", v))),
    "floor": Builtin(1, 2, _rounded(ROUND_FLOOR)),
    "ceiling": Builtin(1, 2, _rounded(ROUND_CEILING)),
    "decimal": Builtin(2, 2, _rounded(ROUND_HALF_EVEN)),
    "round up": Builtin(2, 2, _rounded(ROUND_UP)),
    "round down": Builtin(2, 2, _rounded(ROUND_DOWN)),
    "round half up": Builtin(2, 2, _rounded(ROUND_HALF_UP)),
    "round half down": Builtin(2, 2, _rounded(ROUND_HALF_DOWN)),
    "modulo": Builtin(2, 2, _modulo),
    "sqrt": Builtin(1, 1, _sqrt),
    "log": Builtin(1, 1, _log),
    "exp": Builtin(1, 1, _exp),
    "odd": Builtin(1, 1, lambda scope, v: whole_arg("odd", v) % 2 == 1),
    "even": Builtin(1, 1, lambda scope, v: whole_arg("even", v) % 2 == 0),
    "day of week": _date_function("day of week", lambda d: _WEEKDAYS[d.weekday()]),
    "day of year": _date_function("day of year", lambda d: d.timetuple().tm_yday),
    "week of year": _date_function("week of year", lambda d: d.isocalendar()[1]),
    "month of year": _date_function("month of year", lambda d: _MONTHS[d.month - 1]),
    "get value": Builtin(2, 2, _get_value),
    "get entries": Builtin(1, 1, _get_entries),
}
