"""The dashboard's engine activity: the meter log per hour (or 6 hours, or day) as bar
charts and a table, for those who may read the metrics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from cockpit.engine_activity import activity_rows, engine_activity
from engine.metrics import names
from engine.models import MeterLog

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 14, 9, 26, tzinfo=UTC)


@pytest.fixture(autouse=True)
def nothing_pending():
    """The counts earlier tests left in this process, not yet written out, would join the
    newest bar: start without them."""
    from engine.metrics.meters import meters

    meters.reset()


def meter(name: str, value: int, at: datetime, reporter: str = "a") -> None:
    MeterLog.objects.create(
        name=name, value=value, reporter=reporter, timestamp=at,
        milliseconds=int(at.timestamp() * 1000),
    )


def test_each_hour_of_the_last_day_gets_a_bar_with_what_all_reporters_counted():
    meter(names.ACTIVITY_INSTANCE_START, 5, NOW - timedelta(minutes=10))
    meter(names.ACTIVITY_INSTANCE_START, 7, NOW - timedelta(minutes=20), reporter="b")
    meter(names.ACTIVITY_INSTANCE_START, 3, NOW - timedelta(hours=5))
    meter(names.ACTIVITY_INSTANCE_START, 100, NOW - timedelta(hours=30))  # before the day
    meter(names.JOB_FAILED, 1, NOW - timedelta(hours=23, minutes=50))
    series = {s.name: s for s in engine_activity("24h", NOW)}
    nodes = series[names.ACTIVITY_INSTANCE_START]
    assert len(nodes.bars) == 24
    assert nodes.bars[-1].start == datetime(2026, 3, 14, 9, tzinfo=UTC)
    assert nodes.bars[0].start == datetime(2026, 3, 13, 10, tzinfo=UTC)
    assert [b.value for b in nodes.bars if b.value] == [3, 12]
    assert (nodes.total, nodes.peak) == (15, 12)
    assert (nodes.bars[-1].height, nodes.bars[-6].height) == (48, 12)  # scaled to the peak
    assert series[names.JOB_FAILED].bars[0].value == 0  # 09:36 yesterday: before the first bar
    assert series[names.EXECUTED_DECISION_INSTANCES].total == 0


def test_a_week_has_bars_of_six_hours_and_a_month_of_a_day():
    meter(names.JOB_SUCCESSFUL, 4, NOW - timedelta(days=3))
    week = {s.name: s for s in engine_activity("7d", NOW)}[names.JOB_SUCCESSFUL]
    assert (len(week.bars), week.total) == (28, 4)
    month = {s.name: s for s in engine_activity("30d", NOW)}[names.JOB_SUCCESSFUL]
    assert (len(month.bars), month.bars[-1].start) == (30, datetime(2026, 3, 14, tzinfo=UTC))


def test_the_table_lists_the_bars_newest_first():
    meter(names.ROOT_PROCESS_INSTANCE_START, 2, NOW - timedelta(hours=1))
    rows = activity_rows(engine_activity("24h", NOW))
    assert rows[0] == (datetime(2026, 3, 14, 9, tzinfo=UTC), [0, 0, 0, 0, 0])
    assert rows[1] == (datetime(2026, 3, 14, 8, tzinfo=UTC), [2, 0, 0, 0, 0])


def test_the_dashboard_shows_the_charts_to_whom_may_read_the_metrics(user_client, client, operator):
    from django.utils import timezone

    meter(names.ACTIVITY_INSTANCE_START, 9, timezone.now())
    url = reverse("cockpit:dashboard")
    page = user_client.get(url, {"activity": "7d"}).content.decode()
    assert 'data-testid="engine-activity"' in page
    assert "9</strong> flow node instances" in page
    assert "per 6 hours" in page
    assert "per hour" in user_client.get(url, {"activity": "nonsense"}).content.decode()
    client.force_login(operator)  # no READ on System
    assert 'data-testid="engine-activity"' not in client.get(url).content.decode()


def test_what_the_engine_counted_and_has_not_written_yet_joins_the_current_bar():
    from engine.metrics.meters import meters

    meter(names.JOB_SUCCESSFUL, 2, NOW - timedelta(hours=3))
    meters.mark(names.JOB_SUCCESSFUL, 5)
    jobs = {s.name: s for s in engine_activity("24h", NOW)}[names.JOB_SUCCESSFUL]
    assert (jobs.bars[-1].value, jobs.bars[-4].value, jobs.total) == (5, 2, 7)
