"""`/history/job-log` and `/history/external-task-log`: every creation, failure, success and
deletion of a job or an external task (written at history level full, engine/store/logs.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from rest_framework.request import Request

from engine.models import (
    HistoricExternalTaskLog,
    HistoricJobLog,
    JobDefinition,
    LogState,
    ProcessDefinition,
)
from engine.rest import serializers
from engine.rest.base import readable_history
from engine.rest.dates import format_date
from engine.rest.historic_instance_filters import TENANT_PARAMS, tenant_q
from engine.rest.history import apply
from engine.rest.instance_roots import roots_of
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
        Param("jobDefinitionId", S, "Log entries of jobs of this job definition."),
        Param("jobDefinitionType", S, "Log entries of jobs of job definitions of this type."),
        Param("jobDefinitionConfiguration", S, "Log entries of jobs of job definitions with "
              "this configuration."),
        Param("failedActivityIdIn", L, "Failure entries of jobs at one of these activities."),
        Param("deploymentId", S, "Log entries of jobs of definitions of this deployment."),
        Param("hostname", S, "Log entries written on this host."),
        Param("jobPriorityLowerThanOrEquals", N, "Entries of jobs of this priority or lower."),
        Param("jobPriorityHigherThanOrEquals", N, "Entries of jobs of this priority or higher."),
        Param("creationLog", B, "Only creation entries."),
        Param("failureLog", B, "Only failure entries."),
        Param("successLog", B, "Only success entries."),
        Param("deletionLog", B, "Only deletion entries."),
        *TENANT_PARAMS,
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
        Param("activityInstanceIdIn", L, "Comma-separated activity instance ids."),
        Param("executionIdIn", L, "Comma-separated execution ids."),
        Param("processInstanceId", S, "Log entries of this instance."),
        Param("processDefinitionId", S, "Log entries of this definition."),
        Param("processDefinitionKey", S, "Log entries of definitions with this key."),
        Param("priorityLowerThanOrEquals", N, "Entries of tasks of this priority or lower."),
        Param("priorityHigherThanOrEquals", N, "Entries of tasks of this priority or higher."),
        Param("creationLog", B, "Only creation entries."),
        Param("failureLog", B, "Only failure entries."),
        Param("successLog", B, "Only success entries."),
        Param("deletionLog", B, "Only deletion entries."),
        *TENANT_PARAMS,
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
    # A log row's tenant is its definition's (Camunda copies it onto the row).
    return apply(rows.filter(tenant_q(filters)), filters, fields)


def _log_common(row: Any, roots: dict[str, str]) -> dict[str, Any]:
    return {
        # A job of no process (a scheduled suspension) shows nulls there, as Camunda's.
        "activityId": row.activity_id or None,
        "executionId": row.execution_id,
        "processInstanceId": row.process_instance_id,
        "processDefinitionId": row.process_definition_id or None,
        "processDefinitionKey": row.process_definition_key or None,
        "tenantId": None,
        "rootProcessInstanceId": roots.get(row.process_instance_id or ""),
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
    rows = HistoricJobLog.objects.filter(
        readable_history(request, "process_definition_key"), _job_definition_q(filters)
    )
    if "failedActivityIdIn" in filters:
        # Failure entries only: the others have no failed activity (the DTO below).
        chosen = filters["failedActivityIdIn"]
        rows = rows.filter(state=LogState.FAILED, activity_id__in=chosen)
    if "deploymentId" in filters:
        deployed = ProcessDefinition.objects.filter(deployment_id=filters["deploymentId"])
        rows = rows.filter(process_definition_id__in=deployed.values("id"))
    return _log_filters(
        rows,
        filters,
        {
            **_COMMON_FIELDS,
            "jobId": "job_id",
            "jobExceptionMessage": "job_exception_message",
            "jobDefinitionId": "job_definition_id",
            "hostname": "hostname",
            "jobPriorityLowerThanOrEquals": "job_priority__lte",
            "jobPriorityHigherThanOrEquals": "job_priority__gte",
        },
    )


def _job_definition_q(filters: dict[str, Any]) -> Q:
    """`jobDefinitionType` / `jobDefinitionConfiguration`, read from the job definition as the
    DTO shows them; a job of no definition (an asynchronous signal's) shows its own type, as
    Camunda logs the job handler type then."""
    condition = Q()
    definitions = JobDefinition.objects.all()
    if "jobDefinitionType" in filters:
        wanted = filters["jobDefinitionType"]
        has_definition = Exists(definitions.filter(pk=OuterRef("job_definition_id")))
        typed = definitions.filter(job_type=wanted).values("id")
        condition &= Q(job_definition_id__in=typed) | (~Q(has_definition) & Q(job_type=wanted))
    if "jobDefinitionConfiguration" in filters:
        configured = definitions.filter(job_configuration=filters["jobDefinitionConfiguration"])
        condition &= Q(job_definition_id__in=configured.values("id"))
    return condition


def job_log_dtos(rows: list[Any]) -> list[serializers.Dto]:
    # Camunda's job type and configuration live on the job definition, the deployment on the
    # process definition (the job's deployment): one read each per page.
    ids = {row.job_definition_id for row in rows if row.job_definition_id}
    definitions = {d.id: d for d in JobDefinition.objects.filter(pk__in=ids)}
    deployments = dict(
        ProcessDefinition.objects.filter(
            pk__in={row.process_definition_id for row in rows}
        ).values_list("id", "deployment_id")
    )
    roots = roots_of(rows)
    return [
        _job_log_dto(
            row, definitions.get(row.job_definition_id),
            deployments.get(row.process_definition_id), roots,
        )
        for row in rows
    ]


def _job_log_dto(
    row: HistoricJobLog, definition: JobDefinition | None, deployment_id: str | None,
    roots: dict[str, str],
) -> serializers.Dto:
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
        "deploymentId": deployment_id,
        "hostname": row.hostname,
        # Camunda fills this for its batch seed, monitor and execution jobs. Legato's batches
        # run in batches/runner.py, never as jobs, so no job log entry belongs to a batch.
        "batchId": None,
        **_log_common(row, roots),
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
            "activityInstanceIdIn": "activity_instance_id__in",
            "priorityLowerThanOrEquals": "priority__lte",
            "priorityHigherThanOrEquals": "priority__gte",
        },
    )


def external_task_log_dtos(rows: list[Any]) -> list[serializers.Dto]:
    roots = roots_of(rows)
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
            **_log_common(row, roots),
        }
        for row in rows
    ]


HistoricJobLogList, HistoricJobLogCount = list_views(JOB_LOG_QUERY, filter_job_logs, job_log_dtos)
HistoricExternalTaskLogList, HistoricExternalTaskLogCount = list_views(
    EXTERNAL_TASK_LOG_QUERY, filter_external_task_logs, external_task_log_dtos
)
