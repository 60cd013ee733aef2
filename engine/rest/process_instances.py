"""`/process-instance`: list and count (GET and POST), get, delete, suspension, the activity
instance tree; variables live in variable_resources.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from engine import queries
from engine.models import Execution, Incident, ProcessInstance
from engine.rest import serializers
from engine.rest.base import (
    EngineView,
    json_body,
    readable_instances,
    require_on_instance,
    require_read_instance,
    user_id,
)
from engine.rest.dates import parse_date
from engine.rest.instance_roots import instances_under_root
from engine.rest.or_query_criteria import apply_or_queries
from engine.rest.params import (
    Kind,
    ListQuery,
    Param,
    first_value,
    flag,
    invalid_request,
    like,
)
from engine.rest.variable_filters import IGNORE_CASE_PARAMS, IgnoreCase, process_variables_q
from engine.runtime.queries import ActivityInstance, TransitionInstance
from engine.services import runtime, suspension
from identity.authorization import Permission

NO_CASES = ("caseInstanceId", "superCaseInstance", "subCaseInstance")

PROCESS_INSTANCE_QUERY = ListQuery(
    filters=(
        Param("processInstanceIds", Kind.STRING_LIST, "Comma-separated instance ids."),
        Param("businessKey", description="Filter by business key."),
        Param("businessKeyLike", description="Filter by business key with SQL LIKE."),
        Param("processDefinitionId", description="Filter by process definition id."),
        Param("processDefinitionKey", description="Filter by process definition key."),
        Param("processDefinitionKeyIn", Kind.STRING_LIST, "Comma-separated definition keys."),
        Param("processDefinitionKeyNotIn", Kind.STRING_LIST, "Keys to leave out."),
        Param("deploymentId", description="Instances of definitions of this deployment."),
        Param("superProcessInstance", description="Instances called by this instance."),
        Param("subProcessInstance", description="The instance that called this one."),
        Param("active", Kind.BOOLEAN, "Only active instances."),
        Param("suspended", Kind.BOOLEAN, "Only suspended instances."),
        Param("withIncident", Kind.BOOLEAN, "Only instances with an incident."),
        Param("incidentId", description="Instances with this incident."),
        Param("incidentType", description="Instances with an incident of this type."),
        Param("incidentMessage", description="Instances with an incident with this message."),
        Param("incidentMessageLike", description="Incident message with SQL LIKE."),
        Param("tenantIdIn", Kind.STRING_LIST, "Comma-separated tenant ids."),
        Param("withoutTenantId", Kind.BOOLEAN, "Only instances of no tenant."),
        Param("activityIdIn", Kind.STRING_LIST, "Instances with a token in these activities."),
        Param("rootProcessInstances", Kind.BOOLEAN, "Only instances not called by another."),
        Param("leafProcessInstances", Kind.BOOLEAN, "Only instances calling no other."),
        Param("variables", Kind.VARIABLES, "`name_op_value,...` on the instance's process "
              "variables; op: eq neq gt gteq lt lteq like."),
        Param("processDefinitionWithoutTenantId", Kind.BOOLEAN,
              "Only instances of definitions of no tenant."),
        Param("businessKeyIn", Kind.STRING_LIST, "Comma-separated business keys."),
        Param("rootProcessInstanceId", description="Instances whose call chain starts at this "
              "instance: itself and every instance it called, at any depth."),
        *(Param(name, description="No instance matches: Legato has no CMMN cases.")
          for name in NO_CASES),
        *IGNORE_CASE_PARAMS,
    ),
    sort_fields={
        "instanceId": "id",
        "definitionKey": "process_definition__key",
        "definitionId": "process_definition_id",
        "tenantId": "process_definition__tenant_id",
        "businessKey": "business_key",
    },
    or_queries=True,
)

_EXACT = {
    "processInstanceIds": "id__in",
    "businessKey": "business_key",
    "processDefinitionId": "process_definition_id",
    "processDefinitionKey": "process_definition__key",
    "processDefinitionKeyIn": "process_definition__key__in",
    "deploymentId": "process_definition__deployment_id",
    "superProcessInstance": "super_process_instance_id",
}
_INCIDENT = {
    "incidentId": "id",
    "incidentType": "incident_type",
    "incidentMessage": "incident_message",
}


def filter_process_instances(
    request: Request, filters: dict[str, Any]
) -> QuerySet[ProcessInstance]:
    """The instances the caller may read that meet `filters`, `orQueries` included (the list
    and count resources, and the `processInstanceQuery` of bulk operations)."""
    rows = ProcessInstance.objects.select_related("process_definition").defer("state")
    rows = _matching(rows.filter(readable_instances(request, "id", "process_definition__key")),
                     filters)
    return apply_or_queries(
        rows, filters, lambda criterion: _matching(ProcessInstance.objects.all(), criterion),
        together=[("tenantIdIn", "withoutTenantId")], each=["variables"],
    )


def _matching(rows: QuerySet[ProcessInstance], filters: dict[str, Any]
              ) -> QuerySet[ProcessInstance]:
    rows = rows.filter(**{f: filters[p] for p, f in _EXACT.items() if p in filters})
    if "rootProcessInstanceId" in filters:
        root = filters["rootProcessInstanceId"]
        rows = rows.filter(id__in=instances_under_root(ProcessInstance, root))
    if "processDefinitionKeyNotIn" in filters:
        rows = rows.exclude(process_definition__key__in=filters["processDefinitionKeyNotIn"])
    if "businessKeyLike" in filters:
        rows = rows.filter(like("business_key", filters["businessKeyLike"]))
    if "subProcessInstance" in filters:
        called = ProcessInstance.objects.filter(pk=filters["subProcessInstance"])
        rows = rows.filter(id__in=called.values("super_process_instance_id"))
    # Camunda applies these flags only when true.
    if filters.get("active"):
        rows = rows.filter(suspended=False)
    if filters.get("suspended"):
        rows = rows.filter(suspended=True)
    if filters.get("rootProcessInstances"):
        rows = rows.filter(super_process_instance_id__isnull=True)
    if filters.get("leafProcessInstances"):
        rows = rows.exclude(
            Exists(ProcessInstance.objects.filter(super_process_instance_id=OuterRef("pk")))
        )
    incident = {f: filters[p] for p, f in _INCIDENT.items() if p in filters}
    incidents = Incident.objects.filter(process_instance_id=OuterRef("pk"), **incident)
    if "incidentMessageLike" in filters:
        incidents = incidents.filter(like("incident_message", filters["incidentMessageLike"]))
    if incident or filters.get("withIncident") or "incidentMessageLike" in filters:
        rows = rows.filter(Exists(incidents))
    if "activityIdIn" in filters:
        rows = rows.filter(
            Exists(
                Execution.objects.filter(
                    process_instance_id=OuterRef("pk"), activity_id__in=filters["activityIdIn"]
                )
            )
        )
    if "tenantIdIn" in filters:
        rows = rows.filter(process_definition__tenant_id__in=filters["tenantIdIn"])
    if filters.get("withoutTenantId") or filters.get("processDefinitionWithoutTenantId"):
        rows = rows.filter(process_definition__tenant_id__isnull=True)
    if "businessKeyIn" in filters:
        rows = rows.filter(business_key__in=filters["businessKeyIn"])
    if any(name in filters for name in NO_CASES):
        return rows.none()
    if "variables" in filters:
        rows = rows.filter(process_variables_q(filters["variables"], "id", IgnoreCase.of(filters)))
    return rows


def instance_dto(request: Request, row: ProcessInstance) -> serializers.Dto:
    """ProcessInstanceDto. `ended` is always false, as Camunda documents it."""
    return {
        "links": [serializers.self_link(request, "rest-process-instance", instance_id=row.id)],
        "id": row.id,
        "definitionId": row.process_definition_id,
        "definitionKey": row.process_definition.key,
        "businessKey": row.business_key,
        "caseInstanceId": None,
        "ended": False,
        "suspended": row.suspended,
        "tenantId": row.process_definition.tenant_id,
    }


class ProcessInstanceList(EngineView):
    """GET and POST /process-instance."""

    def get(self, request: Request) -> Response:
        return self._list(request, None)

    def post(self, request: Request) -> Response:
        return self._list(request, json_body(request))

    def _list(self, request: Request, body: dict[str, Any] | None) -> Response:
        query = PROCESS_INSTANCE_QUERY.parse(request.query_params, body)
        rows = filter_process_instances(request, query.filters).order_by(*query.order_by)
        return Response([instance_dto(request, row) for row in query.page.apply(rows)])


class ProcessInstanceCount(EngineView):
    """GET and POST /process-instance/count."""

    def get(self, request: Request) -> Response:
        return self._count(request, None)

    def post(self, request: Request) -> Response:
        return self._count(request, json_body(request))

    def _count(self, request: Request, body: dict[str, Any] | None) -> Response:
        query = PROCESS_INSTANCE_QUERY.parse(request.query_params, body)
        rows = filter_process_instances(request, query.filters)
        return Response(serializers.count_dto(rows.count()))


class ProcessInstanceDetail(EngineView):
    """GET and DELETE /process-instance/{id}."""

    def get(self, request: Request, instance_id: str) -> Response:
        row = queries.get_process_instance(instance_id)
        require_read_instance(request, row.id, row.process_definition_id)
        return Response(instance_dto(request, row))

    def delete(self, request: Request, instance_id: str) -> Response:
        # skipSubprocesses is validated and changes nothing (docs/rest.md).
        flag(request.query_params, "skipSubprocesses")
        skip_listeners = flag(request.query_params, "skipCustomListeners")
        skip_io_mappings = flag(request.query_params, "skipIoMappings")
        fail_if_missing = first_value(request.query_params, "failIfNotExists") != "false"
        row = ProcessInstance.objects.filter(pk=instance_id).first()
        if row is None:
            if not fail_if_missing:
                return Response(status=204)
            raise invalid_request(f"Process instance with id {instance_id} does not exist", 404)
        require_on_instance(
            request, row.id, row.process_definition_id, [Permission.DELETE],
            [Permission.DELETE_INSTANCE],
        )
        reason = first_value(request.query_params, "deleteReason")
        runtime.delete_process_instance(
            instance_id, reason, user_id=user_id(request), skip_custom_listeners=skip_listeners,
            skip_io_mappings=skip_io_mappings,
        )
        return Response(status=204)


class ProcessInstanceSuspended(EngineView):
    """PUT /process-instance/{id}/suspended `{"suspended": true|false}`."""

    def put(self, request: Request, instance_id: str) -> Response:
        suspended = read_suspended(json_body(request))
        row = queries.get_process_instance(instance_id)
        require_on_instance(
            request,
            row.id,
            row.process_definition_id,
            [Permission.SUSPEND, Permission.UPDATE],
            [Permission.SUSPEND_INSTANCE, Permission.UPDATE_INSTANCE],
        )
        change = (
            suspension.suspend_process_instance
            if suspended
            else suspension.activate_process_instance
        )
        change(instance_id, user_id=user_id(request))
        return Response(status=204)


def read_suspended(body: dict[str, Any]) -> bool:
    value = body.get("suspended")
    if not isinstance(value, bool):
        raise invalid_request("'suspended' must be true or false")
    return value


def read_execution_date(body: dict[str, Any]) -> datetime | None:
    """`executionDate` of a suspension: when the change is to happen (None: now)."""
    raw = body.get("executionDate")
    if raw is None:
        return None
    try:
        if not isinstance(raw, str):
            raise ValueError(raw)
        return parse_date(raw)
    except ValueError:
        raise invalid_request(
            f"Cannot read 'executionDate': {raw!r} is no date in the format "
            "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
        ) from None


def read_tenant_selector(body: dict[str, Any]) -> dict[str, Any]:
    """`processDefinitionTenantId` / `processDefinitionWithoutTenantId` of a change by key, as
    the service's `tenant_id` and `without_tenant` (neither: the key's versions of every
    tenant)."""
    tenant_id = body.get("processDefinitionTenantId")
    if tenant_id is not None and not isinstance(tenant_id, str):
        raise invalid_request("'processDefinitionTenantId' must be a text")
    without = body.get("processDefinitionWithoutTenantId") or False
    if not isinstance(without, bool):
        raise invalid_request("'processDefinitionWithoutTenantId' must be true or false")
    return {"tenant_id": tenant_id, "without_tenant": without}


class ActivityInstances(EngineView):
    """GET /process-instance/{id}/activity-instances: the tree of active activities."""

    def get(self, request: Request, instance_id: str) -> Response:
        row = queries.get_process_instance(instance_id)
        require_read_instance(request, row.id, row.process_definition_id)
        return Response(activity_instance_dto(queries.activity_instance_tree(instance_id)))


def _incidents(ids: list[str], activity_id: str) -> list[dict[str, str]]:
    return [{"id": incident_id, "activityId": activity_id} for incident_id in ids]


def activity_instance_dto(node: ActivityInstance) -> serializers.Dto:
    """ActivityInstanceDto; `name` repeats `activityName` as Camunda still writes it."""
    return {
        "id": node.id,
        "parentActivityInstanceId": node.parent_activity_instance_id,
        "activityId": node.activity_id,
        "activityType": node.activity_type,
        "processInstanceId": node.process_instance_id,
        "processDefinitionId": node.process_definition_id,
        "childActivityInstances": [activity_instance_dto(child) for child in node.children],
        "childTransitionInstances": [
            transition_instance_dto(t, node) for t in node.transitions
        ],
        "executionIds": list(node.execution_ids),
        "activityName": node.activity_name,
        "incidentIds": list(node.incident_ids),
        "incidents": _incidents(node.incident_ids, node.activity_id),
        "name": node.activity_name,
    }


def transition_instance_dto(node: TransitionInstance, parent: ActivityInstance) -> serializers.Dto:
    """TransitionInstanceDto (a token waiting for its asynchronous continuation)."""
    return {
        "id": node.id,
        "parentActivityInstanceId": node.parent_activity_instance_id,
        "activityId": node.activity_id,
        "activityName": node.activity_name,
        "activityType": node.activity_type,
        "processInstanceId": parent.process_instance_id,
        "processDefinitionId": parent.process_definition_id,
        "executionId": node.execution_id,
        "incidentIds": list(node.incident_ids),
        "incidents": _incidents(node.incident_ids, node.activity_id),
        "targetActivityId": node.activity_id,
    }
