"""How a failed job is retried: `camunda:failedJobRetryTimeCycle` (Camunda's DefaultJobRetryCmd).

- no cycle: 3 executions in all, no wait between them (the engine default);
- `R5/PT5M`: 5 executions in all, 5 minutes apart;
- `PT1M,PT5M,PT10M`: the first execution plus one retry after each interval, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from engine.runtime.timers import TimerSpecError, parse_duration

DEFAULT_RETRIES = 3


@dataclass(frozen=True)
class RetryDecision:
    retries: int  # left after this failure; 0 raises an incident
    due: datetime | None  # when the next try may run


def after_failure(
    cycle: str | None, retries_before: int, first_failure: bool, now: datetime
) -> RetryDecision:
    """Retries left and the next due time after one failed execution."""
    if not cycle:
        return RetryDecision(max(retries_before - 1, 0), None)
    if "," in cycle:
        intervals = [parse_duration(part.strip()) for part in cycle.split(",")]
        if first_failure:
            retries_before = len(intervals) + 1
        left = max(retries_before - 1, 0)
        # The k-th retry waits the k-th interval: with n intervals, `left` counts down n..1.
        index = min(max(len(intervals) - left, 0), len(intervals) - 1)
        return RetryDecision(left, intervals[index].add_to(now) if left else None)
    match = _RETRY_CYCLE.match(cycle.strip())
    if match is None:
        raise TimerSpecError(cycle, "a retry cycle must be R<n>/<duration> or a list of durations")
    # Parsed here, not as a timer: a retry may wait no time at all (R3/PT0S).
    interval = parse_duration(match.group(2))
    if first_failure:
        retries_before = int(match.group(1)) if match.group(1) else DEFAULT_RETRIES
    left = max(retries_before - 1, 0)
    return RetryDecision(left, interval.add_to(now) if left else None)


_RETRY_CYCLE = re.compile(r"^R(\d*)/(P\S+)$")
