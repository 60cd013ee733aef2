"""FEEL's temporal values: dates (`date`), date-times (`datetime`), times of day (`time`),
days-and-time durations (`timedelta`) and years-and-months durations (`YearsMonths`), parsed
from their ISO 8601 texts and combined as DMN 1.3 section 10.3.2.3 says."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from engine.dmn.feel.errors import FeelError


@dataclass(frozen=True, order=True, slots=True)
class YearsMonths:
    """A years-and-months duration: a number of months, negative when it goes back."""

    months: int

    def __str__(self) -> str:
        years, months = divmod(abs(self.months), 12)
        text = (f"{years}Y" if years else "") + (f"{months}M" if months or not years else "")
        return ("-" if self.months < 0 else "") + "P" + text

    def __neg__(self) -> YearsMonths:
        return YearsMonths(-self.months)

    def __add__(self, other: YearsMonths) -> YearsMonths:
        return YearsMonths(self.months + other.months)

    def __sub__(self, other: YearsMonths) -> YearsMonths:
        return YearsMonths(self.months - other.months)


_DAYS_AND_TIME = re.compile(
    r"(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)
_YEARS_AND_MONTHS = re.compile(r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?")
_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?")


def parse_duration(text: str) -> timedelta | YearsMonths:
    """`P1DT2H30M` (days and time) or `P1Y2M` (years and months); FEEL has no duration of
    both kinds at once."""
    if text not in {"P", "-P"}:
        if (match := _YEARS_AND_MONTHS.fullmatch(text)) is not None:
            sign, years, months = match.groups()
            value = int(years or 0) * 12 + int(months or 0)
            return YearsMonths(-value if sign else value)
        match = _DAYS_AND_TIME.fullmatch(text)
        if match is not None and not text.endswith("T"):
            sign, days, hours, minutes, seconds = match.groups()
            delta = timedelta(
                days=int(days or 0), hours=int(hours or 0), minutes=int(minutes or 0),
                seconds=float(seconds or 0),
            )
            return -delta if sign else delta
    raise FeelError(
        f"'{text}' is not a duration like 'P1DT2H' (days and time) or 'P1Y2M' (years and months)"
    )


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FeelError(f"'{text}' is not a date like '2026-01-31'") from None


def parse_date_time(text: str) -> datetime:
    if len(text) <= 10:  # a bare date is not a date and time in FEEL
        raise FeelError(f"'{text}' is not a date and time like '2026-01-31T10:00:00'")
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise FeelError(f"'{text}' is not a date and time like '2026-01-31T10:00:00'") from None


def parse_time(text: str) -> time:
    match = _TIME.fullmatch(text)
    if match is None:
        raise FeelError(f"'{text}' is not a time like '10:30:00'")
    hour, minute, second, fraction, zone = match.groups()
    try:
        return time(
            int(hour), int(minute), int(second or 0), int(float(fraction or 0) * 1_000_000),
            tzinfo=_zone(zone),
        )
    except ValueError:
        raise FeelError(f"'{text}' is not a time like '10:30:00'") from None


def _zone(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6])))


def add_months(moment: date, months: int) -> Any:
    """A date or date-time moved by whole months, its day clamped to the month's last."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise FeelError("the date is out of range")
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def months_between(start: date, end: date) -> YearsMonths:
    """`years and months duration(from, to)`: whole months, counted toward zero."""
    months = (end.year - start.year) * 12 + end.month - start.month
    start_rest = (start.day, _time_of(start))
    end_rest = (end.day, _time_of(end))
    if months > 0 and end_rest < start_rest:
        months -= 1
    elif months < 0 and end_rest > start_rest:
        months += 1
    return YearsMonths(months)


def _time_of(moment: date) -> time:
    return moment.time() if isinstance(moment, datetime) else time()


def shift_time(moment: time, delta: timedelta, sign: int) -> time:
    """A time of day moved by a duration, around the clock."""
    base = datetime.combine(date(2000, 1, 1), moment)
    return (base + sign * delta).timetz()


def time_difference(left: time, right: time) -> timedelta:
    if (left.tzinfo is None) != (right.tzinfo is None):
        raise FeelError(f"cannot subtract '{right}' from '{left}': only one has a time zone")
    day = date(2000, 1, 1)
    return datetime.combine(day, left) - datetime.combine(day, right)


def duration_text(value: timedelta) -> str:
    """A days-and-time duration in ISO 8601, as FEEL writes it (`P1DT2H30M`)."""
    seconds = value.total_seconds()
    sign = "-" if seconds < 0 else ""
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(
        f"{_amount(amount)}{unit}"
        for amount, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if amount
    )
    text = (f"{int(days)}D" if days else "") + (f"T{clock}" if clock else "")
    return f"{sign}P{text or 'T0S'}"


def _amount(amount: float) -> str:
    return str(int(amount)) if amount == int(amount) else f"{amount:.6f}".rstrip("0")


# Properties readable with a path (`birthday.year`, `age.years`).
PROPERTIES: dict[str, dict[str, Any]] = {
    "date": {
        "year": lambda v: v.year, "month": lambda v: v.month, "day": lambda v: v.day,
        "weekday": lambda v: v.isoweekday(),
    },
    "time": {
        "hour": lambda v: v.hour, "minute": lambda v: v.minute, "second": lambda v: v.second,
    },
    "years and months duration": {
        "years": lambda v: int(v.months / 12),
        "months": lambda v: v.months - int(v.months / 12) * 12,
    },
    "duration": {
        "days": lambda v: _parts(v)[0], "hours": lambda v: _parts(v)[1],
        "minutes": lambda v: _parts(v)[2], "seconds": lambda v: _parts(v)[3],
    },
}
PROPERTIES["date and time"] = {**PROPERTIES["date"], **PROPERTIES["time"]}


def _parts(value: timedelta) -> tuple[int, int, int, int]:
    sign = -1 if value < timedelta(0) else 1
    seconds = int(abs(value).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return sign * days, sign * hours, sign * minutes, sign * seconds
