"""Reading text with a DateTimeFormatter (`LocalDate.parse(text, formatter)`): the pattern
becomes a regular expression, the fields it finds are checked and resolved as Java's
resolver does (an ISO formatter refuses 2023-02-30; an `ofPattern` one, SMART, takes the
month's last day), then built into the class asked for."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from engine.groovy.dates import DAY_NAMES, MONTH_NAMES
from engine.groovy.errors import GroovyRuntimeError
from engine.groovy.java_time.base import month_length, text_arg, time_error
from engine.groovy.java_time.formatter import DateTimeFormatter, Item
from engine.groovy.java_time.zones import ZoneId, ZoneOffset, parse_offset, zone_of

_OFFSET = r"(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)"
_NUMBERS = {"d": 2, "H": 2, "h": 2, "K": 2, "k": 2, "m": 2, "s": 2}


class _ParseError(Exception):
    pass


def _group(item: Item, slots: list[tuple[str, int]]) -> str:
    if isinstance(item, str):
        return re.escape(item)
    kind = item[0]
    if kind == "optional":
        return "(?:" + "".join(_group(inner, slots) for inner in item[1]) + ")?"
    if kind == "fraction":
        slots.append(("fraction", 0))
        return r"(?:\.(\d{0,9}))?"
    if kind == "offset":
        slots.append(("offset", 0))
        return _OFFSET
    if kind == "region":
        slots.append(("region", 0))
        return r"\[([^\]]{1,100})\]"
    if kind == "instant":
        raise _ParseError  # handled by its own expression
    _, letter, count = item
    slots.append((letter, count))
    if letter in "uy":
        return r"(\d{2})" if count == 2 else rf"(\d{{{count},9}})"
    if letter in "ML" and count >= 3:
        return "(" + "|".join(_names(MONTH_NAMES, count)) + ")"
    if letter == "E":
        return "(" + "|".join(_names(DAY_NAMES, max(count, 3))) + ")"
    if letter in _NUMBERS or letter in "ML":
        return r"(\d{1,2})" if count == 1 else r"(\d{2})"
    if letter == "D":
        return rf"(\d{{{count},3}})"
    if letter == "a":
        return "(AM|PM)"
    if letter == "S":
        return rf"(\d{{{count}}})"
    if letter == "n":
        return rf"(\d{{{count},9}})"
    if letter == "V":
        return r"([A-Za-z][A-Za-z0-9~/._+-]{0,99})"
    if letter in "XxZ":
        return _OFFSET if count != 4 or letter != "Z" else r"(GMT(?:[+-]\d{1,2}(?::\d{2})?)?)"
    if letter == "O":
        return r"(GMT(?:[+-]\d{1,2}(?::\d{2})?)?)"
    if letter == "G":
        return "(AD)"
    raise GroovyRuntimeError(f"pattern letter '{letter}' cannot be parsed: use VV or an offset")


def _names(names: tuple[str, ...], count: int) -> list[str]:
    return [name if count == 4 else name[:3] for name in names]


@lru_cache(maxsize=64)
def _compiled(items: tuple[Any, ...], strict: bool) -> tuple[re.Pattern[str], list[Any]]:
    slots: list[tuple[str, int]] = []
    expression = "".join(_group(item, slots) for item in items)
    return re.compile(expression, re.IGNORECASE if strict else 0), slots


def _frozen(items: list[Item]) -> tuple[Any, ...]:
    return tuple(
        ("optional", _frozen(item[1])) if isinstance(item, tuple) and item[0] == "optional"
        else item for item in items
    )


_INSTANT = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{0,9}))?" + _OFFSET, re.IGNORECASE
)


def parse_fields(text: Any, formatter: DateTimeFormatter) -> dict[str, Any]:
    """The resolved fields of `text`: date, time, offset (a ZoneOffset), zone (a ZoneId)."""
    value = text_arg(text, "the text to parse")
    try:
        if formatter.name == "ISO_INSTANT":
            match = _INSTANT.fullmatch(value)
            slots = [("u", 4), ("M", 2), ("d", 2), ("H", 2), ("m", 2), ("s", 2),
                     ("fraction", 0), ("offset", 0)]
        else:
            expression, slots = _compiled(_frozen(formatter.items), formatter.strict)
            match = expression.fullmatch(value)
        if match is None:
            raise _ParseError("the text does not match the pattern " + formatter.name)
        found = {slot: group for slot, group in zip(slots, match.groups(), strict=True)
                 if group is not None}
        fields = _resolve(found, formatter.strict)
    except _ParseError as error:
        raise time_error(f"Text '{value}' could not be parsed: {error}",
                         "format.DateTimeParseException") from None
    except GroovyRuntimeError as error:
        reason = error.message.split(": ", 1)[-1]
        raise time_error(f"Text '{value}' could not be parsed: {reason}",
                         "format.DateTimeParseException") from None
    if "zone" not in fields and "offset" not in fields and formatter.zone is not None:
        fields["zone"] = formatter.zone
    return fields


def _number(found: dict[tuple[str, int], str], letters: str) -> int | None:
    for (letter, _), text in found.items():
        if letter in letters:
            return int(text)
    return None


def _text(found: dict[tuple[str, int], str], letters: str | tuple[str, ...]) -> str | None:
    return next((text for (letter, _), text in found.items() if letter in letters), None)


def _check(value: int, name: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise _ParseError(f"Invalid value for {name} (valid values {low} - {high}): {value}")
    return value


def _resolve(found: dict[tuple[str, int], str], strict: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    day = _resolve_date(found, strict)
    if day is not None:
        fields["date"] = day
    else:
        month = _year_month(found, strict)
        if month is not None:
            fields["year_month"] = month  # a year and a month, no day: a YearMonth
        elif (year := _year(found, strict)) is not None:
            fields["year"] = date(year, 1, 1)  # a year alone: a Year
    moment = _resolve_time(found)
    if moment is not None:
        fields["time"] = moment
    offset = _text(found, ("offset", "X", "x", "Z", "O"))
    if offset is not None:
        fields["offset"] = _offset(offset)
    region = _text(found, ("region", "V"))
    if region is not None:
        fields["zone"] = zone_of(region)
    return fields


def _offset(text: str) -> ZoneOffset:
    if text.upper().startswith("GMT"):
        rest = text[3:]
        if not rest:
            return parse_offset("Z")
        sign, digits = rest[0], rest[1:].split(":")
        return parse_offset(f"{sign}{int(digits[0]):02d}:{digits[1] if len(digits) > 1 else '00'}")
    return parse_offset(text.upper())


def _resolve_date(found: dict[tuple[str, int], str], strict: bool) -> date | None:
    year_text = _text(found, "uy")
    if year_text is None:
        return None
    year = int(year_text) + (2000 if len(year_text) == 2 and not strict else 0)
    _check(year, "Year", 1, 9999)
    day_of_year = _number(found, "D")
    if day_of_year is not None:
        _check(day_of_year, "DayOfYear", 1, 366)
        return date(year, 1, 1) + timedelta(days=day_of_year - 1)
    month_text = _text(found, "ML")
    day = _number(found, "d")
    if month_text is None or day is None:
        return None
    month = _month(month_text)
    _check(month, "MonthOfYear", 1, 12)
    _check(day, "DayOfMonth", 1, 31)
    last = month_length(year, month)
    if day > last:
        if strict:
            raise _ParseError(f"Invalid date '{MONTH_NAMES[month - 1].upper()} {day}'")
        day = last  # SMART: the month's last day
    result = date(year, month, day)
    weekday = _text(found, "E")
    if weekday is not None and DAY_NAMES[result.weekday()][:3] != weekday[:3]:
        raise _ParseError(f"Conflict found: {weekday} differs from the day of week of {result}")
    return result


def _year(found: dict[tuple[str, int], str], strict: bool) -> int | None:
    """The year of a text that names no day."""
    year_text = _text(found, "uy")
    if year_text is None or _number(found, "dD") is not None:
        return None
    year = int(year_text) + (2000 if len(year_text) == 2 and not strict else 0)
    return _check(year, "Year", 1, 9999)


def _year_month(found: dict[tuple[str, int], str], strict: bool) -> date | None:
    """The first day of the month a text names by year and month only."""
    year, month_text = _year(found, strict), _text(found, "ML")
    if year is None or month_text is None:
        return None
    return date(year, _check(_month(month_text), "MonthOfYear", 1, 12), 1)


def _month(text: str) -> int:
    if text.isdigit():
        return int(text)
    return next(i for i, name in enumerate(MONTH_NAMES, 1) if name[:3] == text[:3])


def _resolve_time(found: dict[tuple[str, int], str]) -> time | None:
    hour = _number(found, "H")
    if hour is None:
        clock_hour = _number(found, "k")
        if clock_hour is not None:
            hour = _check(clock_hour, "ClockHourOfDay", 1, 24) % 24
    if hour is None:
        half = _number(found, "hK")
        marker = _text(found, "a")
        if half is None:
            return None
        if marker is None:
            raise _ParseError("an hour of AM/PM (h, K) needs the AM/PM marker (a)")
        if _text(found, "h") is not None:
            half = _check(half, "ClockHourOfAmPm", 1, 12) % 12
        hour = _check(half, "HourOfAmPm", 0, 11) + (12 if marker.upper() == "PM" else 0)
    _check(hour, "HourOfDay", 0, 23)
    minute = _check(_number(found, "m") or 0, "MinuteOfHour", 0, 59)
    second = _check(_number(found, "s") or 0, "SecondOfMinute", 0, 59)
    digits = _text(found, ("fraction", "S")) or ""
    micro = int(digits[:6].ljust(6, "0")) if digits else 0
    nanos = _number(found, "n")
    if nanos is not None:
        micro = nanos // 1000
    return time(hour, minute, second, micro)


def local_date_time(fields: dict[str, Any], kind: str) -> datetime:
    """The date and time parsed, both required (`kind` names the class asked for)."""
    if "date" not in fields or "time" not in fields:
        raise time_error(
            f"Unable to obtain {kind} from the parsed text: it needs a date and a time",
            "format.DateTimeParseException",
        )
    return datetime.combine(fields["date"], fields["time"])


def zone_parsed(fields: dict[str, Any], kind: str) -> ZoneId:
    zone = fields.get("zone") or fields.get("offset")
    if zone is None:
        raise time_error(
            f"Unable to obtain {kind} from the parsed text: it has no zone or offset",
            "format.DateTimeParseException",
        )
    return zone  # type: ignore[no-any-return]
