"""Cockpit at scale (issue 7): server time of the dashboard, a process definition page and a
process instance page with 100,000 running instances and 1,000,000 historic activity
instances, against a trivial page of the same server (the login page) as baseline.

Target: under 300 ms each. Server time is measured in process with Django's test client
(routing, middleware, view, queries, template; no network), the median of several requests
after a warm-up, logged in as an admin (who sees everything, so no authorization filter
narrows the counts). The seed is the demo's KYC review and line provisioning models, a few
instances worked through the service API, cloned in bulk (bench/seed.py): 100,000 running
instances (1% with an incident), and completed reviews until the history holds 1,000,000
activity instances.
"""

from __future__ import annotations

import math
import time

import seed

RUNNING = 100_000
HISTORIC_ACTIVITIES = 1_000_000
TARGET_MS = 300
# Shares of the running instances per template (Templates.running order): unassigned,
# claimed and edited KYC reviews, line provisionings at work, with an incident.
RUNNING_MIX = (0.55, 0.15, 0.10, 0.19, 0.01)


def seed_database() -> seed.Templates:
    started = time.perf_counter()
    seed.create_users()
    templates = seed.seed_templates()
    copies = {
        instance_id: round(share * RUNNING) - 1
        for instance_id, share in zip(templates.running, RUNNING_MIX, strict=True)
    }
    with seed.indexes_built_afterwards():
        seed.clone_instances(copies)
        activities = seed.table_counts("historicactivityinstance")["historicactivityinstance"]
        per_finished = activities_of(templates.finished)
        rounds = math.ceil((HISTORIC_ACTIVITIES - activities) / per_finished)
        seed.clone_instances({instance_id: rounds for instance_id in templates.finished})
    seed.analyze()
    counts = seed.table_counts(
        "processinstance",
        "task",
        "job",
        "incident",
        "historicprocessinstance",
        "historicactivityinstance",
        "historicdetail",
        "useroperationlog",
    )
    print(
        f"seeded in {time.perf_counter() - started:.0f} s: "
        + ", ".join(f"{name} {number:,}" for name, number in counts.items()),
        flush=True,
    )
    return templates


def activities_of(instance_ids: list[str]) -> int:
    from engine.models import HistoricActivityInstance

    return HistoricActivityInstance.objects.filter(process_instance_id__in=instance_ids).count()


def clone_id(template_id: str, number: int) -> str:
    """The id seed.clone_instances gave clone `number` of a template instance."""
    return template_id[:24] + f"{number:012x}"


def main() -> None:
    with seed.bench_database("cockpit"):
        templates = seed_database()
        admin = seed.client(seed.ADMIN)
        baseline = seed.time_page(seed.client(), "/login/")
        edited = templates.running[2]
        pages = [
            ("cockpit dashboard", "/cockpit/", True),
            (
                "cockpit definition page (KYC review)",
                f"/cockpit/processes/{templates.kyc_definition_id}/",
                True,
            ),
            (
                # Read only when the user picks History or Heatmap on the definition page.
                "cockpit definition history counts (KYC review, extra)",
                f"/cockpit/processes/{templates.kyc_definition_id}/history-counts/",
                False,
            ),
            (
                "cockpit instance page (running KYC review)",
                f"/cockpit/instances/{clone_id(edited, 5_000)}/",
                True,
            ),
            (
                "cockpit instance page (finished, extra)",
                f"/cockpit/instances/{clone_id(templates.finished[0], 50_000)}/",
                False,
            ),
        ]
        print(f"\nbaseline {baseline.url}: {baseline.median_ms:.1f} ms, {baseline.queries} queries")
        met = 0
        for what, url, counted in pages:
            page = seed.time_page(admin, url)
            ok = seed.print_page(what, page, baseline, TARGET_MS)
            met += ok and counted
        print(f"  {met} of 3 cockpit page targets met (< {TARGET_MS} ms)", flush=True)


if __name__ == "__main__":
    main()
