"""OpenAPI of the history logs kept at level full (jobs, external tasks, identity links) and
of the history reports."""

from __future__ import annotations

from typing import Any

from engine.rest import (
    cleanable_reports,
    history_identity_links,
    history_job_logs,
    history_reports,
)
from engine.rest.openapi_runtime import (
    _ERROR,
    _array_of,
    _json,
    _ref,
    dto,
    listing_operations,
)
from engine.rest.params import Kind, Param

Schema = dict[str, Any]

HISTORY_PATH_PARAMETER_NAMES = {"operation_id": "operationId", "log_id": "id"}

HISTORY_SCHEMAS: dict[str, Schema] = {
    "CleanableHistoricBatchReportResultDto": dto(
        "batchType:S historyTimeToLive:i finishedBatchesCount:I cleanableBatchesCount:I"
    ),
    "HistoricJobLogDto": dto(
        "id:S timestamp:d removalTime:d jobId:s jobDueDate:d jobRetries:i jobPriority:I "
        "jobExceptionMessage:s failedActivityId:s jobDefinitionId:s jobDefinitionType:s "
        "jobDefinitionConfiguration:s deploymentId:s hostname:s batchId:s activityId:s "
        "executionId:s processInstanceId:s processDefinitionId:s processDefinitionKey:s "
        "tenantId:s rootProcessInstanceId:s creationLog:b failureLog:b successLog:b deletionLog:b"
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
    "CleanableHistoricProcessInstanceReportResultDto": dto(
        "processDefinitionId:S processDefinitionKey:S processDefinitionName:s "
        "processDefinitionVersion:I historyTimeToLive:i finishedProcessInstanceCount:I "
        "cleanableProcessInstanceCount:I tenantId:s"
    ),
    "CleanableHistoricDecisionInstanceReportResultDto": dto(
        "decisionDefinitionId:S decisionDefinitionKey:S decisionDefinitionName:s "
        "decisionDefinitionVersion:I historyTimeToLive:i finishedDecisionInstanceCount:I "
        "cleanableDecisionInstanceCount:I tenantId:s"
    ),
    "DurationReportResultDto": dto("period:I periodUnit:S minimum:I maximum:I average:I"),
    "HistoricTaskInstanceReportResultDto": dto(
        "count:I taskName:s processDefinitionId:s processDefinitionKey:s "
        "processDefinitionName:s tenantId:s"
    ),
}


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    h = "history"
    errors = {"400": _ERROR, "403": _ERROR}
    durations = {"200": {"description": "Request successful.", "content": {
        "application/json": {"schema": _array_of("DurationReportResultDto")},
        "text/csv": {"schema": {"type": "string"}},
        "application/csv": {"schema": {"type": "string"}}}}}
    text = {"200": {"description": "The text", "content": {"text/plain": {
        "schema": {"type": "string"}}}}, "204": {"description": "No text kept."}}
    return [
        Operation(f"{h}/process-instance/<str:instance_id>", "delete",
                  "deleteHistoricProcessInstance",
                  "Delete a finished instance's history (failIfNotExists=false: none is fine)",
                  {"204": {"description": "Request successful, no content."}, **errors,
                   "404": _ERROR},
                  parameters=(Param("failIfNotExists", Kind.BOOLEAN,
                                    "false: an unknown id is no error."),)),
        Operation(f"{h}/process-instance/<str:instance_id>/variable-instances", "delete",
                  "deleteHistoricVariableInstancesOfHistoricProcessInstance",
                  "Delete every historic variable of an instance, with its updates",
                  {"204": {"description": "Request successful, no content."}, **errors,
                   "404": _ERROR}),
        Operation(f"{h}/variable-instance/<str:variable_id>", "delete",
                  "deleteHistoricVariableInstance",
                  "Delete a historic variable with its updates",
                  {"204": {"description": "Request successful, no content."}, **errors,
                   "404": _ERROR}),
        Operation(f"{h}/user-operation/<str:operation_id>/set-annotation", "put",
                  "setAnnotationUserOperationLog",
                  "Annotate every entry of an operation (why it was done)",
                  {"204": {"description": "Request successful, no content."}, **errors},
                  request_body={"content": {"application/json": {"schema": {
                      "type": "object", "properties": {"annotation": {"type": "string"}}}}}}),
        Operation(f"{h}/user-operation/<str:operation_id>/clear-annotation", "put",
                  "clearAnnotationUserOperationLog", "Clear an operation's annotation",
                  {"204": {"description": "Request successful, no content."}, **errors}),
        Operation(f"{h}/process-instance/report", "get", "getHistoricProcessInstanceDurationReport",
                  "Durations of completed instances per month or quarter they started in",
                  {**durations, **errors}, query=history_reports.INSTANCE_REPORT_QUERY),
        Operation(f"{h}/task/report", "get", "getHistoricTaskInstanceReport",
                  "Completed tasks counted by name or definition, or their durations per period",
                  {"200": _json({"type": "array", "items": {"oneOf": [
                      _ref("HistoricTaskInstanceReportResultDto"),
                      _ref("DurationReportResultDto")]}}), **errors},
                  query=history_reports.TASK_REPORT_QUERY),
        *listing_operations(
            f"{h}/process-definition/cleanable-process-instance-report",
            "CleanableHistoricProcessInstanceReport",
            "CleanableHistoricProcessInstanceReportResultDto",
            cleanable_reports.PROCESS_REPORT_QUERY, post=False),
        *listing_operations(
            f"{h}/decision-definition/cleanable-decision-instance-report",
            "CleanableHistoricDecisionInstanceReport",
            "CleanableHistoricDecisionInstanceReportResultDto",
            cleanable_reports.DECISION_REPORT_QUERY, post=False),
        *listing_operations(
            f"{h}/batch/cleanable-batch-report", "CleanableHistoricBatchReport",
            "CleanableHistoricBatchReportResultDto", cleanable_reports.BATCH_REPORT_QUERY,
            post=False),
        *listing_operations(f"{h}/job-log", "HistoricJobLogs", "HistoricJobLogDto",
                            history_job_logs.JOB_LOG_QUERY, post=True),
        *listing_operations(f"{h}/external-task-log", "HistoricExternalTaskLogs",
                            "HistoricExternalTaskLogDto",
                            history_job_logs.EXTERNAL_TASK_LOG_QUERY, post=True),
        Operation(f"{h}/job-log/<str:log_id>", "get", "getHistoricJobLog",
                  "One job log entry (one the caller may not read: 404)",
                  {"200": _json(_ref("HistoricJobLogDto")), **errors, "404": _ERROR}),
        Operation(f"{h}/job-log/<str:log_id>/stacktrace", "get",
                  "getStacktraceHistoricJobLog", "The entry's exception stacktrace",
                  {**text, **errors, "404": _ERROR}),
        Operation(f"{h}/external-task-log/<str:log_id>", "get", "getHistoricExternalTaskLog",
                  "One external task log entry (one the caller may not read: 404)",
                  {"200": _json(_ref("HistoricExternalTaskLogDto")), **errors, "404": _ERROR}),
        Operation(f"{h}/external-task-log/<str:log_id>/error-details", "get",
                  "getErrorDetailsHistoricExternalTaskLog", "The entry's error details",
                  {**text, **errors, "404": _ERROR}),
        *listing_operations(f"{h}/identity-link-log", "HistoricIdentityLinkLogs",
                            "HistoricIdentityLinkLogDto",
                            history_identity_links.IDENTITY_LINK_LOG_QUERY, post=False),
    ]
