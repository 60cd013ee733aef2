"""BPMN timer definitions: ISO 8601 dates, durations, repeating intervals and Quartz cron.

Pure functions of their input: the current time is always passed in, never read. Naive
date-times are UTC. Texts containing ``${...}`` must be evaluated (engine.el) before parsing.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Literal

MAX_TIMER_TEXT = 1024


class TimerSpecError(ValueError):
    """A timer definition that cannot be parsed; ``reason`` says why."""

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"Invalid timer definition '{text}': {reason}")
        self.text = text
        self.reason = reason


class TimerSpec:
    """Common interface of the timer kinds: when is the timer due, given a moment."""

    text: str

    def next_due(self, after: datetime) -> datetime | None:
        raise NotImplementedError


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _add_months(moment: datetime, months: int) -> datetime:
    # Calendar months clamp the day to the month's end: Jan 31 + P1M is Feb 28 (or 29).
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class DateTimer(TimerSpec):
    """``timeDate``: due at one instant (in the past means due at once)."""

    text: str
    at: datetime

    def next_due(self, after: datetime) -> datetime | None:
        return self.at


@dataclass(frozen=True)
class Duration(TimerSpec):
    """``timeDuration`` (and a cycle's interval); months and years follow the calendar."""

    text: str
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: float = 0

    @property
    def fixed_part(self) -> timedelta:
        return timedelta(
            weeks=self.weeks, days=self.days, hours=self.hours, minutes=self.minutes,
            seconds=self.seconds,
        )

    @property
    def is_calendar(self) -> bool:
        return bool(self.years or self.months)

    def add_to(self, moment: datetime, times: int = 1) -> datetime:
        moment = _add_months(moment, (self.years * 12 + self.months) * times)
        return moment + self.fixed_part * times

    def next_due(self, after: datetime) -> datetime | None:
        """The due date of a timer started at ``after``."""
        return self.add_to(_aware(after))


class Cycle(TimerSpec):
    """A repeating timer: after each firing its job comes back at ``next_due(now)``, until
    that is None. ``fixed_at(moment)`` is the cycle a timer created at ``moment`` keeps."""

    repetitions: int | None

    def fixed_at(self, moment: datetime) -> Cycle:
        return self


@dataclass(frozen=True)
class RepeatingInterval(Cycle):
    """ISO 8601 ``Rn/<duration>``, ``Rn/<start>/<duration>`` or ``Rn/<duration>/<end>``,
    scheduled as Camunda's DurationHelper does: with a start, the occurrences are the start
    and up to n intervals after it; with an end, the end and up to n intervals before it;
    ``R`` alone has no limit."""

    text: str
    repetitions: int | None
    interval: Duration
    start: datetime | None = None
    end: datetime | None = None

    @property
    def is_floating(self) -> bool:
        """Neither start nor end: each due date is counted from the moment asked."""
        return self.start is None and self.end is None

    def next_due(self, after: datetime) -> datetime | None:
        """The first occurrence strictly after ``after``; None when the cycle is used up."""
        after = _aware(after)
        if self.repetitions == 0:
            return None
        if self.start is not None:
            return self._first_after(self.start, after)
        if self.end is not None:
            return self._last_before_end_after(self.end, after)
        return self.interval.add_to(after)

    def fixed_at(self, moment: datetime) -> RepeatingInterval:
        """A floating cycle anchored at ``moment`` (whole seconds, UTC), as Camunda anchors a
        repeating timer when it is created: a firing that runs late then does not push back
        the ones after it, and the n repetitions are counted on that schedule."""
        if not self.is_floating:
            return self
        start = _aware(moment).astimezone(UTC).replace(microsecond=0)
        count = self.text.split("/", 1)[0]
        text = f"{count}/{start.strftime('%Y-%m-%dT%H:%M:%SZ')}/{self.interval.text}"
        return RepeatingInterval(text, self.repetitions, self.interval, start, None)

    def counted_down(self) -> RepeatingInterval | None:
        """A floating ``Rn`` with one repetition less (None: none left). Timers stored before
        cycles were anchored count their repetitions down in their text this way."""
        if self.repetitions is None:
            return self
        if self.repetitions <= 1:
            return None
        rest = self.repetitions - 1
        text = re.sub(r"^R\d*", f"R{rest}", self.text)
        return RepeatingInterval(text, rest, self.interval, self.start, self.end)

    def _step(self, moment: datetime, times: int) -> datetime:
        return self.interval.add_to(moment, times)

    def _first_after(self, start: datetime, after: datetime) -> datetime | None:
        if after < start:
            return start
        if not self.interval.is_calendar:
            steps = (after - start) // self.interval.fixed_part + 1
        else:
            steps = self._steps_estimate(after - start)
            while self._step(start, steps) <= after:
                steps += 1
        if self.repetitions is not None and steps > self.repetitions:
            return None
        return self._step(start, steps)

    def _last_before_end_after(self, end: datetime, after: datetime) -> datetime | None:
        if end <= after:
            return None
        if not self.interval.is_calendar:
            back = -(-(end - after) // self.interval.fixed_part) - 1
        else:
            back = self._steps_estimate(end - after)
            while self._step(end, -(back + 1)) > after:
                back += 1
        if self.repetitions is not None:
            back = min(back, self.repetitions)
        return self._step(end, -back)

    def _steps_estimate(self, span: timedelta) -> int:
        """Whole intervals in ``span``, at least: months counted as 31 days, so the walk
        from here to the exact step only goes forward."""
        months = self.interval.years * 12 + self.interval.months
        longest = timedelta(days=31 * months) + self.interval.fixed_part
        return max(0, span // longest - 1)


@dataclass(frozen=True)
class CronField:
    values: frozenset[int]
    any: bool


@dataclass(frozen=True)
class CronCycle(Cycle):
    """Quartz cron (``sec min hour day-of-month month day-of-week [year]``) as Camunda uses
    it. Evaluated in ``zone`` (UTC unless given); it never ends by itself."""

    text: str
    seconds: CronField
    minutes: CronField
    hours: CronField
    days_of_month: CronField
    months: CronField
    days_of_week: CronField  # Quartz numbering: 1 = Sunday ... 7 = Saturday
    years: CronField
    zone: tzinfo = UTC
    repetitions: int | None = None

    def next_due(self, after: datetime) -> datetime | None:
        local = _aware(after).astimezone(self.zone).replace(tzinfo=None, microsecond=0)
        candidate = local + timedelta(seconds=1)
        last_year = min(9999, candidate.year + 400)
        while candidate.year <= last_year:
            if candidate.year not in self.years.values:
                later = [y for y in self.years.values if y > candidate.year]
                if not later:
                    return None
                candidate = datetime(min(later), 1, 1)
                continue
            if candidate.month not in self.months.values:
                candidate = _next_month(candidate)
                continue
            if not self._day_matches(candidate):
                candidate = datetime(candidate.year, candidate.month, candidate.day) + timedelta(
                    days=1
                )
                continue
            if candidate.hour not in self.hours.values:
                candidate = candidate.replace(minute=0, second=0) + timedelta(hours=1)
                continue
            if candidate.minute not in self.minutes.values:
                candidate = candidate.replace(second=0) + timedelta(minutes=1)
                continue
            if candidate.second not in self.seconds.values:
                candidate += timedelta(seconds=1)
                continue
            return candidate.replace(tzinfo=self.zone).astimezone(UTC)
        return None

    def _day_matches(self, moment: datetime) -> bool:
        quartz_weekday = (moment.isoweekday() % 7) + 1
        if self.days_of_week.any:
            return moment.day in self.days_of_month.values
        if self.days_of_month.any:
            return quartz_weekday in self.days_of_week.values
        return moment.day in self.days_of_month.values and quartz_weekday in (
            self.days_of_week.values
        )


def _next_month(moment: datetime) -> datetime:
    if moment.month == 12:
        return datetime(moment.year + 1, 1, 1)
    return datetime(moment.year, moment.month + 1, 1)


_DATE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?"
    r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?\Z"
)


def parse_date(text: str) -> datetime:
    """ISO 8601 date or date-time (extended format); without an offset it is UTC."""
    source = _checked(text)
    match = _DATE.match(source)
    if match is None:
        raise TimerSpecError(text, "expected an ISO 8601 date-time like 2026-01-31T09:30:00Z")
    fields = match.groupdict()
    fraction = (fields["fraction"] or "").ljust(6, "0")[:6]
    zone = _zone(text, fields["zone"])
    try:
        return datetime(
            int(fields["year"]), int(fields["month"]), int(fields["day"]),
            int(fields["hour"] or 0), int(fields["minute"] or 0), int(fields["second"] or 0),
            int(fraction), tzinfo=zone,
        )
    except ValueError as error:
        raise TimerSpecError(text, str(error)) from None


def _zone(text: str, designator: str | None) -> tzinfo:
    if designator is None or designator == "Z":
        return UTC
    digits = designator[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 18 or minutes > 59:
        raise TimerSpecError(text, f"invalid UTC offset '{designator}'")
    offset = timedelta(hours=hours, minutes=minutes)
    return timezone(-offset if designator[0] == "-" else offset)


_DURATION = re.compile(
    r"P(?!\Z)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?!\Z)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?\Z"
)


def parse_duration(text: str) -> Duration:
    """ISO 8601 duration: ``PnYnMnWnDTnHnMnS`` (fractions on seconds only), e.g. PT5M, P3D."""
    source = _checked(text)
    match = _DURATION.match(source)
    if match is None:
        raise TimerSpecError(text, "expected an ISO 8601 duration like PT5M, P3D or P1Y2M")
    fields = {name: value for name, value in match.groupdict().items() if value is not None}
    if not fields:
        raise TimerSpecError(text, "a duration needs at least one amount")
    seconds = float(fields.pop("seconds", "0").replace(",", "."))
    amounts = {name: int(value) for name, value in fields.items()}
    if any(value > 1_000_000 for value in amounts.values()) or seconds > 1e11:
        raise TimerSpecError(text, "duration is too long")
    return Duration(source, seconds=seconds, **amounts)


def parse_cycle(text: str) -> Cycle:
    """A repeating interval (``R5/PT10M``, ``R/PT1H``, ``R3/<start>/PT1H``, ``R/PT1H/<end>``)
    or a Quartz cron expression (``0 0/5 * * * ?``)."""
    source = _checked(text)
    if source.startswith("R"):
        return _parse_repeating(text, source)
    return _parse_cron(text, source)


def _parse_repeating(text: str, source: str) -> RepeatingInterval:
    parts = source.split("/")
    count = parts[0][1:]
    if len(parts) not in (2, 3) or not (count == "" or count.isdigit()):
        raise TimerSpecError(
            text, "expected Rn/<duration>, Rn/<start>/<duration> or Rn/<duration>/<end>"
        )
    repetitions = int(count) if count else None
    start = end = None
    if len(parts) == 2:
        interval = parse_duration(parts[1])
    elif parts[1].startswith("P"):
        interval, end = parse_duration(parts[1]), parse_date(parts[2])
    else:
        start, interval = parse_date(parts[1]), parse_duration(parts[2])
    if interval.add_to(datetime(2000, 1, 1, tzinfo=UTC)) <= datetime(2000, 1, 1, tzinfo=UTC):
        raise TimerSpecError(text, "the interval of a cycle must be longer than zero")
    return RepeatingInterval(source, repetitions, interval, start, end)


_CRON_FIELDS = (
    # name, lowest, highest, names
    ("second", 0, 59, ()),
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day-of-month", 1, 31, ()),
    ("month", 1, 12, ("JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                      "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    ("day-of-week", 1, 7, ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")),
    ("year", 1970, 2199, ()),
)


def _parse_cron(text: str, source: str) -> CronCycle:
    tokens = source.split()
    if len(tokens) not in (6, 7):
        raise TimerSpecError(
            text,
            "expected a repeating interval (R3/PT10M) or a cron expression with 6 or 7 fields "
            "(seconds minutes hours day-of-month month day-of-week [year])",
        )
    if len(tokens) == 6:
        tokens.append("*")
    fields = [
        _parse_cron_field(text, token, *spec)
        for token, spec in zip(tokens, _CRON_FIELDS, strict=True)
    ]
    day_of_month, day_of_week = fields[3], fields[5]
    if tokens[3] == "?" and tokens[5] == "?":
        raise TimerSpecError(text, "'?' may be used in day-of-month or day-of-week, not both")
    if not (day_of_month.any or day_of_week.any):
        # Quartz: "Support for specifying both a day-of-week AND a day-of-month parameter is
        # not implemented."
        raise TimerSpecError(text, "give either day-of-month or day-of-week, and '?' in the other")
    seconds, minutes, hours, _, months, _, years = fields
    return CronCycle(source, seconds, minutes, hours, day_of_month, months, day_of_week, years)


def _parse_cron_field(
    text: str, token: str, name: str, lowest: int, highest: int, names: tuple[str, ...]
) -> CronField:
    if token in ("*", "?"):
        if token == "?" and name not in ("day-of-month", "day-of-week"):
            raise TimerSpecError(text, "'?' is only allowed in day-of-month and day-of-week")
        return CronField(frozenset(range(lowest, highest + 1)), any=True)
    values: set[int] = set()
    for item in token.split(","):
        values |= _parse_cron_item(text, item, name, lowest, highest, names)
    return CronField(frozenset(values), any=False)


def _parse_cron_item(
    text: str, item: str, name: str, lowest: int, highest: int, names: tuple[str, ...]
) -> set[int]:
    body, _, step_text = item.partition("/")
    step = 1
    if step_text:
        if not step_text.isdigit() or int(step_text) == 0:
            raise TimerSpecError(text, f"invalid step '/{step_text}' in the {name} field")
        step = int(step_text)
    if body in ("*", ""):
        first, last = lowest, highest
    elif "-" in body:
        low_text, _, high_text = body.partition("-")
        first = _cron_value(text, low_text, name, lowest, highest, names)
        last = _cron_value(text, high_text, name, lowest, highest, names)
        if last < first:
            raise TimerSpecError(text, f"range '{body}' in the {name} field runs backwards")
    else:
        first = _cron_value(text, body, name, lowest, highest, names)
        last = highest if step_text else first
    return set(range(first, last + 1, step))


def _cron_value(
    text: str, token: str, name: str, lowest: int, highest: int, names: tuple[str, ...]
) -> int:
    upper = token.upper()
    if upper in names:
        return lowest + names.index(upper)
    if not token.isdigit():
        if any(mark in upper for mark in ("L", "W", "#")):
            raise TimerSpecError(text, f"'{token}' (L, W, #) is not supported in cron fields")
        raise TimerSpecError(text, f"invalid value '{token}' in the {name} field")
    value = int(token)
    if not lowest <= value <= highest:
        raise TimerSpecError(
            text, f"value {value} is outside {lowest}-{highest} in the {name} field"
        )
    return value


def _checked(text: str) -> str:
    if not isinstance(text, str):
        raise TimerSpecError(str(text), "a timer definition must be text")
    if len(text) > MAX_TIMER_TEXT:
        raise TimerSpecError(text[:40] + "...", "timer definition is too long")
    source = text.strip()
    if not source:
        raise TimerSpecError(text, "the timer definition is empty")
    if "${" in source or "#{" in source:
        raise TimerSpecError(text, "contains an expression; evaluate it before parsing")
    return source


def parse_timer(kind: Literal["date", "duration", "cycle"], text: str) -> TimerSpec:
    """Parse a ``timeDate``, ``timeDuration`` or ``timeCycle`` text."""
    if kind == "date":
        return DateTimer(_checked(text), parse_date(text))
    if kind == "duration":
        return parse_duration(text)
    if kind == "cycle":
        return parse_cycle(text)
    raise TimerSpecError(text, f"unknown timer kind '{kind}'")


def first_due(kind: str, text: str, moment: datetime) -> tuple[datetime | None, str | None]:
    """When a timer of `kind` armed at `moment` is due, and for a cycle the text it re-arms
    with, anchored at that moment (None: no repeat)."""
    spec = parse_timer(kind, text)  # type: ignore[arg-type]
    due = spec.next_due(moment)
    if not isinstance(spec, Cycle):
        return due, None
    return due, spec.fixed_at(moment).text


def next_cycle_due(
    repeat: str, fired: datetime | None, now: datetime, offset: timedelta = timedelta(0)
) -> tuple[datetime, str | None] | None:
    """When a cycle whose job was due at `fired` comes back, and the text it keeps (None:
    this is its last firing); None: it is used up. Counted from the later of now and
    `fired`, so a job executed ahead of time moves on to the next occurrence. `offset`: the
    job's schedule was moved by that much (a due date changed with cascade), and so are its
    later firings (Camunda's DurationHelper with a repeat offset)."""
    after = (max(now, fired) if fired is not None else now) - offset
    spec = parse_timer("cycle", repeat)
    due = spec.next_due(after)
    if isinstance(spec, RepeatingInterval) and spec.is_floating:
        # stored before cycles were anchored: the text counts the firings left down
        left = spec.counted_down()
        again = spec.next_due(now - offset)
        return (again + offset, left.text if left else None) if due and again else None
    return None if due is None else (due + offset, spec.text)
