"""A small stand-in for the Joda ``DateTime`` that Camunda's ``dateTime()`` returns.

Models call it in timer and due-date expressions, e.g. ``${dateTime().plusWeeks(1).toDate()}``.
``toDate()`` gives a plain ``datetime`` (Java's ``Date``), which is what ``now()`` returns too.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from engine.el.errors import ExpressionError
from engine.el.host import ElObject


def require_now(now: datetime | None, function: str) -> datetime:
    if now is None:
        raise ExpressionError(f"Function '{function}' needs the evaluation time; none was given")
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months; the day is clamped to the month's last day (Joda and java.time agree)."""
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


# Joda DateTime's getters -> the method answering each.
_FIELDS = {
    "Year": "year", "MonthOfYear": "month_of_year", "DayOfMonth": "day_of_month",
    "DayOfWeek": "day_of_week", "DayOfYear": "day_of_year", "HourOfDay": "hour_of_day",
    "MinuteOfHour": "minute_of_hour", "SecondOfMinute": "second_of_minute",
}


class DateTimeValue(ElObject):
    """An immutable instant with Joda-style ``plusX``/``minusX`` methods."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        **{f"plus{unit}": f"plus_{unit.lower()}" for unit in
           ("Years", "Months", "Weeks", "Days", "Hours", "Minutes", "Seconds")},
        **{f"minus{unit}": f"minus_{unit.lower()}" for unit in
           ("Years", "Months", "Weeks", "Days", "Hours", "Minutes", "Seconds")},
        "withTimeAtStartOfDay": "with_time_at_start_of_day",
        "toDate": "to_date",
        "getMillis": "get_millis",
        "isBefore": "is_before",
        "isAfter": "is_after",
        "toString": "to_string",
        **{f"get{field}": name for field, name in _FIELDS.items()},
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {
        "millis": "get_millis",
        **{field[0].lower() + field[1:]: name for field, name in _FIELDS.items()},
    }

    __slots__ = ("value",)

    def __init__(self, value: datetime) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateTimeValue) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __lt__(self, other: DateTimeValue) -> bool:
        return self.value < other.value

    def __repr__(self) -> str:
        return f"DateTimeValue({self.value.isoformat()})"

    def _shift(self, delta: timedelta) -> DateTimeValue:
        try:
            return DateTimeValue(self.value + delta)
        except OverflowError:
            raise ExpressionError("Date out of range") from None

    def _shift_months(self, months: int) -> DateTimeValue:
        try:
            return DateTimeValue(add_months(self.value, months))
        except OverflowError:
            raise ExpressionError("Date out of range") from None

    def plus_years(self, n: int) -> DateTimeValue:
        return self._shift_months(_count(n) * 12)

    def plus_months(self, n: int) -> DateTimeValue:
        return self._shift_months(_count(n))

    def plus_weeks(self, n: int) -> DateTimeValue:
        return self._shift(timedelta(weeks=_count(n)))

    def plus_days(self, n: int) -> DateTimeValue:
        return self._shift(timedelta(days=_count(n)))

    def plus_hours(self, n: int) -> DateTimeValue:
        return self._shift(timedelta(hours=_count(n)))

    def plus_minutes(self, n: int) -> DateTimeValue:
        return self._shift(timedelta(minutes=_count(n)))

    def plus_seconds(self, n: int) -> DateTimeValue:
        return self._shift(timedelta(seconds=_count(n)))

    def minus_years(self, n: int) -> DateTimeValue:
        return self.plus_years(-_count(n))

    def minus_months(self, n: int) -> DateTimeValue:
        return self.plus_months(-_count(n))

    def minus_weeks(self, n: int) -> DateTimeValue:
        return self.plus_weeks(-_count(n))

    def minus_days(self, n: int) -> DateTimeValue:
        return self.plus_days(-_count(n))

    def minus_hours(self, n: int) -> DateTimeValue:
        return self.plus_hours(-_count(n))

    def minus_minutes(self, n: int) -> DateTimeValue:
        return self.plus_minutes(-_count(n))

    def minus_seconds(self, n: int) -> DateTimeValue:
        return self.plus_seconds(-_count(n))

    def with_time_at_start_of_day(self) -> DateTimeValue:
        return DateTimeValue(self.value.replace(hour=0, minute=0, second=0, microsecond=0))

    def to_date(self) -> datetime:
        return self.value

    def get_millis(self) -> int:
        return epoch_millis(self.value)

    def is_before(self, other: object) -> bool:
        return self.value < _instant(other)

    def is_after(self, other: object) -> bool:
        return self.value > _instant(other)

    def to_string(self) -> str:
        return self.value.isoformat(timespec="milliseconds")

    # Joda's field getters (`dateTime().getYear()`, `dateTime().dayOfWeek`: 1 is Monday)
    def year(self) -> int:
        return self.value.year

    def month_of_year(self) -> int:
        return self.value.month

    def day_of_month(self) -> int:
        return self.value.day

    def day_of_week(self) -> int:
        return self.value.isoweekday()

    def day_of_year(self) -> int:
        return self.value.timetuple().tm_yday

    def hour_of_day(self) -> int:
        return self.value.hour

    def minute_of_hour(self) -> int:
        return self.value.minute

    def second_of_minute(self) -> int:
        return self.value.second


def epoch_millis(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


def _count(n: object) -> int:
    # Joda's plusDays(int): EL coerces the argument to int; a bool or a fraction is refused.
    if isinstance(n, bool) or not isinstance(n, int):
        if isinstance(n, float) and n.is_integer():
            return int(n)
        raise ExpressionError(f"Expected a whole number of units, got {n!r}")
    if abs(n) > 10_000_000:
        raise ExpressionError("Date out of range")
    return n


def _instant(other: object) -> datetime:
    if isinstance(other, DateTimeValue):
        return other.value
    if isinstance(other, datetime):
        return other if other.tzinfo is not None else other.replace(tzinfo=UTC)
    raise ExpressionError(f"Cannot compare a date with {type(other).__name__}")
