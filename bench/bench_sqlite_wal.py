"""The embedded default's WAL checkpoints beside the commands (engine/store/sqlite_wal.py)
against SQLite's own, run by whichever commit crosses 1,000 pages of log.

One process, one SQLite file in a temporary directory, full history; the two ways alternate
in rounds of ROUND_INSTANCES instances per graph (the database grows alike under both). For
each: completed instances per second (median round) and the latency of a commit (every
commit of every round: median and 99th percentile), the time Django's `commit()` takes. No
target: the figures show what a command no longer waits for.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from typing import Any

import dbworkers
from common import report
from flows import MODELS

ROUNDS = 6  # per way, alternating
ROUND_INSTANCES = int(os.environ.get("BENCH_WAL_INSTANCES", "150"))
SQLITE_DEFAULT_CHECKPOINT_PAGES = 1000


def _commit_timer(connection: Any) -> list[float]:
    """Every commit's duration from now on, appended to the returned list."""
    durations: list[float] = []
    commit = connection._commit

    def timed() -> None:
        started = time.perf_counter()
        try:
            commit()
        finally:
            durations.append(time.perf_counter() - started)

    connection._commit = timed
    return durations


def _checkpoints_beside(path: str, connection: Any, beside: bool) -> None:
    from engine.store import sqlite_wal

    running = sqlite_wal.checkpoint_in_background(path)
    pages = sqlite_wal.COMMIT_CHECKPOINT_PAGES
    if not beside:
        running.stop()
        running.join()
        pages = SQLITE_DEFAULT_CHECKPOINT_PAGES
    connection.connection.execute(f"PRAGMA wal_autocheckpoint={pages}").fetchall()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="legato-bench-wal-") as directory:
        path = os.path.join(directory, "bench.sqlite3")
        dbworkers.init(f"sqlite:///{path}")
        dbworkers.prepare()
        from django.db import connection

        connection.ensure_connection()
        commits = _commit_timer(connection)
        print("\nSQLite WAL checkpoints: beside the commands vs on commit (one worker)")
        for model in MODELS:
            rates: dict[bool, list[float]] = {True: [], False: []}
            latencies: dict[bool, list[float]] = {True: [], False: []}
            for _ in range(20):
                dbworkers.legato_instance(model)
            for round_ in range(ROUNDS):
                for beside in (True, False) if round_ % 2 else (False, True):
                    _checkpoints_beside(path, connection, beside)
                    commits.clear()
                    started = time.perf_counter()
                    for _ in range(ROUND_INSTANCES):
                        dbworkers.legato_instance(model)
                    rates[beside].append(ROUND_INSTANCES / (time.perf_counter() - started))
                    latencies[beside] += commits
            ours, theirs = statistics.median(rates[True]), statistics.median(rates[False])
            report(
                f"SQLite ({model.name}) checkpoints beside",
                f"{ours:,.0f} inst/s",
                f"checkpoints on commit ({theirs:,.0f}/s)",
                theirs / ours,
            )
            for beside, label in ((True, "beside"), (False, "on commit")):
                spread = sorted(latencies[beside])
                median = spread[len(spread) // 2] * 1000
                p99 = spread[int(len(spread) * 0.99)] * 1000
                print(
                    f"  commit latency, checkpoints {label:<9}: median {median:.2f} ms,"
                    f" p99 {p99:.2f} ms, max {spread[-1] * 1000:.1f} ms ({len(spread)} commits)",
                    flush=True,
                )
        connection.close()


if __name__ == "__main__":
    main()
