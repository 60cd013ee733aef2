"""History retention: remove the history of instances whose historyTimeToLive has passed.

Camunda's rule: an ended instance's history may go once `end time + historyTimeToLive days`
(its removal time) has passed; instances of definitions without a time to live stay forever.
Work happens in batches (one transaction each) and only inside the configured window, so a
long cleanup never holds locks for long and stays out of business hours.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from batches.history import expired_batches
from engine.models import (
    DecisionDefinition,
    HistoricActivityInstance,
    HistoricDecisionInstance,
    HistoricDetail,
    HistoricExternalTaskLog,
    HistoricIdentityLinkLog,
    HistoricIncident,
    HistoricJobLog,
    HistoricProcessInstance,
    HistoricTaskInstance,
    HistoricVariableInstance,
    MeterLog,
    ProcessDefinition,
    TaskMeterLog,
)
from engine.models.oplog import Category, EntityType, OperationType
from engine.services.oplog import OperationLog
from identity.models import HistoryCleanupRun
from tasklist.models import TaskAttachment, TaskComment

DEPENDENT = {
    "activities": HistoricActivityInstance,
    "tasks": HistoricTaskInstance,
    "variables": HistoricVariableInstance,
    "details": HistoricDetail,
    "incidents": HistoricIncident,
    "job_log": HistoricJobLog,
    "external_task_log": HistoricExternalTaskLog,
    "identity_links": HistoricIdentityLinkLog,
    # The tasklist's comments and attachments on the instance's tasks (Camunda's
    # ACT_HI_COMMENT and ACT_HI_ATTACHMENT go with the instance too).
    "comments": TaskComment,
    "attachments": TaskAttachment,
    # Camunda removes a process instance's decision instances with it (inputs and outputs
    # go by cascade and count as rows removed too).
    "decisions": HistoricDecisionInstance,
}


class WindowError(ValueError):
    pass


def parse_window(text: str) -> tuple[time, time] | None:
    """'22:00-06:00' -> (22:00, 06:00); '' means any time."""
    if not text.strip():
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise WindowError(
            f"History cleanup window {text!r} is not like '22:00-06:00'"
        ) from None
    return start, end


def in_window(now: datetime, window: tuple[time, time] | None) -> bool:
    if window is None:
        return True
    start, end = window
    current = timezone.localtime(now).time()
    if start <= end:
        return start <= current < end
    return current >= start or current < end  # the window spans midnight


def _ids_by_time_to_live(
    model: type[ProcessDefinition | DecisionDefinition],
) -> dict[int, list[str]]:
    """historyTimeToLive (days) -> the ids of the definitions that have it."""
    by_ttl: dict[int, list[str]] = {}
    definitions = model.objects.filter(history_time_to_live__isnull=False)
    for definition_id, ttl in definitions.values_list("id", "history_time_to_live"):
        by_ttl.setdefault(ttl, []).append(definition_id)
    return by_ttl


def expired_instances_q(now: datetime) -> Q:
    """Ended instances whose removal time has passed: stored removal time, or end + TTL."""
    condition = Q(end_time__isnull=False, removal_time__lte=now)
    for ttl, ids in _ids_by_time_to_live(ProcessDefinition).items():
        condition |= Q(
            end_time__isnull=False,
            removal_time__isnull=True,
            end_time__lte=now - timedelta(days=ttl),
            process_definition_id__in=ids,
        )
    return condition


def cleanup_history(
    now: datetime | None = None,
    *,
    batch_size: int | None = None,
    max_batches: int | None = None,
    ignore_window: bool = False,
) -> HistoryCleanupRun | None:
    """Remove expired history in batches; None (and nothing recorded) outside the window."""
    now = now or timezone.now()
    window = parse_window(settings.LEGATO_HISTORY_CLEANUP_WINDOW)
    if not ignore_window and not in_window(now, window):
        return None
    size = batch_size or settings.LEGATO_HISTORY_CLEANUP_BATCH_SIZE
    run = HistoryCleanupRun.objects.create(started=now, outcome="running")
    removed_rows: Counter[str] = Counter()
    removed_by_key: Counter[str] = Counter()
    outcome = "nothing left to remove"
    expired = expired_instances_q(now)
    while True:
        if max_batches is not None and run.batches >= max_batches:
            outcome = f"stopped after {max_batches} batches"
            break
        if not ignore_window and not in_window(timezone.now(), window):
            outcome = "the cleanup window closed"
            break
        count = _remove_batch(expired, size, removed_rows, removed_by_key)
        # Then decisions evaluated over REST: they have no process instance to go with.
        count = count or _remove_standalone_decisions(now, size, removed_rows)
        if not count:
            break
        run.batches += 1
        run.instances_removed += count
    _remove_metrics(now, removed_rows)
    _remove_batches(now, removed_rows)
    run.finished = timezone.now()
    run.rows_removed = dict(removed_rows)
    run.removed_by_key = dict(removed_by_key)
    run.outcome = outcome
    run.save()
    return run


def remove_instance_history(ids: list[str]) -> Counter[str]:
    """Delete the history of these finished instances, every table of it; rows removed by
    table. The caller owns the transaction and the operation log."""
    removed: Counter[str] = Counter()
    for name, model in DEPENDENT.items():
        deleted, _ = model.objects.filter(process_instance_id__in=ids).delete()
        removed[name] += deleted
    HistoricProcessInstance.objects.filter(id__in=ids).delete()
    return removed


@transaction.atomic
def _remove_batch(
    expired: Q, size: int, removed_rows: Counter[str], removed_by_key: Counter[str]
) -> int:
    batch = list(
        HistoricProcessInstance.objects.filter(expired)
        .order_by("end_time", "id")
        .values_list("id", "process_definition_key")[:size]
    )
    if not batch:
        return 0
    ids = [instance_id for instance_id, _ in batch]
    removed_rows.update(remove_instance_history(ids))
    keys = Counter(key for _, key in batch)
    removed_by_key.update(keys)
    # The engine removes history, not a person: logged without a user, as Camunda's cleanup job.
    log = OperationLog(None, OperationType.DELETE_HISTORY, EntityType.PROCESS_INSTANCE,
                       category=Category.OPERATOR, even_without_user=True)
    log.add("nrOfInstances", new_value=len(ids))
    for key, count in sorted(keys.items()):
        log.add("processDefinitionKey", new_value=f"{key}: {count}", process_definition_key=key)
    log.save()
    return len(ids)


def expired_decisions_q(now: datetime) -> Q:
    """Root decision instances without a process instance whose removal time has passed: the
    one set on them (set-removal-time), else their decision definition's time to live since
    the evaluation (Camunda: evaluation time + historyTimeToLive). The decisions a root
    required go with it: their own definitions' TTL does not count."""
    root = Q(process_instance_id__isnull=True, root_decision_instance_id__isnull=True)
    condition = root & Q(removal_time__lte=now)
    for ttl, ids in _ids_by_time_to_live(DecisionDefinition).items():
        condition |= root & Q(
            removal_time__isnull=True,
            evaluation_time__lte=now - timedelta(days=ttl),
            decision_definition_id__in=ids,
        )
    return condition


@transaction.atomic
def _remove_standalone_decisions(now: datetime, size: int, removed_rows: Counter[str]) -> int:
    expired = HistoricDecisionInstance.objects.filter(expired_decisions_q(now))
    ids = list(expired.order_by("evaluation_time", "id").values_list("id", flat=True)[:size])
    if not ids:
        return 0
    deleted, _ = HistoricDecisionInstance.objects.filter(
        Q(id__in=ids) | Q(root_decision_instance_id__in=ids)
    ).delete()
    removed_rows["decisions"] += deleted
    log = OperationLog(None, OperationType.DELETE_HISTORY, EntityType.DECISION_INSTANCE,
                       category=Category.OPERATOR, even_without_user=True)
    log.add("nrOfInstances", new_value=len(ids)).save()
    return len(ids)


def _remove_metrics(now: datetime, removed_rows: Counter[str]) -> None:
    """Meter-log and task-meter rows older than LEGATO_METRICS_TIME_TO_LIVE_DAYS (0: kept).

    Camunda asks to keep the license-relevant metrics for at least 18 months, hence the
    default of 540 days. A few rows per metric and flush: one statement per table suffices."""
    days = settings.LEGATO_METRICS_TIME_TO_LIVE_DAYS
    if days <= 0:
        return
    cutoff = now - timedelta(days=days)
    for name, model in (("meter_log", MeterLog), ("task_meter_log", TaskMeterLog)):
        deleted, _ = model.objects.filter(timestamp__lt=cutoff).delete()
        if deleted:
            removed_rows[name] += deleted


def _remove_batches(now: datetime, removed_rows: Counter[str]) -> None:
    """Finished batches past their history time to live (batches/history.py)."""
    deleted, _ = expired_batches(now).delete()
    if deleted:
        removed_rows["batch"] += deleted


def cleanable_process_definitions(now: datetime) -> QuerySet[ProcessDefinition]:
    """Every process definition version with `finished` (ended instances in history) and
    `cleanable` (those the cleanup would remove at `now`)."""
    finished = HistoricProcessInstance.objects.filter(end_time__isnull=False)
    return ProcessDefinition.objects.annotate(
        finished=_count(finished, "process_definition_id"),
        cleanable=_count(finished.filter(expired_instances_q(now)), "process_definition_id"),
    )


def cleanable_decision_definitions(now: datetime) -> QuerySet[DecisionDefinition]:
    """The same per decision definition: its evaluations, and those evaluated over REST past
    their time to live (a process's go with their process instance)."""
    evaluated = HistoricDecisionInstance.objects.all()
    return DecisionDefinition.objects.annotate(
        finished=_count(evaluated, "decision_definition_id"),
        cleanable=_count(evaluated.filter(expired_decisions_q(now)), "decision_definition_id"),
    )


def _count(rows: QuerySet[Any], field: str) -> Any:
    """The number of `rows` per definition, as a subquery on the definition row."""
    counted = (
        rows.filter(**{field: OuterRef("id")}).order_by().values(field)
        .annotate(n=Count("*")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
