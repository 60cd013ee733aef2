"""`lock`: a worker takes one external task by id (Camunda 7.21's externalTaskService.lock),
the single-task counterpart of fetchAndLock. Apart from external_tasks.py, which is full."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from engine.errors import BadRequestError
from engine.models import ExternalTask
from engine.services.external_tasks import _locked_row


def lock(
    external_task_id: str,
    worker_id: str,
    lock_duration: int,
    *,
    now: datetime | None = None,
    user_id: str | None = None,
) -> None:
    """Lock the task for `worker_id` until now + `lock_duration` ms: an unlocked task, one
    whose lock expired, or one this worker holds already (its lock is renewed). A live lock of
    another worker is a 400, as Camunda's LockExternalTaskCmd. Like extendLock it writes no
    user operation log entry: Camunda's lock command records none either."""
    if not worker_id:
        raise BadRequestError("workerId is null")
    if lock_duration <= 0:
        raise BadRequestError("lockDuration is not greater than 0")
    now = now or timezone.now()
    with transaction.atomic():
        row = _locked_row(external_task_id, user_id)
        held = row.lock_expiration_time is not None and row.lock_expiration_time >= now
        if row.worker_id is not None and row.worker_id != worker_id and held:
            raise BadRequestError(
                f"External Task {external_task_id} cannot be locked by worker '{worker_id}'. "
                f"It is locked by worker '{row.worker_id}'."
            )
        ExternalTask.objects.filter(pk=row.pk).update(
            worker_id=worker_id, lock_expiration_time=now + timedelta(milliseconds=lock_duration)
        )
