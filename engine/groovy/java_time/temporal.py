"""What the date and time classes share: adding amounts (`plusDays`, `plus(duration)`,
`plus(3, ChronoUnit.DAYS)`), reading fields (`getYear`, `date.dayOfWeek`), replacing them
(`withDayOfMonth`, `with(TemporalAdjusters.lastDayOfMonth())`), truncating and comparing on
the time line. Each class lists which of these it has, as its Java class does."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from engine.groovy.java_time.base import (
    COMMON_METHODS,
    TimeValue,
    add_months,
    field,
    in_range,
    is_leap,
    micros,
    month_length,
    time_error,
    unsupported,
    whole,
)
from engine.groovy.java_time.enums import (
    DAY,
    MICRO,
    ChronoUnit,
    DayOfWeek,
    Month,
    TemporalAdjuster,
    unit_arg,
)


def fraction(microsecond: int) -> str:
    """The toString fraction of a second: groups of three digits, none for zero."""
    if microsecond == 0:
        return ""
    if microsecond % 1000 == 0:
        return f".{microsecond // 1000:03d}"
    return f".{microsecond:06d}"


def time_string(moment: time) -> str:
    """LocalTime.toString: "10:15", "10:15:30", "10:15:30.500"."""
    text = f"{moment.hour:02d}:{moment.minute:02d}"
    if moment.second or moment.microsecond:
        text += f":{moment.second:02d}" + fraction(moment.microsecond)
    return text


def date_string(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def day_nanos(moment: time) -> int:
    return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1_000_000_000 + (
        moment.microsecond * MICRO
    )


class Temporal(TimeValue):
    """A date, a time or both. Subclasses give their local date-time and rebuild from one."""

    DATE_BASED: ClassVar[bool] = True  # takes DAYS..MILLENNIA
    TIME_BASED: ClassVar[bool] = True  # takes NANOS..HALF_DAYS
    TIMELINE: ClassVar[str] = ""  # which classes isBefore compares with each other

    def local(self) -> datetime:
        """The local date-time (a date at midnight, a time on 1970-01-01)."""
        raise NotImplementedError

    def with_local(self, local: datetime) -> Any:
        """The same kind of value at another local date-time."""
        raise NotImplementedError

    def timeline(self) -> Any:
        """What isBefore, isAfter and isEqual compare."""
        return self.local()

    def fields(self) -> dict[str, Any]:
        """What a DateTimeFormatter may print: date, time, offset (seconds), zone, instant."""
        raise NotImplementedError

    # -- amounts -------------------------------------------------------------------------

    def plus(self, amount: Any, unit: Any = None) -> Any:
        if unit is not None:
            return self.plus_units(whole(amount), unit_arg(unit))
        if not hasattr(amount, "add_to"):
            raise time_error("plus takes a Duration, a Period, or an amount and a ChronoUnit")
        return amount.add_to(self, 1)

    def minus(self, amount: Any, unit: Any = None) -> Any:
        if unit is not None:
            return self.plus_units(-whole(amount), unit_arg(unit))
        if not hasattr(amount, "add_to"):
            raise time_error("minus takes a Duration, a Period, or an amount and a ChronoUnit")
        return amount.add_to(self, -1)

    def plus_units(self, amount: int, unit: ChronoUnit) -> Any:
        if unit.is_time_based():
            if not self.TIME_BASED:
                raise unsupported(f"Unsupported unit: {unit.label()}")
            return self.plus_nanos_exact(amount * unit.nanos)
        if not self.DATE_BASED:
            raise unsupported(f"Unsupported unit: {unit.label()}")
        local = self.local()
        if unit.months is not None:
            months = amount * unit.months
            return in_range(lambda: self.with_local(datetime.combine(
                add_months(local.date(), months), local.time())))
        days = amount * (unit.days or 1)
        return in_range(lambda: self.with_local(local + timedelta(days=days)))

    def plus_nanos_exact(self, nanos: int) -> Any:
        return in_range(lambda: self.with_local(self.local() + timedelta(
            microseconds=nanos // MICRO)))

    def _by(unit_name: str, sign: int = 1) -> Any:  # noqa: N805 - builds methods
        unit = ChronoUnit.constant(unit_name)

        def method(self: Temporal, amount: Any) -> Any:
            return self.plus_units(sign * whole(amount), unit)

        return method

    plus_nanos = _by("NANOS")
    plus_millis = _by("MILLIS")
    plus_seconds = _by("SECONDS")
    plus_minutes = _by("MINUTES")
    plus_hours = _by("HOURS")
    plus_days = _by("DAYS")
    plus_weeks = _by("WEEKS")
    plus_months = _by("MONTHS")
    plus_years = _by("YEARS")
    minus_nanos = _by("NANOS", -1)
    minus_millis = _by("MILLIS", -1)
    minus_seconds = _by("SECONDS", -1)
    minus_minutes = _by("MINUTES", -1)
    minus_hours = _by("HOURS", -1)
    minus_days = _by("DAYS", -1)
    minus_weeks = _by("WEEKS", -1)
    minus_months = _by("MONTHS", -1)
    minus_years = _by("YEARS", -1)

    # -- fields --------------------------------------------------------------------------

    def get_year(self) -> int:
        return self.local().year

    def get_month_value(self) -> int:
        return self.local().month

    def get_month(self) -> Month:
        return Month(self.local().month - 1)

    def get_day_of_month(self) -> int:
        return self.local().day

    def get_day_of_year(self) -> int:
        return self.local().timetuple().tm_yday

    def get_day_of_week(self) -> DayOfWeek:
        return DayOfWeek(self.local().weekday())

    def length_of_month(self) -> int:
        local = self.local()
        return month_length(local.year, local.month)

    def length_of_year(self) -> int:
        return 366 if is_leap(self.local().year) else 365

    def is_leap_year(self) -> bool:
        return is_leap(self.local().year)

    def get_hour(self) -> int:
        return self.local().hour

    def get_minute(self) -> int:
        return self.local().minute

    def get_second(self) -> int:
        return self.local().second

    def get_nano(self) -> int:
        return self.local().microsecond * MICRO

    def _replace(self, **parts: int) -> Any:
        return in_range(lambda: self.with_local(self.local().replace(**parts)))

    def with_year(self, year: Any) -> Any:
        local = self.local()
        value = field(year, "Year", 1, 9999)
        return self._replace(year=value, day=min(local.day, month_length(value, local.month)))

    def with_month(self, month: Any) -> Any:
        local = self.local()
        value = field(month, "MonthOfYear", 1, 12)
        return self._replace(month=value, day=min(local.day, month_length(local.year, value)))

    def with_day_of_month(self, day: Any) -> Any:
        local = self.local()
        value = field(day, "DayOfMonth", 1, 31)
        if value > month_length(local.year, local.month):
            raise time_error(f"Invalid date '{Month(local.month - 1).name()} {value}'")
        return self._replace(day=value)

    def with_day_of_year(self, day: Any) -> Any:
        local = self.local()
        value = field(day, "DayOfYear", 1, 366)
        if value == 366 and not is_leap(local.year):
            raise time_error(f"Invalid date 'DayOfYear 366' as '{local.year}' is not a leap year")
        return in_range(lambda: self.with_local(
            local.replace(month=1, day=1) + timedelta(days=value - 1)))

    def with_hour(self, hour: Any) -> Any:
        return self._replace(hour=field(hour, "HourOfDay", 0, 23))

    def with_minute(self, minute: Any) -> Any:
        return self._replace(minute=field(minute, "MinuteOfHour", 0, 59))

    def with_second(self, second: Any) -> Any:
        return self._replace(second=field(second, "SecondOfMinute", 0, 59))

    def with_nano(self, nano: Any) -> Any:
        return self._replace(microsecond=field(nano, "NanoOfSecond", 0, 999_999_999) // MICRO)

    def with_adjuster(self, adjuster: Any) -> Any:
        """`with(TemporalAdjusters.lastDayOfMonth())`, or with a LocalDate or LocalTime."""
        local = self.local()
        if isinstance(adjuster, TemporalAdjuster):
            return in_range(lambda: self.with_local(
                datetime.combine(adjuster.adjust(local.date()), local.time())))
        part = getattr(adjuster, "value", None)
        if isinstance(part, date) and not isinstance(part, datetime) and self.DATE_BASED:
            return self.with_local(datetime.combine(part, local.time()))
        if isinstance(part, time) and self.TIME_BASED:
            return self.with_local(datetime.combine(local.date(), part))
        raise time_error("with takes a TemporalAdjuster (TemporalAdjusters.firstDayOfMonth())")

    def truncated_to(self, unit: Any) -> Any:
        chosen = unit_arg(unit)
        if chosen.nanos > DAY or DAY % chosen.nanos:
            raise unsupported("Unit is too large to be used for truncation")
        local = self.local()
        of_day = day_nanos(local.time())
        kept = of_day - of_day % chosen.nanos
        midnight = datetime.combine(local.date(), time())
        return self.with_local(midnight + timedelta(microseconds=kept // MICRO))

    # -- comparing and printing ----------------------------------------------------------

    def _same_line(self, other: Any) -> Any:
        if not isinstance(other, Temporal) or other.TIMELINE != self.TIMELINE:
            raise time_error(
                f"Cannot compare {self.JAVA_CLASS} with {type(other).__name__}",
                "ClassCastException",
            )
        return other.timeline()

    def is_before(self, other: Any) -> bool:
        return bool(self.timeline() < self._same_line(other))

    def is_after(self, other: Any) -> bool:
        return bool(self.timeline() > self._same_line(other))

    def is_equal(self, other: Any) -> bool:
        return bool(self.timeline() == self._same_line(other))

    def format(self, formatter: Any) -> str:
        from engine.groovy.java_time.formatter import DateTimeFormatter

        if not isinstance(formatter, DateTimeFormatter):
            raise time_error("format takes a DateTimeFormatter")
        return formatter.format(self)


def units_between(start: int, end: int, unit: ChronoUnit) -> int:
    """Whole units between two nanosecond counts, toward zero as Java counts."""
    difference = end - start
    quotient = abs(difference) // unit.nanos
    return quotient if difference >= 0 else -quotient


def micro_span(start: datetime, end: datetime) -> int:
    return micros(end - start) * MICRO


DATE_METHODS = {
    "getYear": "get_year", "getMonthValue": "get_month_value", "getMonth": "get_month",
    "getDayOfMonth": "get_day_of_month", "getDayOfYear": "get_day_of_year",
    "getDayOfWeek": "get_day_of_week", "lengthOfMonth": "length_of_month",
    "lengthOfYear": "length_of_year", "isLeapYear": "is_leap_year",
    "plusDays": "plus_days", "plusWeeks": "plus_weeks", "plusMonths": "plus_months",
    "plusYears": "plus_years", "minusDays": "minus_days", "minusWeeks": "minus_weeks",
    "minusMonths": "minus_months", "minusYears": "minus_years", "withYear": "with_year",
    "withMonth": "with_month", "withDayOfMonth": "with_day_of_month",
    "withDayOfYear": "with_day_of_year",
}
TIME_METHODS = {
    "getHour": "get_hour", "getMinute": "get_minute", "getSecond": "get_second",
    "getNano": "get_nano", "plusHours": "plus_hours", "plusMinutes": "plus_minutes",
    "plusSeconds": "plus_seconds", "plusNanos": "plus_nanos", "minusHours": "minus_hours",
    "minusMinutes": "minus_minutes", "minusSeconds": "minus_seconds",
    "minusNanos": "minus_nanos", "withHour": "with_hour", "withMinute": "with_minute",
    "withSecond": "with_second", "withNano": "with_nano", "truncatedTo": "truncated_to",
}
TEMPORAL_METHODS = {
    **COMMON_METHODS, "plus": "plus", "minus": "minus", "with": "with_adjuster",
    "isBefore": "is_before", "isAfter": "is_after", "isEqual": "is_equal",
    "format": "format", "until": "until",
}
