from datetime import UTC, datetime, timedelta

import pytest

from engine.jobs.retries import after_failure
from engine.runtime.timers import TimerSpecError

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_without_a_cycle_a_job_runs_three_times_with_no_wait():
    first = after_failure(None, 3, True, NOW)
    second = after_failure(None, first.retries, False, NOW)
    third = after_failure(None, second.retries, False, NOW)
    assert [first.retries, second.retries, third.retries] == [2, 1, 0]
    assert first.due is None


def test_repeating_cycle_gives_that_many_executions_spaced_by_the_interval():
    first = after_failure("R5/PT5M", 3, True, NOW)
    assert first.retries == 4
    assert first.due == NOW + timedelta(minutes=5)
    later = after_failure("R5/PT5M", 1, False, NOW)
    assert (later.retries, later.due) == (0, None)


def test_interval_list_waits_each_interval_in_turn():
    cycle = "PT1M,PT5M,PT10M"
    waits = []
    retries, first = 3, True
    while True:
        decision = after_failure(cycle, retries, first, NOW)
        first, retries = False, decision.retries
        if decision.due is None:
            break
        waits.append(decision.due - NOW)
    assert waits == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=10)]


def test_a_cron_retry_cycle_is_refused_with_a_reason():
    with pytest.raises(TimerSpecError, match="retry cycle"):
        after_failure("0 0 * * * ?", 3, True, NOW)


def test_a_retry_cycle_may_wait_no_time():
    decision = after_failure("R2/PT0S", 3, True, NOW)
    assert (decision.retries, decision.due) == (1, NOW)
