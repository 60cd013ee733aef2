"""java.time.Duration (an exact amount of time, in nanoseconds) and Period (years, months
and days on the calendar), with their static factories and Java's ISO-8601 texts
(`PT1H30M`, `P1Y2M3D`)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, ClassVar

from engine.groovy.builtins import ScriptObject
from engine.groovy.java_time.base import (
    COMMON_METHODS,
    INT_MAX,
    LONG_MAX,
    TimeValue,
    add_months,
    bean_properties,
    month_length,
    text_arg,
    time_error,
    truncated_division,
    whole,
)
from engine.groovy.java_time.enums import DAY, SECOND, ChronoUnit, unit_arg

NANOS = ChronoUnit.constant("NANOS")
SECONDS = ChronoUnit.constant("SECONDS")
MONTHS = ChronoUnit.constant("MONTHS")
YEARS = ChronoUnit.constant("YEARS")
DAYS = ChronoUnit.constant("DAYS")
_MILLI = 1_000_000
_DURATION_TEXT = re.compile(
    r"([-+]?)P(?:([-+]?\d+)D)?(T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?",
    re.IGNORECASE,
)
_PERIOD_TEXT = re.compile(
    r"([-+]?)P(?:([-+]?\d+)Y)?(?:([-+]?\d+)M)?(?:([-+]?\d+)W)?(?:([-+]?\d+)D)?", re.IGNORECASE
)


def _remainder(a: int, b: int) -> int:
    """Java's `%`: the sign of the dividend."""
    return a - b * truncated_division(a, b)


class Duration(TimeValue):
    """An exact amount of time; seconds (floor) and a nanosecond part, as Java keeps it."""

    JAVA_CLASS = "java.time.Duration"
    EL_METHODS: ClassVar[dict[str, str]] = {
        **COMMON_METHODS,
        "toDays": "to_days", "toHours": "to_hours", "toMinutes": "to_minutes",
        "toSeconds": "get_seconds", "getSeconds": "get_seconds", "toMillis": "to_millis",
        "toNanos": "to_nanos", "getNano": "get_nano", "toDaysPart": "to_days",
        "toHoursPart": "to_hours_part", "toMinutesPart": "to_minutes_part",
        "toSecondsPart": "to_seconds_part", "toMillisPart": "to_millis_part",
        "plus": "plus", "minus": "minus", "plusDays": "plus_days", "plusHours": "plus_hours",
        "plusMinutes": "plus_minutes", "plusSeconds": "plus_seconds",
        "plusMillis": "plus_millis", "plusNanos": "plus_nanos", "minusDays": "minus_days",
        "minusHours": "minus_hours", "minusMinutes": "minus_minutes",
        "minusSeconds": "minus_seconds", "minusMillis": "minus_millis",
        "minusNanos": "minus_nanos", "multipliedBy": "multiplied_by",
        "dividedBy": "divided_by", "negated": "negated", "abs": "abs",
        "isNegative": "is_negative", "isZero": "is_zero", "isPositive": "is_positive",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def __init__(self, nanos: int) -> None:
        if abs(nanos) // SECOND > LONG_MAX:
            raise time_error("Duration out of range", "ArithmeticException")
        self.nanos = nanos

    def key(self) -> Any:
        return self.nanos

    @property
    def seconds(self) -> int:
        return self.nanos // SECOND

    def to_string(self) -> str:
        if self.nanos == 0:
            return "PT0S"
        seconds, nano = divmod(self.nanos, SECOND)
        effective = seconds + 1 if seconds < 0 and nano > 0 else seconds
        hours = truncated_division(effective, 3600)
        minutes = truncated_division(_remainder(effective, 3600), 60)
        secs = _remainder(effective, 60)
        text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
        if secs == 0 and nano == 0 and len(text) > 2:
            return text
        text += "-0" if seconds < 0 and nano > 0 and secs == 0 else str(secs)
        if nano > 0:
            fraction = str(2 * SECOND - nano if seconds < 0 else nano + SECOND).rstrip("0")
            text += "." + fraction[1:]
        return text + "S"

    def to_days(self) -> int:
        return truncated_division(self.seconds, 86_400)

    def to_hours(self) -> int:
        return truncated_division(self.seconds, 3600)

    def to_minutes(self) -> int:
        return truncated_division(self.seconds, 60)

    def get_seconds(self) -> int:
        return self.seconds

    def to_millis(self) -> int:
        return self.seconds * 1000 + (self.nanos % SECOND) // _MILLI

    def to_nanos(self) -> int:
        return self.nanos

    def get_nano(self) -> int:
        return self.nanos % SECOND

    def to_hours_part(self) -> int:
        return _remainder(self.to_hours(), 24)

    def to_minutes_part(self) -> int:
        return _remainder(self.to_minutes(), 60)

    def to_seconds_part(self) -> int:
        return _remainder(self.seconds, 60)

    def to_millis_part(self) -> int:
        return self.get_nano() // _MILLI

    def plus(self, amount: Any, unit: Any = None) -> Duration:
        if unit is not None:
            return Duration(self.nanos + duration_of(amount, unit).nanos)
        if not isinstance(amount, Duration):
            raise time_error("a Duration adds only a Duration")
        return Duration(self.nanos + amount.nanos)

    def minus(self, amount: Any, unit: Any = None) -> Duration:
        if unit is not None:
            return Duration(self.nanos - duration_of(amount, unit).nanos)
        if not isinstance(amount, Duration):
            raise time_error("a Duration subtracts only a Duration")
        return Duration(self.nanos - amount.nanos)

    def _add(self, amount: Any, size: int) -> Duration:
        return Duration(self.nanos + whole(amount) * size)

    def plus_days(self, amount: Any) -> Duration:
        return self._add(amount, DAY)

    def plus_hours(self, amount: Any) -> Duration:
        return self._add(amount, 3600 * SECOND)

    def plus_minutes(self, amount: Any) -> Duration:
        return self._add(amount, 60 * SECOND)

    def plus_seconds(self, amount: Any) -> Duration:
        return self._add(amount, SECOND)

    def plus_millis(self, amount: Any) -> Duration:
        return self._add(amount, _MILLI)

    def plus_nanos(self, amount: Any) -> Duration:
        return self._add(amount, 1)

    def minus_days(self, amount: Any) -> Duration:
        return self._add(-whole(amount), DAY)

    def minus_hours(self, amount: Any) -> Duration:
        return self._add(-whole(amount), 3600 * SECOND)

    def minus_minutes(self, amount: Any) -> Duration:
        return self._add(-whole(amount), 60 * SECOND)

    def minus_seconds(self, amount: Any) -> Duration:
        return self._add(-whole(amount), SECOND)

    def minus_millis(self, amount: Any) -> Duration:
        return self._add(-whole(amount), _MILLI)

    def minus_nanos(self, amount: Any) -> Duration:
        return self._add(-whole(amount), 1)

    def multiplied_by(self, factor: Any) -> Duration:
        return Duration(self.nanos * whole(factor))

    def divided_by(self, divisor: Any) -> Any:
        if isinstance(divisor, Duration):  # how many times the other fits (Java 9)
            if divisor.nanos == 0:
                raise time_error("Cannot divide by zero", "ArithmeticException")
            return truncated_division(self.nanos, divisor.nanos)
        if whole(divisor) == 0:
            raise time_error("Cannot divide by zero", "ArithmeticException")
        return Duration(truncated_division(self.nanos, divisor))

    def negated(self) -> Duration:
        return Duration(-self.nanos)

    def abs(self) -> Duration:
        return Duration(abs(self.nanos))

    def is_negative(self) -> bool:
        return self.nanos < 0

    def is_zero(self) -> bool:
        return self.nanos == 0

    def is_positive(self) -> bool:
        return self.nanos > 0

    def add_to(self, temporal: Any, sign: int) -> Any:
        """Duration.addTo (sign 1) and subtractFrom (-1): seconds, then nanoseconds."""
        seconds, nano = divmod(self.nanos, SECOND)
        if seconds:
            temporal = temporal.plus_units(sign * seconds, SECONDS)
        if nano:
            temporal = temporal.plus_units(sign * nano, NANOS)
        return temporal


def duration_of(amount: Any, unit: Any) -> Duration:
    """Duration.of(amount, unit): exact units and DAYS (24 hours) only."""
    chosen = unit_arg(unit)
    if chosen.is_date_based() and chosen.days != 1:
        raise time_error("Unit must not have an estimated duration",
                         "temporal.UnsupportedTemporalTypeException")
    return Duration(whole(amount) * chosen.nanos)


def parse_duration(text: Any) -> Duration:
    value = text_arg(text, "a duration")
    match = _DURATION_TEXT.fullmatch(value)
    if match is None or match.group(3) == "T" or not any(
        match.group(i) for i in (2, 4, 5, 6)
    ):
        raise time_error(f"Text cannot be parsed to a Duration: {value}",
                         "format.DateTimeParseException")
    sign, days, _, hours, minutes, seconds, fraction = match.groups()
    nanos = (int(days or 0) * 86_400 + int(hours or 0) * 3600 + int(minutes or 0) * 60) * SECOND
    whole_seconds = int(seconds or 0)
    part = int((fraction or "").ljust(9, "0"))
    nanos += whole_seconds * SECOND + (-part if (seconds or "").startswith("-") else part)
    return Duration(-nanos if sign == "-" else nanos)


class DurationClass(ScriptObject):
    """The statics of Duration."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "ofDays": "of_days", "ofHours": "of_hours", "ofMinutes": "of_minutes",
        "ofSeconds": "of_seconds", "ofMillis": "of_millis", "ofNanos": "of_nanos",
        "of": "of", "between": "between", "parse": "parse",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {"ZERO": "zero"}

    def of_days(self, days: Any) -> Duration:
        return Duration(whole(days) * DAY)

    def of_hours(self, hours: Any) -> Duration:
        return Duration(whole(hours) * 3600 * SECOND)

    def of_minutes(self, minutes: Any) -> Duration:
        return Duration(whole(minutes) * 60 * SECOND)

    def of_seconds(self, seconds: Any, adjustment: Any = 0) -> Duration:
        return Duration(whole(seconds) * SECOND + whole(adjustment))

    def of_millis(self, millis: Any) -> Duration:
        return Duration(whole(millis) * _MILLI)

    def of_nanos(self, nanos: Any) -> Duration:
        return Duration(whole(nanos))

    def of(self, amount: Any, unit: Any) -> Duration:
        return duration_of(amount, unit)

    def between(self, start: Any, end: Any) -> Duration:
        if not hasattr(start, "until"):
            raise time_error("Duration.between takes two temporals")
        return Duration(start.until(end, NANOS))

    def parse(self, text: Any) -> Duration:
        return parse_duration(text)

    def zero(self) -> Duration:
        return Duration(0)


class Period(TimeValue):
    """An amount of calendar time: years, months and days, each kept as given."""

    JAVA_CLASS = "java.time.Period"
    EL_METHODS: ClassVar[dict[str, str]] = {
        **COMMON_METHODS, "getYears": "get_years", "getMonths": "get_months",
        "getDays": "get_days", "toTotalMonths": "to_total_months", "plus": "plus",
        "minus": "minus", "plusYears": "plus_years", "plusMonths": "plus_months",
        "plusDays": "plus_days", "minusYears": "minus_years", "minusMonths": "minus_months",
        "minusDays": "minus_days", "withYears": "with_years", "withMonths": "with_months",
        "withDays": "with_days", "multipliedBy": "multiplied_by", "negated": "negated",
        "normalized": "normalized", "isZero": "is_zero", "isNegative": "is_negative",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def __init__(self, years: int, months: int, days: int) -> None:
        for part in (years, months, days):
            whole(part, "a period's part", INT_MAX)
        self.years, self.months, self.days = years, months, days

    def key(self) -> Any:
        return (self.years, self.months, self.days)

    def compare_to(self, other: Any) -> int:
        raise time_error("a Period is not Comparable", "ClassCastException")

    def to_string(self) -> str:
        if self.key() == (0, 0, 0):
            return "P0D"
        return "P" + "".join(
            f"{amount}{letter}" for amount, letter in zip(self.key(), "YMD", strict=True)
            if amount
        )

    def get_years(self) -> int:
        return self.years

    def get_months(self) -> int:
        return self.months

    def get_days(self) -> int:
        return self.days

    def to_total_months(self) -> int:
        return self.years * 12 + self.months

    def plus(self, other: Any) -> Period:
        if not isinstance(other, Period):
            raise time_error("a Period adds only a Period")
        return Period(self.years + other.years, self.months + other.months,
                      self.days + other.days)

    def minus(self, other: Any) -> Period:
        if not isinstance(other, Period):
            raise time_error("a Period subtracts only a Period")
        return self.plus(other.negated())

    def plus_years(self, amount: Any) -> Period:
        return Period(self.years + whole(amount), self.months, self.days)

    def plus_months(self, amount: Any) -> Period:
        return Period(self.years, self.months + whole(amount), self.days)

    def plus_days(self, amount: Any) -> Period:
        return Period(self.years, self.months, self.days + whole(amount))

    def minus_years(self, amount: Any) -> Period:
        return self.plus_years(-whole(amount))

    def minus_months(self, amount: Any) -> Period:
        return self.plus_months(-whole(amount))

    def minus_days(self, amount: Any) -> Period:
        return self.plus_days(-whole(amount))

    def with_years(self, amount: Any) -> Period:
        return Period(whole(amount), self.months, self.days)

    def with_months(self, amount: Any) -> Period:
        return Period(self.years, whole(amount), self.days)

    def with_days(self, amount: Any) -> Period:
        return Period(self.years, self.months, whole(amount))

    def multiplied_by(self, factor: Any) -> Period:
        times = whole(factor)
        return Period(self.years * times, self.months * times, self.days * times)

    def negated(self) -> Period:
        return self.multiplied_by(-1)

    def normalized(self) -> Period:
        total = self.to_total_months()
        return Period(truncated_division(total, 12), _remainder(total, 12), self.days)

    def is_zero(self) -> bool:
        return self.key() == (0, 0, 0)

    def is_negative(self) -> bool:
        return any(part < 0 for part in self.key())

    def add_to(self, temporal: Any, sign: int) -> Any:
        """Period.addTo (sign 1) and subtractFrom (-1), in Java's order."""
        if self.years and self.months:
            temporal = temporal.plus_units(sign * self.to_total_months(), MONTHS)
        elif self.years:
            temporal = temporal.plus_units(sign * self.years, YEARS)
        elif self.months:
            temporal = temporal.plus_units(sign * self.months, MONTHS)
        if self.days:
            temporal = temporal.plus_units(sign * self.days, DAYS)
        return temporal


def period_between(start: date, end: date) -> Period:
    """Period.between / LocalDate.until(end), Java's algorithm."""
    total_months = (end.year * 12 + end.month) - (start.year * 12 + start.month)
    days = end.day - start.day
    if total_months > 0 and days < 0:
        total_months -= 1
        days = (end - add_months(start, total_months)).days
    elif total_months < 0 and days > 0:
        total_months += 1
        days -= _length_of_month(end)
    return Period(truncated_division(total_months, 12), _remainder(total_months, 12), days)


def _length_of_month(day: date) -> int:
    return month_length(day.year, day.month)


def parse_period(text: Any) -> Period:
    value = text_arg(text, "a period")
    match = _PERIOD_TEXT.fullmatch(value)
    if match is None or not any(match.group(i) for i in (2, 3, 4, 5)):
        raise time_error(f"Text cannot be parsed to a Period: {value}",
                         "format.DateTimeParseException")
    sign = -1 if match.group(1) == "-" else 1
    years, months, weeks, days = (int(match.group(i) or 0) for i in (2, 3, 4, 5))
    return Period(sign * years, sign * months, sign * (weeks * 7 + days))


class PeriodClass(ScriptObject):
    """The statics of Period."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "of": "of", "ofDays": "of_days", "ofWeeks": "of_weeks", "ofMonths": "of_months",
        "ofYears": "of_years", "between": "between", "parse": "parse",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {"ZERO": "zero"}

    def of(self, years: Any, months: Any, days: Any) -> Period:
        return Period(whole(years), whole(months), whole(days))

    def of_days(self, days: Any) -> Period:
        return Period(0, 0, whole(days))

    def of_weeks(self, weeks: Any) -> Period:
        return Period(0, 0, whole(weeks) * 7)

    def of_months(self, months: Any) -> Period:
        return Period(0, whole(months), 0)

    def of_years(self, years: Any) -> Period:
        return Period(whole(years), 0, 0)

    def between(self, start: Any, end: Any) -> Period:
        from engine.groovy.java_time.local import LocalDate

        if not isinstance(start, LocalDate) or not isinstance(end, LocalDate):
            raise time_error("Period.between takes two LocalDates")
        return period_between(start.value, end.value)

    def parse(self, text: Any) -> Period:
        return parse_period(text)

    def zero(self) -> Period:
        return Period(0, 0, 0)
