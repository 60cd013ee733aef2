"""Writing this process's counts to the meter log (Camunda's DbMetricsReporter).

A daemon thread flushes every `LEGATO_METRICS_FLUSH_SECONDS`, and the process flushes once
more when it exits normally (atexit; a Celery child at its shutdown signal). Each flush
writes one row per metric name with this reporter's count since the last flush. Counts not
yet flushed are lost when a process crashes or is killed, as in Camunda.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from engine.metrics.meters import meters
from engine.models import MeterLog, TaskMeterLog

log = logging.getLogger("legato.metrics")


def reporter_id() -> str:
    """The reporter the rows name (Camunda: `<local IP>$<engine name>`)."""
    return str(settings.LEGATO_METRICS_REPORTER)


def flush(now: datetime | None = None) -> int:
    """Write what this process counted since the last flush; returns the rows written.

    On failure the counts are kept for the next flush and the error is raised."""
    counts, assignments = meters.take()
    if not counts and not assignments:
        return 0
    now = now or timezone.now()
    millis = int(now.timestamp() * 1000)
    reporter = reporter_id()
    rows = [
        MeterLog(name=name, reporter=reporter, value=value, timestamp=now, milliseconds=millis)
        for name, value in sorted(counts.items())
    ]
    users = [TaskMeterLog(assignee_hash=h, timestamp=when) for h, when in assignments]
    try:
        with transaction.atomic():
            MeterLog.objects.bulk_create(rows)
            TaskMeterLog.objects.bulk_create(users)
    except Exception:
        meters.put_back(counts, assignments)
        raise
    return len(rows) + len(users)


def flush_quietly() -> None:
    """A flush that logs instead of raising (the thread, process exit)."""
    try:
        flush()
    except Exception:  # a database that is away must not kill the reporter or the exit
        log.exception("execution metrics not flushed; kept for the next flush")


class MetricsReporterThread(threading.Thread):
    def __init__(self, interval: float) -> None:
        super().__init__(name="legato-metrics-reporter", daemon=True)
        self.interval = interval
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        while not self._stopping.wait(self.interval):
            flush_quietly()
            connection.close()  # this thread's own connection; none held between flushes


_started: tuple[int, MetricsReporterThread] | None = None
_lock = threading.Lock()


def start_metrics_reporter() -> MetricsReporterThread | None:
    """Start flushing in this process (once per process: a forked child starts its own).

    Called where a process that runs commands starts: the ASGI app, each Celery worker
    process, `run_job_acquisition`. None when metrics are off or the interval is 0."""
    global _started
    interval = settings.LEGATO_METRICS_FLUSH_SECONDS
    if not settings.LEGATO_METRICS_ENABLED or interval <= 0:
        return None
    with _lock:
        if _started is not None and _started[0] == os.getpid() and _started[1].is_alive():
            return _started[1]
        thread = MetricsReporterThread(interval)
        thread.start()
        if _started is None or _started[0] != os.getpid():
            atexit.register(_flush_at_exit)
        _started = (os.getpid(), thread)
        return thread


def _flush_at_exit() -> None:
    flush_quietly()
    connection.close()
