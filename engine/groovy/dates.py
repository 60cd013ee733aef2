"""java.util.Date as scripts see it: Date.toString(), SimpleDateFormat patterns and Groovy's
day arithmetic (`date + 1`, `date2 - date1`). Dates are datetimes, read in their own time zone
(UTC for a naive one): the server's default zone of a JVM plays no part here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from engine.groovy.errors import GroovyRuntimeError

# English names whatever the process locale is (strftime's %a and %b follow the locale).
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
JAVA_DATE_STRING = "EEE MMM dd HH:mm:ss zzz yyyy"
_MAX_DAYS = 3_000_000  # about 8000 years: anything more is outside what datetime can hold
_MAX_PATTERN = 1000


def as_instant(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def date_string(moment: datetime) -> str:
    """Date.toString(): "Sat Mar 14 09:26:53 UTC 2026"."""
    return format_date(moment, JAVA_DATE_STRING)


def plus_days(moment: datetime, days: int) -> datetime:
    if abs(days) > _MAX_DAYS:
        raise GroovyRuntimeError("Date out of range")
    try:
        return moment + timedelta(days=days)
    except OverflowError:
        raise GroovyRuntimeError("Date out of range") from None


def days_between(later: datetime, earlier: datetime) -> int:
    """`later - earlier` in Groovy: calendar days between the two dates (in UTC)."""
    return (_utc_day(later) - _utc_day(earlier)).days


def _utc_day(moment: datetime) -> date:
    return as_instant(moment).astimezone(UTC).date()


def zone_name(moment: datetime) -> str:
    """The short zone name Java prints: "UTC", "CET", else "GMT+01:00"."""
    moment = as_instant(moment)
    offset = moment.utcoffset() or timedelta(0)
    name = moment.tzname() or ""
    if name.isalpha():
        return name
    if offset == timedelta(0):
        return "UTC"
    return "GMT" + _offset(offset, colon=True)


def format_date(moment: datetime, pattern: str) -> str:
    """SimpleDateFormat.format for the pattern letters scripts use (y M d E H h k K m s S a
    D u Z z X); quoted text is literal, '' is a quote; any other letter is refused."""
    if len(pattern) > _MAX_PATTERN:
        raise GroovyRuntimeError(f"Date pattern longer than {_MAX_PATTERN} characters")
    moment = as_instant(moment)
    parts: list[str] = []
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "'":
            literal, at = _quoted(pattern, at)
            parts.append(literal)
        elif char.isascii() and char.isalpha():
            end = at
            while end < len(pattern) and pattern[end] == char:
                end += 1
            parts.append(_field(moment, char, end - at))
            at = end
        else:
            parts.append(char)
            at += 1
    return "".join(parts)


def _quoted(pattern: str, at: int) -> tuple[str, int]:
    if pattern.startswith("''", at):
        return "'", at + 2
    text: list[str] = []
    at += 1
    while at < len(pattern):
        if pattern.startswith("''", at):
            text.append("'")
            at += 2
        elif pattern[at] == "'":
            return "".join(text), at + 1
        else:
            text.append(pattern[at])
            at += 1
    raise GroovyRuntimeError(f"Unterminated quote in date pattern '{pattern}'")


def _field(moment: datetime, letter: str, count: int) -> str:
    if letter == "y":
        return _number(moment.year % 100, 2) if count == 2 else _number(moment.year, count)
    if letter == "M":
        if count >= 3:
            name = MONTH_NAMES[moment.month - 1]
            return name if count >= 4 else name[:3]
        return _number(moment.month, count)
    if letter == "E":
        name = DAY_NAMES[moment.weekday()]
        return name if count >= 4 else name[:3]
    if letter in _NUMBERS:
        return _number(_NUMBERS[letter](moment), count)
    if letter == "a":
        return "AM" if moment.hour < 12 else "PM"
    if letter == "z":
        return zone_name(moment)
    offset = moment.utcoffset() or timedelta(0)
    if letter == "Z":
        return _offset(offset, colon=False)
    if letter == "X":
        if offset == timedelta(0):
            return "Z"
        text = _offset(offset, colon=count >= 3)
        return text[:3] if count == 1 else text
    raise GroovyRuntimeError(f"Illegal pattern character '{letter}'")


_NUMBERS: dict[str, Callable[[datetime], int]] = {
    "d": lambda m: m.day,
    "H": lambda m: m.hour,
    "k": lambda m: m.hour or 24,
    "K": lambda m: m.hour % 12,
    "h": lambda m: m.hour % 12 or 12,
    "m": lambda m: m.minute,
    "s": lambda m: m.second,
    "S": lambda m: m.microsecond // 1000,
    "D": lambda m: m.timetuple().tm_yday,
    "u": lambda m: m.isoweekday(),
}


def _number(value: int, width: int) -> str:
    return str(value).zfill(min(width, 100))


def _offset(offset: timedelta, colon: bool) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{minutes:02d}"
