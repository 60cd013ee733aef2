"""Production job acquisition: claims due jobs in the database and hands them to Celery.

Run one or more next to the Celery workers (`celery -A config worker`). Every claim carries
a lock with an expiry; a job whose worker died is claimed again once its lock expires. The
loop survives a broker or database that is away: claims it could not send are released at
once, and it tries again after a pause that grows up to a few seconds.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from engine.jobs.acquisition import acquire_due_jobs, next_due_time, outstanding_claims
from engine.jobs.dispatch import send_job
from engine.jobs.executor import ensure_history_cleanup_job
from engine.metrics.reporter import start_metrics_reporter
from engine.models import Job

log = logging.getLogger("legato.jobs")
MAX_BACKOFF = 5.0
OWNER_PREFIX = "acquisition:"


class Command(BaseCommand):
    help = "Claim due jobs and timers from the database and hand them to Celery workers."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--batch-size", type=int, default=50)
        parser.add_argument(
            "--idle-wait", type=float, default=0.5, help="most seconds between polls when idle"
        )
        parser.add_argument(
            "--lock-time",
            type=float,
            default=None,
            help="seconds a claim lasts (default: LEGATO_JOB_LOCK_SECONDS)",
        )
        parser.add_argument(
            "--max-outstanding",
            type=int,
            default=None,
            help="most claimed jobs waiting in the queue at once (default: 4 x batch size)",
        )
        parser.add_argument(
            "--dispatch-grace",
            type=float,
            default=5.0,
            help="seconds a new async job is left to its post-commit dispatch",
        )
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args: object, **options: object) -> None:
        batch = int(options["batch_size"])  # type: ignore[call-overload]
        seconds = options["lock_time"] or settings.LEGATO_JOB_LOCK_SECONDS
        lock_time = timedelta(seconds=float(seconds))  # type: ignore[arg-type]
        idle = float(options["idle_wait"])  # type: ignore[arg-type]
        self.max_outstanding = int(options["max_outstanding"] or 4 * batch)  # type: ignore[call-overload]
        self.grace = timedelta(seconds=float(options["dispatch_grace"]))  # type: ignore[arg-type]
        ensure_history_cleanup_job()
        backoff = 0.0
        # Acquisition attempts and claims are execution metrics of this process.
        start_metrics_reporter()
        while True:
            try:
                claimed = self.pass_once(batch, lock_time)
                backoff = 0.0
            except Exception as error:  # broker or database away: wait, then try again
                backoff = min(max(backoff * 2, 0.2), MAX_BACKOFF)
                log.warning("job acquisition failed (%s); next try in %.1f s", error, backoff)
                claimed = -1
            finally:
                close_old_connections()
            if options["once"]:
                self.stdout.write(f"claimed {max(claimed, 0)} job(s)")
                return
            if claimed < 0:
                time.sleep(backoff)
            elif claimed < batch:
                time.sleep(self.sleep_seconds(idle))

    def pass_once(self, batch: int, lock_time: timedelta) -> int:
        # A fresh owner per claim: a late duplicate of an old message can never run a job
        # that has been claimed again since.
        owner = f"{OWNER_PREFIX}{uuid.uuid4()}"
        now = timezone.now()
        # Claim no faster than workers finish: a claim that waits in the queue past its lock
        # time is claimed and sent again, and a backlog would feed on itself.
        room = self.max_outstanding - outstanding_claims(OWNER_PREFIX, now)
        if room <= 0:
            return 0
        ids = acquire_due_jobs(
            owner,
            now,
            limit=min(batch, room),
            lock_time=lock_time,
            dispatch_grace=self.grace,
        )
        for index, job_id in enumerate(ids):
            try:
                send_job(job_id, owner)
            except Exception:
                # Release what was not sent, so it is claimed at once when the broker is back
                # instead of after its lock time.
                Job.objects.filter(pk__in=ids[index:], lock_owner=owner).update(
                    lock_owner=None, lock_expiration_time=None
                )
                raise
        return len(ids)

    @staticmethod
    def sleep_seconds(idle: float) -> float:
        """Until the next timer is due, at most `idle`: timers fire on time when idle."""
        now = timezone.now()
        due = next_due_time(now)
        if due is None:
            return idle
        return max(0.0, min(idle, (due - now).total_seconds()))
