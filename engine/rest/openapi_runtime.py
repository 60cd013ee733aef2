"""OpenAPI operations and DTO schemas of the runtime and history resources (runtime_urls.py).

Field lists are written compactly: `s` nullable string, `S` string, `i` nullable integer,
`I` integer, `b` boolean, `d` nullable date, `o` nullable object, `a` array, `v` variables
map. Names follow Camunda's OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from engine.rest import (
    event_subscriptions,
    executions,
    filters,
    history,
    history_logs,
    incidents_jobs,
    job_definitions,
    process_instances,
    task_extras,
    tasks,
    variable_instances,
)
from engine.rest.params import PAGING, Kind, ListQuery, Param

Schema = dict[str, Any]

_CODES: dict[str, Schema] = {
    "s": {"type": "string", "nullable": True},
    "S": {"type": "string"},
    "i": {"type": "integer", "nullable": True},
    "I": {"type": "integer"},
    "b": {"type": "boolean"},
    "d": {"type": "string", "format": "date-time", "nullable": True},
    "o": {"type": "object", "nullable": True},
    "a": {"type": "array", "items": {}},
    "v": {
        "type": "object",
        "additionalProperties": {"$ref": "#/components/schemas/VariableValueDto"},
    },
}


def dto(spec: str) -> Schema:
    """`"id:S name:s"` -> an object schema with those properties in that order."""
    properties = {}
    for item in spec.split():
        name, code = item.split(":")
        properties[name] = _CODES[code] if not code.startswith("#") else {
            "$ref": f"#/components/schemas/{code[1:]}"
        }
    return {"type": "object", "properties": properties}


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _array_of(name: str) -> Schema:
    return {"type": "array", "items": _ref(name)}


RUNTIME_SCHEMAS: dict[str, Schema] = {
    "VariableQueryParameterDto": {
        "type": "object",
        "properties": {
            "name": _CODES["S"],
            "operator": {"type": "string",
                         "enum": ["eq", "neq", "gt", "gteq", "lt", "lteq", "like"]},
            "value": {"description": "A string, number or boolean."},
        },
    },
    "VariableValueDto": {
        "type": "object",
        "description": "Types: String, Integer, Long, Short, Double, Boolean, Date, Bytes, "
        "File, Null, Json, Xml, Object (application/json). A value its type cannot hold is a "
        "400: a whole number beyond the type's Java range (untyped: beyond a Long), a NaN or "
        "infinite Double, Json or Object text with NaN, Infinity or a number beyond a double, "
        "Xml text that is not well-formed or declares a DOCTYPE. `valueInfo.transient` true: "
        "the variable serves only the command the request runs and is never stored.",
        "properties": {"value": {"nullable": True}, "type": _CODES["s"],
                       "valueInfo": {"type": "object"}},
    },
    "ProcessInstanceDto": dto(
        "links:a id:S definitionId:S definitionKey:S businessKey:s caseInstanceId:s ended:b "
        "suspended:b tenantId:s"
    ),
    "ProcessInstanceWithVariablesDto": dto(
        "links:a id:S definitionId:S definitionKey:S businessKey:s caseInstanceId:s ended:b "
        "suspended:b tenantId:s variables:v"
    ),
    "ActivityInstanceDto": dto(
        "id:S parentActivityInstanceId:s activityId:S activityType:S processInstanceId:S "
        "processDefinitionId:S childActivityInstances:a childTransitionInstances:a "
        "executionIds:a activityName:s incidentIds:a incidents:a name:s"
    ),
    "ExecutionDto": dto("id:S processInstanceId:S ended:b tenantId:s"),
    "EventSubscriptionDto": dto(
        "id:S eventType:S eventName:s executionId:s processInstanceId:s activityId:s "
        "createdDate:d tenantId:s"
    ),
    "TaskDto": dto(
        "id:S name:s assignee:s owner:s created:d lastUpdated:d due:d followUp:d "
        "delegationState:s description:s executionId:s parentTaskId:s priority:I "
        "processDefinitionId:s processInstanceId:s caseExecutionId:s caseDefinitionId:s "
        "caseInstanceId:s taskDefinitionKey:s suspended:b formKey:s camundaFormRef:o tenantId:s "
        "taskState:s"
    ),
    "FormDto": dto("key:s contextPath:s camundaFormRef:o"),
    "IdentityLinkDto": dto("userId:s groupId:s type:S"),
    "CommentDto": dto(
        "links:a id:S userId:s taskId:S processInstanceId:s time:d message:S removalTime:d "
        "rootProcessInstanceId:s"
    ),
    "MessageCorrelationResultWithVariableDto": dto(
        "resultType:S execution:o processInstance:o variables:v"
    ),
    "ProcessDefinitionStatisticsResultDto": dto(
        "@class:S id:S instances:I failedJobs:I incidents:a definition:#ProcessDefinitionDto"
    ),
    "ActivityStatisticsResultDto": dto("@class:S id:S instances:I failedJobs:I incidents:a"),
    "IncidentDto": dto(
        "id:S processDefinitionId:s processInstanceId:s executionId:s incidentTimestamp:d "
        "incidentType:S activityId:s failedActivityId:s causeIncidentId:s "
        "rootCauseIncidentId:s configuration:s tenantId:s incidentMessage:s "
        "jobDefinitionId:s annotation:s"
    ),
    "JobDto": dto(
        "id:S jobDefinitionId:s processInstanceId:s processDefinitionId:s "
        "processDefinitionKey:s executionId:s exceptionMessage:s failedActivityId:s "
        "retries:I dueDate:d suspended:b priority:I tenantId:s createTime:d batchId:s"
    ),
    "JobDefinitionDto": dto(
        "id:S processDefinitionId:s processDefinitionKey:s activityId:s jobType:s "
        "jobConfiguration:s overridingJobPriority:i suspended:b tenantId:s deploymentId:s"
    ),
    "HistoricProcessInstanceDto": dto(
        "id:S rootProcessInstanceId:s superProcessInstanceId:s superCaseInstanceId:s "
        "caseInstanceId:s processDefinitionName:s processDefinitionKey:s "
        "processDefinitionVersion:i processDefinitionId:s businessKey:s startTime:d endTime:d "
        "removalTime:d durationInMillis:i startUserId:s startActivityId:s deleteReason:s "
        "tenantId:s state:s restartedProcessInstanceId:s"
    ),
    "HistoricActivityInstanceDto": dto(
        "id:S parentActivityInstanceId:s activityId:s activityName:s activityType:s "
        "processDefinitionKey:s processDefinitionId:s processInstanceId:s executionId:s "
        "taskId:s calledProcessInstanceId:s calledCaseInstanceId:s assignee:s startTime:d "
        "endTime:d durationInMillis:i canceled:b completeScope:b tenantId:s removalTime:d "
        "rootProcessInstanceId:s"
    ),
    "HistoricTaskInstanceDto": dto(
        "id:S processDefinitionKey:s processDefinitionId:s processInstanceId:s executionId:s "
        "caseDefinitionKey:s caseDefinitionId:s caseInstanceId:s caseExecutionId:s "
        "activityInstanceId:s name:s description:s deleteReason:s owner:s assignee:s "
        "startTime:d endTime:d duration:i taskDefinitionKey:s priority:I due:d parentTaskId:s "
        "followUp:d tenantId:s removalTime:d rootProcessInstanceId:s taskState:s"
    ),
    "HistoricVariableInstanceDto": {
        "type": "object",
        "properties": {
            **dto("id:S name:S type:s")["properties"],
            "value": {"nullable": True},
            **dto(
                "valueInfo:o processDefinitionKey:s processDefinitionId:s processInstanceId:s "
                "executionId:s activityInstanceId:s caseDefinitionKey:s caseDefinitionId:s "
                "caseInstanceId:s caseExecutionId:s taskId:s tenantId:s errorMessage:s state:s "
                "createTime:d removalTime:d rootProcessInstanceId:s"
            )["properties"],
        },
    },
    "VariableInstanceDto": {
        "type": "object",
        "properties": {
            **dto("id:S name:S type:s")["properties"],
            "value": {"nullable": True},
            **dto(
                "valueInfo:o processDefinitionId:s processInstanceId:s executionId:s "
                "caseInstanceId:s caseExecutionId:s taskId:s batchId:s activityInstanceId:s "
                "tenantId:s errorMessage:s"
            )["properties"],
        },
    },
    "HistoricDetailDto": {
        "type": "object",
        "description": "`type` `formField` (a submitted String form value: `fieldId`, "
        "`fieldValue`) or `variableUpdate` (the `variable...`, `value` ... `errorMessage` keys).",
        "properties": {
            **dto(
                "id:S type:S processDefinitionKey:s processDefinitionId:s processInstanceId:s "
                "activityInstanceId:s executionId:s caseDefinitionKey:s caseDefinitionId:s "
                "caseInstanceId:s caseExecutionId:s taskId:s tenantId:s userOperationId:s "
                "time:d removalTime:d rootProcessInstanceId:s fieldId:s"
            )["properties"],
            "fieldValue": {"nullable": True},
            **dto("variableName:s variableInstanceId:s variableType:s")["properties"],
            "value": {"nullable": True},
            **dto("valueInfo:o initial:b revision:i errorMessage:s")["properties"],
        },
    },
    "HistoricIncidentDto": dto(
        "id:S processDefinitionKey:s processDefinitionId:s processInstanceId:s executionId:s "
        "rootProcessInstanceId:s createTime:d endTime:d removalTime:d incidentType:S "
        "activityId:s failedActivityId:s causeIncidentId:s rootCauseIncidentId:s "
        "configuration:s historyConfiguration:s incidentMessage:s tenantId:s "
        "jobDefinitionId:s open:b deleted:b resolved:b annotation:s"
    ),
    "UserOperationLogEntryDto": dto(
        "id:S deploymentId:s processDefinitionId:s processDefinitionKey:s processInstanceId:s "
        "executionId:s caseDefinitionId:s caseInstanceId:s caseExecutionId:s taskId:s "
        "externalTaskId:s batchId:s jobId:s jobDefinitionId:s userId:s timestamp:d "
        "operationId:s operationType:s entityType:s property:s orgValue:s newValue:s "
        "removalTime:d rootProcessInstanceId:s category:s annotation:s"
    ),
    "VersionDto": dto("version:S"),
    "FilterDto": {
        "type": "object",
        "description": "`query` takes only the task query keys the Tasklist applies (see "
        "docs/rest.md), and `sorting`; any other is a 400. `properties.variables` is a list "
        "of `{name, label}`: the variables the filter's task cards and HAL list show.",
        "properties": {
            "id": _CODES["S"], "resourceType": {"type": "string", "enum": ["Task"]},
            "name": _CODES["S"], "owner": _CODES["s"], "query": {"type": "object"},
            "properties": {"type": "object"}, "itemCount": _CODES["i"],
        },
    },
}


def _json(schema: Schema) -> Schema:
    return {"description": "Request successful.",
            "content": {"application/json": {"schema": schema}}}


_ERROR = {"description": "Camunda error body.",
          "content": {"application/json": {"schema": _ref("ExceptionDto")}}}
_NO_CONTENT = {"204": {"description": "Request successful, no content."}}
_VARIABLES = {"type": "object", "additionalProperties": _ref("VariableValueDto")}


def _body(schema: Schema | None = None) -> Schema:
    return {"content": {"application/json": {"schema": schema or {"type": "object"}}}}


_BODY_KINDS: dict[Kind, Schema] = {
    Kind.STRING: {"type": "string"},
    Kind.STRING_LIST: {"type": "array", "items": {"type": "string"}},
    Kind.BOOLEAN: {"type": "boolean"},
    Kind.INTEGER: {"type": "integer"},
    Kind.DATE: {"type": "string", "format": "date-time"},
    Kind.VARIABLES: _array_of("VariableQueryParameterDto"),
}


def query_body(query: ListQuery) -> Schema:
    """The JSON body of a POST query: the GET filters with JSON types, and `sorting`."""
    properties = {
        param.name: {**_BODY_KINDS[param.kind], "description": param.description}
        for param in query.filters
    }
    sort_entry: Schema = {"type": "object", "properties": {
        "sortBy": {"type": "string",
                   "enum": [*query.sort_by_values, *query.parameter_sorts]},
        "sortOrder": {"type": "string", "enum": ["asc", "desc"]},
    }}
    if query.parameter_sorts:
        sort_entry["properties"]["parameters"] = {
            "type": "object",
            "description": f"For sortBy {', '.join(query.parameter_sorts)}: `variable`, the "
                           "variable's name, and `type`, its value type (Integer, Long, Short, "
                           "Double, String, Boolean or Date).",
            "properties": {"variable": {"type": "string"}, "type": {"type": "string"}},
        }
    properties["sorting"] = {"type": "array", "items": sort_entry}
    return {"type": "object", "properties": properties}


def listing_operations(route: str, name: str, dto_name: str, query: ListQuery, *,
                       post: bool, values: bool = False) -> list[Any]:
    """A list and its count, GET and, when Camunda has them, the POST forms."""
    from engine.rest.openapi import Operation

    errors = {"400": _ERROR, "403": _ERROR, "404": _ERROR}
    extra = (_DESERIALIZE,) if values else ()
    page = {"200": _json(_array_of(dto_name)), **errors}
    count = {"200": _json(_ref("CountResultDto")), **errors}
    ops = [
        Operation(route, "get", f"get{name}", f"List {name}", page, query=query, paged=True,
                  parameters=extra),
        Operation(f"{route}/count", "get", f"get{name}Count", f"Count {name}", count,
                  query=query),
    ]
    if post:
        body = _body(query_body(query))
        ops.append(Operation(route, "post", f"query{name}", f"List {name} (POST form)", page,
                             request_body=body, parameters=(*PAGING, *extra)))
        ops.append(Operation(f"{route}/count", "post", f"query{name}Count",
                             f"Count {name} (POST form)", count, request_body=body))
    return ops


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    ops: list[Operation] = []

    def add(route: str, method: str, op_id: str, summary: str, responses: dict[str, Schema],
            **kwargs: Any) -> None:
        errors = {"400": _ERROR, "403": _ERROR, "404": _ERROR}
        ops.append(Operation(route, method, op_id, summary, {**responses, **errors}, **kwargs))

    def listing(route: str, name: str, dto_name: str, query: ListQuery, *, post: bool,
                values: bool = False) -> None:
        ops.extend(listing_operations(route, name, dto_name, query, post=post, values=values))

    def variables(prefix: str, name: str) -> None:
        add(prefix, "get", f"get{name}", f"Get {name}", {"200": _json(_VARIABLES)},
            parameters=(Param("deserializeValues", Kind.BOOLEAN, "Objects deserialized."),))
        add(prefix, "post", f"modify{name}", f"Modify {name}", _NO_CONTENT,
            request_body=_body())
        one = f"{prefix}/<str:var_name>"
        add(one, "get", f"get{name}Variable", f"Get one of {name}",
            {"200": _json(_ref("VariableValueDto"))},
            parameters=(Param("deserializeValues", Kind.BOOLEAN, "Objects deserialized."),))
        add(one, "put", f"put{name}Variable", f"Set one of {name}", _NO_CONTENT,
            request_body=_body(_ref("VariableValueDto")))
        add(one, "delete", f"delete{name}Variable", f"Delete one of {name}", _NO_CONTENT)

    pd = "process-definition"
    started = {"200": _json(_ref("ProcessInstanceWithVariablesDto"))}
    add(f"{pd}/statistics", "get", "getProcessDefinitionStatistics", "Statistics per definition",
        {"200": _json(_array_of("ProcessDefinitionStatisticsResultDto"))},
        parameters=_STATISTICS)
    add(f"{pd}/suspended", "put", "updateSuspensionStateByKey",
        "Suspend or activate by key (executionDate: at that time, by a job)",
        _NO_CONTENT, request_body=_body())
    for route, suffix in ((f"{pd}/key/<str:key>", "ByKey"),
                          (f"{pd}/key/<str:key>/tenant-id/<str:tenant_id>", "ByKeyAndTenantId"),
                          (f"{pd}/<str:definition_id>", "")):
        add(f"{route}/start", "post", f"startProcessInstance{suffix}", "Start an instance",
            started, request_body=_body())
        add(f"{route}/submit-form", "post", f"submitForm{suffix}",
            "Start an instance with its start form (generated form fields validated: 400)",
            {"200": _json(_ref("ProcessInstanceDto"))}, request_body=_body())
    for route, suffix in ((f"{pd}/key/<str:key>", "ByKey"), (f"{pd}/<str:definition_id>", "")):
        add(f"{route}/startForm", "get", f"getStartForm{suffix}", "The start form",
            {"200": _json(_ref("FormDto"))})
        add(f"{route}/deployed-start-form", "get", f"getDeployedStartForm{suffix}",
            "The deployed start form file (a key `[embedded:|camunda-forms:]deployment:...` "
            "or a formRef)", _DEPLOYED_FORM)
        add(f"{route}/form-variables", "get", f"getStartFormVariables{suffix}",
            "The start form's variables", {"200": _json(_VARIABLES)},
            parameters=_FORM_VARIABLES)
    add(f"{pd}/<str:definition_id>/statistics", "get", "getActivityStatistics",
        "Statistics per activity", {"200": _json(_array_of("ActivityStatisticsResultDto"))},
        parameters=_STATISTICS)
    add(f"{pd}/<str:definition_id>/suspended", "put", "updateSuspensionStateById",
        "Suspend or activate a definition (executionDate: at that time, by a job)",
        _NO_CONTENT, request_body=_body())

    add("version", "get", "getRestAPIVersion", "The Camunda API version followed",
        {"200": _json(_ref("VersionDto"))})

    pi = "process-instance/<str:instance_id>"
    listing("process-instance", "ProcessInstances", "ProcessInstanceDto",
            process_instances.PROCESS_INSTANCE_QUERY, post=True)
    add(pi, "get", "getProcessInstance", "Get an instance",
        {"200": _json(_ref("ProcessInstanceDto"))})
    add(pi, "delete", "deleteProcessInstance", "Delete an instance", _NO_CONTENT,
        parameters=(Param("skipCustomListeners", Kind.BOOLEAN,
                          "No execution or task listener runs as it ends."),
                    Param("skipIoMappings", Kind.BOOLEAN,
                          "The active activities run no output mappings as they end."),
                    Param("skipSubprocesses", Kind.BOOLEAN, "Accepted; no effect."),
                    Param("failIfNotExists", Kind.BOOLEAN, "404 when missing (default)."),
                    Param("deleteReason", Kind.STRING, "Why it was deleted.")))
    variables(f"{pi}/variables", "ProcessInstanceVariables")
    add(f"{pi}/activity-instances", "get", "getActivityInstanceTree", "The activity tree",
        {"200": _json(_ref("ActivityInstanceDto"))})
    add(f"{pi}/suspended", "put", "updateSuspensionStateByIdOfInstance",
        "Suspend or activate an instance", _NO_CONTENT, request_body=_body())
    add(f"{pi}/modification", "post", "modifyProcessInstance",
        "Start before/after activities or on a flow, cancel activity instances", _NO_CONTENT,
        request_body=_body(_ref("ProcessInstanceModificationDto")))
    vi = "variable-instance/<str:variable_id>"
    listing("variable-instance", "VariableInstances", "VariableInstanceDto",
            variable_instances.VARIABLE_INSTANCE_QUERY, post=True, values=True)
    add(vi, "get", "getVariableInstance", "Get a variable of a running instance",
        {"200": _json(_ref("VariableInstanceDto"))}, parameters=(_DESERIALIZE,))

    ex = "execution/<str:execution_id>"
    listing("execution", "Executions", "ExecutionDto", executions.EXECUTION_QUERY, post=True)
    add(ex, "get", "getExecution", "Get an execution", {"200": _json(_ref("ExecutionDto"))})
    add(f"{ex}/signal", "post", "signalExecution", "Resume a waiting execution", _NO_CONTENT,
        request_body=_body())
    add(f"{ex}/create-incident", "post", "createIncident", "Raise a custom incident at the "
        "execution's activity", {"200": _json(_ref("IncidentDto"))}, request_body=_body())
    variables(f"{ex}/localVariables", "LocalExecutionVariables")
    sub = f"{ex}/messageSubscriptions/<str:message_name>"
    add(sub, "get", "getMessageEventSubscription", "A message subscription",
        {"200": _json(_ref("EventSubscriptionDto"))})
    add(f"{sub}/trigger", "post", "triggerEvent", "Deliver the message", _NO_CONTENT,
        request_body=_body())

    listing("event-subscription", "EventSubscriptions", "EventSubscriptionDto",
            event_subscriptions.EVENT_SUBSCRIPTION_QUERY, post=False)

    add("filter", "get", "getFilterList", "List the filters the caller may read",
        {"200": _json(_array_of("FilterDto"))}, query=filters.FILTER_QUERY, paged=True,
        parameters=(filters.ITEM_COUNT,))
    add("filter/count", "get", "getFilterCount", "Count the filters the caller may read",
        {"200": _json(_ref("CountResultDto"))}, query=filters.FILTER_QUERY)
    add("filter/create", "post", "createFilter", "Create a filter (CREATE on Filter)",
        {"200": _json(_ref("FilterDto"))}, request_body=_body(_ref("FilterDto")))
    fi = "filter/<str:filter_id>"
    add(fi, "get", "getSingleFilter", "Get a filter", {"200": _json(_ref("FilterDto"))},
        parameters=(filters.ITEM_COUNT,))
    add(fi, "put", "updateFilter", "Update a filter", _NO_CONTENT,
        request_body=_body(_ref("FilterDto")))
    add(fi, "delete", "deleteFilter", "Delete a filter", _NO_CONTENT)
    for route, op_id in (("filter", "filterResourceOptions"), (fi, "filterResourceOptionsSingle")):
        add(route, "options", op_id, "The operations the caller may use (links, by permission)",
            {"200": _json(_ref("ResourceOptionsDto"))})
    extending = _body({"type": "object", "description": "A task query that extends the "
                       "filter's (same keys as a filter query), and `sorting`."})
    for method, verb in (("get", "execute"), ("post", "query")):
        body = extending if method == "post" else None
        add(f"{fi}/list", method, f"{verb}FilterList", "The tasks of a filter",
            {"200": _json(_array_of("TaskDto"))}, request_body=body, parameters=PAGING)
        add(f"{fi}/count", method, f"{verb}FilterCount", "Count the tasks of a filter",
            {"200": _json(_ref("CountResultDto"))}, request_body=body)
        add(f"{fi}/singleResult", method, f"{verb}FilterSingleResult",
            "The one task of a filter (204: none; 400: several)",
            {"200": _json(_ref("TaskDto")), **_NO_CONTENT}, request_body=body)

    tk = "task/<str:task_id>"
    listing("task", "Tasks", "TaskDto", tasks.TASK_QUERY, post=True)
    add(tk, "get", "getTask", "Get a task", {"200": _json(_ref("TaskDto"))},
        parameters=task_extras.PARAMS)
    add(tk, "put", "updateTask",
        "Update a task: the TaskDto fields sent (parentTaskId only on a task of no process; "
        "an unknown parent or a loop of parents: 400)", _NO_CONTENT, request_body=_body())
    add(tk, "delete", "deleteTask",
        "Delete a standalone task (400: no such task; 500: the task belongs to a process)",
        {**_NO_CONTENT, "500": _ERROR})
    add("task/report/candidate-group-count", "get", "getCandidateGroupCount",
        "Unassigned tasks per candidate group (also as CSV for Accept text/csv or "
        "application/csv); READ on all tasks needed",
        {"200": _json({"type": "array", "items": {"type": "object", "properties": {
            "groupName": {"type": "string", "nullable": True},
            "taskCount": {"type": "integer"}}}})})
    add("task/create", "post", "createTask",
        "Create a standalone task from a TaskDto; with parentTaskId a subtask of that task "
        "(unknown parent: 400; caseInstanceId: 400; tenantId: the task's tenant, a subtask "
        "has its parent's)",
        _NO_CONTENT, request_body=_body(_ref("TaskDto")))
    for action, op_id in (("claim", "claim"), ("unclaim", "unclaim"), ("assignee", "setAssignee"),
                          ("delegate", "delegateTask"), ("resolve", "resolve")):
        add(f"{tk}/{action}", "post", op_id, f"{action} a task", _NO_CONTENT,
            request_body=_body())
    add(f"{tk}/complete", "post", "complete", "complete a task",
        {**_NO_CONTENT, "200": _json(_VARIABLES)}, request_body=_body())
    add(f"{tk}/bpmnError", "post", "handleBpmnError", "Throw a BPMN error at the task's "
        "activity `{errorCode, errorMessage, variables}` (uncaught: the task and its token end)",
        _NO_CONTENT, request_body=_body())
    add(f"{tk}/bpmnEscalation", "post", "handleEscalation", "Throw an escalation at the task's "
        "activity `{escalationCode, variables}` (uncaught: 500, nothing changes)",
        _NO_CONTENT, request_body=_body())
    add(f"{tk}/submit-form", "post", "submit",
        "Submit the task's form (generated form fields validated: 400); complete or resolve",
        {**_NO_CONTENT, "200": _json(_VARIABLES)}, request_body=_body())
    add(f"{tk}/form", "get", "getForm", "The task's form", {"200": _json(_ref("FormDto"))})
    add(f"{tk}/form-variables", "get", "getFormVariables", "The form's variables",
        {"200": _json(_VARIABLES)}, parameters=_FORM_VARIABLES)
    add(f"{tk}/deployed-form", "get", "getDeployedForm",
        "The deployed form file (a key `[embedded:|camunda-forms:]deployment:...` or a "
        "formRef)", _DEPLOYED_FORM)
    add(f"{tk}/rendered-form", "get", "getRenderedForm", "The generated HTML form",
        {"200": {"description": "HTML", "content": {"application/xhtml+xml": {
            "schema": {"type": "string"}}}}})
    variables(f"{tk}/variables", "TaskVariables")
    variables(f"{tk}/localVariables", "TaskLocalVariables")
    add(f"{tk}/identity-links", "get", "getIdentityLinks", "Assignee, owner, candidates",
        {"200": _json(_array_of("IdentityLinkDto"))},
        parameters=(Param("type", Kind.STRING, "assignee, owner or candidate"),))
    add(f"{tk}/identity-links", "post", "addIdentityLink",
        "Add a candidate (userId or groupId, type candidate), or set assignee/owner",
        _NO_CONTENT, request_body=_body(_ref("IdentityLinkDto")))
    add(f"{tk}/identity-links/delete", "post", "deleteIdentityLink",
        "Take a candidate off the task, or clear its assignee/owner", _NO_CONTENT,
        request_body=_body(_ref("IdentityLinkDto")))
    add(f"{tk}/comment", "get", "getComments", "The task's comments",
        {"200": _json(_array_of("CommentDto"))})
    add(f"{tk}/comment/create", "post", "createComment", "Comment on a task",
        {"200": _json(_ref("CommentDto"))}, request_body=_body())
    add(f"{tk}/comment/<str:comment_id>", "get", "getComment", "One comment",
        {"200": _json(_ref("CommentDto"))})

    add("message", "post", "deliverMessage", "Correlate a message",
        {**_NO_CONTENT, "200": _json(_array_of("MessageCorrelationResultWithVariableDto"))},
        request_body=_body())
    add("signal", "post", "throwSignal", "Broadcast a signal", _NO_CONTENT, request_body=_body())
    add("condition", "post", "evaluateCondition", "Start instances at conditional start events",
        {"200": _json(_array_of("ProcessInstanceDto"))}, request_body=_body())

    listing("incident", "Incidents", "IncidentDto", incidents_jobs.INCIDENT_QUERY, post=False)
    add("incident/<str:incident_id>", "get", "getIncident", "Get an incident",
        {"200": _json(_ref("IncidentDto"))})
    add("incident/<str:incident_id>", "delete", "resolveIncident", "Resolve a custom incident",
        _NO_CONTENT)
    add("incident/<str:incident_id>/annotation", "put", "setIncidentAnnotation",
        "Annotate an incident", _NO_CONTENT, request_body=_body())
    add("incident/<str:incident_id>/annotation", "delete", "clearIncidentAnnotation",
        "Clear an incident's annotation", _NO_CONTENT)

    jd = "job-definition/<str:job_definition_id>"
    listing("job-definition", "JobDefinitions", "JobDefinitionDto",
            job_definitions.JOB_DEFINITION_QUERY, post=True)
    add("job-definition/suspended", "put", "updateSuspensionStateJobDefinitions",
        "Suspend or activate the job definitions of a process definition (id or key; "
        "executionDate: at that time, by a job)", _NO_CONTENT, request_body=_body())
    add(jd, "get", "getJobDefinition", "Get a job definition",
        {"200": _json(_ref("JobDefinitionDto"))})
    add(f"{jd}/suspended", "put", "updateSuspensionStateJobDefinition",
        "Suspend or activate a job definition (includeJobs: its jobs too; executionDate: at "
        "that time, by a job)", _NO_CONTENT,
        request_body=_body())
    add(f"{jd}/retries", "put", "setJobRetriesJobDefinition",
        "Give retries to every failed job of the job definition", _NO_CONTENT,
        request_body=_body())
    add(f"{jd}/jobPriority", "put", "setJobPriorityJobDefinition",
        "Set or clear (null) the overriding job priority", _NO_CONTENT, request_body=_body())

    h = "history"
    listing(f"{h}/process-instance", "HistoricProcessInstances", "HistoricProcessInstanceDto",
            history.HISTORIC_PROCESS_INSTANCE_QUERY, post=True)
    add(f"{h}/process-instance/<str:instance_id>", "get", "getHistoricProcessInstance",
        "Get a historic instance", {"200": _json(_ref("HistoricProcessInstanceDto"))})
    listing(f"{h}/activity-instance", "HistoricActivityInstances",
            "HistoricActivityInstanceDto", history.HISTORIC_ACTIVITY_INSTANCE_QUERY, post=True)
    add(f"{h}/activity-instance/<str:activity_instance_id>", "get",
        "getHistoricActivityInstance", "Get a historic activity instance",
        {"200": _json(_ref("HistoricActivityInstanceDto"))})
    listing(f"{h}/task", "HistoricTaskInstances", "HistoricTaskInstanceDto",
            history.HISTORIC_TASK_QUERY, post=True)
    listing(f"{h}/variable-instance", "HistoricVariableInstances",
            "HistoricVariableInstanceDto", history_logs.HISTORIC_VARIABLE_QUERY, post=True,
            values=True)
    add(f"{h}/variable-instance/<str:variable_id>", "get", "getHistoricVariableInstance",
        "Get a historic variable", {"200": _json(_ref("HistoricVariableInstanceDto"))},
        parameters=(Param("deserializeValues", Kind.BOOLEAN, "Objects deserialized."),))
    listing(f"{h}/detail", "HistoricDetails", "HistoricDetailDto",
            history_logs.HISTORIC_DETAIL_QUERY, post=True)
    listing(f"{h}/incident", "HistoricIncidents", "HistoricIncidentDto",
            history_logs.HISTORIC_INCIDENT_QUERY, post=False)
    listing(f"{h}/user-operation", "UserOperationLogEntries", "UserOperationLogEntryDto",
            history_logs.USER_OPERATION_QUERY, post=False)
    return ops


_DEPLOYED_FORM = {"200": {"description": "The form file: JSON for a Camunda Form, else XHTML",
                           "content": {"application/json": {"schema": {"type": "object"}},
                                       "application/xhtml+xml": {"schema": {"type": "string"}}}}}
_DESERIALIZE = Param("deserializeValues", Kind.BOOLEAN, "Objects deserialized.")
_STATISTICS = (
    Param("failedJobs", Kind.BOOLEAN, "Count jobs without retries."),
    Param("incidents", Kind.BOOLEAN, "Count incidents by type."),
    Param("rootIncidents", Kind.BOOLEAN, "Count root incidents by type."),
    Param("incidentsForType", Kind.STRING, "Count incidents of this type only."),
)
_FORM_VARIABLES = (
    Param("variableNames", Kind.STRING_LIST, "Only these fields."),
    Param("deserializeValues", Kind.BOOLEAN, "Objects deserialized."),
)

RUNTIME_PATH_PARAMETER_NAMES = {
    "instance_id": "id",
    "execution_id": "id",
    "task_id": "id",
    "var_name": "varName",
    "message_name": "messageName",
    "comment_id": "commentId",
    "incident_id": "id",
    "job_id": "id",
    "job_definition_id": "id",
    "activity_instance_id": "id",
    "variable_id": "id",
    "detail_id": "id",
    "filter_id": "id",
}
