"""OpenAPI operations and DTO schemas of `/batch`, `/history/batch` and the bulk operations
that answer a BatchDto (engine/rest/batches.py, batch_operations.py)."""

from __future__ import annotations

from typing import Any

from engine.rest import batches
from engine.rest.openapi_runtime import (
    _ERROR,
    _NO_CONTENT,
    _array_of,
    _body,
    _json,
    _ref,
    dto,
)
from engine.rest.params import Kind, ListQuery, Param

Schema = dict[str, Any]

_BATCH = (
    "id:S type:S totalJobs:I jobsCreated:I batchJobsPerSeed:I invocationsPerBatchJob:I "
    "seedJobDefinitionId:s monitorJobDefinitionId:s batchJobDefinitionId:s suspended:b "
    "tenantId:s createUserId:s startTime:d executionStartTime:d"
)
BATCH_SCHEMAS: dict[str, Schema] = {
    "BatchDto": dto(_BATCH),
    "BatchStatisticsDto": dto(f"{_BATCH} remainingJobs:I completedJobs:I failedJobs:I"),
    "HistoricBatchDto": dto(
        "id:S type:S totalJobs:I batchJobsPerSeed:I invocationsPerBatchJob:I "
        "seedJobDefinitionId:s monitorJobDefinitionId:s batchJobDefinitionId:s tenantId:s "
        "createUserId:s startTime:d endTime:d removalTime:d executionStartTime:d"
    ),
    "DeleteProcessInstancesDto": dto(
        "processInstanceIds:a processInstanceQuery:o historicProcessInstanceQuery:o "
        "deleteReason:s skipCustomListeners:b skipSubprocesses:b skipIoMappings:b "
        "failIfNotExists:b"
    ),
    "ProcessInstanceSuspensionStateAsyncDto": dto(
        "processInstanceIds:a processInstanceQuery:o historicProcessInstanceQuery:o suspended:b"
    ),
    "ProcessInstanceSuspensionStateDto": dto(
        "suspended:b processDefinitionId:s processDefinitionKey:s processDefinitionTenantId:s "
        "processDefinitionWithoutTenantId:b processInstanceIds:a processInstanceQuery:o "
        "historicProcessInstanceQuery:o"
    ),
    "SetRemovalTimeToHistoricBatchesDto": dto(
        "historicBatchIds:a historicBatchQuery:o absoluteRemovalTime:d "
        "calculatedRemovalTime:b clearedRemovalTime:b"
    ),
    "CorrelationMessageAsyncDto": dto(
        "messageName:S processInstanceIds:a processInstanceQuery:o "
        "historicProcessInstanceQuery:o variables:o"
    ),
    "DeleteHistoricProcessInstancesDto": dto(
        "historicProcessInstanceIds:a historicProcessInstanceQuery:o deleteReason:s "
        "failIfNotExists:b"
    ),
    "DeleteHistoricDecisionInstancesDto": dto(
        "historicDecisionInstanceIds:a historicDecisionInstanceQuery:o deleteReason:s"
    ),
    "SetRemovalTimeToHistoricDecisionInstancesDto": dto(
        "historicDecisionInstanceIds:a historicDecisionInstanceQuery:o absoluteRemovalTime:d "
        "clearedRemovalTime:b calculatedRemovalTime:b hierarchical:b"
    ),
    "SetRemovalTimeToHistoricProcessInstancesDto": dto(
        "historicProcessInstanceIds:a historicProcessInstanceQuery:o absoluteRemovalTime:d "
        "clearedRemovalTime:b calculatedRemovalTime:b hierarchical:b"
    ),
    "SetVariablesAsyncDto": dto(
        "processInstanceIds:a processInstanceQuery:o historicProcessInstanceQuery:o variables:v"
    ),
    # Camunda's ModificationDto: the instructions as a single instance's, by activity or flow.
    "ModificationDto": {
        "type": "object",
        "properties": {
            "processDefinitionId": {"type": "string"},
            "processInstanceIds": {"type": "array", "items": {"type": "string"}},
            "processInstanceQuery": {"type": "object", "nullable": True},
            "historicProcessInstanceQuery": {"type": "object", "nullable": True},
            "skipCustomListeners": {"type": "boolean"},
            "skipIoMappings": {"type": "boolean"},
            "annotation": {"type": "string", "nullable": True},
            "instructions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ProcessInstanceModificationInstructionDto"},
            },
        },
    },
    # Camunda's RestartProcessInstanceDto (its instructions carry no variables).
    "RestartProcessInstanceDto": {
        "type": "object",
        "properties": {
            "processInstanceIds": {"type": "array", "items": {"type": "string"}},
            "historicProcessInstanceQuery": {"type": "object", "nullable": True},
            "skipCustomListeners": {"type": "boolean"},
            "skipIoMappings": {"type": "boolean"},
            "initialVariables": {"type": "boolean"},
            "withoutBusinessKey": {"type": "boolean"},
            "instructions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ProcessInstanceModificationInstructionDto"},
            },
        },
    },
    "SetJobRetriesDto": dto("jobIds:a jobQuery:o processInstances:a retries:I dueDate:d"),
    "SetJobRetriesByProcessDto": dto(
        "processInstances:a processInstanceQuery:o historicProcessInstanceQuery:o retries:I "
        "dueDate:d"
    ),
}

BATCH_PATH_PARAMETER_NAMES = {"batch_id": "id"}


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    ops: list[Operation] = []
    errors = {"400": _ERROR, "403": _ERROR, "404": _ERROR}

    def add(route: str, method: str, op_id: str, summary: str, responses: dict[str, Schema],
            **kwargs: Any) -> None:
        ops.append(Operation(route, method, op_id, summary, {**responses, **errors}, **kwargs))

    def listing(route: str, name: str, dto_name: str, query: ListQuery) -> None:
        add(route, "get", f"get{name}", f"List {name}", {"200": _json(_array_of(dto_name))},
            query=query, paged=True)
        add(f"{route}/count", "get", f"get{name}Count", f"Count {name}",
            {"200": _json(_ref("CountResultDto"))}, query=query)

    one = "batch/<str:batch_id>"
    listing("batch", "Batches", "BatchDto", batches.BATCH_QUERY)
    listing("batch/statistics", "BatchStatistics", "BatchStatisticsDto",
            batches.BATCH_STATISTICS_QUERY)
    add(one, "get", "getBatch", "Get a running batch", {"200": _json(_ref("BatchDto"))})
    add(one, "delete", "deleteBatch", "Stop and delete a batch (cascade: its history too)",
        _NO_CONTENT, parameters=(Param("cascade", Kind.BOOLEAN, "Delete its history too."),))
    add(f"{one}/suspended", "put", "updateBatchSuspensionState",
        "Suspend or activate a batch", _NO_CONTENT, request_body=_body())
    listing("history/batch", "HistoricBatches", "HistoricBatchDto",
            batches.HISTORIC_BATCH_QUERY)
    add("history/batch/<str:batch_id>", "get", "getHistoricBatch",
        "Get a running or finished batch", {"200": _json(_ref("HistoricBatchDto"))})
    add("history/batch/<str:batch_id>", "delete", "deleteHistoricBatch",
        "Remove a finished batch from history", _NO_CONTENT)
    add("process-instance/suspended", "put", "updateSuspensionState",
        "Suspend or activate at once the instances of a definition (by id, or by key with "
        "its tenant filters) or a group (ids and queries); all or none",
        _NO_CONTENT, request_body=_body(_ref("ProcessInstanceSuspensionStateDto")))
    latest = "process-definition/key/<str:key>"
    for route, suffix in ((latest, "ByKey"), (f"{latest}/tenant-id/<str:tenant_id>",
                                              "ByKeyAndTenantId")):
        add(f"{route}/suspended", "put", f"updateProcessDefinitionSuspensionState{suffix}",
            "Suspend or activate the latest version of the key (`includeProcessInstances`)",
            _NO_CONTENT, request_body=_body())
    add("modification/execute", "post", "executeModification",
        "Modify a set of instances of one definition, all or none", _NO_CONTENT,
        request_body=_body(_ref("ModificationDto")))
    add("modification/executeAsync", "post", "executeModificationAsync",
        "Modify a set of instances of one definition in a batch",
        {"200": _json(_ref("BatchDto"))}, request_body=_body(_ref("ModificationDto")))
    restart = "process-definition/<str:definition_id>/restart"
    add(restart, "post", "restartProcessInstance",
        "Restart finished instances of the definition at the given elements, all or none",
        _NO_CONTENT, request_body=_body(_ref("RestartProcessInstanceDto")))
    add(f"{restart}-async", "post", "restartProcessInstanceAsyncOperation",
        "Restart finished instances of the definition in a batch",
        {"200": _json(_ref("BatchDto"))}, request_body=_body(_ref("RestartProcessInstanceDto")))
    # The bulk operations: each answers the BatchDto of the batch it made.
    for route, op_id, summary, body in (
        ("process-instance/delete", "deleteProcessInstancesAsync",
         "Delete process instances in a batch", "DeleteProcessInstancesDto"),
        ("process-instance/suspended-async", "updateSuspensionStateAsyncOperation",
         "Suspend or activate process instances in a batch",
         "ProcessInstanceSuspensionStateAsyncDto"),
        ("process-instance/delete-historic-query-based", "deleteAsyncHistoricQueryBased",
         "Delete the running instances a historic query finds (and those given) in a batch",
         "DeleteProcessInstancesDto"),
        ("process-instance/job-retries-historic-query-based",
         "setRetriesByProcessHistoricQueryBased",
         "Set the retries of the jobs of the instances a historic query finds, in a batch",
         "SetJobRetriesByProcessDto"),
        ("process-instance/message-async", "correlateMessageAsyncOperation",
         "Correlate a message to each instance given and found (waiting executions only), "
         "in a batch", "CorrelationMessageAsyncDto"),
        ("process-instance/<str:instance_id>/modification-async", "modifyProcessInstanceAsync",
         "Modify one instance in a batch", "ProcessInstanceModificationDto"),
        ("process-instance/variables-async", "setVariablesAsyncOperation",
         "Set variables on process instances in a batch", "SetVariablesAsyncDto"),
        ("job/retries", "setJobRetriesAsyncOperation", "Set the retries of jobs in a batch",
         "SetJobRetriesDto"),
        ("process-instance/job-retries", "setRetriesByProcess",
         "Set the retries of the jobs of process instances in a batch",
         "SetJobRetriesByProcessDto"),
        ("history/process-instance/delete", "deleteHistoricProcessInstancesAsync",
         "Delete the history of finished instances in a batch",
         "DeleteHistoricProcessInstancesDto"),
        ("history/decision-instance/delete", "deleteHistoricDecisionInstancesAsync",
         "Delete historic decision instances (with the decisions they required) in a batch",
         "DeleteHistoricDecisionInstancesDto"),
        ("history/decision-instance/set-removal-time", "setDecisionRemovalTimeAsync",
         "Set when historic decision instances are removed, in a batch",
         "SetRemovalTimeToHistoricDecisionInstancesDto"),
        ("history/process-instance/set-removal-time", "setRemovalTimeAsync",
         "Set when the history of finished instances is removed, in a batch",
         "SetRemovalTimeToHistoricProcessInstancesDto"),
        ("history/batch/set-removal-time", "setRemovalTimeAsyncHistoricBatch",
         "Set when finished batches are removed from history, in a batch",
         "SetRemovalTimeToHistoricBatchesDto"),
    ):
        add(route, "post", op_id, summary, {"200": _json(_ref("BatchDto"))},
            request_body=_body(_ref(body)))
    return ops
