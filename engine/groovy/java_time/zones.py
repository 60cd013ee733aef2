"""java.time.ZoneId and ZoneOffset: UTC, fixed offsets (`+02:00`, `UTC+1`) and the IANA
regions (`Europe/Berlin`) of Python's zoneinfo. The server's zone plays no part: the
"system default" zone of a script is UTC."""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone, tzinfo
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from engine.groovy.builtins import ScriptObject
from engine.groovy.java_time.base import (
    COMMON_METHODS,
    TimeValue,
    bean_properties,
    text_arg,
    time_error,
    whole,
)

_OFFSET = re.compile(r"([+-])(\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?")
_REGION = re.compile(r"[A-Za-z][A-Za-z0-9~._+-]*(?:/[A-Za-z0-9~._+-]+)*")
_MAX_OFFSET = 18 * 3600


class ZoneId(TimeValue):
    """A time zone by its id: a region with its rules (summer time included)."""

    JAVA_CLASS = "java.time.ZoneId"
    EL_METHODS: ClassVar[dict[str, str]] = {
        **COMMON_METHODS, "getId": "get_id", "normalized": "normalized",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def __init__(self, zone_id: str, rules: tzinfo) -> None:
        self.zone_id = zone_id
        self.rules = rules

    def key(self) -> Any:
        return self.zone_id

    def to_string(self) -> str:
        return self.zone_id

    def get_id(self) -> str:
        return self.zone_id

    def normalized(self) -> ZoneId:
        if isinstance(self.rules, timezone):
            offset = self.rules.utcoffset(None)
            return ZoneOffset(int(offset.total_seconds()))
        return self


class ZoneOffset(ZoneId):
    """A fixed offset from UTC; `Z` is UTC itself."""

    JAVA_CLASS = "java.time.ZoneOffset"
    EL_METHODS: ClassVar[dict[str, str]] = {
        **ZoneId.EL_METHODS, "getTotalSeconds": "get_total_seconds",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def __init__(self, seconds: int) -> None:
        if abs(seconds) > _MAX_OFFSET:
            raise time_error("Zone offset not in valid range: -18:00 to +18:00")
        self.seconds = seconds
        super().__init__(offset_id(seconds), UTC if seconds == 0 else timezone(
            timedelta(seconds=seconds)))

    def key(self) -> Any:
        return self.seconds

    def order(self) -> Any:
        return -self.seconds  # Java orders offsets from the furthest ahead of UTC

    def get_total_seconds(self) -> int:
        return self.seconds


def offset_id(seconds: int) -> str:
    """ZoneOffset.getId(): "Z", "+01:00", "-05:30", "+01:00:30"."""
    if seconds == 0:
        return "Z"
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, rest = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{rest:02d}" if rest else "")


def parse_offset(text: str) -> ZoneOffset:
    """ZoneOffset.of: "Z", "+h", "+hh", "+hh:mm", "+hhmm", "+hh:mm:ss"."""
    if text == "Z":
        return UTC_OFFSET
    match = _OFFSET.fullmatch(text)
    if match is None:
        raise time_error(f"Invalid ID for ZoneOffset, invalid format: {text}")
    sign, hours, minutes, seconds = match.groups()
    if int(minutes or 0) > 59 or int(seconds or 0) > 59:
        raise time_error(f"Invalid ID for ZoneOffset, invalid format: {text}")
    total = int(hours) * 3600 + int(minutes or 0) * 60 + int(seconds or 0)
    return ZoneOffset(-total if sign == "-" else total)


def zone_of(text: Any) -> ZoneId:
    """ZoneId.of: an offset, UTC/GMT/UT with or without an offset, or an IANA region."""
    zone_id = text_arg(text, "a zone id")
    if zone_id == "Z" or zone_id[:1] in ("+", "-"):
        return parse_offset(zone_id)
    for prefix in ("UTC", "GMT", "UT"):
        if zone_id == prefix:
            return ZoneId(zone_id, UTC)
        if zone_id.startswith(prefix) and zone_id[len(prefix):len(prefix) + 1] in ("+", "-"):
            offset = parse_offset(zone_id[len(prefix):])
            name = prefix + (offset.zone_id if offset.seconds else "")
            return ZoneId(name, offset.rules)
    if ".." in zone_id or not _REGION.fullmatch(zone_id):
        raise time_error(f"Invalid ID for region-based ZoneId, invalid format: {zone_id}")
    try:
        return ZoneId(zone_id, ZoneInfo(zone_id))
    except (ValueError, OSError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        pass
    raise time_error(f"Unknown time-zone ID: {zone_id}", "zone.ZoneRulesException")


def zone_arg(value: Any) -> ZoneId:
    if isinstance(value, ZoneId):
        return value
    raise time_error("the zone must be a ZoneId (ZoneId.of(\"Europe/Berlin\"), ZoneOffset.UTC)")


def offset_arg(value: Any) -> ZoneOffset:
    if isinstance(value, ZoneOffset):
        return value
    raise time_error("the offset must be a ZoneOffset (ZoneOffset.UTC, ZoneOffset.of(\"+02:00\"))")


UTC_OFFSET = ZoneOffset(0)
SYSTEM_ZONE = ZoneId("UTC", UTC)


class ZoneIdClass(ScriptObject):
    """The statics of ZoneId."""

    EL_METHODS: ClassVar[dict[str, str]] = {"of": "of", "systemDefault": "system_default"}

    def of(self, text: Any) -> ZoneId:
        return zone_of(text)

    def system_default(self) -> ZoneId:
        return SYSTEM_ZONE


class ZoneOffsetClass(ScriptObject):
    """The statics of ZoneOffset."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "of": "of", "ofHours": "of_hours", "ofHoursMinutes": "of_hours_minutes",
        "ofTotalSeconds": "of_total_seconds",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {"UTC": "utc", "MIN": "min", "MAX": "max"}

    def of(self, text: Any) -> ZoneOffset:
        return parse_offset(text_arg(text, "an offset id"))

    def of_hours(self, hours: Any) -> ZoneOffset:
        return ZoneOffset(whole(hours, "hours") * 3600)

    def of_hours_minutes(self, hours: Any, minutes: Any) -> ZoneOffset:
        return ZoneOffset(whole(hours, "hours") * 3600 + whole(minutes, "minutes") * 60)

    def of_total_seconds(self, seconds: Any) -> ZoneOffset:
        return ZoneOffset(whole(seconds, "seconds"))

    def utc(self) -> ZoneOffset:
        return UTC_OFFSET

    def min(self) -> ZoneOffset:
        return ZoneOffset(-_MAX_OFFSET)

    def max(self) -> ZoneOffset:
        return ZoneOffset(_MAX_OFFSET)
