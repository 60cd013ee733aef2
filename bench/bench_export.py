"""Auditor export at scale (issue 9): throughput (rows per second) and peak memory of a
1,000,000-row CSV export through the real code path, against PostgreSQL itself copying the
same rows as CSV to nowhere (`COPY (SELECT ...) TO STDOUT` read by psycopg) as baseline.

The export is `GET /audit/export/?kind=activity-instance&format=csv` as an admin, with
Django's test client in process; its streaming body is read to the end and thrown away. Each
export runs in a fresh worker process, so its peak resident memory is its own: the peak
during the export (Linux VmHWM, reset just before) against the resident size before it.
"Flat memory" is the claim of the issue: the same export of a tenth of the rows is run too,
and should peak at about the same size. The seed is the demo's KYC review, two instances
completed through the service API and cloned in bulk (bench/seed.py) until the history holds
1,000,000 activity instances.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from dataclasses import dataclass

import seed

ROWS = 1_000_000
KIND = "activity-instance"


@dataclass(frozen=True)
class Run:
    rows: int
    seconds: float
    size: int  # bytes produced
    rss_before: float  # MiB
    peak: float  # MiB, during the run

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def seed_database() -> None:
    from engine.models import HistoricActivityInstance

    started = time.perf_counter()
    seed.create_users()
    templates = seed.seed_templates(line_provisioning=False)
    present = HistoricActivityInstance.objects.count()
    per_round = HistoricActivityInstance.objects.filter(
        process_instance_id__in=templates.finished
    ).count()
    rounds = math.ceil((ROWS - present) / per_round)
    with seed.indexes_built_afterwards():
        seed.clone_instances({instance_id: rounds for instance_id in templates.finished})
    seed.analyze()
    counts = seed.table_counts("historicprocessinstance", "historicactivityinstance")
    print(
        f"seeded in {time.perf_counter() - started:.0f} s: "
        + ", ".join(f"{name} {number:,}" for name, number in counts.items()),
        flush=True,
    )


def _memory(field: str) -> float:
    """VmRSS or VmHWM of this process in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_peak() -> None:
    # Linux: writing 5 to clear_refs resets VmHWM to the current RSS.
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def export_in_worker(query: str, columns: list[str]) -> Run:
    """In a fresh process: one export through the auditor page, its body read to the end
    (`columns` is the baseline's business)."""
    import django

    django.setup()
    browser = seed.client(seed.ADMIN)
    url = f"/audit/export/?kind={KIND}&format=csv"
    warm = browser.get(url + "&process_instance_id=none")  # imports, templates, session
    b"".join(warm.streaming_content)
    rss_before = _memory("VmRSS")
    _reset_peak()
    started = time.perf_counter()
    response = browser.get(url + query)
    assert response.status_code == 200, response.status_code
    lines = size = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        size += len(chunk)
    seconds = time.perf_counter() - started
    return Run(lines - 1, seconds, size, rss_before, _memory("VmHWM"))


def copy_in_worker(query: str, columns: list[str]) -> Run:
    """In a fresh process: PostgreSQL's own CSV of the same rows and columns, read by psycopg."""
    import os

    import psycopg

    names = ", ".join(f'"{name}"' for name in columns)
    where = f" WHERE start_time >= '{query}'" if query else ""
    sql = (
        f"COPY (SELECT {names} FROM engine_historicactivityinstance{where} ORDER BY id)"
        " TO STDOUT (FORMAT csv, HEADER)"
    )
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn, conn.cursor() as cursor:
        rss_before = _memory("VmRSS")
        _reset_peak()
        started = time.perf_counter()
        lines = size = 0
        with cursor.copy(sql) as copy:
            for block in copy:
                lines += bytes(block).count(b"\n")
                size += len(block)
        seconds = time.perf_counter() - started
    return Run(lines - 1, seconds, size, rss_before, _memory("VmHWM"))


def tenth_start() -> str:
    """The start time after which a tenth of the rows began (for the small export)."""
    from engine.models import HistoricActivityInstance

    rows = HistoricActivityInstance.objects.order_by("-start_time").values_list(
        "start_time", flat=True
    )
    return rows[ROWS // 10 - 1].isoformat()


def main() -> None:
    from urllib.parse import quote

    with seed.bench_database("export"):
        from identity.export import KINDS, columns

        seed_database()
        since = tenth_start()
        names = columns(KINDS[KIND])
        context = multiprocessing.get_context("spawn")
        results = {}
        for label, function, query in (
            ("copy all", copy_in_worker, ""),
            ("export all", export_in_worker, ""),
            ("copy tenth", copy_in_worker, since),
            ("export tenth", export_in_worker, f"&after={quote(since)}"),
        ):
            with context.Pool(1) as pool:
                results[label] = pool.apply(function, (query, names))
        print_results(results)


def print_results(results: dict[str, Run]) -> None:
    from common import report

    ours, floor = results["export all"], results["copy all"]
    small = results["export tenth"]
    print(
        f"\nbaseline COPY ... TO STDOUT (csv) via psycopg: {floor.rows:,} rows in"
        f" {floor.seconds:.1f} s = {floor.rate:,.0f} rows/s, {floor.size / 2**20:,.0f} MiB,"
        f" peak {floor.peak:.0f} MiB (before {floor.rss_before:.0f} MiB)",
        flush=True,
    )
    report(
        f"auditor export CSV, {ours.rows:,} rows",
        f"{ours.rate:,.0f} rows/s",
        f"COPY to STDOUT ({floor.rate:,.0f} rows/s)",
        floor.rate / ours.rate,
    )
    print(
        f"    {ours.seconds:.1f} s, {ours.size / 2**20:,.0f} MiB of CSV; peak RSS"
        f" {ours.peak:.0f} MiB, {ours.peak - ours.rss_before:+.0f} MiB over the"
        f" {ours.rss_before:.0f} MiB before the export",
        flush=True,
    )
    print(
        f"    a tenth ({small.rows:,} rows, {small.rate:,.0f} rows/s): peak RSS {small.peak:.0f}"
        f" MiB, {small.peak - small.rss_before:+.0f} MiB over the {small.rss_before:.0f} MiB"
        " before: memory is flat if the two growths are about equal",
        flush=True,
    )


if __name__ == "__main__":
    main()
