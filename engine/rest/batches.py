"""`/batch` (list, count, get, delete, suspension, statistics) and `/history/batch`.

Legato's batch is not made of jobs: a runner works through the frozen targets in chunks
(batches/runner.py). The DTOs map it honestly: one target is one "job"
(`invocationsPerBatchJob` 1, `totalJobs` = targets, all of them `jobsCreated` when the batch
is made), `batchJobsPerSeed` is the chunk size, and the job definition ids are null.
The runtime list holds batches still running; a completed or deleted one is only in history,
as in Camunda.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from batches import services
from batches.models import Batch, BatchState
from batches.runner import CHUNK_SIZE
from engine.rest import serializers
from engine.rest.base import EngineView, json_body
from engine.rest.dates import format_date
from engine.rest.listing import list_views
from engine.rest.params import Kind, ListQuery, Param, flag
from engine.rest.process_instances import read_suspended
from identity.resources import Permission

_COMMON = (
    Param("batchId", description="Only the batch with this id."),
    Param("type", description="Only batches of this type (instance-deletion, ...)."),
    Param("tenantIdIn", Kind.STRING_LIST, "Comma-separated tenant ids."),
    Param("withoutTenantId", Kind.BOOLEAN, "Only batches of no tenant."),
)
BATCH_QUERY = ListQuery(
    filters=(
        *_COMMON,
        Param("suspended", Kind.BOOLEAN, "true: only suspended batches; false: only active."),
        Param("createdBy", description="Only batches this user created."),
        Param("startedBefore", Kind.DATE, "Only batches started before this date."),
        Param("startedAfter", Kind.DATE, "Only batches started after this date."),
        Param("withFailures", Kind.BOOLEAN, "Only batches with failed targets."),
        Param("withoutFailures", Kind.BOOLEAN, "Only batches without failed targets."),
    ),
    sort_fields={"batchId": "id", "tenantId": "tenant_id"},
)
BATCH_STATISTICS_QUERY = BATCH_QUERY
HISTORIC_BATCH_QUERY = ListQuery(
    filters=(
        *_COMMON,
        Param("completed", Kind.BOOLEAN, "true: only ended batches; false: only running."),
    ),
    sort_fields={
        "batchId": "id",
        "tenantId": "tenant_id",
        "startTime": "created",
        "endTime": "ended",
    },
)


def _filter(
    request: Request, filters: dict[str, Any], rows: QuerySet[Batch], permission: str
) -> QuerySet[Batch]:
    # A batch's frozen targets may run to thousands: lists show only its counts.
    rows = rows.filter(services.readable_batches(request.user, permission)).defer(
        "targets", "failures"
    )
    if "batchId" in filters:
        rows = rows.filter(id__in=_uuids([filters["batchId"]]))
    if "type" in filters:
        rows = rows.filter(type=filters["type"])
    if "tenantIdIn" in filters:
        rows = rows.filter(tenant_id__in=filters["tenantIdIn"])
    if filters.get("withoutTenantId"):
        rows = rows.filter(tenant_id__isnull=True)
    if "suspended" in filters:
        rows = rows.filter(suspended=filters["suspended"])
    if "createdBy" in filters:
        rows = rows.filter(created_by=filters["createdBy"])
    if "startedBefore" in filters:
        rows = rows.filter(created__lte=filters["startedBefore"])
    if "startedAfter" in filters:
        rows = rows.filter(created__gte=filters["startedAfter"])
    if filters.get("withFailures"):
        rows = rows.filter(failed__gt=0)
    if filters.get("withoutFailures"):
        rows = rows.filter(failed=0)
    if "completed" in filters:
        rows = rows.exclude(state=BatchState.RUNNING) if filters["completed"] else rows.filter(
            state=BatchState.RUNNING
        )
    return rows


def _uuids(values: list[str]) -> list[str]:
    # A batch id that is not a UUID matches nothing (rather than a database error).
    found = []
    for value in values:
        try:
            found.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return found


def filter_batches(request: Request, filters: dict[str, Any]) -> QuerySet[Batch]:
    running = Batch.objects.filter(state=BatchState.RUNNING)
    return _filter(request, filters, running, Permission.READ)


def filter_historic_batches(request: Request, filters: dict[str, Any]) -> QuerySet[Batch]:
    return _filter(request, filters, Batch.objects.all(), Permission.READ_HISTORY)


def batch_dto(batch: Batch) -> serializers.Dto:
    """BatchDto."""
    return {
        "id": str(batch.id),
        "type": batch.type,
        "totalJobs": batch.total,
        "jobsCreated": batch.total,
        "batchJobsPerSeed": CHUNK_SIZE,
        "invocationsPerBatchJob": 1,
        "seedJobDefinitionId": None,
        "monitorJobDefinitionId": None,
        "batchJobDefinitionId": None,
        "suspended": batch.suspended,
        "tenantId": batch.tenant_id,
        "createUserId": batch.created_by or None,
        "startTime": format_date(batch.created),
        "executionStartTime": format_date(batch.execution_started),
    }


def batch_statistics_dto(batch: Batch) -> serializers.Dto:
    """BatchStatisticsDto: the BatchDto and the targets left, done and failed."""
    return {
        **batch_dto(batch),
        "remainingJobs": batch.remaining,
        "completedJobs": batch.done,
        "failedJobs": batch.failed,
    }


def historic_batch_dto(batch: Batch) -> serializers.Dto:
    """HistoricBatchDto."""
    return {
        "id": str(batch.id),
        "type": batch.type,
        "totalJobs": batch.total,
        "batchJobsPerSeed": CHUNK_SIZE,
        "invocationsPerBatchJob": 1,
        "seedJobDefinitionId": None,
        "monitorJobDefinitionId": None,
        "batchJobDefinitionId": None,
        "tenantId": batch.tenant_id,
        "createUserId": batch.created_by or None,
        "startTime": format_date(batch.created),
        "endTime": format_date(batch.ended),
        "removalTime": format_date(batch.removal_time),
        "executionStartTime": format_date(batch.execution_started),
    }


BatchList, BatchCount = list_views(
    BATCH_QUERY, filter_batches, lambda rows: [batch_dto(row) for row in rows], post=False
)
BatchStatisticsList, BatchStatisticsCount = list_views(
    BATCH_STATISTICS_QUERY,
    filter_batches,
    lambda rows: [batch_statistics_dto(row) for row in rows],
    post=False,
)
HistoricBatchList, HistoricBatchCount = list_views(
    HISTORIC_BATCH_QUERY,
    filter_historic_batches,
    lambda rows: [historic_batch_dto(row) for row in rows],
    post=False,
)


class BatchDetail(EngineView):
    """GET and DELETE /batch/{id} (`cascade=true`: its history goes too)."""

    def get(self, request: Request, batch_id: str) -> Response:
        return Response(batch_dto(services.get_running_batch(batch_id, request.user)))

    def delete(self, request: Request, batch_id: str) -> Response:
        services.delete_batch(batch_id, flag(request.query_params, "cascade"), request.user)
        return Response(status=204)


class BatchSuspended(EngineView):
    """PUT /batch/{id}/suspended `{"suspended": true|false}`."""

    def put(self, request: Request, batch_id: str) -> Response:
        suspended = read_suspended(json_body(request))
        services.set_batch_suspended(batch_id, suspended, request.user)
        return Response(status=204)


class HistoricBatchDetail(EngineView):
    """GET /history/batch/{id}: a running or finished batch. DELETE: a finished one."""

    def get(self, request: Request, batch_id: str) -> Response:
        batch = services.get_batch(batch_id, request.user, Permission.READ_HISTORY)
        return Response(historic_batch_dto(batch))

    def delete(self, request: Request, batch_id: str) -> Response:
        services.delete_historic_batch(batch_id, request.user)
        return Response(status=204)

