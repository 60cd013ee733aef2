"""java.time.Instant, ZonedDateTime and OffsetDateTime: points on the time line. A zoned
date-time adds days, months and years on its local calendar (the time of day is kept
across summer time) and hours, minutes and seconds on the time line, as Java's does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from engine.groovy.java_time.base import (
    EPOCH,
    bean_properties,
    epoch_micros,
    in_range,
    time_error,
    unsupported,
)
from engine.groovy.java_time.enums import MICRO, ChronoUnit, unit_arg
from engine.groovy.java_time.local import (
    LocalDate,
    LocalDateTime,
    LocalTime,
)
from engine.groovy.java_time.temporal import (
    DATE_METHODS,
    TEMPORAL_METHODS,
    TIME_METHODS,
    Temporal,
    date_string,
    micro_span,
    time_string,
    units_between,
)
from engine.groovy.java_time.zones import ZoneId, ZoneOffset, offset_arg, zone_arg


def resolve(local: datetime, zone: ZoneId, preferred: timedelta | None = None) -> datetime:
    """A local date-time in a zone, as Java resolves it: in a gap (spring forward) later by
    the gap's length; in an overlap (fall back) the earlier offset, or the preferred one."""
    aware = local.replace(tzinfo=zone.rules, fold=0)
    if preferred is not None and aware.utcoffset() != preferred:
        later = local.replace(tzinfo=zone.rules, fold=1)
        if later.utcoffset() == preferred:
            return later
    return in_range(lambda: aware.astimezone(UTC).astimezone(zone.rules))


def offset_seconds(moment: datetime) -> int:
    return int((moment.utcoffset() or timedelta(0)).total_seconds())


def offset_of(moment: datetime) -> ZoneOffset:
    return ZoneOffset(offset_seconds(moment))


class Instant(Temporal):
    """A point on the time line, printed in UTC (`2024-01-05T10:15:00Z`)."""

    JAVA_CLASS = "java.time.Instant"
    DATE_BASED = False
    TIMELINE = "instant"
    EL_METHODS: ClassVar[dict[str, str]] = {
        **TEMPORAL_METHODS, "plusSeconds": "plus_seconds", "plusMillis": "plus_millis",
        "plusNanos": "plus_nanos", "minusSeconds": "minus_seconds",
        "minusMillis": "minus_millis", "minusNanos": "minus_nanos",
        "toEpochMilli": "to_epoch_milli", "getEpochSecond": "get_epoch_second",
        "getNano": "get_nano", "atZone": "at_zone", "atOffset": "at_offset",
        "truncatedTo": "truncated_to",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def __init__(self, value: datetime) -> None:
        self.value = value.astimezone(UTC)

    def key(self) -> Any:
        return self.value

    def local(self) -> datetime:
        return self.value.replace(tzinfo=None)

    def with_local(self, local: datetime) -> Instant:
        return Instant(local.replace(tzinfo=UTC))

    def timeline(self) -> Any:
        return self.value

    def plus_units(self, amount: int, unit: ChronoUnit) -> Any:
        if unit.name() == "DAYS":  # an Instant's day is 24 hours
            return self.plus_nanos_exact(amount * unit.nanos)
        return super().plus_units(amount, unit)

    def fields(self) -> dict[str, Any]:
        return {"instant": self.value}

    def to_string(self) -> str:
        return instant_string(self.value)

    def to_epoch_milli(self) -> int:
        return epoch_micros(self.value) // 1000

    def get_epoch_second(self) -> int:
        return epoch_micros(self.value) // 1_000_000

    def at_zone(self, zone: Any) -> ZonedDateTime:
        chosen = zone_arg(zone)
        return ZonedDateTime(self.value.astimezone(chosen.rules), chosen)

    def at_offset(self, offset: Any) -> OffsetDateTime:
        chosen = offset_arg(offset)
        return OffsetDateTime(self.value.astimezone(chosen.rules), chosen)

    def until(self, end: Any, unit: Any) -> int:
        chosen = unit_arg(unit)
        if chosen.is_date_based() and chosen.name() != "DAYS":
            raise unsupported(f"Unsupported unit: {chosen.label()}")
        return units_between(0, micro_span(self.value, instant_of(end)), chosen)


def instant_string(moment: datetime) -> str:
    """ISO_INSTANT: seconds always, the fraction in groups of three, in UTC."""
    utc = moment.astimezone(UTC)
    text = f"{utc.second:02d}"
    if utc.microsecond:
        text += f".{utc.microsecond:06d}" if utc.microsecond % 1000 else (
            f".{utc.microsecond // 1000:03d}"
        )
    return f"{date_string(utc.date())}T{utc.hour:02d}:{utc.minute:02d}:{text}Z"


def instant_of(value: Any) -> datetime:
    """Instant.from: an Instant or a zoned or offset date-time."""
    if isinstance(value, Temporal) and value.TIMELINE in ("instant", "zoned"):
        return value.timeline()  # type: ignore[no-any-return]
    raise time_error(f"Unable to obtain Instant from TemporalAccessor: {value}")


class ZonedDateTime(Temporal):
    """A local date-time in a zone, with the offset the zone has then."""

    JAVA_CLASS = "java.time.ZonedDateTime"
    TIMELINE = "zoned"
    _OWN_METHODS: ClassVar[dict[str, str]] = {
        **TEMPORAL_METHODS, **DATE_METHODS, **TIME_METHODS, "toInstant": "to_instant",
        "toLocalDate": "to_local_date", "toLocalTime": "to_local_time",
        "toLocalDateTime": "to_local_date_time", "toEpochSecond": "to_epoch_second",
        "getOffset": "get_offset", "getZone": "get_zone",
        "withZoneSameInstant": "with_zone_same_instant",
    }
    EL_METHODS: ClassVar[dict[str, str]] = {
        **_OWN_METHODS, "withZoneSameLocal": "with_zone_same_local",
        "toOffsetDateTime": "to_offset_date_time",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def __init__(self, value: datetime, zone: ZoneId) -> None:
        self.value = value  # aware, in the zone's rules
        self.zone = zone

    def key(self) -> Any:
        return (self.local(), offset_seconds(self.value), self.zone.zone_id)

    def order(self) -> Any:
        return (self.value, self.local(), self.zone.zone_id)

    def local(self) -> datetime:
        return self.value.replace(tzinfo=None, fold=0)

    def with_local(self, local: datetime) -> Any:
        return type(self)(resolve(local, self.zone, self.value.utcoffset()), self.zone)

    def timeline(self) -> Any:
        return self.value

    def plus_nanos_exact(self, nanos: int) -> Any:
        # Hours, minutes and seconds count on the time line: 2 a.m. plus an hour on the
        # night summer time starts is 4 a.m.
        moved = in_range(lambda: self.value.astimezone(UTC) + timedelta(
            microseconds=nanos // MICRO))
        return type(self)(moved.astimezone(self.zone.rules), self.zone)

    def fields(self) -> dict[str, Any]:
        return {"date": self.value.date(), "time": self.local().time(),
                "offset": offset_seconds(self.value), "zone": self.zone,
                "instant": self.value}

    def to_string(self) -> str:
        local = self.local()
        text = f"{date_string(local.date())}T{time_string(local.time())}"
        text += offset_of(self.value).zone_id
        return text if isinstance(self.zone, ZoneOffset) else f"{text}[{self.zone.zone_id}]"

    def to_instant(self) -> Instant:
        return Instant(self.value)

    def to_local_date(self) -> LocalDate:
        return LocalDate(self.value.date())

    def to_local_time(self) -> LocalTime:
        return LocalTime(self.local().time())

    def to_local_date_time(self) -> LocalDateTime:
        return LocalDateTime(self.local())

    def to_epoch_second(self) -> int:
        return epoch_micros(self.value) // 1_000_000

    def get_offset(self) -> ZoneOffset:
        return offset_of(self.value)

    def get_zone(self) -> ZoneId:
        return self.zone

    def with_zone_same_instant(self, zone: Any) -> ZonedDateTime:
        chosen = zone_arg(zone)
        return ZonedDateTime(self.value.astimezone(chosen.rules), chosen)

    def with_zone_same_local(self, zone: Any) -> ZonedDateTime:
        chosen = zone_arg(zone)
        return ZonedDateTime(resolve(self.local(), chosen, self.value.utcoffset()), chosen)

    def to_offset_date_time(self) -> OffsetDateTime:
        offset = offset_of(self.value)
        return OffsetDateTime(self.value.astimezone(offset.rules), offset)

    def until(self, end: Any, unit: Any) -> int:
        chosen = unit_arg(unit)
        finish = instant_of(end).astimezone(self.zone.rules)  # in this one's zone, as Java
        if chosen.is_time_based():
            return units_between(0, micro_span(self.value, finish), chosen)
        return LocalDateTime(self.local()).until(
            LocalDateTime(finish.replace(tzinfo=None)), chosen
        )


class OffsetDateTime(ZonedDateTime):
    """A local date-time with a fixed offset from UTC (`2024-01-05T10:15+01:00`)."""

    JAVA_CLASS = "java.time.OffsetDateTime"
    EL_METHODS: ClassVar[dict[str, str]] = {
        **ZonedDateTime._OWN_METHODS, "toZonedDateTime": "to_zoned_date_time",
        "atZoneSameInstant": "with_zone_same_instant",
        "withOffsetSameInstant": "with_offset_same_instant",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def key(self) -> Any:
        return (self.local(), offset_seconds(self.value))

    def order(self) -> Any:
        return (self.value, self.local())

    def to_zoned_date_time(self) -> ZonedDateTime:
        return ZonedDateTime(self.value, self.zone)

    def with_offset_same_instant(self, offset: Any) -> OffsetDateTime:
        chosen = offset_arg(offset)
        return OffsetDateTime(self.value.astimezone(chosen.rules), chosen)


def zoned_at(local: datetime, zone: ZoneId) -> ZonedDateTime:
    """LocalDateTime.atZone, LocalDate.atStartOfDay(zone): the local time resolved."""
    return ZonedDateTime(resolve(local, zone), zone)


def epoch_instant(seconds: int, micros: int = 0) -> Instant:
    return in_range(lambda: Instant(EPOCH + timedelta(seconds=seconds, microseconds=micros)))

