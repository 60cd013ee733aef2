"""Counting a committed command's effects (called by the store's post-commit hand-over)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone

from engine.metrics import names
from engine.metrics.meters import meters
from engine.runtime import effects as fx


class EffectCounts:
    """What one command's effects add to the metrics; `report` after the commit."""

    __slots__ = ("assignments", "counts")

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.assignments: list[str] = []  # assignees of tasks created or changed

    def __bool__(self) -> bool:
        return bool(self.counts or self.assignments)

    def add(self, effects: Sequence[fx.Effect]) -> None:
        counts = self.counts
        for effect in effects:
            kind = type(effect)
            if kind is fx.ActivityInstanceStarted:
                counts[names.ACTIVITY_INSTANCE_START] += 1
            elif kind is fx.ActivityInstanceEnded:
                counts[names.ACTIVITY_INSTANCE_END] += 1
            elif kind is fx.ProcessInstanceStarted:
                # Camunda: "A root process instance has no parent process instance".
                if effect.super_process_instance_id is None:  # type: ignore[union-attr]
                    counts[names.ROOT_PROCESS_INSTANCE_START] += 1
            elif kind is fx.DecisionEvaluated:
                # The decision and each one it required (a DRD), as Camunda counts them.
                required = effect.required  # type: ignore[union-attr]
                counts[names.EXECUTED_DECISION_INSTANCES] += 1 + len(required)
                elements = effect.evaluation.executed_elements  # type: ignore[union-attr]
                elements += sum(r.evaluation.executed_elements for r in required)
                counts[names.EXECUTED_DECISION_ELEMENTS] += elements
            elif kind is fx.ExecutionCounted:
                add_uncounted(counts, effect)  # type: ignore[arg-type]
            elif kind is fx.TaskCreated or kind is fx.TaskUpdated:
                assignee = effect.task.assignee  # type: ignore[union-attr]
                if assignee:
                    self.assignments.append(assignee)

    def report(self) -> None:
        if not settings.LEGATO_METRICS_ENABLED:
            return
        if self.counts:
            meters.mark_all(self.counts)
        if self.assignments:
            # Camunda logs the time of the assignment; the commit is that time here.
            now = timezone.now()
            meters.mark_assignments((assignee, now) for assignee in self.assignments)


def add_uncounted(counts: Counter[str], effect: fx.ExecutionCounted) -> None:
    counts[names.ACTIVITY_INSTANCE_START] += effect.activities_started
    counts[names.ACTIVITY_INSTANCE_END] += effect.activities_ended
    counts[names.EXECUTED_DECISION_INSTANCES] += effect.decisions
    counts[names.EXECUTED_DECISION_ELEMENTS] += effect.decision_elements


def count(name: str, times: int = 1) -> None:
    """Count outside a command's effects (the job executor): memory only, no statement."""
    if times and settings.LEGATO_METRICS_ENABLED:
        meters.mark(name, times)
