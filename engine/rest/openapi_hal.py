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
}

# The operations that answer HAL when the request accepts only application/hal+json.
_HAL_LISTS = frozenset({"getTasks", "queryTasks", "executeFilterList", "queryFilterList"})


def with_hal(operation_id: str, responses: dict[str, Schema]) -> dict[str, Schema]:
    """`responses`, with the HAL form of the 200 answer for the task lists."""
    if operation_id not in _HAL_LISTS:
        return responses
    answered = copy.deepcopy(responses)
    answered["200"]["content"]["application/hal+json"] = {
        "schema": {"$ref": "#/components/schemas/HalTaskList"}
    }
    return answered
