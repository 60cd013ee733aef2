"""java.time.format.DateTimeFormatter: `ofPattern` with the pattern letters scripts use
(u y M L d D E a h K k H m s S n VV z O X x Z, quoted text, `[optional]` sections) and
the ISO constants, printing any java.time value that has the fields its pattern asks for.
Names are English whatever the server's locale is. Reading text back is parsing.py's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any, ClassVar

from engine.groovy.builtins import ScriptObject
from engine.groovy.dates import DAY_NAMES, MONTH_NAMES
from engine.groovy.errors import GroovyRuntimeError
from engine.groovy.java_time.base import MAX_TEXT, text_arg, time_error, unsupported
from engine.groovy.java_time.zones import ZoneOffset, offset_id, zone_arg

# A compiled pattern: literal text, ("field", letter, count), ("optional", [items]) and the
# ISO formatters' own parts ("fraction": as many digits as needed; "offset": +01:00 or Z;
# "region": [Europe/Berlin] when the zone is not an offset).
Item = str | tuple[Any, ...]
LETTERS = frozenset("GuyMLdDEaKkHhmsSnVzOXxZ")
_MAX_COUNT = {"d": 2, "H": 2, "h": 2, "K": 2, "k": 2, "m": 2, "s": 2, "a": 1, "D": 3,
              "M": 5, "L": 5, "E": 5, "G": 5, "V": 2, "z": 3, "O": 4, "X": 5, "x": 5,
              "Z": 5, "S": 9, "n": 9, "u": 9, "y": 9}
_FIELD_NAMES = {
    "G": "Era", "u": "Year", "y": "YearOfEra", "M": "MonthOfYear", "L": "MonthOfYear",
    "d": "DayOfMonth", "D": "DayOfYear", "E": "DayOfWeek", "a": "AmPmOfDay",
    "h": "ClockHourOfAmPm", "K": "HourOfAmPm", "k": "ClockHourOfDay", "H": "HourOfDay",
    "m": "MinuteOfHour", "s": "SecondOfMinute", "S": "NanoOfSecond", "n": "NanoOfSecond",
}
DATE_LETTERS = frozenset("GuyMLdDE")


def compile_pattern(pattern: str) -> list[Item]:
    """The items of an ofPattern pattern, or IllegalArgumentException as Java's."""
    stack: list[list[Item]] = [[]]
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "'":
            end = pattern.find("'", at + 1)
            while end >= 0 and pattern.startswith("''", end):
                end = pattern.find("'", end + 2)
            if end < 0:
                raise _bad_pattern(f"Pattern ends with an incomplete string literal: {pattern}")
            stack[-1].append(pattern[at + 1:end].replace("''", "'") if end > at + 1 else "'")
            at = end + 1
        elif char == "[":
            stack.append([])
            at += 1
        elif char == "]":
            if len(stack) == 1:
                raise _bad_pattern("Pattern invalid as it contains ] without previous [")
            section = stack.pop()
            stack[-1].append(("optional", section))
            at += 1
        elif char in "{}#":
            raise _bad_pattern(f"Pattern includes reserved character: '{char}'")
        elif char.isascii() and char.isalpha():
            end = at
            while end < len(pattern) and pattern[end] == char:
                end += 1
            stack[-1].append(_letter(char, end - at))
            at = end
        else:
            stack[-1].append(char)
            at += 1
    while len(stack) > 1:  # Java closes sections left open at the end
        section = stack.pop()
        stack[-1].append(("optional", section))
    return stack[0]


def _letter(char: str, count: int) -> Item:
    if char not in LETTERS:
        raise _bad_pattern(f"Unknown pattern letter: {char}")
    if count > _MAX_COUNT[char] or char == "V" and count != 2 or char == "O" and count in (2, 3):
        raise _bad_pattern(f"Too many pattern letters: {char}" if char != "V" else
                           "Pattern letter count must be 2: V")
    return ("field", char, count)


def _bad_pattern(message: str) -> GroovyRuntimeError:
    return GroovyRuntimeError(f"java.lang.IllegalArgumentException: {message}")


# The ISO formatters, built from the same items (ISO_LOCAL_TIME: HH:mm[:ss[.fraction]]).
_ISO_DATE: list[Item] = [("field", "u", 4), "-", ("field", "M", 2), "-", ("field", "d", 2)]
_ISO_TIME: list[Item] = [("field", "H", 2), ":", ("field", "m", 2),
                         ("optional", [":", ("field", "s", 2), ("fraction",)])]
_ISO_LOCAL_DATE_TIME = [*_ISO_DATE, "T", *_ISO_TIME]
_ISO_OFFSET = [*_ISO_LOCAL_DATE_TIME, ("offset",)]
ISO_FORMATS: dict[str, list[Item]] = {
    "ISO_LOCAL_DATE": _ISO_DATE,
    "ISO_LOCAL_TIME": _ISO_TIME,
    "ISO_LOCAL_DATE_TIME": _ISO_LOCAL_DATE_TIME,
    "ISO_OFFSET_DATE_TIME": _ISO_OFFSET,
    "ISO_ZONED_DATE_TIME": [*_ISO_OFFSET, ("optional", [("region",)])],
    "ISO_DATE_TIME": [*_ISO_LOCAL_DATE_TIME, ("optional", [("offset",), ("region",)])],
    "ISO_DATE": [*_ISO_DATE, ("optional", [("offset",)])],
    "ISO_TIME": [*_ISO_TIME, ("optional", [("offset",)])],
    "ISO_OFFSET_DATE": [*_ISO_DATE, ("offset",)],
    "ISO_OFFSET_TIME": [*_ISO_TIME, ("offset",)],
    "BASIC_ISO_DATE": [("field", "u", 4), ("field", "M", 2), ("field", "d", 2),
                       ("optional", [("field", "X", 2)])],
    "ISO_INSTANT": [("instant",)],
}


class DateTimeFormatter(ScriptObject):
    """A compiled pattern (or an ISO format), maybe with a zone for Instants (`withZone`)."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "format": "format", "withZone": "with_zone", "toString": "to_string",
        "getZone": "get_zone",
    }

    def __init__(self, items: list[Item], name: str, *, strict: bool,
                 zone: Any = None) -> None:
        self.items = items
        self.name = name  # the pattern, or the ISO constant's name
        self.strict = strict  # ISO formatters refuse 2023-02-30; ofPattern ones clamp it
        self.zone = zone

    def to_string(self) -> str:
        return self.name

    def __str__(self) -> str:
        return self.name

    def get_zone(self) -> Any:
        return self.zone

    def with_zone(self, zone: Any) -> DateTimeFormatter:
        return DateTimeFormatter(self.items, self.name, strict=self.strict, zone=zone_arg(zone))

    def format(self, temporal: Any) -> str:
        if not hasattr(temporal, "fields"):
            raise time_error(f"Cannot format {type(temporal).__name__}: not a java.time value")
        fields = dict(temporal.fields())
        if self.zone is not None and "instant" in fields:
            moment = fields["instant"].astimezone(self.zone.rules)
            fields = {"date": moment.date(), "time": moment.time().replace(fold=0),
                      "offset": int(moment.utcoffset().total_seconds()), "zone": self.zone,
                      "instant": moment}
        return "".join(_print(item, fields, temporal) for item in self.items)


def of_pattern(pattern: Any) -> DateTimeFormatter:
    text = text_arg(pattern, "a pattern")
    if len(text) > MAX_TEXT:
        raise time_error(f"a pattern longer than {MAX_TEXT} characters")
    return DateTimeFormatter(compile_pattern(text), text, strict=False)


def iso_formatter(name: str) -> DateTimeFormatter:
    return DateTimeFormatter(ISO_FORMATS[name], name, strict=True)


def _print(item: Item, fields: dict[str, Any], temporal: Any) -> str:
    try:
        return _print_part(item, fields)
    except _Missing as missing:
        if missing.zone:
            raise time_error(f"Unable to extract ZoneId from temporal {temporal}") from None
        raise unsupported(f"Unsupported field: {missing.name}") from None


class _Missing(Exception):  # noqa: N818 - the temporal lacks a field the pattern prints
    def __init__(self, name: str, zone: bool = False) -> None:
        self.name = name
        self.zone = zone


def _need(fields: dict[str, Any], key: str, name: str) -> Any:
    value = fields.get(key)
    if value is None:
        raise _Missing(name, zone=key == "zone")
    return value


def _print_part(item: Item, fields: dict[str, Any]) -> str:
    if isinstance(item, str):
        return item
    kind = item[0]
    if kind == "optional":  # printed whole when the value has every field it asks for
        try:
            return "".join(_print_part(inner, fields) for inner in item[1])
        except _Missing:
            return ""
    if kind == "fraction":
        micro = _need(fields, "time", "NanoOfSecond").microsecond
        return f".{micro:06d}".rstrip("0") if micro else ""
    if kind == "offset":
        return offset_id(_need(fields, "offset", "OffsetSeconds"))
    if kind == "region":
        zone = fields.get("zone")
        if zone is None or isinstance(zone, ZoneOffset):
            raise _Missing("ZoneId")
        return f"[{zone.zone_id}]"
    if kind == "instant":
        from engine.groovy.java_time.zoned import instant_string

        return instant_string(_need(fields, "instant", "InstantSeconds"))
    _, letter, count = item
    if letter in DATE_LETTERS:
        part = None if "date" in fields else _partial_date(fields, letter)
        return _date_text(part or _need(fields, "date", _FIELD_NAMES[letter]), letter, count)
    if letter in _FIELD_NAMES:
        return _time_text(_need(fields, "time", _FIELD_NAMES[letter]), letter, count)
    if letter in "Vz":
        zone = _need(fields, "zone", "ZoneId")
        if letter == "V" or isinstance(zone, ZoneOffset):
            return str(zone.zone_id)
        moment = fields.get("instant") or datetime.now(UTC)
        return str(moment.astimezone(zone.rules).tzname())
    return offset_text(_need(fields, "offset", "OffsetSeconds"), letter, count)


def _partial_date(fields: dict[str, Any], letter: str) -> date | None:
    """What a YearMonth (year, month, era) or a Year (year, era) has of a date to print."""
    if letter in "uyG":
        return fields.get("year_month") or fields.get("year")
    return fields.get("year_month") if letter in "ML" else None


def _number(value: int, count: int) -> str:
    return str(value).zfill(count)


def _date_text(day: date, letter: str, count: int) -> str:
    if letter in "uy":
        return f"{day.year % 100:02d}" if count == 2 else _number(day.year, count)
    if letter in "ML":
        if count <= 2:
            return _number(day.month, count)
        return _name(MONTH_NAMES[day.month - 1], count)
    if letter == "d":
        return _number(day.day, count)
    if letter == "D":
        return _number(day.timetuple().tm_yday, count)
    if letter == "E":
        return _name(DAY_NAMES[day.weekday()], max(count, 3))
    return _name("Anno Domini", count) if count == 4 else "AD" if count < 4 else "A"


def _name(full: str, count: int) -> str:
    return full[:3] if count <= 3 else full if count == 4 else full[0]


def _time_text(moment: time, letter: str, count: int) -> str:
    if letter == "a":
        return "AM" if moment.hour < 12 else "PM"
    if letter == "S":
        return f"{moment.microsecond:06d}000"[:count]
    if letter == "n":
        return _number(moment.microsecond * 1000, count)
    value = {
        "H": moment.hour, "k": moment.hour or 24, "K": moment.hour % 12,
        "h": moment.hour % 12 or 12, "m": moment.minute, "s": moment.second,
    }[letter]
    return _number(value, count)


def offset_text(seconds: int, letter: str, count: int) -> str:
    """X, x, Z and O: the offset in the width the count asks for."""
    if letter == "O" or letter == "Z" and count == 4:
        if seconds == 0:
            return "GMT"
        hours, minutes = divmod(abs(seconds) // 60, 60)
        sign = "-" if seconds < 0 else "+"
        if letter == "O" and count == 1:
            return f"GMT{sign}{hours}" + (f":{minutes:02d}" if minutes else "")
        return f"GMT{sign}{hours:02d}:{minutes:02d}"
    if seconds == 0 and (letter == "X" or letter == "Z" and count == 5):
        return "Z"
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if letter == "Z":
        return f"{sign}{hours:02d}{minutes:02d}" if count < 5 else offset_id(seconds)
    if count == 1:
        return f"{sign}{hours:02d}" + (f"{minutes:02d}" if minutes else "")
    colon = ":" if count in (3, 5) else ""
    text = f"{sign}{hours:02d}{colon}{minutes:02d}"
    return text + (f"{colon}{secs:02d}" if count >= 4 and secs else "")


class DateTimeFormatterClass(ScriptObject):
    """The statics of DateTimeFormatter: ofPattern and the ISO constants."""

    EL_METHODS: ClassVar[dict[str, str]] = {"ofPattern": "of_pattern"}
    EL_PROPERTIES: ClassVar[dict[str, str]] = {name: name.lower() for name in ISO_FORMATS}

    def of_pattern(self, pattern: Any) -> DateTimeFormatter:
        return of_pattern(pattern)

    def iso_local_date(self) -> DateTimeFormatter:
        return iso_formatter("ISO_LOCAL_DATE")

    def iso_local_time(self) -> DateTimeFormatter:
        return iso_formatter("ISO_LOCAL_TIME")

    def iso_local_date_time(self) -> DateTimeFormatter:
        return iso_formatter("ISO_LOCAL_DATE_TIME")

    def iso_offset_date_time(self) -> DateTimeFormatter:
        return iso_formatter("ISO_OFFSET_DATE_TIME")

    def iso_zoned_date_time(self) -> DateTimeFormatter:
        return iso_formatter("ISO_ZONED_DATE_TIME")

    def iso_date_time(self) -> DateTimeFormatter:
        return iso_formatter("ISO_DATE_TIME")

    def iso_date(self) -> DateTimeFormatter:
        return iso_formatter("ISO_DATE")

    def iso_time(self) -> DateTimeFormatter:
        return iso_formatter("ISO_TIME")

    def iso_offset_date(self) -> DateTimeFormatter:
        return iso_formatter("ISO_OFFSET_DATE")

    def iso_offset_time(self) -> DateTimeFormatter:
        return iso_formatter("ISO_OFFSET_TIME")

    def basic_iso_date(self) -> DateTimeFormatter:
        return iso_formatter("BASIC_ISO_DATE")

    def iso_instant(self) -> DateTimeFormatter:
        return iso_formatter("ISO_INSTANT")
