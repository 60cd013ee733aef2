"""`/process-definition/...` actions: start, start form (its variables, its submission),
statistics, suspension. Reads and deletes of definitions are in process_definitions.py."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from engine.definitions import process_model
from engine.errors import NotFoundError
from engine.models import Execution, Incident, Job, ProcessDefinition
from engine.models import ProcessInstance as InstanceRow
from engine.queries import get_variables, static_called_definitions
from engine.queries.history import last_variables
from engine.rest import serializers
from engine.rest.base import (
    AnyAcceptMixin,
    EngineView,
    definition_key,
    deserialize_values,
    json_body,
    user_id,
)
from engine.rest.errors import CamundaError
from engine.rest.forms import (
    deployed_form,
    field_values,
    form_dto,
    form_variables,
    rendered_form,
)
from engine.rest.history_ttl import history_ttl_view
from engine.rest.modification import START_TYPES, read_flag, read_instruction
from engine.rest.params import first_value, flag, invalid_request
from engine.rest.process_definitions import (
    definition_by_id,
    definition_by_key,
    require_read_definition,
)
from engine.rest.process_instances import (
    read_execution_date,
    read_suspended,
    read_tenant_selector,
)
from engine.rest.variables import read_variables, write_variables
from engine.runtime.engine import ProcessInstance as StartedInstance
from engine.runtime.forms import FormFieldValidationError
from engine.runtime.modification import Instruction, InvalidModification
from engine.runtime.values import TypedValue
from engine.services import forms, runtime, suspension
from engine.services.suspension import of_tenant
from identity.authorization import (
    ANY,
    Check,
    Permission,
    Resource,
    readable_ids,
    require,
    require_any,
)


def _definition(definition_id: str | None, key: str | None, tenant_id: str | None = None) -> Any:
    if definition_id:
        return definition_by_id(definition_id)
    return definition_by_key(key or "", tenant_id)


# -- start ---------------------------------------------------------------------------------


def _start_instructions(body: dict[str, Any]) -> list[Instruction]:
    """`startInstructions`: where the instance starts instead of its start event (Camunda's
    ProcessInstantiationBuilder); start types only, each with its variables."""
    data = body.get("startInstructions")
    if data is None or data == []:
        return []
    if not isinstance(data, list):
        raise invalid_request("'startInstructions' must be an array of instructions")
    for number, item in enumerate(data, 1):
        if isinstance(item, dict) and item.get("type") not in START_TYPES:
            raise invalid_request(
                f"Instruction {number}: 'type' must be one of {', '.join(START_TYPES)}"
            )
    return [read_instruction(number, item) for number, item in enumerate(data, 1)]


def _variables_of(instance_id: str, ended: bool) -> dict[str, TypedValue]:
    if not ended:
        return get_variables(instance_id)
    return last_variables(instance_id)  # an instance that ran to its end left only history


class StartInstance(EngineView):
    """POST /process-definition/{id}/start and /key/{key}[/tenant-id/{tenant-id}]/start."""

    def post(
        self,
        request: Request,
        definition_id: str | None = None,
        key: str | None = None,
        tenant_id: str | None = None,
    ) -> Response:
        definition, body, variables = _start_request(request, definition_id, key, tenant_id)
        instructions = _start_instructions(body)
        try:
            started = runtime.start_process_instance(
                definition_id=definition.id,
                variables=variables,
                business_key=_business_key(body),
                user_id=user_id(request),
                instructions=instructions,
                skip_custom_listeners=bool(instructions) and read_flag(body, "skipCustomListeners"),
                skip_io_mappings=bool(instructions) and read_flag(body, "skipIoMappings"),
            )
        except InvalidModification as refused:
            # Camunda's ProcessDefinitionResourceImpl: a NotValidException is a 400.
            raise invalid_request(
                f"Cannot instantiate process definition {definition.id}: {refused}"
            ) from None
        dto = _instance_dto(request, definition, started)
        if body.get("withVariablesInReturn"):
            dto["variables"] = write_variables(_variables_of(started.id, started.ended))
        return Response(dto)


def _start_request(
    request: Request, definition_id: str | None, key: str | None, tenant_id: str | None
) -> tuple[ProcessDefinition, dict[str, Any], dict[str, TypedValue]]:
    """What both ways of starting read first: the definition (the caller may start it), the
    body and its variables."""
    definition = _definition(definition_id, key, tenant_id)
    body = json_body(request)
    variables = read_variables(body.get("variables"))
    _require_start(request, definition)
    return definition, body, variables


def _business_key(body: dict[str, Any]) -> str | None:
    value = body.get("businessKey")
    if value is not None and not isinstance(value, str):
        raise invalid_request("'businessKey' must be a string")
    return value


def _require_start(request: Request, definition: ProcessDefinition) -> None:
    # Camunda: CREATE on process instances and CREATE_INSTANCE on the definition.
    require(request.user, Permission.CREATE, Resource.PROCESS_INSTANCE, ANY)
    require(request.user, Permission.CREATE_INSTANCE, Resource.PROCESS_DEFINITION, definition.key)


def _instance_dto(
    request: Request, definition: ProcessDefinition, started: StartedInstance
) -> serializers.Dto:
    """ProcessInstanceDto of an instance just started."""
    return {
        "links": [serializers.self_link(request, "rest-process-instance", instance_id=started.id)],
        "id": started.id,
        "definitionId": definition.id,
        "definitionKey": definition.key,
        "businessKey": started.business_key,
        "caseInstanceId": None,
        "ended": started.ended,
        "suspended": False,
        "tenantId": definition.tenant_id,
    }


class SubmitStartForm(EngineView):
    """POST /process-definition/{id}/submit-form and /key/{key}[/tenant-id/{tenant-id}]/
    submit-form `{variables, businessKey}`: ProcessInstanceDto. The start event's generated
    form fields are validated and typed first; a refused field is a 400 and starts nothing."""

    def post(
        self,
        request: Request,
        definition_id: str | None = None,
        key: str | None = None,
        tenant_id: str | None = None,
    ) -> Response:
        definition, body, variables = _start_request(request, definition_id, key, tenant_id)
        try:
            started = forms.submit_start_form(
                definition.id,
                variables,
                business_key=_business_key(body),
                user_id=user_id(request),
            )
        except FormFieldValidationError as error:
            # Camunda's ProcessDefinitionResourceImpl.submitForm: a 400 RestException.
            raise CamundaError(
                400, "RestException", f"Cannot instantiate process definition {definition.id}: "
                f"{error}"
            ) from error
        return Response(_instance_dto(request, definition, started))


# -- start form ----------------------------------------------------------------------------


class StartForm(EngineView):
    """GET /process-definition/{id}/startForm and /key/{key}[/tenant-id/{tenant-id}]/startForm:
    FormDto."""

    def get(self, request: Request, definition_id: str | None = None,
            key: str | None = None, tenant_id: str | None = None) -> Response:
        definition = _definition(definition_id, key, tenant_id)
        require_read_definition(request, definition)
        start = process_model(definition.id).initial_start_event
        if start is None:
            return Response(form_dto(None, None))
        return Response(form_dto(start.form_key, start.form_ref))


class DeployedStartForm(AnyAcceptMixin, EngineView):
    """GET /process-definition/{id}/deployed-start-form and
    /key/{key}[/tenant-id/{tenant-id}]/deployed-start-form."""

    def get(self, request: Request, definition_id: str | None = None,
            key: str | None = None, tenant_id: str | None = None) -> HttpResponse:
        definition = _definition(definition_id, key, tenant_id)
        require_read_definition(request, definition)
        start = process_model(definition.id).initial_start_event
        if start is None:
            return deployed_form(definition, None, None)
        return deployed_form(definition, start.form_key, start.form_ref)


class StartFormVariables(EngineView):
    """GET /process-definition/{id}/form-variables and
    /key/{key}[/tenant-id/{tenant-id}]/form-variables."""

    def get(self, request: Request, definition_id: str | None = None,
            key: str | None = None, tenant_id: str | None = None) -> Response:
        definition = _definition(definition_id, key, tenant_id)
        require_read_definition(request, definition)
        start = process_model(definition.id).initial_start_event
        if start is None:
            return Response({})
        raw_names = first_value(request.query_params, "variableNames")
        names = raw_names.split(",") if raw_names else None
        values = field_values(definition.id, start.id, {})
        return Response(
            form_variables(
                start.form_fields, values, names, deserialize=deserialize_values(request)
            )
        )


class RenderedStartForm(AnyAcceptMixin, EngineView):
    """GET /process-definition/{id}/rendered-form and /key/{key}[/tenant-id/{tenant-id}]/
    rendered-form: the start event's generated HTML form (camunda:formData), as the task's."""

    def get(self, request: Request, definition_id: str | None = None,
            key: str | None = None, tenant_id: str | None = None) -> HttpResponse:
        definition = _definition(definition_id, key, tenant_id)
        require_read_definition(request, definition)
        start = process_model(definition.id).initial_start_event
        if start is None or not start.form_fields:
            # Camunda's wording (ProcessDefinitionResourceImpl.getRenderedForm).
            raise NotFoundError("No matching rendered start form for process definition with "
                                f"the id {definition.id} found.")
        return HttpResponse(rendered_form(start.form_fields),
                            content_type="application/xhtml+xml")


# -- statistics ----------------------------------------------------------------------------

# Camunda's StatisticsResultDto is @JsonTypeInfo(use = Id.CLASS): each row starts with the Java
# class its clients deserialize it into.
_DTO_PACKAGE = "org.camunda.bpm.engine.rest.dto.repository"
DEFINITION_STATISTICS_CLASS = f"{_DTO_PACKAGE}.ProcessDefinitionStatisticsResultDto"
ACTIVITY_STATISTICS_CLASS = f"{_DTO_PACKAGE}.ActivityStatisticsResultDto"


def _incident_counts(rows: Any, group: str) -> dict[str, list[dict[str, Any]]]:
    counts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows.values(group, "incident_type").annotate(n=Count("id")).order_by(
        group, "incident_type"
    ):
        counts[row[group]].append({"incidentType": row["incident_type"], "incidentCount": row["n"]})
    return counts


def _incident_rows(request: Request) -> Any:
    rows = Incident.objects.all()
    incident_type = first_value(request.query_params, "incidentsForType")
    if incident_type:
        rows = rows.filter(incident_type=incident_type)
    if flag(request.query_params, "rootIncidents"):
        rows = rows.filter(cause_incident_id__isnull=True)
    return rows


def _wants_incidents(request: Request) -> bool:
    params = request.query_params
    asked = [flag(params, "incidents"), flag(params, "rootIncidents")]
    if first_value(params, "incidentsForType"):
        asked.append(True)
    if sum(asked) > 1:
        # Camunda's wording (ProcessDefinitionRestServiceImpl.getStatistics).
        raise invalid_request(
            "Only one of the query parameter includeIncidents, includeRootIncidents or "
            "includeIncidentsForType can be set."
        )
    return any(asked)


class DefinitionStatistics(EngineView):
    """GET /process-definition/statistics: running instances, failed jobs, incidents per
    definition, for every definition the caller may read."""

    def get(self, request: Request) -> Response:
        failed_jobs = flag(request.query_params, "failedJobs")
        incidents = _wants_incidents(request)
        readable = readable_ids(request.user, Resource.PROCESS_DEFINITION)
        definitions = list(
            ProcessDefinition.objects.filter(readable.q("key")).order_by("key", "version", "id")
        )
        instances = dict(
            InstanceRow.objects.values_list("process_definition_id")
            .annotate(n=Count("id"))
            .values_list("process_definition_id", "n")
        )
        jobs = dict(
            Job.objects.filter(retries__lte=0).values_list("process_definition_id")
            .annotate(n=Count("id")).values_list("process_definition_id", "n")
        ) if failed_jobs else {}
        by_incident = (
            _incident_counts(_incident_rows(request), "process_definition_id") if incidents else {}
        )
        return Response(
            [
                {
                    "@class": DEFINITION_STATISTICS_CLASS,
                    "id": row.id,
                    "instances": instances.get(row.id, 0),
                    "failedJobs": jobs.get(row.id, 0),
                    "incidents": by_incident.get(row.id, []),
                    # the tenant is `definition.tenantId` only: Camunda has no top-level one
                    "definition": dto,
                }
                for row, dto in zip(
                    definitions, serializers.process_definition_dtos(definitions), strict=True
                )
            ]
        )


class ActivityStatistics(EngineView):
    """GET /process-definition/{id}/statistics and /key/{key}[/tenant-id/{tenant-id}]/statistics
    (the latest version): tokens per activity (Execution rows)."""

    def get(self, request: Request, definition_id: str | None = None,
            key: str | None = None, tenant_id: str | None = None) -> Response:
        definition = _definition(definition_id, key, tenant_id)
        require_read_definition(request, definition)
        require_any(
            request.user,
            [
                Check(Permission.READ, Resource.PROCESS_INSTANCE, ANY),
                Check(Permission.READ_INSTANCE, Resource.PROCESS_DEFINITION, definition.key),
            ],
        )
        failed_jobs = flag(request.query_params, "failedJobs")
        incidents = _wants_incidents(request)
        tokens = dict(
            # the rows repeat their instance's definition (indexed with the activity)
            Execution.objects.filter(process_definition_id=definition.id, activity_id__isnull=False)
            .values_list("activity_id")
            .annotate(n=Count("id"))
            .values_list("activity_id", "n")
        )
        jobs = dict(
            Job.objects.filter(process_definition_id=definition.id, retries__lte=0)
            .values_list("activity_id").annotate(n=Count("id")).values_list("activity_id", "n")
        ) if failed_jobs else {}
        by_incident = (
            _incident_counts(
                _incident_rows(request).filter(process_definition_id=definition.id),
                "activity_id",
            )
            if incidents
            else {}
        )
        activities = sorted(set(tokens) | set(jobs) | set(by_incident))
        return Response(
            [
                {
                    "@class": ACTIVITY_STATISTICS_CLASS,
                    "id": activity,
                    "instances": tokens.get(activity, 0),
                    "failedJobs": jobs.get(activity, 0),
                    "incidents": by_incident.get(activity, []),
                }
                for activity in activities
            ]
        )


# -- suspension ----------------------------------------------------------------------------


def _suspend(request: Request, body: dict[str, Any], definition_id: str | None,
             key: str | None) -> None:
    suspended = read_suspended(body)
    at = read_execution_date(body)
    include = bool(body.get("includeProcessInstances"))
    # Camunda reads the tenant selector only for a change by key.
    tenant = read_tenant_selector(body) if definition_id is None else {}
    if definition_id is not None:
        key = definition_key(definition_by_id(definition_id).id)
    elif not of_tenant(ProcessDefinition.objects.filter(key=key), **tenant).exists():
        raise invalid_request(f"No process definition found for key '{key}'", 404)
    require_any(
        request.user,
        [Check(p, Resource.PROCESS_DEFINITION, key or "") for p in
         (Permission.SUSPEND, Permission.UPDATE)],
    )
    if include:
        require_any(
            request.user,
            [
                Check(Permission.SUSPEND_INSTANCE, Resource.PROCESS_DEFINITION, key or ""),
                Check(Permission.UPDATE_INSTANCE, Resource.PROCESS_DEFINITION, key or ""),
                Check(Permission.SUSPEND, Resource.PROCESS_INSTANCE, ANY),
                Check(Permission.UPDATE, Resource.PROCESS_INSTANCE, ANY),
            ],
        )
    change = (
        suspension.suspend_process_definition
        if suspended
        else suspension.activate_process_definition
    )
    if definition_id is not None:
        change(definition_id, include_process_instances=include, at=at, user_id=user_id(request))
    else:
        change(key=key, **tenant, include_process_instances=include, at=at,
               user_id=user_id(request))


class DefinitionSuspended(EngineView):
    """PUT /process-definition/{id}/suspended, and by key (the latest version; of a tenant)."""

    def put(
        self,
        request: Request,
        definition_id: str | None = None,
        key: str | None = None,
        tenant_id: str | None = None,
    ) -> Response:
        body = json_body(request)
        _suspend(request, body, definition_id or _definition(None, key, tenant_id).id, None)
        return Response(status=204)


class DefinitionsSuspendedByKey(EngineView):
    """PUT /process-definition/suspended `{processDefinitionKey, suspended, ...}`."""

    def put(self, request: Request) -> Response:
        body = json_body(request)
        if body.get("processDefinitionId") is not None:
            # Camunda's wording (ProcessDefinitionRestServiceImpl.updateSuspensionState).
            raise invalid_request(
                "Only processDefinitionKey can be set to update the suspension state."
            )
        key = body.get("processDefinitionKey")
        if not isinstance(key, str) or not key:
            raise invalid_request("Only a processDefinitionKey can be given here")
        _suspend(request, body, None, key)
        return Response(status=204)


# PUT .../history-time-to-live (by id, by key, by key and tenant).
DefinitionHistoryTimeToLive = history_ttl_view(_definition)


class StaticCalledDefinitions(EngineView):
    """GET /process-definition/{id}/static-called-process-definitions: the definitions its call
    activities name without an expression (CalledProcessDefinitionDto each), those the caller
    may read."""

    def get(self, request: Request, definition_id: str) -> Response:
        definition = definition_by_id(definition_id)
        require_read_definition(request, definition)
        readable = readable_ids(request.user, Resource.PROCESS_DEFINITION)
        called = [
            (row, activities)
            for row, activities in static_called_definitions(definition)
            if readable.allows(row.key)
        ]
        dtos = serializers.process_definition_dtos(row for row, _ in called)
        for dto, (_, activities) in zip(dtos, called, strict=True):
            dto["calledFromActivityIds"] = activities
            dto["callingProcessDefinitionId"] = definition.id
        return Response(dtos)

