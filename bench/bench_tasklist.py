"""Tasklist at scale (issue 8): server time of "My groups' tasks" with 50,000 open tasks,
against a trivial page of the same server (the login page) as baseline. Target: under 200 ms.

The viewer is clara, a compliance officer (no admin rights), opening the full page (the list's
first 50 rows and the side bar with the counts of every list) in process with Django's test
client: the median of several requests after a warm-up. The seed is the demo's KYC review
(candidate group "compliance"), three instances worked through the service API and cloned in
bulk (bench/seed.py) to 50,000 open review tasks: most unassigned, some claimed by clara.
"""

from __future__ import annotations

import time

import seed

OPEN_TASKS = 50_000
TARGET_MS = 200
# Shares of the open tasks per KYC template: unassigned, claimed by clara, unassigned with
# changed variables.
TASK_MIX = (0.80, 0.05, 0.15)


def seed_database() -> None:
    started = time.perf_counter()
    seed.create_users()
    templates = seed.seed_templates(line_provisioning=False, finished=False)
    copies = {
        instance_id: round(share * OPEN_TASKS) - 1
        for instance_id, share in zip(templates.running, TASK_MIX, strict=True)
    }
    with seed.indexes_built_afterwards():
        seed.clone_instances(copies)
    seed.analyze()
    counts = seed.table_counts("task", "taskcandidate", "processinstance", "variableinstance")
    print(
        f"seeded in {time.perf_counter() - started:.0f} s: "
        + ", ".join(f"{name} {number:,}" for name, number in counts.items()),
        flush=True,
    )


def main() -> None:
    with seed.bench_database("tasklist"):
        seed_database()
        clara = seed.client("clara")
        baseline = seed.time_page(seed.client(), "/login/")
        print(f"\nbaseline {baseline.url}: {baseline.median_ms:.1f} ms, {baseline.queries} queries")
        page = seed.time_page(clara, "/tasklist/?list=group")
        met = seed.print_page("tasklist My groups' tasks (clara)", page, baseline, TARGET_MS)
        extras = [
            ("tasklist My groups' tasks by due date (extra)", "/tasklist/?list=group&sort=due"),
            ("tasklist My tasks (extra)", "/tasklist/?list=mine"),
        ]
        for what, url in extras:
            seed.print_page(what, seed.time_page(clara, url), baseline, TARGET_MS)
        print(f"  {int(met)} of 1 tasklist page targets met (< {TARGET_MS} ms)", flush=True)


if __name__ == "__main__":
    main()
