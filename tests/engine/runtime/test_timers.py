from datetime import UTC, datetime, timedelta, timezone

import pytest

from engine.runtime.timers import (
    CronCycle,
    DateTimer,
    Duration,
    RepeatingInterval,
    TimerSpecError,
    parse_cycle,
    parse_date,
    parse_duration,
    parse_timer,
)

NOW = datetime(2026, 1, 31, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-06-26T09:54:00", datetime(2025, 6, 26, 9, 54, tzinfo=UTC)),
        ("2025-06-26T09:54:00Z", datetime(2025, 6, 26, 9, 54, tzinfo=UTC)),
        ("2025-06-26T09:54", datetime(2025, 6, 26, 9, 54, tzinfo=UTC)),
        ("2025-06-26", datetime(2025, 6, 26, tzinfo=UTC)),
        ("2025-06-26T09:54:00.250Z", datetime(2025, 6, 26, 9, 54, 0, 250000, tzinfo=UTC)),
        (
            "2025-06-26T09:54:00+02:00",
            datetime(2025, 6, 26, 9, 54, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("2025-06-26T09:54:00-0130", datetime(2025, 6, 26, 11, 24, tzinfo=UTC)),
    ],
)
def test_iso_dates_parse_with_or_without_an_offset(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2025-13-01T00:00:00", "2025-02-30", "26.06.2025", "2025-06-26T25:00", "tomorrow"]
)
def test_bad_dates_are_refused(text):
    with pytest.raises(TimerSpecError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT5M", NOW + timedelta(minutes=5)),
        ("P3D", NOW + timedelta(days=3)),
        ("PT1H30M", NOW + timedelta(hours=1, minutes=30)),
        ("PT0.5S", NOW + timedelta(seconds=0.5)),
        ("P2W", NOW + timedelta(weeks=2)),
        ("P1DT12H", NOW + timedelta(days=1, hours=12)),
        ("P1M", datetime(2026, 2, 28, 10, tzinfo=UTC)),
        ("P1Y1M", datetime(2027, 2, 28, 10, tzinfo=UTC)),
    ],
)
def test_a_duration_is_due_that_long_after_the_start(text, expected):
    assert parse_duration(text).next_due(NOW) == expected


def test_duration_fields_are_kept():
    assert parse_duration("P1Y2M3W4DT5H6M7S") == Duration(
        "P1Y2M3W4DT5H6M7S", years=1, months=2, weeks=3, days=4, hours=5, minutes=6, seconds=7
    )


@pytest.mark.parametrize("text", ["P", "PT", "5M", "PT5", "P1H", "PT-5M", "P1.5D", "pt5m", ""])
def test_bad_durations_are_refused(text):
    with pytest.raises(TimerSpecError):
        parse_duration(text)


def test_a_naive_moment_is_read_as_utc():
    assert parse_duration("PT1M").next_due(datetime(2026, 1, 1)) == datetime(
        2026, 1, 1, 0, 1, tzinfo=UTC
    )


def test_a_repeating_interval_is_anchored_where_its_timer_starts():
    # Camunda writes the start into the cycle when the timer is created: the repetitions
    # are counted on that schedule, however late each firing runs
    cycle = parse_cycle("R3/PT10M")
    assert isinstance(cycle, RepeatingInterval)
    assert cycle.next_due(NOW) == NOW + timedelta(minutes=10)
    fixed = cycle.fixed_at(NOW + timedelta(seconds=0.5))
    assert fixed.text == "R3/2026-01-31T10:00:00Z/PT10M"
    assert parse_cycle(fixed.text) == fixed
    assert fixed.next_due(NOW + timedelta(minutes=19)) == NOW + timedelta(minutes=20)
    assert fixed.next_due(NOW + timedelta(minutes=25)) == NOW + timedelta(minutes=30)
    assert fixed.next_due(NOW + timedelta(minutes=30)) is None


def test_an_anchored_cycle_stays_as_it_is():
    cycle = parse_cycle("R3/2026-02-01T00:00:00Z/PT1H")
    assert cycle.fixed_at(NOW) is cycle
    ending = parse_cycle("R/PT1H/2026-02-01T00:00:00Z")
    assert ending.fixed_at(NOW) is ending


def test_a_floating_cycle_stored_before_anchoring_counts_down_in_its_text():
    cycle = parse_cycle("R3/PT10M")
    assert isinstance(cycle, RepeatingInterval)
    second = cycle.counted_down()
    assert second is not None
    assert (second.text, second.repetitions) == ("R2/PT10M", 2)
    third = second.counted_down()
    assert third is not None
    assert third.counted_down() is None


def test_an_unbounded_repeating_interval_never_runs_out():
    cycle = parse_cycle("R/PT1H")
    assert cycle.repetitions is None
    assert cycle.next_due(NOW) == NOW + timedelta(hours=1)
    fixed = cycle.fixed_at(NOW)
    assert fixed.next_due(NOW + timedelta(hours=1000, minutes=1)) == NOW + timedelta(hours=1001)


def test_a_repeating_interval_with_a_future_start_is_first_due_at_the_start():
    cycle = parse_cycle("R3/2026-02-01T00:00:00Z/PT1H")
    assert cycle.next_due(NOW) == datetime(2026, 2, 1, tzinfo=UTC)


def test_a_start_counts_as_an_occurrence_before_its_repetitions():
    # Camunda's DurationHelper: Rn/<start>/<interval> is due at the start and n times after
    cycle = parse_cycle("R2/2026-01-31T10:00:00Z/PT1H")
    assert cycle.next_due(NOW - timedelta(minutes=1)) == NOW
    assert cycle.next_due(NOW) == NOW + timedelta(hours=1)
    assert cycle.next_due(NOW + timedelta(hours=1)) == NOW + timedelta(hours=2)
    assert cycle.next_due(NOW + timedelta(hours=2)) is None


def test_a_repeating_interval_with_a_past_start_is_due_at_the_next_step():
    cycle = parse_cycle("R/2026-01-01T00:00:00Z/PT1H")
    assert cycle.next_due(NOW) == NOW + timedelta(hours=1)
    assert cycle.next_due(NOW + timedelta(minutes=1)) == NOW + timedelta(hours=1)


def test_calendar_steps_from_a_start_follow_the_calendar():
    cycle = parse_cycle("R/2025-01-31T00:00:00Z/P1M")
    assert cycle.next_due(datetime(2025, 3, 1, tzinfo=UTC)) == datetime(2025, 3, 31, tzinfo=UTC)


def test_calendar_steps_from_a_start_long_ago_land_on_the_next_step():
    cycle = parse_cycle("R/2005-01-15T00:00:00Z/P1M")
    assert cycle.next_due(datetime(2025, 3, 20, tzinfo=UTC)) == datetime(2025, 4, 15, tzinfo=UTC)
    yearly = parse_cycle("R/1990-06-01T00:00:00Z/P1Y")
    assert yearly.next_due(datetime(2025, 6, 1, tzinfo=UTC)) == datetime(2026, 6, 1, tzinfo=UTC)


def test_a_repeating_interval_with_an_end_counts_back_from_it():
    cycle = parse_cycle("R/PT1H/2026-01-31T10:30:00Z")
    assert cycle.next_due(NOW) == NOW + timedelta(minutes=30)
    assert cycle.next_due(NOW - timedelta(hours=1)) == NOW - timedelta(minutes=30)
    assert cycle.next_due(NOW + timedelta(minutes=30)) is None
    counted = parse_cycle("R2/PT1H/2026-01-31T10:30:00Z")
    assert counted.next_due(NOW - timedelta(hours=9)) == NOW - timedelta(hours=1, minutes=30)
    monthly = parse_cycle("R/P1M/2026-01-31T00:00:00Z")
    assert monthly.next_due(datetime(2020, 5, 2, tzinfo=UTC)) == datetime(2020, 5, 31, tzinfo=UTC)


def test_zero_repetitions_are_never_due():
    assert parse_cycle("R0/PT1H").next_due(NOW) is None


@pytest.mark.parametrize("text", ["R3", "R3/PT0S", "Rx/PT1H", "R3/PT1H/P1D/x", "R3/xx/PT1H"])
def test_bad_repeating_intervals_are_refused(text):
    with pytest.raises(TimerSpecError):
        parse_cycle(text)


@pytest.mark.parametrize(
    ("text", "after", "expected"),
    [
        ("0 0/5 * * * ?", NOW, datetime(2026, 1, 31, 10, 5, tzinfo=UTC)),
        ("0 0/5 * * * ?", NOW + timedelta(minutes=4, seconds=59), NOW + timedelta(minutes=5)),
        ("*/30 * * * * ?", NOW, NOW + timedelta(seconds=30)),
        ("0 0 9 ? * MON-FRI", NOW, datetime(2026, 2, 2, 9, tzinfo=UTC)),
        ("0 0 9 ? * 2", NOW, datetime(2026, 2, 2, 9, tzinfo=UTC)),
        ("0 30 8,17 * * ?", NOW, datetime(2026, 1, 31, 17, 30, tzinfo=UTC)),
        ("0 0 0 1 * ?", NOW, datetime(2026, 2, 1, tzinfo=UTC)),
        ("0 0 0 29 FEB ?", NOW, datetime(2028, 2, 29, tzinfo=UTC)),
        ("0 0 12 15 6 ? 2027", NOW, datetime(2027, 6, 15, 12, tzinfo=UTC)),
        ("0 0 10-12/2 * * ?", NOW, datetime(2026, 1, 31, 12, tzinfo=UTC)),
        ("0 0 0 * * *", NOW, datetime(2026, 2, 1, tzinfo=UTC)),
    ],
)
def test_cron_next_due_is_the_next_matching_second(text, after, expected):
    cycle = parse_cycle(text)
    assert isinstance(cycle, CronCycle)
    assert cycle.next_due(after) == expected


def test_cron_is_evaluated_in_its_zone():
    cycle = parse_cycle("0 0 9 * * ?")
    assert isinstance(cycle, CronCycle)
    vienna_winter = timezone(timedelta(hours=1))
    local = CronCycle(**{**cycle.__dict__, "zone": vienna_winter})
    assert local.next_due(NOW) == datetime(2026, 2, 1, 8, tzinfo=UTC)


def test_a_cron_cycle_never_runs_out_of_repetitions():
    cycle = parse_cycle("0 0 * * * ?")
    assert cycle.repetitions is None
    assert cycle.fixed_at(NOW) is cycle


def test_a_cron_year_in_the_past_is_never_due():
    assert parse_cycle("0 0 0 1 1 ? 2020").next_due(NOW) is None


def test_an_impossible_cron_date_is_never_due():
    assert parse_cycle("0 0 0 30 2 ?").next_due(NOW) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0 0 * * *", "6 or 7 fields"),
        ("0 60 * * * ?", "value 60 is outside 0-59 in the minute field"),
        ("0 0 * ? * ?", "not both"),
        ("0 0 0 1 * MON", "either day-of-month or day-of-week"),
        ("0 0 0 L * ?", "(L, W, #) is not supported"),
        ("0 0 0 ? * 6#3", "(L, W, #) is not supported"),
        ("? 0 0 * * ?", "'?' is only allowed"),
        ("0 0/0 * * * ?", "invalid step"),
        ("0 0 5-3 * * ?", "runs backwards"),
        ("0 0 0 * XYZ ?", "invalid value 'XYZ' in the month field"),
    ],
)
def test_bad_cron_expressions_are_refused_with_a_reason(text, reason):
    with pytest.raises(TimerSpecError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_cycle(text)


def test_parse_timer_dispatches_on_the_kind():
    assert parse_timer("date", "2026-02-01T00:00:00Z") == DateTimer(
        "2026-02-01T00:00:00Z", datetime(2026, 2, 1, tzinfo=UTC)
    )
    assert isinstance(parse_timer("duration", "PT1M"), Duration)
    assert isinstance(parse_timer("cycle", "R2/PT1M"), RepeatingInterval)
    assert isinstance(parse_timer("cycle", "0 * * * * ?"), CronCycle)


def test_a_date_timer_is_due_at_its_date_even_when_past():
    spec = parse_timer("date", "2020-01-01T00:00:00Z")
    assert spec.next_due(NOW) == datetime(2020, 1, 1, tzinfo=UTC)


def test_surrounding_whitespace_from_the_xml_is_ignored():
    assert parse_timer("duration", "\n  PT5M \n").next_due(NOW) == NOW + timedelta(minutes=5)


def test_timer_text_with_an_expression_must_be_evaluated_first():
    with pytest.raises(TimerSpecError, match="evaluate it before parsing"):
        parse_timer("duration", "${delay}")


def test_the_error_names_the_text_and_the_reason():
    with pytest.raises(TimerSpecError) as caught:
        parse_timer("duration", "5 minutes")
    assert str(caught.value).startswith("Invalid timer definition '5 minutes': expected an ISO")
    assert caught.value.reason.startswith("expected an ISO 8601 duration")
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("text", ["", "   ", "x" * 5000])
def test_empty_or_huge_texts_are_refused(text):
    with pytest.raises(TimerSpecError):
        parse_timer("cycle", text)


def test_an_unknown_kind_is_refused():
    with pytest.raises(TimerSpecError, match="unknown timer kind"):
        parse_timer("sometime", "PT1M")  # type: ignore[arg-type]
