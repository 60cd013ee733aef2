"""OpenAPI of the HAL answers (`application/hal+json`) of the task lists (engine.rest.task_hal)."""

from __future__ import annotations

import copy
from typing import Any

Schema = dict[str, Any]

_LINKS: Schema = {
    "type": "object",
    "additionalProperties": {"type": "object", "properties": {"href": {"type": "string"}}},
}
_ANY_LIST: Schema = {"type": "array", "items": {"type": "object"}}

HAL_SCHEMAS: dict[str, Schema] = {
    "HalTaskList": {
        "type": "object",
        "description": "The page of tasks with the users (`assignee`, `owner`) and process "
        "definitions they link to; from a filter, each task embeds the values of the "
        "filter's `properties.variables` as `variable`.",
        "properties": {
            "_links": _LINKS,
            "_embedded": {
                "type": "object",
                "properties": {
                    "task": _ANY_LIST,
                    "assignee": _ANY_LIST,
                    "owner": _ANY_LIST,
                    "processDefinition": _ANY_LIST,
                },
            },
            "count": {"type": "integer", "description": "Every task the query finds."},
        },
    },
    "HalTask": {
        "type": "object",
        "description": "A TaskDto's fields with `_links`, and `_embedded` its process "
        "definition, identity links and the users and groups they name.",
        "properties": {"_links": _LINKS, "_embedded": {"type": "object"}},
    },
}

# The operations that answer HAL when the request asks for application/hal+json.
_HAL = {
    "getTasks": "HalTaskList",
    "queryTasks": "HalTaskList",
    "executeFilterList": "HalTaskList",
    "queryFilterList": "HalTaskList",
    "getTask": "HalTask",
}


def with_hal(operation_id: str, responses: dict[str, Schema]) -> dict[str, Schema]:
    """`responses`, with the HAL form of the 200 answer for the task resources."""
    schema = _HAL.get(operation_id)
    if schema is None:
        return responses
    answered = copy.deepcopy(responses)
    answered["200"]["content"]["application/hal+json"] = {
        "schema": {"$ref": f"#/components/schemas/{schema}"}
    }
    return answered
