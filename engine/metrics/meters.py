"""This process's counts not yet written to the meter log (Camunda's MetricsRegistry).

Only memory: a command's transaction never writes a metric. Counts reach the database when
the reporter flushes them (engine/metrics/reporter.py); what a process counted since its
last flush is lost if it crashes, as in Camunda.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime


def assignee_hash(assignee: str) -> int:
    """A fixed-length pseudonym of a task assignee (Camunda stores a hash, never the name)."""
    digest = hashlib.sha256(assignee.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Meters:
    """Counters by metric name, and task assignments (assignee hash, minute) to log."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        # One task-meter row per assignee per minute is enough to count them distinct over
        # any range of whole minutes; repeated assignments within it add nothing.
        self._assignments: dict[tuple[int, datetime], None] = {}

    def mark(self, name: str, times: int = 1) -> None:
        if times:
            with self._lock:
                self._counts[name] += times

    def mark_all(self, counts: Mapping[str, int]) -> None:
        with self._lock:
            self._counts.update(counts)

    def mark_assignments(self, assignments: Iterable[tuple[str, datetime]]) -> None:
        keys = [
            (assignee_hash(assignee), when.replace(second=0, microsecond=0))
            for assignee, when in assignments
        ]
        with self._lock:
            for key in keys:
                self._assignments[key] = None

    def pending(self, name: str) -> int:
        with self._lock:
            return self._counts.get(name, 0)

    def take(self) -> tuple[Counter[str], list[tuple[int, datetime]]]:
        """Everything counted so far, and zero left behind (the reporter writes it)."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
            assignments, self._assignments = list(self._assignments), {}
        return +counts, assignments

    def put_back(self, counts: Counter[str], assignments: list[tuple[int, datetime]]) -> None:
        """A flush that failed: its counts wait for the next one."""
        with self._lock:
            self._counts.update(counts)
            for key in assignments:
                self._assignments[key] = None

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
            self._assignments.clear()

    def forget_after_fork(self) -> None:
        # A new lock too: the parent's may have been held by another thread at the fork.
        self._lock = threading.Lock()
        self._counts = Counter()
        self._assignments = {}


meters = Meters()
# When this process began counting (its start: engine/metrics is imported as the server
# starts); /telemetry/data reports it as Camunda's data-collection-start-date.
STARTED = datetime.now(UTC)
# A forked child (a Celery prefork worker) starts with none: its parent reports its own.
os.register_at_fork(after_in_child=meters.forget_after_fork)
