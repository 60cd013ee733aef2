"""OpenAPI operations of `/job` (engine/rest/incidents_jobs.py and job_actions.py), with the
operation ids of Camunda's own OpenAPI document."""

from __future__ import annotations

from typing import Any

from engine.rest import incidents_jobs
from engine.rest.openapi_runtime import (
    _ERROR,
    _NO_CONTENT,
    _body,
    _json,
    _ref,
    dto,
    listing_operations,
)
from engine.rest.params import Kind, Param

Schema = dict[str, Any]

JOB_SCHEMAS: dict[str, Schema] = {
    "JobSuspensionStateDto": dto(
        "suspended:b jobDefinitionId:s processInstanceId:s processDefinitionId:s "
        "processDefinitionKey:s processDefinitionTenantId:s processDefinitionWithoutTenantId:b"
    ),
}


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    ops: list[Operation] = []

    def add(route: str, method: str, op_id: str, summary: str, responses: dict[str, Schema],
            **kwargs: Any) -> None:
        errors = {"400": _ERROR, "403": _ERROR, "404": _ERROR}
        ops.append(Operation(route, method, op_id, summary, {**responses, **errors}, **kwargs))

    jb = "job/<str:job_id>"
    ops.extend(listing_operations("job", "Jobs", "JobDto", incidents_jobs.JOB_QUERY, post=True))
    add("job/suspended", "put", "updateSuspensionStateBy",
        "Suspend or activate the jobs of a job definition, a process instance, a process "
        "definition, or every version of a key (exactly one of them)", _NO_CONTENT,
        request_body=_body(_ref("JobSuspensionStateDto")))
    add(jb, "get", "getJob", "Get a job", {"200": _json(_ref("JobDto"))})
    add(jb, "delete", "deleteJob",
        "Delete a job without running it; its token keeps waiting (held by the executor: 500)",
        {**_NO_CONTENT, "500": _ERROR})
    add(f"{jb}/retries", "put", "setJobRetries", "Set retries", _NO_CONTENT,
        request_body=_body())
    add(f"{jb}/execute", "post", "executeJob", "Run the job now", _NO_CONTENT)
    add(f"{jb}/duedate", "put", "setJobDuedate", "Set the due date", _NO_CONTENT,
        request_body=_body())
    add(f"{jb}/duedate/recalculate", "post", "recalculateDuedate",
        "Evaluate a timer job's timer definition again, from now or its creation time "
        "(not a timer job: 500)", {**_NO_CONTENT, "500": _ERROR},
        parameters=(_CREATION_DATE_BASED,))
    add(f"{jb}/priority", "put", "setJobPriority", "Set the priority (acquired first: highest)",
        _NO_CONTENT, request_body=_body(dto("priority:I")))
    add(f"{jb}/suspended", "put", "updateJobSuspensionState", "Suspend or activate",
        _NO_CONTENT, request_body=_body())
    add(f"{jb}/stacktrace", "get", "getStacktrace", "The failure's stacktrace",
        {"200": {"description": "text", "content": {"text/plain": {
            "schema": {"type": "string"}}}}})
    return ops


_CREATION_DATE_BASED = Param(
    "creationDateBased", Kind.BOOLEAN,
    "Recalculate from the job's creation time instead of now (default false).",
)
