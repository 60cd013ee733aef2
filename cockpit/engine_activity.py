"""The dashboard's engine activity (Camunda EE's metrics dashboard): what the engine did per
hour or day over a period, from the meter log, drawn as bar charts on the server (SVG, no
script) with the numbers in a table beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from engine.metrics import names
from engine.metrics.meters import meters
from engine.metrics.queries import interval_values

# period -> (its length, one bar's width in seconds, what a bar is called)
PERIODS: dict[str, tuple[timedelta, int, str]] = {
    "24h": (timedelta(hours=24), 3600, "hour"),
    "7d": (timedelta(days=7), 6 * 3600, "6 hours"),
    "30d": (timedelta(days=30), 24 * 3600, "day"),
}
DEFAULT_PERIOD = "24h"
METRICS = (
    (names.ROOT_PROCESS_INSTANCE_START, "Process instances started"),
    (names.ACTIVITY_INSTANCE_START, "Flow node instances"),
    (names.EXECUTED_DECISION_INSTANCES, "Decisions evaluated"),
    (names.JOB_SUCCESSFUL, "Jobs executed"),
    (names.JOB_FAILED, "Jobs failed"),
)
CHART_WIDTH, CHART_HEIGHT = 240, 48  # the SVG's viewBox


@dataclass(frozen=True)
class Bar:
    start: datetime
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Series:
    name: str
    label: str
    total: int
    peak: int
    bars: list[Bar]


def engine_activity(period: str, now: datetime) -> list[Series]:
    """One series per metric over `period` (a key of PERIODS), oldest bar first; the last
    bar is the one `now` falls in (it holds what this process counted and has not written
    out yet too)."""
    length, width, _unit = PERIODS[period]
    now_seconds = int(now.timestamp())
    last = now_seconds - now_seconds % width
    starts = [last - width * i for i in range(int(length.total_seconds()) // width - 1, -1, -1)]
    begin = datetime.fromtimestamp(starts[0], tz=UTC)
    series = []
    for name, label in METRICS:
        found = interval_values(
            name=name, start=begin, interval=width, limit=len(starts),
            aggregate_by_reporter=True, with_unflushed=False,
        )
        by_start = {int(v.timestamp.timestamp()): v.value for v in found}
        values = [by_start.get(start, 0) for start in starts]
        values[-1] += meters.pending(name)
        series.append(_series(name, label, starts, values))
    return series


def _series(name: str, label: str, starts: list[int], values: list[int]) -> Series:
    peak = max(values, default=0)
    slot = CHART_WIDTH / len(starts)
    bars = []
    for index, (start, value) in enumerate(zip(starts, values, strict=True)):
        height = CHART_HEIGHT * value / peak if peak else 0.0
        if value and height < 1:
            height = 1.0  # a bar with something in it stays visible
        bars.append(Bar(
            datetime.fromtimestamp(start, tz=UTC), value,
            x=round(index * slot + slot * 0.1, 2), y=round(CHART_HEIGHT - height, 2),
            width=round(slot * 0.8, 2), height=round(height, 2),
        ))
    return Series(name, label, sum(values), peak, bars)


def activity_rows(series: list[Series]) -> list[tuple[datetime, list[int]]]:
    """The charts' numbers as table rows, newest first: a bar's start and each series' value."""
    if not series:
        return []
    starts = [bar.start for bar in series[0].bars]
    rows = [(start, [s.bars[i].value for s in series]) for i, start in enumerate(starts)]
    return rows[::-1]
