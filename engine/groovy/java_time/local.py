"""java.time.LocalDate, LocalTime and LocalDateTime: a date, a time of day, and both, with
no zone. Printed as Java prints them (`2024-01-05`, `10:15`, `2024-01-05T10:15`: seconds
only when not zero)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from engine.groovy.java_time.amounts import period_between
from engine.groovy.java_time.base import bean_properties, time_error, truncated_division
from engine.groovy.java_time.enums import ChronoUnit, unit_arg
from engine.groovy.java_time.temporal import (
    DATE_METHODS,
    TEMPORAL_METHODS,
    TIME_METHODS,
    Temporal,
    date_string,
    day_nanos,
    micro_span,
    time_string,
    units_between,
)
from engine.groovy.java_time.zones import offset_arg, zone_arg

_EPOCH_DAY = date(1970, 1, 1)


def months_until(start: date, end: date) -> int:
    """LocalDate.until(end, MONTHS): whole months, a month counted only when its day is
    reached."""
    packed_start = (start.year * 12 + start.month - 1) * 32 + start.day
    packed_end = (end.year * 12 + end.month - 1) * 32 + end.day
    return truncated_division(packed_end - packed_start, 32)


def date_units(start: date, end: date, unit: ChronoUnit) -> int:
    if unit.months is not None:
        return truncated_division(months_until(start, end), unit.months)
    return truncated_division((end - start).days, unit.days or 1)


def local_date_of(value: Any) -> date:
    """LocalDate.from: the date of a LocalDate, a LocalDateTime or a zoned date-time."""
    if isinstance(value, Temporal) and value.DATE_BASED and value.TIMELINE != "instant":
        return value.local().date()
    raise time_error(f"Unable to obtain LocalDate from TemporalAccessor: {value}")


def local_time_of(value: Any) -> time:
    if isinstance(value, Temporal) and value.TIME_BASED and value.TIMELINE != "instant":
        return value.local().time()
    raise time_error(f"Unable to obtain LocalTime from TemporalAccessor: {value}")


def local_date_time_of(value: Any) -> datetime:
    if isinstance(value, Temporal) and value.TIMELINE in ("local", "zoned"):
        return value.local()
    raise time_error(f"Unable to obtain LocalDateTime from TemporalAccessor: {value}")


class LocalDate(Temporal):
    JAVA_CLASS = "java.time.LocalDate"
    TIME_BASED = False
    TIMELINE = "date"
    EL_METHODS: ClassVar[dict[str, str]] = {
        **TEMPORAL_METHODS, **DATE_METHODS, "atStartOfDay": "at_start_of_day",
        "atTime": "at_time", "toEpochDay": "to_epoch_day",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def __init__(self, value: date) -> None:
        self.value = value

    def key(self) -> Any:
        return self.value

    def local(self) -> datetime:
        return datetime.combine(self.value, time())

    def with_local(self, local: datetime) -> LocalDate:
        return LocalDate(local.date())

    def fields(self) -> dict[str, Any]:
        return {"date": self.value}

    def to_string(self) -> str:
        return date_string(self.value)

    def at_start_of_day(self, zone: Any = None) -> Any:
        if zone is None:
            return LocalDateTime(self.local())
        from engine.groovy.java_time.zoned import zoned_at

        return zoned_at(self.local(), zone_arg(zone))

    def at_time(self, hour: Any, minute: Any = None, second: Any = 0, nano: Any = 0) -> Any:
        if minute is None:
            if not isinstance(hour, LocalTime):
                raise time_error("atTime takes a LocalTime, or an hour and a minute")
            return LocalDateTime(datetime.combine(self.value, hour.value))
        return LocalDateTime(datetime.combine(self.value, make_time(hour, minute, second, nano)))

    def to_epoch_day(self) -> int:
        return (self.value - _EPOCH_DAY).days

    def until(self, end: Any, unit: Any = None) -> Any:
        finish = local_date_of(end)
        if unit is None:
            return period_between(self.value, finish)
        chosen = unit_arg(unit)
        if not chosen.is_date_based():
            raise time_error(f"Unsupported unit: {chosen.label()}",
                             "temporal.UnsupportedTemporalTypeException")
        return date_units(self.value, finish, chosen)


def make_time(hour: Any, minute: Any, second: Any = 0, nano: Any = 0) -> time:
    from engine.groovy.java_time.base import field

    return time(
        field(hour, "HourOfDay", 0, 23), field(minute, "MinuteOfHour", 0, 59),
        field(second, "SecondOfMinute", 0, 59),
        field(nano, "NanoOfSecond", 0, 999_999_999) // 1000,
    )


class LocalTime(Temporal):
    JAVA_CLASS = "java.time.LocalTime"
    DATE_BASED = False
    TIMELINE = "time"
    EL_METHODS: ClassVar[dict[str, str]] = {
        **TEMPORAL_METHODS, **TIME_METHODS, "atDate": "at_date",
        "toSecondOfDay": "to_second_of_day", "toNanoOfDay": "to_nano_of_day",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def __init__(self, value: time) -> None:
        self.value = value

    def key(self) -> Any:
        return self.value

    def local(self) -> datetime:
        return datetime.combine(_EPOCH_DAY, self.value)

    def with_local(self, local: datetime) -> LocalTime:
        return LocalTime(local.time())

    def plus_nanos_exact(self, nanos: int) -> LocalTime:
        # A time of day goes round midnight.
        of_day = (day_nanos(self.value) + nanos) % (86_400 * 10**9)
        return LocalTime((datetime.min + timedelta(microseconds=of_day // 1000)).time())

    def fields(self) -> dict[str, Any]:
        return {"time": self.value}

    def to_string(self) -> str:
        return time_string(self.value)

    def at_date(self, day: Any) -> LocalDateTime:
        if not isinstance(day, LocalDate):
            raise time_error("atDate takes a LocalDate")
        return LocalDateTime(datetime.combine(day.value, self.value))

    def to_second_of_day(self) -> int:
        return day_nanos(self.value) // 10**9

    def to_nano_of_day(self) -> int:
        return day_nanos(self.value)

    def until(self, end: Any, unit: Any) -> int:
        chosen = unit_arg(unit)
        if not chosen.is_time_based():
            raise time_error(f"Unsupported unit: {chosen.label()}",
                             "temporal.UnsupportedTemporalTypeException")
        return units_between(day_nanos(self.value), day_nanos(local_time_of(end)), chosen)


class LocalDateTime(Temporal):
    JAVA_CLASS = "java.time.LocalDateTime"
    TIMELINE = "local"
    EL_METHODS: ClassVar[dict[str, str]] = {
        **TEMPORAL_METHODS, **DATE_METHODS, **TIME_METHODS, "toLocalDate": "to_local_date",
        "toLocalTime": "to_local_time", "atZone": "at_zone", "atOffset": "at_offset",
        "toInstant": "to_instant", "toEpochSecond": "to_epoch_second",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def __init__(self, value: datetime) -> None:
        self.value = value

    def key(self) -> Any:
        return self.value

    def local(self) -> datetime:
        return self.value

    def with_local(self, local: datetime) -> LocalDateTime:
        return LocalDateTime(local)

    def fields(self) -> dict[str, Any]:
        return {"date": self.value.date(), "time": self.value.time()}

    def to_string(self) -> str:
        return date_string(self.value.date()) + "T" + time_string(self.value.time())

    def to_local_date(self) -> LocalDate:
        return LocalDate(self.value.date())

    def to_local_time(self) -> LocalTime:
        return LocalTime(self.value.time())

    def at_zone(self, zone: Any) -> Any:
        from engine.groovy.java_time.zoned import zoned_at

        return zoned_at(self.value, zone_arg(zone))

    def at_offset(self, offset: Any) -> Any:
        from engine.groovy.java_time.zoned import OffsetDateTime

        return OffsetDateTime(self.value.replace(tzinfo=offset_arg(offset).rules),
                              offset_arg(offset))

    def to_instant(self, offset: Any) -> Any:
        return self.at_offset(offset).to_instant()

    def to_epoch_second(self, offset: Any) -> int:
        return self.at_offset(offset).to_epoch_second()

    def until(self, end: Any, unit: Any) -> int:
        chosen = unit_arg(unit)
        finish = local_date_time_of(end)
        if chosen.is_time_based():
            return units_between(0, micro_span(self.value, finish), chosen)
        end_date = finish.date()
        if end_date > self.value.date() and finish.time() < self.value.time():
            end_date -= timedelta(days=1)  # the last day is not complete
        elif end_date < self.value.date() and finish.time() > self.value.time():
            end_date += timedelta(days=1)
        return date_units(self.value.date(), end_date, chosen)

