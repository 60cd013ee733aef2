"""Production job acquisition: claims due jobs in the database and sends them to Celery.

Run one or more next to the Celery workers (`celery -A config worker`). Every claim carries
a lock with an expiry; a job whose worker died is claimed again once its lock expires.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from engine.jobs.acquisition import acquire_due_jobs
from engine.tasks import execute_job


class Command(BaseCommand):
    help = "Claim due jobs and timers from the database and hand them to Celery workers."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--batch-size", type=int, default=50)
        parser.add_argument("--idle-wait", type=float, default=0.5, help="seconds between polls")
        parser.add_argument("--lock-time", type=float, default=300, help="seconds a claim lasts")
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args: object, **options: object) -> None:
        batch = int(options["batch_size"])  # type: ignore[call-overload]
        lock_time = timedelta(seconds=float(options["lock_time"]))  # type: ignore[arg-type]
        idle = float(options["idle_wait"])  # type: ignore[arg-type]
        while True:
            # A fresh owner per claim: a late duplicate of an old message can never run a job
            # that has been claimed again since.
            owner = f"acquisition:{uuid.uuid4()}"
            ids = acquire_due_jobs(owner, timezone.now(), limit=batch, lock_time=lock_time)
            for job_id in ids:
                execute_job.delay(job_id, owner)
            close_old_connections()
            if options["once"]:
                self.stdout.write(f"claimed {len(ids)} job(s)")
                return
            if len(ids) < batch:
                time.sleep(idle)
