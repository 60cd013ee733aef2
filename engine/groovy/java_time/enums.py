"""java.time's enums (DayOfWeek, Month, ChronoUnit) and TemporalAdjusters: the constants
scripts compare with (`date.dayOfWeek == DayOfWeek.SATURDAY`) and count in
(`ChronoUnit.DAYS.between(a, b)`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, ClassVar

from engine.groovy.builtins import ScriptObject
from engine.groovy.dates import DAY_NAMES, MONTH_NAMES
from engine.groovy.java_time.base import (
    COMMON_METHODS,
    TimeValue,
    bean_properties,
    is_leap,
    month_length,
    time_error,
    whole,
)


class JavaEnum(TimeValue):
    """One constant of a Java enum: its name, its ordinal, ordered by ordinal."""

    NAMES: ClassVar[tuple[str, ...]] = ()

    def __init__(self, ordinal: int) -> None:
        self.ordinal_ = ordinal

    def key(self) -> Any:
        return self.ordinal_

    def to_string(self) -> str:
        return self.NAMES[self.ordinal_]

    def name(self) -> str:
        return self.NAMES[self.ordinal_]

    def ordinal(self) -> int:
        return self.ordinal_

    @classmethod
    def constant(cls, name: str) -> Any:
        if name not in cls.NAMES:
            raise time_error(
                f"No enum constant {cls.JAVA_CLASS}.{name}", "IllegalArgumentException"
            )
        return cls(cls.NAMES.index(name))


_ENUM_METHODS = {**COMMON_METHODS, "name": "name", "ordinal": "ordinal"}


class _Cyclic(JavaEnum):
    """DayOfWeek and Month: numbered from 1, `plus` goes round."""

    def get_value(self) -> int:
        return self.ordinal_ + 1

    def plus(self, amount: Any) -> Any:
        return type(self)((self.ordinal_ + whole(amount)) % len(self.NAMES))

    def minus(self, amount: Any) -> Any:
        return type(self)((self.ordinal_ - whole(amount)) % len(self.NAMES))

    @classmethod
    def of(cls, number: Any) -> Any:
        value = whole(number)
        if not 1 <= value <= len(cls.NAMES):
            raise time_error(f"Invalid value for {cls.__name__}: {value}")
        return cls(value - 1)


_CYCLIC_METHODS = {
    **_ENUM_METHODS, "getValue": "get_value", "plus": "plus", "minus": "minus",
}


class DayOfWeek(_Cyclic):
    JAVA_CLASS = "java.time.DayOfWeek"
    NAMES = tuple(name.upper() for name in DAY_NAMES)
    EL_METHODS: ClassVar[dict[str, str]] = dict(_CYCLIC_METHODS)
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)


class Month(_Cyclic):
    JAVA_CLASS = "java.time.Month"
    NAMES = tuple(name.upper() for name in MONTH_NAMES)
    EL_METHODS: ClassVar[dict[str, str]] = {
        **_CYCLIC_METHODS, "length": "length", "maxLength": "max_length",
        "minLength": "min_length",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def length(self, leap_year: Any) -> int:
        return month_length(2000 if leap_year is True else 2001, self.ordinal_ + 1)

    def max_length(self) -> int:
        return self.length(True)

    def min_length(self) -> int:
        return self.length(False)


MICRO = 1_000  # nanoseconds
SECOND = 1_000_000_000
DAY = 86_400 * SECOND


class ChronoUnit(JavaEnum):
    """A unit of time: exact ones (NANOS to DAYS, in nanoseconds) count on the time line,
    date-based ones (DAYS to MILLENNIA, in months or days) on the calendar."""

    JAVA_CLASS = "java.time.temporal.ChronoUnit"
    NAMES = ("NANOS", "MICROS", "MILLIS", "SECONDS", "MINUTES", "HOURS", "HALF_DAYS", "DAYS",
             "WEEKS", "MONTHS", "YEARS", "DECADES", "CENTURIES", "MILLENNIA")
    _NANOS = (1, MICRO, 1_000_000, SECOND, 60 * SECOND, 3600 * SECOND, DAY // 2, DAY,
              7 * DAY, 2_629_746 * SECOND, 31_556_952 * SECOND, 315_569_520 * SECOND,
              3_155_695_200 * SECOND, 31_556_952_000 * SECOND)
    _MONTHS = {"MONTHS": 1, "YEARS": 12, "DECADES": 120, "CENTURIES": 1200, "MILLENNIA": 12000}
    EL_METHODS: ClassVar[dict[str, str]] = {
        **_ENUM_METHODS, "between": "between", "isDateBased": "is_date_based",
        "isTimeBased": "is_time_based", "getDuration": "get_duration",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def to_string(self) -> str:
        return self.label()

    def label(self) -> str:
        """Java's toString: "Days", "HalfDays"."""
        return "".join(part.capitalize() for part in self.name().split("_"))

    @property
    def nanos(self) -> int:
        return self._NANOS[self.ordinal_]

    @property
    def months(self) -> int | None:
        """Calendar months in one unit (MONTHS and longer), else None."""
        return self._MONTHS.get(self.name())

    @property
    def days(self) -> int | None:
        """Calendar days in one unit (DAYS, WEEKS), else None."""
        return {"DAYS": 1, "WEEKS": 7}.get(self.name())

    def is_date_based(self) -> bool:
        return self.ordinal_ >= self.NAMES.index("DAYS")

    def is_time_based(self) -> bool:
        return self.ordinal_ < self.NAMES.index("DAYS")

    def get_duration(self) -> Any:
        from engine.groovy.java_time.amounts import Duration

        return Duration(self.nanos)

    def between(self, start: Any, end: Any) -> int:
        if not hasattr(start, "until"):
            raise time_error(f"{type(start).__name__} has no {self.label()} between")
        result: int = start.until(end, self)
        return result


def unit_arg(value: Any) -> ChronoUnit:
    if not isinstance(value, ChronoUnit):
        raise time_error("the unit must be a ChronoUnit (ChronoUnit.DAYS, ...)")
    return value


class TemporalAdjuster(ScriptObject):
    """What `date.with(TemporalAdjusters.lastDayOfMonth())` applies to a date."""

    def __init__(self, adjust: Callable[[date], date]) -> None:
        self.adjust = adjust


def _day(value: Any) -> int:
    if not isinstance(value, DayOfWeek):
        raise time_error("the day must be a DayOfWeek (DayOfWeek.MONDAY, ...)")
    return value.ordinal_


def _ahead(day: date, weekday: int, same: bool) -> date:
    gap = (weekday - day.weekday()) % 7
    return day + timedelta(days=gap if gap or same else 7)


def _behind(day: date, weekday: int, same: bool) -> date:
    gap = (day.weekday() - weekday) % 7
    return day - timedelta(days=gap if gap or same else 7)


def _last_of_month(day: date) -> date:
    following = day.replace(day=28) + timedelta(days=4)
    return following - timedelta(days=following.day)


class TemporalAdjusters(ScriptObject):
    """The static factories of java.time.temporal.TemporalAdjusters."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "firstDayOfMonth": "first_day_of_month", "lastDayOfMonth": "last_day_of_month",
        "firstDayOfNextMonth": "first_day_of_next_month", "firstDayOfYear": "first_day_of_year",
        "lastDayOfYear": "last_day_of_year", "firstDayOfNextYear": "first_day_of_next_year",
        "next": "next", "nextOrSame": "next_or_same", "previous": "previous",
        "previousOrSame": "previous_or_same", "firstInMonth": "first_in_month",
        "lastInMonth": "last_in_month",
    }

    def first_day_of_month(self) -> TemporalAdjuster:
        return TemporalAdjuster(lambda d: d.replace(day=1))

    def last_day_of_month(self) -> TemporalAdjuster:
        return TemporalAdjuster(_last_of_month)

    def first_day_of_next_month(self) -> TemporalAdjuster:
        return TemporalAdjuster(lambda d: _last_of_month(d) + timedelta(days=1))

    def first_day_of_year(self) -> TemporalAdjuster:
        return TemporalAdjuster(lambda d: d.replace(month=1, day=1))

    def last_day_of_year(self) -> TemporalAdjuster:
        return TemporalAdjuster(lambda d: d.replace(month=12, day=31))

    def first_day_of_next_year(self) -> TemporalAdjuster:
        return TemporalAdjuster(lambda d: d.replace(year=d.year + 1, month=1, day=1))

    def next(self, day: Any) -> TemporalAdjuster:
        weekday = _day(day)
        return TemporalAdjuster(lambda d: _ahead(d, weekday, same=False))

    def next_or_same(self, day: Any) -> TemporalAdjuster:
        weekday = _day(day)
        return TemporalAdjuster(lambda d: _ahead(d, weekday, same=True))

    def previous(self, day: Any) -> TemporalAdjuster:
        weekday = _day(day)
        return TemporalAdjuster(lambda d: _behind(d, weekday, same=False))

    def previous_or_same(self, day: Any) -> TemporalAdjuster:
        weekday = _day(day)
        return TemporalAdjuster(lambda d: _behind(d, weekday, same=True))

    def first_in_month(self, day: Any) -> TemporalAdjuster:
        weekday = _day(day)
        return TemporalAdjuster(lambda d: _ahead(d.replace(day=1), weekday, same=True))

    def last_in_month(self, day: Any) -> TemporalAdjuster:
        weekday = _day(day)
        return TemporalAdjuster(lambda d: _behind(_last_of_month(d), weekday, same=True))


def leap_length(year: int) -> int:
    return 366 if is_leap(year) else 365
