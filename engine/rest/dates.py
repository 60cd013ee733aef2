"""Camunda's REST date format: `yyyy-MM-dd'T'HH:mm:ss.SSSZ`, e.g. `2013-01-23T13:59:43.000+0200`.

Camunda's docs (REST reference, "Date Format"): "By default, the date must have the format
yyyy-MM-dd'T'HH:mm:ss.SSSZ". The offset has no colon (Java's `Z` pattern letter). We write
exactly that, in UTC, and read it leniently: also `+02:00`, `Z`, no milliseconds, and a
space where the `+` was, because an unescaped `+` in a query string arrives as a space.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_DATE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d{1,9}))?"
    r"(?P<zone>Z|[+\- ]\d{2}:?\d{2})?$"
)


def format_date(value: datetime | None) -> str | None:
    """A timestamp as Camunda writes it, always in UTC: `2026-11-25T10:00:00.000+0000`."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"


def parse_date(text: str) -> datetime:
    """Read a Camunda date; raises ValueError when `text` is not one.

    A date without an offset is read as UTC (the server's zone, as Camunda reads it in the
    JVM's zone).
    """
    match = _DATE.match(text)
    if match is None:
        raise ValueError(f"not a date in the format yyyy-MM-dd'T'HH:mm:ss.SSSZ: {text!r}")
    fraction = (match["fraction"] or "0").ljust(6, "0")[:6]
    base = datetime.fromisoformat(f"{match['date']}T{match['time']}").replace(
        microsecond=int(fraction)
    )
    # Kept in UTC: databases take only moderate offsets (PostgreSQL: up to 15:59).
    try:
        return base.replace(tzinfo=_zone(match["zone"])).astimezone(UTC)
    except OverflowError:
        raise ValueError(f"date out of range: {text!r}") from None


def _zone(text: str | None) -> timezone:
    if text is None or text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 18 or minutes > 59:  # Java's ZoneOffset range
        raise ValueError(f"not a time zone offset: {text!r}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
