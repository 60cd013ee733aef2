"""`/history/job-log` and `/history/external-task-log`: every creation, failure, success and
deletion of a job or an external task (written at history level full, engine/store/logs.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request

from engine.models import HistoricExternalTaskLog, HistoricJobLog, JobDefinition, LogState
from engine.rest import serializers
from engine.rest.base import readable_history
from engine.rest.dates import format_date
from engine.rest.history import apply
from engine.rest.listing import list_views
from engine.rest.params import Kind, ListQuery, Param

S, B, N, L = Kind.STRING, Kind.BOOLEAN, Kind.INTEGER, Kind.STRING_LIST

JOB_LOG_QUERY = ListQuery(
    filters=(
        Param("logId", N, "This log entry (a number)."),
        Param("jobId", S, "Log entries of this job."),
        Param("jobExceptionMessage", S, "Entries with this exception message."),
        Param("activityIdIn", L, "Comma-separated activity ids."),
        Param("executionIdIn", L, "Comma-separated execution ids."),
        Param("processInstanceId", S, "Log entries of this instance."),
        Param("processDefinitionId", S, "Log entries of this definition."),
        Param("processDefinitionKey", S, "Log entries of definitions with this key."),
        Param("creationLog", B, "Only creation entries."),
        Param("failureLog", B, "Only failure entries."),
        Param("successLog", B, "Only success entries."),
        Param("deletionLog", B, "Only deletion entries."),
    ),
    sort_fields={
        "timestamp": "timestamp",
        "jobId": "job_id",
        "jobDueDate": "job_due_date",
        "jobRetries": "job_retries",
        "jobPriority": "job_priority",
        "activityId": "activity_id",
        "executionId": "execution_id",
        "processInstanceId": "process_instance_id",
        "processDefinitionId": "process_definition_id",
        "processDefinitionKey": "process_definition_key",
        "occurrence": "id",
    },
)
EXTERNAL_TASK_LOG_QUERY = ListQuery(
    filters=(
        Param("logId", N, "This log entry (a number)."),
        Param("externalTaskId", S, "Log entries of this external task."),
        Param("topicName", S, "Log entries of this topic."),
        Param("workerId", S, "Log entries of this worker."),
        Param("errorMessage", S, "Entries with this error message."),
        Param("activityIdIn", L, "Comma-separated activity ids."),
        Param("executionIdIn", L, "Comma-separated execution ids."),
        Param("processInstanceId", S, "Log entries of this instance."),
        Param("processDefinitionId", S, "Log entries of this definition."),
        Param("processDefinitionKey", S, "Log entries of definitions with this key."),
        Param("creationLog", B, "Only creation entries."),
        Param("failureLog", B, "Only failure entries."),
        Param("successLog", B, "Only success entries."),
        Param("deletionLog", B, "Only deletion entries."),
    ),
    sort_fields={
        "timestamp": "timestamp",
        "externalTaskId": "external_task_id",
        "topicName": "topic_name",
        "workerId": "worker_id",
        "retries": "retries",
        "priority": "priority",
        "activityId": "activity_id",
        "executionId": "execution_id",
        "processInstanceId": "process_instance_id",
        "processDefinitionId": "process_definition_id",
        "processDefinitionKey": "process_definition_key",
    },
)
_STATE_FLAGS = {
    "creationLog": LogState.CREATED,
    "failureLog": LogState.FAILED,
    "successLog": LogState.SUCCESSFUL,
    "deletionLog": LogState.DELETED,
}


def _log_filters(rows: QuerySet[Any], filters: dict[str, Any], fields: dict[str, str]) -> Any:
    states = [state for flag, state in _STATE_FLAGS.items() if filters.pop(flag, None)]
    if states:
        rows = rows.filter(state__in=states)
    return apply(rows, filters, fields)


def _log_common(row: Any) -> dict[str, Any]:
    return {
        "activityId": row.activity_id,
        "executionId": row.execution_id,
        "processInstanceId": row.process_instance_id,
        "processDefinitionId": row.process_definition_id,
        "processDefinitionKey": row.process_definition_key,
        "tenantId": None,
        "rootProcessInstanceId": row.process_instance_id,
        "creationLog": row.state == LogState.CREATED,
        "failureLog": row.state == LogState.FAILED,
        "successLog": row.state == LogState.SUCCESSFUL,
        "deletionLog": row.state == LogState.DELETED,
    }


_COMMON_FIELDS = {
    "activityIdIn": "activity_id__in",
    "executionIdIn": "execution_id__in",
    "processInstanceId": "process_instance_id",
    "processDefinitionId": "process_definition_id",
    "processDefinitionKey": "process_definition_key",
    "logId": "pk",
}


def filter_job_logs(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    rows = HistoricJobLog.objects.filter(readable_history(request, "process_definition_key"))
    return _log_filters(
        rows,
        filters,
        {**_COMMON_FIELDS, "jobId": "job_id", "jobExceptionMessage": "job_exception_message"},
    )


def job_log_dtos(rows: list[Any]) -> list[serializers.Dto]:
    # Camunda's job type and configuration live on the job definition: one read per page.
    ids = {row.job_definition_id for row in rows if row.job_definition_id}
    definitions = {d.id: d for d in JobDefinition.objects.filter(pk__in=ids)}
    return [_job_log_dto(row, definitions.get(row.job_definition_id)) for row in rows]


def _job_log_dto(row: HistoricJobLog, definition: JobDefinition | None) -> serializers.Dto:
    return {
        "id": str(row.id),
        "timestamp": format_date(row.timestamp),
        "removalTime": None,
        "jobId": row.job_id,
        "jobDueDate": format_date(row.job_due_date),
        "jobRetries": row.job_retries,
        "jobPriority": row.job_priority,
        "jobExceptionMessage": row.job_exception_message,
        "failedActivityId": row.activity_id if row.state == LogState.FAILED else None,
        "jobDefinitionId": row.job_definition_id,
        "jobDefinitionType": definition.job_type if definition else row.job_type,
        "jobDefinitionConfiguration": definition.job_configuration if definition else None,
        "deploymentId": definition.deployment_id if definition else None,
        "hostname": row.hostname,
        **_log_common(row),
    }


def filter_external_task_logs(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    rows = HistoricExternalTaskLog.objects.filter(
        readable_history(request, "process_definition_key")
    )
    return _log_filters(
        rows,
        filters,
        {
            **_COMMON_FIELDS,
            "externalTaskId": "external_task_id",
            "topicName": "topic_name",
            "workerId": "worker_id",
            "errorMessage": "error_message",
        },
    )


def external_task_log_dtos(rows: list[Any]) -> list[serializers.Dto]:
    return [
        {
            "id": str(row.id),
            "timestamp": format_date(row.timestamp),
            "removalTime": None,
            "externalTaskId": row.external_task_id,
            "topicName": row.topic_name,
            "workerId": row.worker_id,
            "priority": row.priority,
            "retries": row.retries,
            "errorMessage": row.error_message,
            "activityInstanceId": row.activity_instance_id,
            **_log_common(row),
        }
        for row in rows
    ]


HistoricJobLogList, HistoricJobLogCount = list_views(JOB_LOG_QUERY, filter_job_logs, job_log_dtos)
HistoricExternalTaskLogList, HistoricExternalTaskLogCount = list_views(
    EXTERNAL_TASK_LOG_QUERY, filter_external_task_logs, external_task_log_dtos
)
