"""SimpleDateFormat.parse and Groovy's Date.parse(pattern, text) for the numeric patterns
scripts parse dates with (`yyyy-MM-dd`, `dd.MM.yyyy HH:mm`, `yyyy-MM-dd'T'HH:mm:ss.SSSXXX`),
month names included. Without a zone in the text the time is UTC (no JVM default zone here).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from engine.groovy.dates import MONTH_NAMES
from engine.groovy.errors import GroovyRuntimeError

_MAX_PATTERN = 1000
_MONTHS = {name[:3].lower(): index for index, name in enumerate(MONTH_NAMES, 1)}
_FIELDS = {  # pattern letter -> (group name, regex for that many letters or more)
    "y": ("year", r"\d{{{count}}}"),  # yy: two digits, else four
    "M": ("month", r"\d{{1,2}}"),
    "d": ("day", r"\d{{1,2}}"),
    "H": ("hour", r"\d{{1,2}}"),
    "m": ("minute", r"\d{{1,2}}"),
    "s": ("second", r"\d{{1,2}}"),
    "S": ("millis", r"\d{{1,3}}"),
    "Z": ("zone", r"[+-]\d{{4}}|Z"),
    "X": ("zone", r"[+-]\d{{2}}(?::?\d{{2}})?|Z"),
}


def parse_date(pattern: str, text: str) -> datetime:
    """`text` read by `pattern`, or GroovyRuntimeError with Java's "Unparseable date"."""
    match = _regex(pattern).fullmatch(text.strip())
    if match is None:
        raise GroovyRuntimeError(f'Unparseable date: "{text}"')
    fields = match.groupdict()
    year = int(fields["year"] or 1970)
    if fields["year"] is not None and len(fields["year"]) == 2:
        year += 2000  # SimpleDateFormat reads `yy` within 80 years before, 20 after now
    try:
        month = _month(fields["name"]) if fields["name"] else int(fields["month"] or 1)
        return datetime(
            year, month, int(fields["day"] or 1), int(fields["hour"] or 0),
            int(fields["minute"] or 0), int(fields["second"] or 0),
            int(fields["millis"] or 0) * 1000, tzinfo=_zone(fields["zone"]),
        )
    except (ValueError, KeyError):
        raise GroovyRuntimeError(f'Unparseable date: "{text}"') from None


def _month(name: str) -> int:
    """A month by its English name or its first three letters (KeyError: none)."""
    month = _MONTHS[name[:3].lower()]
    if len(name) > 3 and MONTH_NAMES[month - 1].lower() != name.lower():
        raise KeyError(name)
    return month


@lru_cache(maxsize=64)
def _regex(pattern: str) -> re.Pattern[str]:
    if len(pattern) > _MAX_PATTERN:
        raise GroovyRuntimeError(f"Date pattern longer than {_MAX_PATTERN} characters")
    parts: list[str] = []
    seen: set[str] = set()
    at = 0
    while at < len(pattern):
        char = pattern[at]
        end = at
        while end < len(pattern) and pattern[end] == char:
            end += 1
        count = end - at
        if char == "'":
            closing = pattern.find("'", at + 1)
            if closing < 0:
                raise GroovyRuntimeError(f"Unterminated quote in date pattern '{pattern}'")
            parts.append(re.escape(pattern[at + 1:closing]) if closing > at + 1 else "'")
            at = closing + 1
            continue
        if char.isascii() and char.isalpha():
            name, regex = ("name", "[A-Za-z]{{3,9}}") if char == "M" and count >= 3 else (
                _FIELDS.get(char, (None, ""))
            )
            if name is None:
                raise GroovyRuntimeError(f"Date pattern letter '{char}' cannot be parsed")
            if name in seen:
                raise GroovyRuntimeError(f"Date pattern '{pattern}' repeats '{char}'")
            seen.add(name)
            parts.append(f"(?P<{name}>{regex.format(count=2 if count == 2 else 4)})")
        else:
            parts.append(re.escape(pattern[at:end]))
        at = end
    for name in ("year", "month", "name", "day", "hour", "minute", "second", "millis", "zone"):
        if name not in seen:
            parts.append(f"(?P<{name}>)?")  # every group exists, empty when not in the pattern
    return re.compile("".join(parts))


def _zone(text: str | None) -> timezone:
    if not text or text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
