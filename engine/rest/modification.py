"""`POST /process-instance/{id}/modification`: Camunda's "Modify Process Instance Execution
State" (ProcessInstanceModificationDto) over engine.services.modification.

Body: `skipCustomListeners`, `skipIoMappings`, `annotation` and `instructions`, each
`{type, activityId, transitionId, activityInstanceId, transitionInstanceId,
ancestorActivityInstanceId, variables, cancelCurrentActiveActivityInstances}` with `type` one
of startBeforeActivity, startAfterActivity, startTransition, cancel. Variables are `{name:
{value, type, valueInfo, local}}`; `local: true` sets the variable on the token entering the
target. Answers 204.

Where Legato differs: an empty or missing `instructions` list is a 400 (Camunda silently
does nothing), so a client bug does not look like a successful modification. A cancel by
`activityId` with `cancelCurrentActiveActivityInstances: true` spares the instances earlier
instructions started here too, as Camunda's docs describe the field; Camunda 7.24's server
honours it only in `/modification/execute[Async]` (its single-instance builder drops it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from engine.rest.base import EngineView, json_body, user_id
from engine.rest.params import invalid_request
from engine.rest.variables import read_value
from engine.runtime.modification import (
    CancelActivity,
    CancelActivityInstance,
    CancelTransitionInstance,
    Instruction,
    StartAfter,
    StartBefore,
    StartTransition,
)
from engine.runtime.values import TypedValue
from engine.services.modification import modify_process_instance

START_TYPES = ("startBeforeActivity", "startAfterActivity", "startTransition")
TYPES = (*START_TYPES, "cancel")
_CANCEL_TARGETS = ("activityId", "activityInstanceId", "transitionInstanceId")


class ProcessInstanceModification(EngineView):
    """POST /process-instance/{id}/modification."""

    def post(self, request: Request, instance_id: str) -> Response:
        body = json_body(request)
        instructions = read_instructions(body.get("instructions"))
        annotation = body.get("annotation")
        if annotation is not None and not isinstance(annotation, str):
            raise invalid_request("'annotation' must be a string")
        modify_process_instance(
            instance_id,
            instructions,
            skip_custom_listeners=read_flag(body, "skipCustomListeners"),
            skip_io_mappings=read_flag(body, "skipIoMappings"),
            annotation=annotation,
            user_id=user_id(request),
        )
        return Response(status=204)


def read_flag(body: Mapping[str, Any], name: str) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise invalid_request(f"'{name}' must be true or false")
    return value


def read_instructions(data: Any) -> list[Instruction]:
    """The `instructions` array as the core's instruction objects, in their order."""
    if not isinstance(data, list) or not data:
        raise invalid_request("'instructions' must be a non-empty array of instructions")
    return [read_instruction(number, item) for number, item in enumerate(data, 1)]


def read_instruction(number: int, item: Any) -> Instruction:
    if not isinstance(item, Mapping):
        raise invalid_request(f"Instruction {number} must be an object")
    kind = item.get("type")
    if kind not in TYPES:
        raise invalid_request(
            f"Instruction {number}: 'type' must be one of {', '.join(TYPES)}"
            + (f" (got '{kind}')" if kind is not None else "")
        )

    def text(name: str, *, required: bool = False) -> str | None:
        value = item.get(name)
        if value is None:
            if required:
                raise invalid_request(
                    f"Instruction {number}: for instruction type '{kind}', '{name}' must be set"
                )
            return None
        if not isinstance(value, str) or not value:
            raise invalid_request(f"Instruction {number}: '{name}' must be a non-empty string")
        return value

    # Checked on every type: Camunda reads the field into every instruction (a value that is
    # no boolean fails there too) and uses it only for a cancel by activityId.
    current_only = item.get("cancelCurrentActiveActivityInstances")
    if current_only is not None and not isinstance(current_only, bool):
        raise invalid_request(
            f"Instruction {number}: 'cancelCurrentActiveActivityInstances' must be a boolean"
        )
    if kind == "cancel":
        given = [name for name in _CANCEL_TARGETS if item.get(name) is not None]
        if len(given) != 1:
            raise invalid_request(
                f"Instruction {number}: for instruction type 'cancel', exactly one of "
                "'activityId', 'activityInstanceId' or 'transitionInstanceId' must be set"
            )
        target = text(given[0], required=True) or ""
        if given[0] == "activityId":
            return CancelActivity(target, current_only=bool(current_only))
        if given[0] == "activityInstanceId":
            return CancelActivityInstance(target)
        return CancelTransitionInstance(target)

    variables, local_variables = _variables(number, item.get("variables"))
    ancestor = text("ancestorActivityInstanceId")
    if kind == "startTransition":
        return StartTransition(
            text("transitionId", required=True) or "", variables, ancestor, local_variables
        )
    activity_id = text("activityId", required=True) or ""
    if kind == "startAfterActivity":
        return StartAfter(activity_id, variables, ancestor, local_variables)
    return StartBefore(activity_id, variables, ancestor, local_variables)


def _variables(number: int, data: Any) -> tuple[dict[str, TypedValue], dict[str, TypedValue]]:
    """Camunda's TriggerVariableValueDto map: `local` picks where each variable goes."""
    if data is None:
        return {}, {}
    if not isinstance(data, Mapping):
        raise invalid_request(f"Instruction {number}: 'variables' must be an object")
    variables: dict[str, TypedValue] = {}
    local_variables: dict[str, TypedValue] = {}
    for name, dto in data.items():
        typed = read_value(str(name), dto)
        local = dto.get("local", False)
        if not isinstance(local, bool):
            raise invalid_request(
                f"Instruction {number}: 'local' of variable '{name}' must be true or false"
            )
        (local_variables if local else variables)[str(name)] = typed
    return variables, local_variables


# OpenAPI components of this resource (openapi.py adds them to its schemas).
_VARIABLE = {
    "type": "object",
    "properties": {
        "value": {"nullable": True},
        "type": {"type": "string", "nullable": True},
        "valueInfo": {"type": "object"},
        "local": {"type": "boolean", "default": False},
    },
}
_TEXT = {"type": "string", "nullable": True}
OPENAPI_SCHEMAS: dict[str, Any] = {
    "ProcessInstanceModificationInstructionDto": {
        "type": "object",
        "required": ["type"],
        "properties": {
            "type": {"type": "string", "enum": list(TYPES)},
            "activityId": _TEXT,
            "transitionId": _TEXT,
            "activityInstanceId": _TEXT,
            "transitionInstanceId": _TEXT,
            "ancestorActivityInstanceId": _TEXT,
            "variables": {"type": "object", "additionalProperties": _VARIABLE},
            "cancelCurrentActiveActivityInstances": {
                "type": "boolean",
                "nullable": True,
                "default": False,
                "description": "With type cancel and activityId: cancel only the instances "
                "the process instance had before the modification began, not those earlier "
                "instructions started.",
            },
        },
    },
    "ProcessInstanceModificationDto": {
        "type": "object",
        "properties": {
            "skipCustomListeners": {"type": "boolean", "default": False},
            "skipIoMappings": {"type": "boolean", "default": False},
            "instructions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ProcessInstanceModificationInstructionDto"},
            },
            "annotation": _TEXT,
        },
    },
}
