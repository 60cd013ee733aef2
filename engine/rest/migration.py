"""`/migration`: Camunda's process instance migration resource over engine.services.migration.

- `POST /migration/generate` {sourceProcessDefinitionId, targetProcessDefinitionId,
  updateEventTriggers, variables} -> MigrationPlanDto (the activities with equal ids).
- `POST /migration/validate` MigrationPlanDto -> 200 {instructionReports, variableReports}.
- `POST /migration/execute` {migrationPlan, processInstanceIds, processInstanceQuery,
  skipCustomListeners, skipIoMappings} -> 204, all instances or none.

- `POST /migration/executeAsync` the same body -> BatchDto of an `instance-migration` batch;
  the plan and the instance list are checked first (400, no batch), each instance is then
  migrated on its own (one that cannot be is a failure recorded on the batch).

A plan that does not fit answers 400 MigrationPlanValidationException with Camunda's
`validationReport` ({instructionReports, variableReports}); an instance that cannot be
migrated answers 400 MigratingProcessInstanceValidationException with the reasons in
`message` only (Camunda adds a structured per-activity-instance report).
Where Legato differs: an instruction names exactly one source and one target activity
(Camunda's arrays have one element in practice; more is a 400 here), and variable reports are
always empty (a variable that cannot be read is a 400 before validation).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from rest_framework.request import Request
from rest_framework.response import Response

from engine.rest.base import EngineView, json_body, user_id
from engine.rest.batches import batch_dto
from engine.rest.errors import error_body
from engine.rest.modification import read_flag
from engine.rest.params import invalid_request
from engine.rest.process_instances import PROCESS_INSTANCE_QUERY, filter_process_instances
from engine.rest.variables import read_variables, write_variables
from engine.runtime.migration import InstructionReport, MigrationInstruction, MigrationPlan
from engine.services.migration import (
    MigrationPlanInvalid,
    generate_migration_plan,
    migrate_process_instances,
    migrate_process_instances_async,
    validate_migration_plan,
)


class GenerateMigrationPlan(EngineView):
    """POST /migration/generate."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        plan = generate_migration_plan(
            _text(body, "sourceProcessDefinitionId"),
            _text(body, "targetProcessDefinitionId"),
            update_event_triggers=read_flag(body, "updateEventTriggers"),
            variables=read_variables(body.get("variables")),
            user_id=user_id(request),
        )
        return Response(plan_dto(plan))


class ValidateMigrationPlan(EngineView):
    """POST /migration/validate."""

    def post(self, request: Request) -> Response:
        plan = read_plan(json_body(request))
        reports = validate_migration_plan(plan, user_id=user_id(request))
        return Response(
            {"instructionReports": [report_dto(r) for r in reports], "variableReports": {}}
        )


class ExecuteMigrationPlan(EngineView):
    """POST /migration/execute."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        try:
            migrate_process_instances(
                _execution_plan(body),
                _instance_ids(request, body),
                skip_custom_listeners=read_flag(body, "skipCustomListeners"),
                skip_io_mappings=read_flag(body, "skipIoMappings"),
                user_id=user_id(request),
            )
        except MigrationPlanInvalid as error:
            return plan_invalid_response(error)
        return Response(status=204)


class ExecuteMigrationPlanAsync(EngineView):
    """POST /migration/executeAsync."""

    def post(self, request: Request) -> Response:
        body = json_body(request)
        try:
            batch = migrate_process_instances_async(
                _execution_plan(body),
                _instance_ids(request, body),
                skip_custom_listeners=read_flag(body, "skipCustomListeners"),
                skip_io_mappings=read_flag(body, "skipIoMappings"),
                user_id=user_id(request),
            )
        except MigrationPlanInvalid as error:
            return plan_invalid_response(error)
        return Response(batch_dto(batch))


def plan_invalid_response(error: MigrationPlanInvalid) -> Response:
    """Camunda's body carries the plan's report beside the message."""
    report = {"instructionReports": [report_dto(r) for r in error.reports]}
    body = error_body(error.camunda_type, str(error))
    return Response({**body, "validationReport": {**report, "variableReports": {}}}, status=400)


def _execution_plan(body: Mapping[str, Any]) -> MigrationPlan:
    plan_data = body.get("migrationPlan")
    if not isinstance(plan_data, Mapping):
        raise invalid_request("'migrationPlan' must be an object")
    return read_plan(plan_data)


def _instance_ids(request: Request, body: Mapping[str, Any]) -> list[str]:
    """`processInstanceIds` plus what `processInstanceQuery` finds (the /process-instance POST
    filters; only instances the caller may read), in that order."""
    given = body.get("processInstanceIds")
    if given is None:
        given = []
    if not isinstance(given, list) or not all(isinstance(i, str) and i for i in given):
        raise invalid_request("'processInstanceIds' must be an array of process instance ids")
    ids = list(given)
    query = body.get("processInstanceQuery")
    if query is not None:
        if not isinstance(query, Mapping):
            raise invalid_request("'processInstanceQuery' must be an object")
        parsed = PROCESS_INSTANCE_QUERY.parse(QueryDict(), query)
        rows = filter_process_instances(request, parsed.filters).order_by("start_time", "id")
        ids += list(rows.values_list("id", flat=True))
    return ids


def _text(body: Mapping[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise invalid_request(f"'{name}' must be a non-empty string")
    return value


def read_plan(body: Mapping[str, Any]) -> MigrationPlan:
    """A MigrationPlanDto as the core's plan."""
    instructions = body.get("instructions")
    if instructions is None:
        instructions = []
    if not isinstance(instructions, list):
        raise invalid_request("'instructions' must be an array of migration instructions")
    return MigrationPlan(
        _text(body, "sourceProcessDefinitionId"),
        _text(body, "targetProcessDefinitionId"),
        tuple(_instruction(n, item) for n, item in enumerate(instructions, 1)),
        read_variables(body.get("variables")),
    )


def _instruction(number: int, item: Any) -> MigrationInstruction:
    if not isinstance(item, Mapping):
        raise invalid_request(f"Migration instruction {number} must be an object")

    def one(name: str) -> str:
        ids = item.get(name)
        if not isinstance(ids, list) or len(ids) != 1 or not isinstance(ids[0], str) or not ids[0]:
            raise invalid_request(
                f"Migration instruction {number}: '{name}' must be an array of exactly one "
                "activity id"
            )
        return ids[0]

    update = item.get("updateEventTrigger")
    if update is not None and not isinstance(update, bool):
        raise invalid_request(
            f"Migration instruction {number}: 'updateEventTrigger' must be true or false"
        )
    return MigrationInstruction(one("sourceActivityIds"), one("targetActivityIds"), bool(update))


def instruction_dto(instruction: MigrationInstruction) -> dict[str, Any]:
    return {
        "sourceActivityIds": [instruction.source_activity_id],
        "targetActivityIds": [instruction.target_activity_id],
        "updateEventTrigger": instruction.update_event_trigger,
    }


def plan_dto(plan: MigrationPlan) -> dict[str, Any]:
    return {
        "sourceProcessDefinitionId": plan.source_definition_id,
        "targetProcessDefinitionId": plan.target_definition_id,
        "instructions": [instruction_dto(i) for i in plan.instructions],
        "variables": write_variables(plan.variables) if plan.variables else None,
    }


def report_dto(report: InstructionReport) -> dict[str, Any]:
    return {"instruction": instruction_dto(report.instruction), "failures": list(report.failures)}


# OpenAPI components of this resource (openapi.py adds them to its schemas).
_IDS = {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 1}
_ID = {"type": "string", "minLength": 1}
_VARIABLES = {
    "type": "object",
    "nullable": True,
    "additionalProperties": {"$ref": "#/components/schemas/VariableValueDto"},
}


def _schema(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _pair(source: str, target: str, schema: dict[str, Any], **more: Any) -> dict[str, Any]:
    """An object with a required source and target of `schema`, and optional `more`."""
    return {
        "type": "object",
        "required": [source, target],
        "properties": {source: schema, target: schema, **more},
    }


OPENAPI_SCHEMAS: dict[str, Any] = {
    "MigrationInstructionDto": _pair(
        "sourceActivityIds",
        "targetActivityIds",
        _IDS,
        updateEventTrigger={"type": "boolean", "default": False},
    ),
    "MigrationPlanDto": _pair(
        "sourceProcessDefinitionId",
        "targetProcessDefinitionId",
        _ID,
        instructions={"type": "array", "items": _schema("MigrationInstructionDto")},
        variables=_VARIABLES,
    ),
    "MigrationPlanGenerationDto": _pair(
        "sourceProcessDefinitionId",
        "targetProcessDefinitionId",
        _ID,
        updateEventTriggers={"type": "boolean", "default": False},
        variables=_VARIABLES,
    ),
    "MigrationPlanReportDto": {
        "type": "object",
        "properties": {
            "instructionReports": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "instruction": _schema("MigrationInstructionDto"),
                        "failures": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
            "variableReports": {"type": "object"},
        },
    },
    "MigrationExecutionDto": {
        "type": "object",
        "required": ["migrationPlan"],
        "properties": {
            "migrationPlan": _schema("MigrationPlanDto"),
            "processInstanceIds": {"type": "array", "items": {"type": "string"}},
            "processInstanceQuery": {"type": "object"},
            "skipCustomListeners": {"type": "boolean", "default": False},
            "skipIoMappings": {"type": "boolean", "default": False},
        },
    },
}
