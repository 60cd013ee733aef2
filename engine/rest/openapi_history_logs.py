"""OpenAPI of the history logs kept at level full: jobs, external tasks, identity links."""

from __future__ import annotations

from typing import Any

from engine.rest import history_identity_links, history_job_logs
from engine.rest.openapi_runtime import dto, listing_operations

Schema = dict[str, Any]

HISTORY_LOG_SCHEMAS: dict[str, Schema] = {
    "HistoricJobLogDto": dto(
        "id:S timestamp:d removalTime:d jobId:s jobDueDate:d jobRetries:i jobPriority:I "
        "jobExceptionMessage:s failedActivityId:s jobDefinitionId:s jobDefinitionType:s "
        "jobDefinitionConfiguration:s deploymentId:s hostname:s activityId:s executionId:s "
        "processInstanceId:s processDefinitionId:s processDefinitionKey:s tenantId:s "
        "rootProcessInstanceId:s creationLog:b failureLog:b successLog:b deletionLog:b"
    ),
    "HistoricExternalTaskLogDto": dto(
        "id:S timestamp:d removalTime:d externalTaskId:s topicName:s workerId:s priority:I "
        "retries:i errorMessage:s activityInstanceId:s activityId:s executionId:s "
        "processInstanceId:s processDefinitionId:s processDefinitionKey:s tenantId:s "
        "rootProcessInstanceId:s creationLog:b failureLog:b successLog:b deletionLog:b"
    ),
    "HistoricIdentityLinkLogDto": dto(
        "id:S time:d type:S userId:s groupId:s taskId:S processDefinitionId:s "
        "processDefinitionKey:s operationType:S assignerId:s tenantId:s removalTime:d "
        "rootProcessInstanceId:s"
    ),
}


def operations() -> list[Any]:
    h = "history"
    return [
        *listing_operations(f"{h}/job-log", "HistoricJobLogs", "HistoricJobLogDto",
                            history_job_logs.JOB_LOG_QUERY, post=True),
        *listing_operations(f"{h}/external-task-log", "HistoricExternalTaskLogs",
                            "HistoricExternalTaskLogDto",
                            history_job_logs.EXTERNAL_TASK_LOG_QUERY, post=True),
        *listing_operations(f"{h}/identity-link-log", "HistoricIdentityLinkLogs",
                            "HistoricIdentityLinkLogDto",
                            history_identity_links.IDENTITY_LINK_LOG_QUERY, post=False),
    ]
