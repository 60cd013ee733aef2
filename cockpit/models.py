"""The cockpit's own rows: batches of operator actions (Camunda's Batch, for incident retries)."""

from __future__ import annotations

import uuid

from django.db import models


class BatchState(models.TextChoices):
    RUNNING = "running"
    COMPLETED = "completed"


TERMINAL_STATES = frozenset({BatchState.COMPLETED})


class BatchType(models.TextChoices):
    RETRY_INCIDENTS = "retry-incidents", "Retry incidents"


class Batch(models.Model):
    """A bulk action over a fixed list of targets, worked through in chunks.

    `targets` is frozen when the batch is created (the incidents matching the filter then), and
    `position` counts how many of them were handled: a runner that stops, dies or is restarted
    resumes at `position`. `lease_until` keeps two runners off one batch at the same time.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=32, choices=BatchType.choices)
    state = models.CharField(max_length=16, choices=BatchState.choices, default=BatchState.RUNNING)
    created_by = models.CharField(max_length=150)
    created = models.DateTimeField(auto_now_add=True)
    ended = models.DateTimeField(null=True, blank=True)
    description = models.CharField(max_length=500, blank=True)
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
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.done + self.failed}/{self.total})"

    @property
    def handled(self) -> int:
        return self.done + self.failed

    @property
    def percent(self) -> int:
        return 100 if not self.total else (100 * self.handled) // self.total

    @property
    def finished(self) -> bool:
        return self.state in TERMINAL_STATES
