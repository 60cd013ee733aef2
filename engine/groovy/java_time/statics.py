"""The static side of the java.time classes a script names (`LocalDate.now()`,
`LocalDate.of(2024, 1, 5)`, `Instant.parse(text)`, `DayOfWeek.MONDAY`). `now()` is the
command's clock, read in UTC unless a zone is given (there is no JVM default zone)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from engine.groovy.builtins import ScriptObject
from engine.groovy.java_time.amounts import DurationClass, PeriodClass
from engine.groovy.java_time.base import field, in_range, time_error, whole
from engine.groovy.java_time.enums import (
    ChronoUnit,
    DayOfWeek,
    JavaEnum,
    Month,
    TemporalAdjusters,
)
from engine.groovy.java_time.formatter import (
    DateTimeFormatter,
    DateTimeFormatterClass,
    iso_formatter,
)
from engine.groovy.java_time.local import (
    LocalDate,
    LocalDateTime,
    LocalTime,
    local_date_of,
    local_date_time_of,
    local_time_of,
    make_time,
)
from engine.groovy.java_time.parsing import local_date_time, parse_fields, zone_parsed
from engine.groovy.java_time.year_month import YearClass, YearMonthClass
from engine.groovy.java_time.zoned import (
    Instant,
    OffsetDateTime,
    ZonedDateTime,
    epoch_instant,
    instant_of,
    resolve,
    zoned_at,
)
from engine.groovy.java_time.zones import (
    SYSTEM_ZONE,
    ZoneIdClass,
    ZoneOffsetClass,
    offset_arg,
    zone_arg,
)


class _Clocked(ScriptObject):
    def __init__(self, now: datetime | None) -> None:
        self._now = now

    def clock(self, zone: Any = None) -> datetime:
        """The command's clock in `zone` (UTC when none is given), as an aware datetime."""
        now = (self._now or datetime.now(UTC)).astimezone(UTC)
        return now.astimezone((zone_arg(zone) if zone is not None else SYSTEM_ZONE).rules)


def _formatter(value: Any, default: str) -> DateTimeFormatter:
    if value is None:
        return iso_formatter(default)
    if not isinstance(value, DateTimeFormatter):
        raise time_error("parse takes the text and a DateTimeFormatter")
    return value


def _month(value: Any) -> int:
    return value.get_value() if isinstance(value, Month) else field(value, "MonthOfYear", 1, 12)


def _date(year: Any, month: Any, day: Any) -> date:
    year_, month_ = field(year, "Year", 1, 9999), _month(month)
    day_ = field(day, "DayOfMonth", 1, 31)
    try:
        return date(year_, month_, day_)
    except ValueError:
        raise time_error(f"Invalid date '{Month(month_ - 1).name()} {day_}'") from None


class LocalDateClass(_Clocked):
    EL_METHODS: ClassVar[dict[str, str]] = {
        "now": "now", "of": "of", "parse": "parse", "ofEpochDay": "of_epoch_day",
        "from": "from_", "ofInstant": "of_instant", "ofYearDay": "of_year_day",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {"EPOCH": "epoch"}

    def now(self, zone: Any = None) -> LocalDate:
        return LocalDate(self.clock(zone).date())

    def of(self, year: Any, month: Any, day: Any) -> LocalDate:
        return LocalDate(_date(year, month, day))

    def of_year_day(self, year: Any, day: Any) -> LocalDate:
        return LocalDate(date(field(year, "Year", 1, 9999), 1, 1)).with_day_of_year(day)

    def parse(self, text: Any, formatter: Any = None) -> LocalDate:
        fields = parse_fields(text, _formatter(formatter, "ISO_LOCAL_DATE"))
        if "date" not in fields:
            raise time_error(f"Text '{text}' could not be parsed: it has no date",
                             "format.DateTimeParseException")
        return LocalDate(fields["date"])

    def of_epoch_day(self, days: Any) -> LocalDate:
        return in_range(lambda: LocalDate(date.fromordinal(719_163 + whole(days))))

    def from_(self, temporal: Any) -> LocalDate:
        return LocalDate(local_date_of(temporal))

    def of_instant(self, instant: Any, zone: Any) -> LocalDate:
        return LocalDate(instant_of(instant).astimezone(zone_arg(zone).rules).date())

    def epoch(self) -> LocalDate:
        return LocalDate(date(1970, 1, 1))


class LocalTimeClass(_Clocked):
    EL_METHODS: ClassVar[dict[str, str]] = {
        "now": "now", "of": "of", "parse": "parse", "from": "from_",
        "ofSecondOfDay": "of_second_of_day",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {
        "MIDNIGHT": "midnight", "MIN": "midnight", "NOON": "noon", "MAX": "max",
    }

    def now(self, zone: Any = None) -> LocalTime:
        return LocalTime(self.clock(zone).time().replace(tzinfo=None))

    def of(self, hour: Any, minute: Any, second: Any = 0, nano: Any = 0) -> LocalTime:
        return LocalTime(make_time(hour, minute, second, nano))

    def of_second_of_day(self, seconds: Any) -> LocalTime:
        value = field(seconds, "SecondOfDay", 0, 86_399)
        return LocalTime(make_time(value // 3600, value // 60 % 60, value % 60))

    def parse(self, text: Any, formatter: Any = None) -> LocalTime:
        fields = parse_fields(text, _formatter(formatter, "ISO_LOCAL_TIME"))
        if "time" not in fields:
            raise time_error(f"Text '{text}' could not be parsed: it has no time",
                             "format.DateTimeParseException")
        return LocalTime(fields["time"])

    def from_(self, temporal: Any) -> LocalTime:
        return LocalTime(local_time_of(temporal))

    def midnight(self) -> LocalTime:
        return LocalTime(make_time(0, 0))

    def noon(self) -> LocalTime:
        return LocalTime(make_time(12, 0))

    def max(self) -> LocalTime:
        return LocalTime(make_time(23, 59, 59, 999_999_999))


class LocalDateTimeClass(_Clocked):
    EL_METHODS: ClassVar[dict[str, str]] = {
        "now": "now", "of": "of", "parse": "parse", "from": "from_",
        "ofInstant": "of_instant",
    }

    def now(self, zone: Any = None) -> LocalDateTime:
        return LocalDateTime(self.clock(zone).replace(tzinfo=None))

    def of(self, *parts: Any) -> LocalDateTime:
        """of(date, time) or of(year, month, day, hour, minute[, second[, nano]])."""
        if len(parts) == 2 and isinstance(parts[0], LocalDate):
            if not isinstance(parts[1], LocalTime):
                raise time_error("LocalDateTime.of(date, time) takes a LocalTime")
            return LocalDateTime(datetime.combine(parts[0].value, parts[1].value))
        if not 5 <= len(parts) <= 7:
            raise time_error("LocalDateTime.of takes a date and a time, or year, month, day, "
                             "hour, minute[, second[, nano]]")
        day = _date(*parts[:3])
        return LocalDateTime(datetime.combine(day, make_time(*parts[3:])))

    def parse(self, text: Any, formatter: Any = None) -> LocalDateTime:
        fields = parse_fields(text, _formatter(formatter, "ISO_LOCAL_DATE_TIME"))
        return LocalDateTime(local_date_time(fields, "LocalDateTime"))

    def from_(self, temporal: Any) -> LocalDateTime:
        return LocalDateTime(local_date_time_of(temporal))

    def of_instant(self, instant: Any, zone: Any) -> LocalDateTime:
        moment = instant_of(instant).astimezone(zone_arg(zone).rules)
        return LocalDateTime(moment.replace(tzinfo=None))


class InstantClass(_Clocked):
    EL_METHODS: ClassVar[dict[str, str]] = {
        "now": "now", "parse": "parse", "ofEpochMilli": "of_epoch_milli",
        "ofEpochSecond": "of_epoch_second", "from": "from_",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {"EPOCH": "epoch"}

    def now(self) -> Instant:
        return Instant(self.clock())

    def parse(self, text: Any) -> Instant:
        fields = parse_fields(text, iso_formatter("ISO_INSTANT"))
        local = local_date_time(fields, "Instant")
        return Instant(resolve(local, zone_parsed(fields, "Instant")))

    def of_epoch_milli(self, millis: Any) -> Instant:
        return epoch_instant(0, whole(millis) * 1000)

    def of_epoch_second(self, seconds: Any, nanos: Any = 0) -> Instant:
        return epoch_instant(whole(seconds), whole(nanos) // 1000)

    def from_(self, temporal: Any) -> Instant:
        return Instant(instant_of(temporal))

    def epoch(self) -> Instant:
        return epoch_instant(0)


class ZonedDateTimeClass(_Clocked):
    EL_METHODS: ClassVar[dict[str, str]] = {
        "now": "now", "of": "of", "parse": "parse", "ofInstant": "of_instant",
        "from": "from_",
    }

    def now(self, zone: Any = None) -> ZonedDateTime:
        chosen = zone_arg(zone) if zone is not None else SYSTEM_ZONE
        return ZonedDateTime(self.clock(chosen), chosen)

    def of(self, *parts: Any) -> ZonedDateTime:
        """of(dateTime, zone), of(date, time, zone) or of(y, M, d, h, m, s, nano, zone)."""
        *local_parts, zone = parts if parts else (None,)
        local = LocalDateTimeClass(None).of(*local_parts) if len(local_parts) != 1 else (
            LocalDateTime(local_date_time_of(local_parts[0]))
        )
        return zoned_at(local.value, zone_arg(zone))

    def parse(self, text: Any, formatter: Any = None) -> ZonedDateTime:
        fields = parse_fields(text, _formatter(formatter, "ISO_ZONED_DATE_TIME"))
        local = local_date_time(fields, "ZonedDateTime")
        zone = zone_parsed(fields, "ZonedDateTime")
        offset = fields.get("offset")
        preferred = None if offset is None else offset.rules.utcoffset(None)
        return ZonedDateTime(resolve(local, zone, preferred), zone)

    def of_instant(self, instant: Any, zone: Any) -> ZonedDateTime:
        chosen = zone_arg(zone)
        return ZonedDateTime(instant_of(instant).astimezone(chosen.rules), chosen)

    def from_(self, temporal: Any) -> ZonedDateTime:
        if not isinstance(temporal, ZonedDateTime):
            raise time_error(f"Unable to obtain ZonedDateTime from TemporalAccessor: {temporal}")
        return ZonedDateTime(temporal.value, temporal.zone)


class OffsetDateTimeClass(_Clocked):
    EL_METHODS: ClassVar[dict[str, str]] = {
        "now": "now", "of": "of", "parse": "parse", "ofInstant": "of_instant",
    }

    def now(self, zone: Any = None) -> OffsetDateTime:
        moment = self.clock(zone)
        offset = ZoneOffsetClass().of_total_seconds(int(moment.utcoffset().total_seconds()))
        return OffsetDateTime(moment.astimezone(offset.rules), offset)

    def of(self, *parts: Any) -> OffsetDateTime:
        """of(dateTime, offset), of(date, time, offset) or of(y, M, d, h, m, s, nano, offset)."""
        *local_parts, offset = parts if parts else (None,)
        local = LocalDateTimeClass(None).of(*local_parts) if len(local_parts) != 1 else (
            LocalDateTime(local_date_time_of(local_parts[0]))
        )
        chosen = offset_arg(offset)
        return OffsetDateTime(local.value.replace(tzinfo=chosen.rules), chosen)

    def parse(self, text: Any, formatter: Any = None) -> OffsetDateTime:
        fields = parse_fields(text, _formatter(formatter, "ISO_OFFSET_DATE_TIME"))
        local = local_date_time(fields, "OffsetDateTime")
        moment = resolve(local, zone_parsed(fields, "OffsetDateTime"))
        return ZonedDateTime(moment, SYSTEM_ZONE).to_offset_date_time()

    def of_instant(self, instant: Any, zone: Any) -> OffsetDateTime:
        moment = instant_of(instant).astimezone(zone_arg(zone).rules)
        return ZonedDateTime(moment, zone_arg(zone)).to_offset_date_time()


class _EnumClass(ScriptObject):
    """The constants of a Java enum as properties (`DayOfWeek.MONDAY`), `valueOf`,
    `values()` and, for days and months, `of(number)`."""

    ENUM: ClassVar[type[JavaEnum]] = JavaEnum
    EL_METHODS: ClassVar[dict[str, str]] = {"valueOf": "value_of", "values": "values",
                                            "of": "of"}

    def value_of(self, name: Any) -> Any:
        return self.ENUM.constant(str(name))

    def values(self) -> list[Any]:
        return [self.ENUM(index) for index in range(len(self.ENUM.NAMES))]

    def of(self, number: Any) -> Any:
        if not hasattr(self.ENUM, "of"):
            raise time_error(f"{self.ENUM.__name__}.of is not a method")
        return self.ENUM.of(number)  # type: ignore[attr-defined]


def _enum_class(enum: type[JavaEnum]) -> _EnumClass:
    getters = {name: f"constant_{index}" for index, name in enumerate(enum.NAMES)}
    namespace: dict[str, Any] = {"ENUM": enum, "EL_PROPERTIES": getters}
    for index in range(len(enum.NAMES)):
        namespace[f"constant_{index}"] = lambda self, index=index: self.ENUM(index)
    return type(f"{enum.__name__}Class", (_EnumClass,), namespace)()


def java_time_classes(now: datetime | None) -> dict[str, ScriptObject]:
    """The java.time classes by simple name, their `now()` reading `now`."""
    local_date = LocalDateClass(now)
    return {
        "LocalDate": local_date,
        "LocalTime": LocalTimeClass(now),
        "LocalDateTime": LocalDateTimeClass(now),
        "Instant": InstantClass(now),
        "ZonedDateTime": ZonedDateTimeClass(now),
        "OffsetDateTime": OffsetDateTimeClass(now),
        "ZoneId": ZoneIdClass(),
        "ZoneOffset": ZoneOffsetClass(),
        "Duration": DurationClass(),
        "Period": PeriodClass(),
        "DayOfWeek": _enum_class(DayOfWeek),
        "Month": _enum_class(Month),
        "ChronoUnit": _enum_class(ChronoUnit),
        "TemporalAdjusters": TemporalAdjusters(),
        "DateTimeFormatter": DateTimeFormatterClass(),
        "YearMonth": YearMonthClass(local_date),
        "Year": YearClass(local_date),
    }
