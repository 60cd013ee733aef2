"""`/execution`: list and count (GET and POST), get, message subscriptions, signal, custom
incidents.

Listed are the executions Camunda would have (engine.queries.executions): a token Camunda
runs in its scope's execution is not listed of its own; its activity, subscriptions and
incidents count for the execution it shows as. GET by its own id still answers (jobs and
history name it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import NotFoundError
from engine.models import EventSubscription, Execution, Incident, ProcessInstance
from engine.queries.executions import shown_as, with_public_execution
from engine.rest import serializers
from engine.rest.base import EngineView, json_body, readable_instances, require_read_instance
from engine.rest.base import user_id as caller
from engine.rest.history import tenants_of
from engine.rest.incidents_jobs import incident_dto
from engine.rest.params import Kind, ListQuery, Param, invalid_request, like
from engine.rest.variable_filters import (
    IGNORE_CASE_PARAMS,
    IgnoreCase,
    process_variables_q,
    variables_q,
)
from engine.rest.variables import read_variables
from engine.services import incidents, runtime

EXECUTION_QUERY = ListQuery(
    filters=(
        Param("businessKey", description="Executions of instances with this business key."),
        Param("processDefinitionId", description="Executions of this definition."),
        Param("processDefinitionKey", description="Executions of definitions with this key."),
        Param("processInstanceId", description="Executions of this instance."),
        Param("activityId", description="Executions at this activity."),
        Param("signalEventSubscriptionName", description="Executions waiting for this signal."),
        Param("messageEventSubscriptionName", description="Executions waiting for this message."),
        Param("active", Kind.BOOLEAN, "Only executions of active instances."),
        Param("suspended", Kind.BOOLEAN, "Only executions of suspended instances."),
        Param("incidentId", description="Executions with this incident."),
        Param("incidentType", description="Executions with an incident of this type."),
        Param("incidentMessage", description="Executions with an incident with this message."),
        Param("incidentMessageLike", description="Incident message with SQL LIKE."),
        Param("tenantIdIn", Kind.STRING_LIST, "Comma-separated tenant ids."),
        Param("variables", Kind.VARIABLES, "`name_op_value,...` on the execution's local "
              "variables."),
        Param("processVariables", Kind.VARIABLES, "`name_op_value,...` on process variables."),
        *IGNORE_CASE_PARAMS,
    ),
    sort_fields={
        "instanceId": "process_instance_id",
        "definitionKey": "instance__process_definition__key",
        "definitionId": "instance__process_definition_id",
        "tenantId": "instance__process_definition__tenant_id",
    },
)


def _instances(**lookup: Any) -> QuerySet[ProcessInstance]:
    return ProcessInstance.objects.filter(**lookup).values("id")


def filter_executions(request: Request, filters: dict[str, Any]) -> QuerySet[Execution]:
    rows = Execution.objects.annotate(
        instance_key=ProcessInstance.objects.filter(pk=OuterRef("process_instance_id")).values(
            "process_definition__key"
        )[:1]
    )
    rows = rows.filter(readable_instances(request, "process_instance_id", "instance_key"))
    rows = rows.filter(public_id=F("id"))
    if "processInstanceId" in filters:
        rows = rows.filter(process_instance_id=filters["processInstanceId"])
    if "activityId" in filters:
        rows = rows.filter(Exists(_shown_as_outer().filter(activity_id=filters["activityId"])))
    lookups = {
        "businessKey": "business_key",
        "processDefinitionId": "process_definition_id",
        "processDefinitionKey": "process_definition__key",
        "tenantIdIn": "process_definition__tenant_id__in",
    }
    for param, lookup in lookups.items():
        if param in filters:
            rows = rows.filter(process_instance_id__in=_instances(**{lookup: filters[param]}))
    if filters.get("active"):
        rows = rows.filter(process_instance_id__in=_instances(suspended=False))
    if filters.get("suspended"):
        rows = rows.filter(process_instance_id__in=_instances(suspended=True))
    for param, kind in (("signalEventSubscriptionName", "signal"),
                        ("messageEventSubscriptionName", "message")):
        if param in filters:
            waiting = EventSubscription.objects.filter(event_type=kind, event_name=filters[param])
            shown = _shown_as_outer().filter(id__in=waiting.values("execution_id"))
            rows = rows.filter(Exists(shown))
    incident_lookup = {
        field: filters[param]
        for param, field in (("incidentId", "id"), ("incidentType", "incident_type"),
                             ("incidentMessage", "incident_message"))
        if param in filters
    }
    incidents = Incident.objects.filter(**incident_lookup)
    if "incidentMessageLike" in filters:
        incidents = incidents.filter(like("incident_message", filters["incidentMessageLike"]))
    if incident_lookup or "incidentMessageLike" in filters:
        rows = rows.filter(
            Exists(_shown_as_outer().filter(id__in=incidents.values("execution_id")))
        )
    ignore_case = IgnoreCase.of(filters)
    if "variables" in filters:
        rows = rows.filter(
            variables_q(
                filters["variables"],
                outer_field="pk",
                match_field="execution_id",
                ignore_case=ignore_case,
            )
        )
    if "processVariables" in filters:
        rows = rows.filter(
            process_variables_q(filters["processVariables"], "process_instance_id", ignore_case)
        )
    return rows


def _shown_as_outer() -> QuerySet[Execution]:
    """The executions the outer row stands for: itself and the tokens shown as it."""
    return Execution.objects.filter(
        process_instance_id=OuterRef("process_instance_id"), public_id=OuterRef("pk")
    )


def execution_dto(row: Execution, tenants: dict[str, str | None]) -> serializers.Dto:
    """ExecutionDto. `ended` is false: ended executions are gone."""
    return {
        "id": row.id,
        "processInstanceId": row.process_instance_id,
        "ended": False,
        "tenantId": tenants.get(row.process_instance_id),
    }


def _tenants(instance_ids: list[str]) -> dict[str, str | None]:
    return dict(
        ProcessInstance.objects.filter(id__in=set(instance_ids)).values_list(
            "id", "process_definition__tenant_id"
        )
    )


class ExecutionList(EngineView):
    """GET and POST /execution."""

    def get(self, request: Request) -> Response:
        return self._list(request, None)

    def post(self, request: Request) -> Response:
        return self._list(request, json_body(request))

    def _list(self, request: Request, body: dict[str, Any] | None) -> Response:
        query = EXECUTION_QUERY.parse(request.query_params, body)
        rows = _ordered(filter_executions(request, query.filters), query.order_by)
        page = list(query.page.apply(rows))
        tenants = _tenants([row.process_instance_id for row in page])
        return Response([execution_dto(row, tenants) for row in page])


def _ordered(rows: QuerySet[Execution], order_by: tuple[str, ...]) -> QuerySet[Execution]:
    # Executions have no relation to their instance row: sort keys of the instance are
    # annotated as subqueries.
    annotations = {
        "instance__process_definition__key": "process_definition__key",
        "instance__process_definition_id": "process_definition_id",
        "instance__process_definition__tenant_id": "process_definition__tenant_id",
    }
    fields = []
    for position, field in enumerate(order_by):
        bare = field.lstrip("-")
        if bare in annotations:
            alias = f"sort_{position}"
            rows = rows.annotate(
                **{
                    alias: ProcessInstance.objects.filter(
                        pk=OuterRef("process_instance_id")
                    ).values(annotations[bare])[:1]
                }
            )
            field = field.replace(bare, alias)
        fields.append(field)
    return rows.order_by(*fields)


class ExecutionCount(EngineView):
    """GET and POST /execution/count."""

    def get(self, request: Request) -> Response:
        return self._count(request, None)

    def post(self, request: Request) -> Response:
        return self._count(request, json_body(request))

    def _count(self, request: Request, body: dict[str, Any] | None) -> Response:
        query = EXECUTION_QUERY.parse(request.query_params, body)
        return Response(serializers.count_dto(filter_executions(request, query.filters).count()))


def readable_execution(request: Request, execution_id: str) -> Execution:
    row = Execution.objects.filter(pk=execution_id).first()
    if row is None:
        # Camunda's wording (ExecutionResourceImpl.getExecution).
        raise NotFoundError(f"Execution with id {execution_id} does not exist")
    instance = ProcessInstance.objects.filter(pk=row.process_instance_id).first()
    require_read_instance(
        request, row.process_instance_id, instance.process_definition_id if instance else None
    )
    return row


class ExecutionDetail(EngineView):
    """GET /execution/{id}."""

    def get(self, request: Request, execution_id: str) -> Response:
        row = readable_execution(request, execution_id)
        return Response(execution_dto(row, _tenants([row.process_instance_id])))


class ExecutionSignal(EngineView):
    """POST /execution/{id}/signal `{variables}`: resume a waiting execution."""

    def post(self, request: Request, execution_id: str) -> Response:
        readable_execution(request, execution_id)
        variables = read_variables(json_body(request).get("variables"))
        runtime.trigger(execution_id, variables, user_id=caller(request))
        return Response(status=204)


class ExecutionCreateIncident(EngineView):
    """POST /execution/{id}/create-incident `{incidentType, configuration, message}`."""

    def post(self, request: Request, execution_id: str) -> Response:
        body = json_body(request)
        fields = {name: body.get(name) for name in ("incidentType", "configuration", "message")}
        for name, value in fields.items():
            if value is not None and not isinstance(value, str):
                raise invalid_request(f"'{name}' must be a text")
        row = incidents.create_incident(
            execution_id,
            fields["incidentType"] or "",
            message=fields["message"],
            configuration=fields["configuration"],
            user_id=caller(request),
        )
        return Response(incident_dto(row, tenants_of([row.process_definition_id])))


def _subscription(request: Request, execution_id: str, message_name: str) -> EventSubscription:
    readable_execution(request, execution_id)
    row = with_public_execution(
        EventSubscription.objects.filter(
            shown_as(execution_id), event_type="message", event_name=message_name
        )
    ).first()
    if row is None:
        # Camunda's wording (MessageEventSubscriptionResource).
        raise NotFoundError(
            f"Message event subscription for execution {execution_id} named {message_name} "
            "does not exist"
        )
    return row


class MessageSubscription(EngineView):
    """GET /execution/{id}/messageSubscriptions/{messageName}."""

    def get(self, request: Request, execution_id: str, message_name: str) -> Response:
        row = _subscription(request, execution_id, message_name)
        tenant = _tenants([row.process_instance_id or ""]).get(row.process_instance_id or "")
        return Response(serializers.event_subscription_dto(row, tenant))


class MessageSubscriptionTrigger(EngineView):
    """POST /execution/{id}/messageSubscriptions/{messageName}/trigger `{variables}`."""

    def post(self, request: Request, execution_id: str, message_name: str) -> Response:
        _subscription(request, execution_id, message_name)
        variables = read_variables(json_body(request).get("variables"))
        runtime.message_event_received(
            message_name, execution_id, variables, user_id=caller(request)
        )
        return Response(status=204)
