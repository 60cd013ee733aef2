"""Engine II on a database: completed instances per second with full history, on PostgreSQL
and on SQLite (the embedded default), with 1 and 4 concurrent worker processes, against

- the raw floor: the same rows Legato writes per instance, written by the bare driver in one
  transaction per instance (target: Legato reaches at least 40% of its throughput);
- SpiffWorkflow saving its serialized workflow in a row per wait state (target: 1.5x);
- and, for reference, one small row per command in its own durable transaction and nothing
  else: the most instances per second any engine that commits each command can complete.
  Where 1.5x Spiff is above it, no persisted engine meets that target on this machine.

Workers are processes (each its own Django setup and connection): threads would only measure
the GIL. Each figure is the best of two short timed windows (BENCH_SECONDS each, default 1.25)
after a warm-up, the three systems interleaved; still expect +-20% between runs on a shared
machine. The bench databases are created here and dropped at the end: PostgreSQL
`legato_bench_<pid>` (+ `_floor`) on BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432), and SQLite files in a temporary directory.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from typing import Any

import dbworkers
from common import Targets, report
from flows import MODELS, BenchModel

SECONDS = float(os.environ.get("BENCH_SECONDS", "1.25"))
WARM_UP = 0.5
ROUNDS = 2  # each figure is the best of this many windows, the systems interleaved
CONCURRENCY = (1, 4)
FLOOR_SHARE = 0.40
SPIFF_SPEEDUP = 1.5


def throughput(
    pool: Any, system: str, model: BenchModel, workers: int, footprint: dbworkers.Footprint
) -> float:
    start_at = time.time() + WARM_UP
    stop_at = start_at + SECONDS
    jobs = [
        pool.apply_async(dbworkers.measure, (system, model.name, start_at, stop_at, footprint))
        for _ in range(workers)
    ]
    return sum(job.get(timeout=120) for job in jobs) / SECONDS


def bench_backend(
    label: str,
    database_url: str,
    copy_for_floor: Callable[[], None],
    driver: str,
    targets: Targets,
) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(max(CONCURRENCY), dbworkers.init, (database_url,)) as pool:
        prepared = pool.apply_async(dbworkers.prepare)
        footprints: dict[str, dbworkers.Footprint] = prepared.get(timeout=300)
        copy_for_floor()
        for job in [pool.apply_async(dbworkers.warm) for _ in range(max(CONCURRENCY))]:
            job.get(timeout=120)
        print(f"\n{label}: what Legato sends per instance (full history)", flush=True)
        for model in MODELS:
            fp = footprints[model.name]
            print(
                f"  ({model.name}) {fp.transactions} transaction(s), {fp.statements} statements"
                f" ({fp.reads} SELECT) changing {fp.rows} rows, sent in {fp.round_trips}"
                f" round trips ({len(fp.writes)} of them writes)",
                flush=True,
            )
        for model in MODELS:
            for workers in CONCURRENCY:
                best = dict.fromkeys(("floor", "legato", "spiff", "commits"), 0.0)
                for _ in range(ROUNDS):
                    for system in best:
                        figure = throughput(pool, system, model, workers, footprints[model.name])
                        best[system] = max(best[system], figure)
                floor, ours, spiff = best["floor"], best["legato"], best["spiff"]
                what = f"{label} ({model.name}) {workers} worker{'s' if workers > 1 else ''}"
                value = f"{ours:,.0f} inst/s"
                report(
                    what,
                    value,
                    f"raw floor ({driver}, {floor:,.0f}/s)",
                    floor / ours,
                    f"<= {1 / FLOOR_SHARE:.2f}x",
                )
                report(
                    "",
                    "",
                    f"Spiff + row per wait ({spiff:,.0f}/s)",
                    spiff / ours,
                    f"<= {1 / SPIFF_SPEEDUP:.2f}x",
                )
                commits = best["commits"]
                report("", "", f"a small row per command ({commits:,.0f}/s)", commits / ours)
                needed = SPIFF_SPEEDUP * spiff
                where = "above" if needed > commits else "below"
                print(f"{'':<80}(1.5x Spiff, {needed:,.0f}/s, is {where} it)", flush=True)
                short = f"{label} ({model.name}) x{workers}"
                targets.check(f"{short}: share of the raw floor", ours / floor, FLOOR_SHARE, "%")
                targets.check(f"{short}: vs SpiffWorkflow", ours / spiff, SPIFF_SPEEDUP, "x")


@contextmanager
def postgres_databases(server: str) -> Iterator[tuple[str, Callable[[], None]] | None]:
    import psycopg

    name = f"legato_bench_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        print(f"\nPostgreSQL skipped: {server} is not reachable ({error})", flush=True)
        yield None
        return
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')

        def copy_for_floor() -> None:
            # A copy of the migrated and deployed database: same tables, indexes, constraints.
            admin.execute(f'CREATE DATABASE "{name}_floor" TEMPLATE "{name}"')

        try:
            yield f"{server}/{name}", copy_for_floor
        finally:
            for database in (f"{name}_floor", name):
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main() -> None:
    targets = Targets("persistence (completed instances per second, full history)")
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    with postgres_databases(server) as postgres:
        if postgres is not None:
            url, copy = postgres
            bench_backend("PostgreSQL", url, copy, "psycopg", targets)
    with tempfile.TemporaryDirectory(prefix="legato-bench-") as directory:
        path = os.path.join(directory, "bench.sqlite3")

        def copy_sqlite() -> None:
            # SQLite's backup, not a file copy: a worker's checkpoint thread keeps the log
            # open, and the main file alone may hold a half-copied checkpoint.
            with closing(sqlite3.connect(path)) as source, closing(
                sqlite3.connect(path + "_floor")
            ) as copy:
                source.backup(copy)

        bench_backend("SQLite", f"sqlite:///{path}", copy_sqlite, "sqlite3", targets)
    targets.print_summary()


if __name__ == "__main__":
    main()
