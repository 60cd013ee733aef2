"""Batch rows: a bulk operation over a fixed list of targets (Camunda's Batch)."""

from __future__ import annotations

import uuid

from django.db import models


class BatchState(models.TextChoices):
    RUNNING = "running"
    COMPLETED = "completed"
    # Deleted through `DELETE /batch/{id}` without cascade: gone from the runtime list, kept in
    # history (Camunda keeps the historic batch, with an end time, until cascade or cleanup).
    DELETED = "deleted"


TERMINAL_STATES = frozenset({BatchState.COMPLETED, BatchState.DELETED})


class BatchType(models.TextChoices):
    """Camunda's batch type names, plus the cockpit's own incident retry."""

    RETRY_INCIDENTS = "retry-incidents", "Retry incidents"
    INSTANCE_DELETION = "instance-deletion", "Delete process instances"
    SET_JOB_RETRIES = "set-job-retries", "Set job retries"
    SET_EXTERNAL_TASK_RETRIES = "set-external-task-retries", "Set external task retries"
    INSTANCE_UPDATE_SUSPENSION_STATE = (
        "instance-update-suspension-state",
        "Suspend or activate process instances",
    )
    VARIABLES = "variables", "Set variables"
    INSTANCE_MIGRATION = "instance-migration", "Migrate process instances"
    INSTANCE_MODIFICATION = "instance-modification", "Modify process instances"
    INSTANCE_RESTART = "instance-restart", "Restart process instances"
    PROCESS_SET_REMOVAL_TIME = "process-set-removal-time", "Set removal time"
    HISTORIC_INSTANCE_DELETION = (
        "historic-process-instance-deletion",
        "Delete historic process instances",
    )
    HISTORIC_DECISION_DELETION = (
        "historic-decision-instance-deletion",
        "Delete historic decision instances",
    )
    DECISION_SET_REMOVAL_TIME = "decision-set-removal-time", "Set decision removal time"
    CORRELATE_MESSAGE = "correlate-message", "Correlate a message"
    BATCH_SET_REMOVAL_TIME = "batch-set-removal-time", "Set batch removal time"


class Batch(models.Model):
    """A bulk action over a fixed list of targets, worked through in chunks.

    `targets` is frozen when the batch is created, and `position` counts how many of them were
    handled: a runner that stops, dies or is restarted resumes at `position`. `lease_until`
    keeps two runners off one batch at the same time. `options` holds what every target gets
    (a delete reason, the retries to set). The table keeps its first name, `cockpit_batch`:
    the model moved here from the cockpit without copying rows.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=64, choices=BatchType.choices)
    state = models.CharField(max_length=16, choices=BatchState.choices, default=BatchState.RUNNING)
    suspended = models.BooleanField(default=False)
    tenant_id = models.CharField(max_length=64, null=True, blank=True)
    created_by = models.CharField(max_length=150)
    created = models.DateTimeField(auto_now_add=True)
    # When a runner first claimed a chunk (Camunda's executionStartTime).
    execution_started = models.DateTimeField(null=True, blank=True)
    ended = models.DateTimeField(null=True, blank=True)
    # When the history cleanup removes the finished batch (Camunda's removal time); none:
    # its end plus its type's time to live (batches/history.py).
    removal_time = models.DateTimeField(null=True, blank=True)
    description = models.CharField(max_length=500, blank=True)
    options = models.JSONField(default=dict)
    targets = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # [{"target": id, "message": "..."}], the first MAX_FAILURES kept (the count is exact).
    failures = models.JSONField(default=list)
    lease_owner = models.CharField(max_length=255, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "cockpit_batch"
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.done + self.failed}/{self.total})"

    @property
    def handled(self) -> int:
        return self.done + self.failed

    @property
    def remaining(self) -> int:
        return self.total - self.handled

    @property
    def percent(self) -> int:
        return 100 if not self.total else (100 * self.handled) // self.total

    @property
    def finished(self) -> bool:
        return self.state in TERMINAL_STATES
