"""The meter logs: Camunda's ACT_RU_METER_LOG and ACT_RU_TASK_METER_LOG.

Written only by the metrics reporter (engine/metrics/reporter.py), never by a command.
"""

from __future__ import annotations

from django.db import models


class MeterLog(models.Model):
    """One metric's count by one reporter over one flush interval, stamped at the flush."""

    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=64)
    reporter = models.CharField(max_length=255, blank=True, null=True)
    value = models.BigIntegerField()
    timestamp = models.DateTimeField()
    # Camunda's MILLISECONDS_: the epoch milliseconds of `timestamp`, for interval buckets.
    milliseconds = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["name", "timestamp"], name="meter_name_time"),
            models.Index(fields=["milliseconds"], name="meter_millis"),
            models.Index(fields=["timestamp"], name="meter_time"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.value} ({self.reporter}, {self.timestamp})"


class TaskMeterLog(models.Model):
    """A task was assigned: a hash of the assignee (never the name) and when."""

    id = models.BigAutoField(primary_key=True)
    assignee_hash = models.BigIntegerField()
    timestamp = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["timestamp"], name="task_meter_time")]

    def __str__(self) -> str:
        return f"task assigned ({self.timestamp})"
