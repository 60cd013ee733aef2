"""Batches: bulk incident retries worked through in chunks, resumable, with live progress.

A batch freezes its targets when it is created. A runner (a Celery task when Redis carries
jobs, a thread in the embedded default) claims the batch with a lease, handles one chunk,
records the chunk's outcome and the new position in one transaction, publishes the progress,
and goes on. A runner that dies leaves the lease to expire; whoever resumes the batch starts
at the recorded position, so at most one chunk is handled twice, and retrying twice is
harmless (retries are set to 1 again).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from cockpit.models import Batch, BatchState, BatchType
from cockpit.permissions import require_batch_create
from cockpit.retry import RetryTarget, retry
from engine.errors import BadRequestError, EngineError
from engine.events import publisher
from engine.models import Incident
from identity.authorization import Actor, identity_of

log = logging.getLogger("legato.cockpit.batches")

CHUNK_SIZE = 20
LEASE = timedelta(minutes=2)
MAX_FAILURES = 200
BATCH_GROUP = "cockpit.batches"


def create_retry_batch(incidents: Iterable[Incident], actor: Actor, description: str) -> Batch:
    """Freeze the incidents as targets and start working on them after commit."""
    require_batch_create(actor)
    identity = identity_of(actor)
    targets = [RetryTarget.of(incident).to_json() for incident in incidents]
    if not targets:
        raise BadRequestError("No open incident matches: there is nothing to retry.")
    with transaction.atomic():
        batch = Batch.objects.create(
            type=BatchType.RETRY_INCIDENTS,
            created_by=identity.user_id if identity is not None else "",
            description=description[:500],
            targets=targets,
            total=len(targets),
        )
        transaction.on_commit(lambda: start_batch(batch.id))
    return batch


def start_batch(batch_id: uuid.UUID | str) -> None:
    """Hand the batch to a runner: Celery where Redis carries the jobs, else a thread."""
    if settings.REDIS_URL and not settings.LEGATO_JOB_EXECUTOR_IN_PROCESS:
        from cockpit.tasks import run_batch_task

        run_batch_task.delay(str(batch_id))
        return
    threading.Thread(
        target=_run_in_thread, args=(str(batch_id),), name="legato-batch", daemon=True
    ).start()


def _run_in_thread(batch_id: str) -> None:
    try:
        run_batch(batch_id)
    except Exception:  # a thread's exception would vanish: log it, the batch stays resumable
        log.exception("batch %s stopped", batch_id)
    finally:
        close_old_connections()


def run_batch(batch_id: uuid.UUID | str, owner: str | None = None) -> Batch | None:
    """Work on the batch chunk by chunk until it is done or another runner holds it."""
    owner = owner or f"runner-{uuid.uuid4()}"
    batch = None
    while True:
        claimed = _claim_chunk(batch_id, owner)
        if claimed is None:
            return batch
        batch, targets = claimed
        actor = identity_of(batch.created_by) if batch.created_by else None
        done, failures = _handle(targets, actor)
        batch = _record(batch_id, owner, len(targets), done, failures)
        if batch is None:
            return None
        publish_progress(batch)
        if batch.finished:
            return batch


def _claim_chunk(batch_id: uuid.UUID | str, owner: str) -> tuple[Batch, list[Any]] | None:
    now = timezone.now()
    with transaction.atomic():
        batch = Batch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.finished:
            return None
        held = batch.lease_owner and batch.lease_owner != owner
        if held and batch.lease_until is not None and batch.lease_until > now:
            return None  # another runner is on it
        batch.lease_owner, batch.lease_until = owner, now + LEASE
        batch.save(update_fields=["lease_owner", "lease_until"])
    return batch, batch.targets[batch.position : batch.position + CHUNK_SIZE]


def _handle(targets: list[Any], actor: Actor) -> tuple[int, list[dict[str, str]]]:
    done, failures = 0, []
    for data in targets:
        target = RetryTarget.from_json(data)
        try:
            retry(target, actor)
        except EngineError as error:
            failures.append({"target": target.incident_id, "message": str(error)})
        except Exception as error:  # one broken target must not stop the batch
            log.exception("retry of incident %s failed", target.incident_id)
            failures.append({"target": target.incident_id, "message": f"Internal error: {error}"})
        else:
            done += 1
    return done, failures


def _record(
    batch_id: uuid.UUID | str, owner: str, handled: int, done: int, failures: list[dict[str, str]]
) -> Batch | None:
    """Store a chunk's outcome, unless the lease went to another runner meanwhile (then that
    runner handles the chunk again and counts it; counting it here too would count twice)."""
    now = timezone.now()
    with transaction.atomic():
        batch = Batch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.lease_owner != owner:
            return None
        batch.position += handled
        batch.done += done
        batch.failed += len(failures)
        room = MAX_FAILURES - len(batch.failures)
        batch.failures = [*batch.failures, *failures[: max(room, 0)]]
        batch.lease_until = now + LEASE
        if batch.position >= batch.total:
            batch.state, batch.ended = BatchState.COMPLETED, now
            batch.lease_owner, batch.lease_until = "", None
        batch.save()
    return batch


def stalled_batches() -> list[Batch]:
    """Running batches nobody works on (their runner died or was never started)."""
    now = timezone.now()
    return list(
        Batch.objects.filter(state=BatchState.RUNNING).filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        )
    )


def is_stalled(batch: Batch) -> bool:
    return not batch.finished and (batch.lease_until is None or batch.lease_until < timezone.now())


def progress_event(batch: Batch) -> dict[str, Any]:
    return {
        "type": "batch.progress",
        "batchId": str(batch.id),
        "total": batch.total,
        "done": batch.done,
        "failed": batch.failed,
        "percent": batch.percent,
        "state": batch.state,
    }


def publish_progress(batch: Batch) -> None:
    """To the creator's browser and to everyone allowed to read batches (consumers join)."""
    groups = [BATCH_GROUP]
    user_pk = User.objects.filter(username=batch.created_by).values_list("pk", flat=True).first()
    if user_pk is not None:
        groups.append(f"user.{user_pk}")
    publisher.publish(groups, progress_event(batch))  # type: ignore[arg-type]
