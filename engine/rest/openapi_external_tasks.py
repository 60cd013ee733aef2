"""OpenAPI operations and DTO schemas of `/external-task` (engine/rest/external_task_urls.py:
the async views workers call, and the retries batches of batch_operations.py)."""

from __future__ import annotations

from typing import Any

from engine.rest.external_tasks import EXTERNAL_TASK_QUERY
from engine.rest.openapi_runtime import (
    _ERROR,
    _NO_CONTENT,
    _array_of,
    _body,
    _json,
    _ref,
    dto,
    query_body,
)
from engine.rest.params import PAGING, Kind, Param

Schema = dict[str, Any]

_TASK_FIELDS = (
    "activityId:s activityInstanceId:s errorMessage:s executionId:s id:S lockExpirationTime:d"
    " processDefinitionId:s processDefinitionKey:s processDefinitionVersionTag:s"
    " processInstanceId:s tenantId:s retries:i suspended:b workerId:s topicName:S priority:I"
    " businessKey:s"
)
_TOPIC = dto(
    "topicName:S lockDuration:I variables:a localVariables:b businessKey:s"
    " processDefinitionId:s processDefinitionIdIn:a processDefinitionKey:s"
    " processDefinitionKeyIn:a processDefinitionVersionTag:s processVariables:v tenantIdIn:a"
    " withoutTenantId:b deserializeValues:b includeExtensionProperties:b"
)

EXTERNAL_TASK_SCHEMAS: dict[str, Schema] = {
    "ExternalTaskDto": dto(f"{_TASK_FIELDS} createTime:d"),
    "LockedExternalTaskDto": dto(f"{_TASK_FIELDS} errorDetails:s variables:v"
                                 " extensionProperties:o createTime:d"),
    "FetchExternalTasksDto": {
        **dto("workerId:S maxTasks:I usePriority:b asyncResponseTimeout:i"),
        "required": ["workerId", "maxTasks"],
    },
    "FetchExternalTaskTopicDto": _TOPIC,
    "CompleteExternalTaskDto": dto("workerId:S variables:v localVariables:v"),
    "ExternalTaskFailureDto": dto(
        "workerId:S errorMessage:s errorDetails:s retries:I retryTimeout:i variables:v"
        " localVariables:v"
    ),
    "ExternalTaskBpmnError": dto("workerId:S errorCode:S errorMessage:s variables:v"),
    "ExtendLockOnExternalTaskDto": dto("workerId:S newDuration:I"),
    "LockExternalTaskDto": dto("workerId:S lockDuration:I"),
    "RetriesDto": dto("retries:I"),
    "SetRetriesForExternalTasksDto": dto(
        "retries:I externalTaskIds:a processInstanceIds:a externalTaskQuery:o"
        " processInstanceQuery:o historicProcessInstanceQuery:o"
    ),
    "PriorityDto": dto("priority:I"),
}
EXTERNAL_TASK_SCHEMAS["FetchExternalTasksDto"]["properties"]["topics"] = _array_of(
    "FetchExternalTaskTopicDto"
)

EXTERNAL_TASK_PATH_PARAMETER_NAMES = {"external_task_id": "id"}

_TOPIC_FLAGS = (
    Param("withLockedTasks", Kind.BOOLEAN, "Only topics with locked tasks."),
    Param("withUnlockedTasks", Kind.BOOLEAN, "Only topics with unlocked tasks."),
    Param("withRetriesLeft", Kind.BOOLEAN, "Only topics with tasks that have retries left."),
)


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    errors = {"400": _ERROR, "403": _ERROR, "404": _ERROR}
    one = "external-task/<str:external_task_id>"

    def command(route: str, method: str, op_id: str, summary: str, body: str | None) -> Any:
        return Operation(route, method, op_id, summary, {**_NO_CONTENT, **errors},
                         request_body=_body(_ref(body)) if body else None)

    return [
        Operation("external-task", "get", "getExternalTasks", "List external tasks",
                  {"200": _json(_array_of("ExternalTaskDto")), **errors},
                  query=EXTERNAL_TASK_QUERY, paged=True),
        Operation("external-task/count", "get", "getExternalTasksCount", "Count external tasks",
                  {"200": _json(_ref("CountResultDto")), **errors}, query=EXTERNAL_TASK_QUERY),
        Operation("external-task", "post", "queryExternalTasks",
                  "List external tasks (POST form: the filters and `sorting` in the body)",
                  {"200": _json(_array_of("ExternalTaskDto")), **errors},
                  request_body=_body(query_body(EXTERNAL_TASK_QUERY)), parameters=PAGING),
        Operation("external-task/count", "post", "queryExternalTasksCount",
                  "Count external tasks (POST form)",
                  {"200": _json(_ref("CountResultDto")), **errors},
                  request_body=_body(query_body(EXTERNAL_TASK_QUERY))),
        Operation("external-task/fetchAndLock", "post", "fetchAndLock",
                  "Fetch and lock external tasks of topics, waiting up to asyncResponseTimeout"
                  " ms for one to appear",
                  {"200": _json(_array_of("LockedExternalTaskDto")), **errors},
                  request_body=_body(_ref("FetchExternalTasksDto"))),
        Operation("external-task/topic-names", "get", "getTopicNames",
                  "Names of the topics that have external tasks",
                  {"200": _json({"type": "array", "items": {"type": "string"}}), **errors},
                  parameters=_TOPIC_FLAGS),
        Operation(one, "get", "getExternalTask", "Get an external task",
                  {"200": _json(_ref("ExternalTaskDto")), **errors}),
        Operation(f"{one}/errorDetails", "get", "getExternalTaskErrorDetails",
                  "The error details of the task's last failure, as text",
                  {"200": {"description": "Request successful.",
                           "content": {"text/plain": {"schema": {"type": "string"}}}},
                   **errors}),
        command(f"{one}/complete", "post", "completeExternalTaskResource",
                "Complete a task locked by the worker", "CompleteExternalTaskDto"),
        command(f"{one}/failure", "post", "handleFailure",
                "Report a failure: retries left, or an incident at 0", "ExternalTaskFailureDto"),
        command(f"{one}/bpmnError", "post", "handleExternalTaskBpmnError",
                "Throw a BPMN error from the task's activity", "ExternalTaskBpmnError"),
        command(f"{one}/lock", "post", "lock",
                "Lock the task for the worker (unlocked, expired, or already the worker's)",
                "LockExternalTaskDto"),
        command(f"{one}/extendLock", "post", "extendLock",
                "Extend the lock the worker holds", "ExtendLockOnExternalTaskDto"),
        command(f"{one}/unlock", "post", "unlock", "Release the task's lock", None),
        command(f"{one}/retries", "put", "setExternalTaskResourceRetries",
                "Set the task's retries (0 raises an incident, more resolves it)", "RetriesDto"),
        command(f"{one}/priority", "put", "setExternalTaskResourcePriority",
                "Set the task's priority", "PriorityDto"),
        Operation("external-task/retries", "put", "setExternalTaskRetries",
                  "Set the retries of many external tasks at once",
                  {**_NO_CONTENT, **errors},
                  request_body=_body(_ref("SetRetriesForExternalTasksDto"))),
        Operation("external-task/retries-async", "post", "setExternalTaskRetriesAsyncOperation",
                  "Set the retries of many external tasks in a batch",
                  {"200": _json(_ref("BatchDto")), **errors},
                  request_body=_body(_ref("SetRetriesForExternalTasksDto"))),
    ]

