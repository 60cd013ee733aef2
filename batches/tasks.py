"""Celery tasks of batches: thin wrappers taking ids."""

from __future__ import annotations

from celery import shared_task


# The name predates the move from the cockpit; messages queued before it still find the task.
@shared_task(name="legato.cockpit.run_batch", acks_late=True)
def run_batch_task(batch_id: str) -> str:
    """Work on a batch; a redelivered message finds it done or resumes where it stopped."""
    from batches.runner import run_batch

    batch = run_batch(batch_id)
    return batch.state if batch is not None else "not-owned"
