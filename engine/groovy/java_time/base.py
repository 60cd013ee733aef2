"""What the java.time values share: Java's exceptions as script errors, argument checks, the
bean properties Groovy derives from getters (`date.year` is `date.getYear()`), and order.

The values are immutable objects of the script's own (`ScriptObject`): a script reaches only
the methods each class lists. Precision is the microsecond (Python's), not the nanosecond.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar, TypeVar

from engine.groovy import values
from engine.groovy.builtins import ScriptObject
from engine.groovy.errors import GroovyRuntimeError

MAX_TEXT = 1000  # characters of a pattern or of a text to parse
INT_MAX = 2**31 - 1
LONG_MAX = 2**63 - 1
T = TypeVar("T")


def time_error(message: str, exception: str = "DateTimeException") -> GroovyRuntimeError:
    """Java's exception as the script sees it (a RuntimeException a `catch` can take)."""
    return GroovyRuntimeError(f"java.time.{exception}: {message}")


def unsupported(what: str) -> GroovyRuntimeError:
    return time_error(what, "temporal.UnsupportedTemporalTypeException")


def whole(value: Any, what: str = "a whole number", bound: int = LONG_MAX) -> int:
    """A Java int or long argument: a whole number within its range."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise GroovyRuntimeError(
            f"{what} must be a whole number, not {values.type_name(value)}"
        )
    if not -bound - 1 <= value <= bound:
        raise time_error(f"{what} out of range: {value}", "ArithmeticException")
    return value


def field(value: Any, name: str, low: int, high: int) -> int:
    """A field's value (a month, an hour...), checked as Java's ChronoField does."""
    number = whole(value, name)
    if not low <= number <= high:
        raise time_error(f"Invalid value for {name} (valid values {low} - {high}): {number}")
    return number


def in_range(action: Callable[[], T]) -> T:
    """Date arithmetic, with a result beyond the years 1 to 9999 a clear error."""
    try:
        return action()
    except (OverflowError, ValueError):
        raise time_error("the result is out of the supported range (years 1 to 9999)") from None


def text_arg(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise GroovyRuntimeError(f"{what} must be text, not {values.type_name(value)}")
    if len(value) > MAX_TEXT:
        raise GroovyRuntimeError(f"{what} longer than {MAX_TEXT} characters")
    return value


def bean_properties(methods: Mapping[str, str]) -> dict[str, str]:
    """Groovy reads `x.year` as `x.getYear()` and `x.leapYear` as `x.isLeapYear()`."""
    properties: dict[str, str] = {}
    for name, python_name in methods.items():
        for prefix in ("get", "is"):
            rest = name[len(prefix):]
            if name.startswith(prefix) and rest[:1].isupper():
                properties[rest[:1].lower() + rest[1:]] = python_name
    return properties


class TimeValue(ScriptObject, values.Ordered):
    """A java.time value: printed as Java's toString, equal and ordered as Java's are."""

    JAVA_CLASS: ClassVar[str] = "java.time.Object"

    def key(self) -> Any:
        """What equality compares (and hashing uses)."""
        raise NotImplementedError

    def order(self) -> Any:
        """What compareTo compares, among values of the same class."""
        return self.key()

    def to_string(self) -> str:
        raise NotImplementedError

    def equals(self, other: Any) -> bool:
        return self == other

    def compare_to(self, other: Any) -> int:
        if type(other) is not type(self):
            raise GroovyRuntimeError(
                f"Cannot compare {self.JAVA_CLASS} with {values.type_name(other)}"
            )
        mine, theirs = self.order(), other.order()
        return int(mine > theirs) - int(mine < theirs)

    def hash_code(self) -> int:
        return hash(self.key()) & 0x7FFFFFFF

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.key() == other.key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((type(self), self.key()))

    def __str__(self) -> str:
        return self.to_string()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.to_string()})"


COMMON_METHODS = {
    "toString": "to_string", "equals": "equals", "compareTo": "compare_to",
    "hashCode": "hash_code",
}


# -- calendar arithmetic shared by the date classes ----------------------------------------


def add_months(day: date, months: int) -> date:
    """Java's plusMonths: the day of month is kept, or clamped to the month's last day."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, month_length(year, month + 1)))


def month_length(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def micros(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def truncated_division(a: int, b: int) -> int:
    """Java's `/` on longs: toward zero."""
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_micros(moment: datetime) -> int:
    """Microseconds since 1970-01-01T00:00Z of an aware datetime."""
    return micros(moment - EPOCH)
