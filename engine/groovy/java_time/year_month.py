"""java.time.YearMonth and Year: a month of a year (`2024-01`) and a year (`2024`), as
billing periods and reporting months and years are kept, with the static side scripts call
(`YearMonth.now()`, `Year.of(2024)`, `parse`, `from`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from engine.groovy.builtins import ScriptObject
from engine.groovy.java_time.base import (
    COMMON_METHODS,
    TimeValue,
    add_months,
    bean_properties,
    field,
    in_range,
    is_leap,
    month_length,
    time_error,
    whole,
)
from engine.groovy.java_time.enums import Month
from engine.groovy.java_time.formatter import DateTimeFormatter, of_pattern
from engine.groovy.java_time.local import LocalDate
from engine.groovy.java_time.parsing import parse_fields
from engine.groovy.java_time.temporal import Temporal


class _Calendar(TimeValue):
    """A part of the calendar (a year and month, a year): ordered, and printed by a
    formatter from the fields it has."""

    def is_before(self, other: Any) -> bool:
        return self.compare_to(other) < 0

    def is_after(self, other: Any) -> bool:
        return self.compare_to(other) > 0

    def format(self, formatter: Any) -> str:
        if not isinstance(formatter, DateTimeFormatter):
            raise time_error("format takes a DateTimeFormatter")
        return formatter.format(self)


class YearMonth(_Calendar):
    JAVA_CLASS = "java.time.YearMonth"
    EL_METHODS: ClassVar[dict[str, str]] = {
        **COMMON_METHODS, "getYear": "get_year", "getMonthValue": "get_month_value",
        "getMonth": "get_month", "lengthOfMonth": "length_of_month",
        "lengthOfYear": "length_of_year", "isLeapYear": "is_leap_year",
        "isValidDay": "is_valid_day", "atDay": "at_day", "atEndOfMonth": "at_end_of_month",
        "plusMonths": "plus_months", "minusMonths": "minus_months", "plusYears": "plus_years",
        "minusYears": "minus_years", "withMonth": "with_month", "withYear": "with_year",
        "isBefore": "is_before", "isAfter": "is_after", "format": "format",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def __init__(self, first_day: date) -> None:
        self.value = first_day.replace(day=1)

    def key(self) -> Any:
        return self.value

    def to_string(self) -> str:
        return f"{self.value.year:04d}-{self.value.month:02d}"

    def fields(self) -> dict[str, Any]:
        """What a DateTimeFormatter may print: the year and month, no day."""
        return {"year_month": self.value}

    def get_year(self) -> int:
        return self.value.year

    def get_month_value(self) -> int:
        return self.value.month

    def get_month(self) -> Month:
        return Month(self.value.month - 1)

    def length_of_month(self) -> int:
        return month_length(self.value.year, self.value.month)

    def length_of_year(self) -> int:
        return 366 if self.is_leap_year() else 365

    def is_leap_year(self) -> bool:
        return is_leap(self.value.year)

    def is_valid_day(self, day: Any) -> bool:
        return 1 <= whole(day, "a day") <= self.length_of_month()

    def at_day(self, day: Any) -> LocalDate:
        number = field(day, "DayOfMonth", 1, 31)
        if number > self.length_of_month():
            raise time_error(f"Invalid date '{Month(self.value.month - 1).name()} {number}'")
        return LocalDate(self.value.replace(day=number))

    def at_end_of_month(self) -> LocalDate:
        return LocalDate(self.value.replace(day=self.length_of_month()))

    def plus_months(self, months: Any) -> YearMonth:
        return in_range(lambda: YearMonth(add_months(self.value, whole(months))))

    def minus_months(self, months: Any) -> YearMonth:
        return self.plus_months(-whole(months))

    def plus_years(self, years: Any) -> YearMonth:
        return self.plus_months(whole(years) * 12)

    def minus_years(self, years: Any) -> YearMonth:
        return self.plus_months(-whole(years) * 12)

    def with_month(self, month: Any) -> YearMonth:
        return YearMonth(self.value.replace(month=field(month, "MonthOfYear", 1, 12)))

    def with_year(self, year: Any) -> YearMonth:
        return YearMonth(self.value.replace(year=field(year, "Year", 1, 9999)))


# Java's YearMonth.parse reads `uuuu-MM` strictly.
_ISO_YEAR_MONTH = DateTimeFormatter(of_pattern("uuuu-MM").items, "uuuu-MM", strict=True)


class YearMonthClass(ScriptObject):
    EL_METHODS: ClassVar[dict[str, str]] = {
        "now": "now", "of": "of", "parse": "parse", "from": "from_",
    }

    def __init__(self, clock: Any) -> None:
        self._clock = clock  # the LocalDate class: its now() is the command's clock

    def now(self, zone: Any = None) -> YearMonth:
        return YearMonth(self._clock.now(zone).value)

    def of(self, year: Any, month: Any) -> YearMonth:
        return YearMonth(date(field(year, "Year", 1, 9999), _month_number(month), 1))

    def parse(self, text: Any, formatter: Any = None) -> YearMonth:
        if formatter is not None and not isinstance(formatter, DateTimeFormatter):
            raise time_error("parse takes the text and a DateTimeFormatter")
        fields = parse_fields(text, formatter or _ISO_YEAR_MONTH)
        found = fields.get("date") or fields.get("year_month")
        if found is None:
            raise time_error(f"Text '{text}' could not be parsed: it has no year and month",
                             "format.DateTimeParseException")
        return YearMonth(found)

    def from_(self, temporal: Any) -> YearMonth:
        if isinstance(temporal, YearMonth):
            return temporal
        if isinstance(temporal, Temporal) and temporal.DATE_BASED and (
                temporal.TIMELINE != "instant"):
            local: datetime = temporal.local()
            return YearMonth(local.date())
        raise time_error(f"Unable to obtain YearMonth from TemporalAccessor: {temporal}")


class Year(_Calendar):
    JAVA_CLASS = "java.time.Year"
    EL_METHODS: ClassVar[dict[str, str]] = {
        **COMMON_METHODS, "getValue": "get_value", "isLeap": "is_leap", "length": "length",
        "atDay": "at_day", "atMonth": "at_month", "plusYears": "plus_years",
        "minusYears": "minus_years", "isBefore": "is_before", "isAfter": "is_after",
        "format": "format",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = bean_properties(EL_METHODS)

    def __init__(self, year: int) -> None:
        self.value = year

    def key(self) -> Any:
        return self.value

    def to_string(self) -> str:
        return str(self.value)

    def fields(self) -> dict[str, Any]:
        """What a DateTimeFormatter may print: the year alone."""
        return {"year": date(self.value, 1, 1)}

    def get_value(self) -> int:
        return self.value

    def is_leap(self) -> bool:
        return is_leap(self.value)

    def length(self) -> int:
        return 366 if self.is_leap() else 365

    def at_day(self, day_of_year: Any) -> LocalDate:
        number = field(day_of_year, "DayOfYear", 1, 366)
        if number > self.length():
            raise time_error(f"Invalid date 'DayOfYear 366' as '{self.value}' is not a leap year")
        return LocalDate(date(self.value, 1, 1) + timedelta(days=number - 1))

    def at_month(self, month: Any) -> YearMonth:
        return YearMonth(date(self.value, _month_number(month), 1))

    def plus_years(self, years: Any) -> Year:
        return Year(field(self.value + whole(years), "Year", 1, 9999))

    def minus_years(self, years: Any) -> Year:
        return self.plus_years(-whole(years))


class YearClass(ScriptObject):
    EL_METHODS: ClassVar[dict[str, str]] = {
        "now": "now", "of": "of", "parse": "parse", "from": "from_", "isLeap": "is_leap",
    }

    def __init__(self, clock: Any) -> None:
        self._clock = clock  # the LocalDate class: its now() is the command's clock

    def now(self, zone: Any = None) -> Year:
        return Year(self._clock.now(zone).value.year)

    def of(self, year: Any) -> Year:
        return Year(field(year, "Year", 1, 9999))

    def is_leap(self, year: Any) -> bool:
        return is_leap(whole(year))

    def parse(self, text: Any, formatter: Any = None) -> Year:
        if formatter is None:
            if not isinstance(text, str) or not text.isdigit() or len(text) != 4:
                raise time_error(f"Text '{text}' could not be parsed at index 0",
                                 "format.DateTimeParseException")
            return self.of(int(text))
        if not isinstance(formatter, DateTimeFormatter):
            raise time_error("parse takes the text and a DateTimeFormatter")
        fields = parse_fields(text, formatter)
        found = fields.get("date") or fields.get("year_month") or fields.get("year")
        if found is None:
            raise time_error(f"Text '{text}' could not be parsed: it has no year",
                             "format.DateTimeParseException")
        return Year(found.year)

    def from_(self, temporal: Any) -> Year:
        if isinstance(temporal, Year):
            return temporal
        if isinstance(temporal, YearMonth):
            return Year(temporal.get_year())
        return Year(YearMonthClass(self._clock).from_(temporal).get_year())


def _month_number(month: Any) -> int:
    return month.get_value() if isinstance(month, Month) else field(month, "MonthOfYear", 1, 12)
