"""Batches worked through in chunks, resumable, suspendable, with live progress.

A batch freezes its targets when it is created. A runner (a Celery task when Redis carries
jobs, a thread in the embedded default) claims the batch with a lease, handles one chunk,
records the chunk's outcome and the new position in one transaction, publishes the progress,
and goes on. A runner that dies leaves the lease to expire; whoever resumes the batch starts
at the recorded position, so at most one chunk is handled twice (retries set twice are
harmless; an instance deleted twice is one recorded failure). A suspended batch is not
claimed: its runner stops after the chunk in hand, and activating it starts a runner again.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone

from batches.kinds import KINDS
from batches.models import Batch, BatchState
from engine.errors import EngineError
from engine.events import publisher
from identity.authorization import ANY, Actor, identity_of, require_any
from identity.resources import Permission, Resource

log = logging.getLogger("legato.batches")

CHUNK_SIZE = 20
LEASE = timedelta(minutes=2)
MAX_FAILURES = 200
# The live group predates the move out of the cockpit; pages and consumers join it by name.
BATCH_GROUP = "cockpit.batches"


def require_batch_create(actor: Actor) -> None:
    """Camunda: creating any batch needs CREATE on the Batch resource."""
    require_any(actor, [(Permission.CREATE, Resource.BATCH, ANY)])


def create_batch(
    batch_type: str,
    targets: Sequence[Any],
    actor: Actor,
    *,
    description: str = "",
    options: Mapping[str, Any] | None = None,
) -> Batch:
    """Freeze the targets (ids, or JSON objects for incident retries) and start working on
    them after commit. The caller refuses an empty list with its own message."""
    require_batch_create(actor)
    identity = identity_of(actor)
    with transaction.atomic():
        batch = Batch.objects.create(
            type=batch_type,
            created_by=identity.user_id if identity is not None else "",
            description=description[:500],
            options=dict(options or {}),
            targets=list(targets),
            total=len(targets),
        )
        transaction.on_commit(lambda: start_batch(batch.id))
    return batch


def start_batch(batch_id: uuid.UUID | str) -> None:
    """Hand the batch to a runner: Celery where Redis carries the jobs, else a thread."""
    if settings.REDIS_URL and not settings.LEGATO_JOB_EXECUTOR_IN_PROCESS:
        from batches.tasks import run_batch_task

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
        done, failures = _handle(batch, targets, actor)
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
        if batch.suspended:
            # Let go, so that activation's runner can claim at once.
            if batch.lease_owner == owner:
                batch.lease_owner, batch.lease_until = "", None
                batch.save(update_fields=["lease_owner", "lease_until"])
            return None
        batch.lease_owner, batch.lease_until = owner, now + LEASE
        batch.execution_started = batch.execution_started or now
        batch.save(update_fields=["lease_owner", "lease_until", "execution_started"])
    return batch, batch.targets[batch.position : batch.position + CHUNK_SIZE]


def _handle(batch: Batch, targets: list[Any], actor: Actor) -> tuple[int, list[dict[str, str]]]:
    kind = KINDS[batch.type]
    done, failures = 0, []
    options = {**batch.options, "batchId": str(batch.id)}  # for the operation log
    for target in targets:
        target_id = kind.target_id(target)
        try:
            kind.handle(target, options, actor)
        except EngineError as error:
            failures.append({"target": target_id, "message": str(error)})
        except Exception as error:  # one broken target must not stop the batch
            log.exception("batch %s: target %s failed", batch.id, target_id)
            failures.append({"target": target_id, "message": f"Internal error: {error}"})
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
        if batch is None or batch.lease_owner != owner or batch.finished:
            return None  # deleted meanwhile: nothing more is counted
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
        Batch.objects.filter(state=BatchState.RUNNING, suspended=False).filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        )
    )


def is_stalled(batch: Batch) -> bool:
    """Running, not suspended, and no live lease: nobody works on it."""
    if batch.finished or batch.suspended:
        return False
    return batch.lease_until is None or batch.lease_until < timezone.now()


def progress_event(batch: Batch) -> dict[str, Any]:
    return {
        "type": "batch.progress",
        "batchId": str(batch.id),
        "total": batch.total,
        "done": batch.done,
        "failed": batch.failed,
        "percent": batch.percent,
        "state": batch.state,
        "suspended": batch.suspended,
    }


def publish_progress(batch: Batch) -> None:
    """To the creator's browser and to everyone allowed to read batches (consumers join)."""
    groups = [BATCH_GROUP]
    user_pk = User.objects.filter(username=batch.created_by).values_list("pk", flat=True).first()
    if user_pk is not None:
        groups.append(f"user.{user_pk}")
    publisher.publish(groups, progress_event(batch))  # type: ignore[arg-type]
