"""`/process-definition`: list, count, read by id or by key (latest version), XML, delete.

Reads need READ on the definition's key (Camunda's `checkReadProcessDefinition`); lists and
counts only hold the keys the caller may read, as Camunda adds that check to the query.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from engine import queries
from engine.errors import NotFoundError
from engine.models import Incident, ProcessDefinition, ProcessDefinitionStarter
from engine.rest import serializers
from engine.rest.base import AnyAcceptMixin
from engine.rest.deployments import file_response
from engine.rest.errors import CamundaError
from engine.rest.params import Kind, ListQuery, Param, flag, like, tenant_filter
from engine.services.process_definitions import (
    delete_process_definition,
    delete_process_definitions_by_key,
)
from identity.authorization import (
    ANY,
    IdFilter,
    Permission,
    Resource,
    is_authorized,
    readable_ids,
    require,
)

PROCESS_DEFINITION_QUERY = ListQuery(
    filters=(
        Param("processDefinitionId", description="Filter by process definition id."),
        Param("processDefinitionIdIn", Kind.STRING_LIST, "Comma-separated definition ids."),
        Param("name", description="Filter by name. Exact match."),
        Param("nameLike", description="Filter by name with SQL LIKE (`%`, `_`)."),
        Param("deploymentId", description="Filter by the id of the deployment."),
        Param("deployedAfter", Kind.DATE, "Only definitions deployed after this date."),
        Param("deployedAt", Kind.DATE, "Only definitions deployed at this date."),
        Param("key", description="Filter by key. Exact match."),
        Param("keysIn", Kind.STRING_LIST, "Comma-separated keys."),
        Param("keyLike", description="Filter by key with SQL LIKE (`%`, `_`)."),
        Param("category", description="Filter by category (the definitions' targetNamespace)."),
        Param("categoryLike", description="Filter by category with SQL LIKE."),
        Param("version", Kind.INTEGER, "Filter by version."),
        Param("latestVersion", Kind.BOOLEAN, "Only the latest version of each key and tenant."),
        Param("resourceName", description="Filter by the name of the BPMN resource."),
        Param("resourceNameLike", description="Filter by resource name with SQL LIKE."),
        Param("suspended", Kind.BOOLEAN, "Only suspended definitions."),
        Param("active", Kind.BOOLEAN, "Only active definitions."),
        Param("versionTag", description="Filter by camunda:versionTag. Exact match."),
        Param("versionTagLike", description="Filter by camunda:versionTag with SQL LIKE."),
        Param("withoutVersionTag", Kind.BOOLEAN, "Only definitions without a version tag."),
        Param("startableInTasklist", Kind.BOOLEAN, "Only definitions startable in Tasklist."),
        Param("notStartableInTasklist", Kind.BOOLEAN, "Only definitions not startable there."),
        Param(
            "startablePermissionCheck",
            Kind.BOOLEAN,
            "Only definitions the caller may start (CREATE on process instances and "
            "CREATE_INSTANCE on the definition).",
        ),
        Param(
            "startableBy",
            description="Only definitions that name this user, or a group of theirs, as a "
            "candidate starter (camunda:candidateStarterUsers/Groups).",
        ),
        Param("tenantIdIn", Kind.STRING_LIST, "Comma-separated tenant ids."),
        Param("withoutTenantId", Kind.BOOLEAN, "Only definitions of no tenant."),
        Param(
            "includeProcessDefinitionsWithoutTenantId",
            Kind.BOOLEAN,
            "With tenantIdIn: also definitions of no tenant.",
        ),
        Param("incidentId", description="Definitions with this open incident."),
        Param("incidentType", description="Definitions with an open incident of this type."),
        Param("incidentMessage", description="Definitions with an incident with this message."),
        Param("incidentMessageLike", description="Incident message with SQL LIKE."),
    ),
    sort_fields={
        "category": "category",
        "key": "key",
        "id": "id",
        "name": "name",
        "version": "version",
        "deploymentId": "deployment_id",
        "deployTime": "deployment__deployment_time",
        "tenantId": "tenant_id",
        "versionTag": "version_tag",
    },
)

# Parameter -> field for the exact-match filters.
_EXACT = {
    "processDefinitionId": "id",
    "processDefinitionIdIn": "id__in",
    "name": "name",
    "deploymentId": "deployment_id",
    "deployedAfter": "deployment__deployment_time__gt",
    "deployedAt": "deployment__deployment_time",
    "key": "key",
    "keysIn": "key__in",
    "category": "category",
    "version": "version",
    "resourceName": "resource_name",
    "versionTag": "version_tag",
}
# The `*Like` filters process and decision definitions share (Camunda's queries have both).
DEFINITION_LIKE = {
    "nameLike": "name",
    "keyLike": "key",
    "categoryLike": "category",
    "resourceNameLike": "resource_name",
    "versionTagLike": "version_tag",
}
# Camunda applies these flags only when true (`if (TRUE.equals(suspended)) query.suspended()`).
_WHEN_TRUE = {
    "suspended": {"suspended": True},
    "active": {"suspended": False},
    "withoutVersionTag": {"version_tag__isnull": True},
    "startableInTasklist": {"startable_in_tasklist": True},
    "notStartableInTasklist": {"startable_in_tasklist": False},
}


def filter_process_definitions(
    request: Request, filters: dict[str, Any]
) -> QuerySet[ProcessDefinition]:
    definitions = queries.list_process_definitions(
        latest_version=bool(filters.get("latestVersion"))
    ).filter(readable_ids(request.user, Resource.PROCESS_DEFINITION).q("key"))
    definitions = definitions.filter(
        **{field: filters[param] for param, field in _EXACT.items() if param in filters}
    )
    for param, field in DEFINITION_LIKE.items():
        if param in filters:
            definitions = definitions.filter(like(field, filters[param]))
    for param, condition in _WHEN_TRUE.items():
        if filters.get(param):
            definitions = definitions.filter(**condition)
    if filters.get("startablePermissionCheck"):
        definitions = definitions.filter(startable_ids(request.user).q("key"))
    if "startableBy" in filters:
        definitions = definitions.filter(_startable_by(filters["startableBy"]))
    incidents = Incident.objects.filter(process_definition_id=OuterRef("id"), **{
        field: filters[param] for param, field in _INCIDENT.items() if param in filters
    })
    if "incidentMessageLike" in filters:
        incidents = incidents.filter(like("incident_message", filters["incidentMessageLike"]))
    if any(param in filters for param in (*_INCIDENT, "incidentMessageLike")):
        definitions = definitions.filter(Exists(incidents))
    tenants = tenant_filter(
        filters,
        without_tenant="withoutTenantId",
        include_without_tenant="includeProcessDefinitionsWithoutTenantId",
    )
    return definitions if tenants is None else definitions.filter(tenants)


def startable_ids(user: Any) -> IdFilter:
    """The keys `user` may start instances of (Camunda's startablePermissionCheck)."""
    if not is_authorized(user, Permission.CREATE, Resource.PROCESS_INSTANCE, ANY):
        return IdFilter(False)
    return readable_ids(user, Resource.PROCESS_DEFINITION, Permission.CREATE_INSTANCE)


def _startable_by(user_id: str) -> Exists:
    """Definitions naming the user, or a group the user belongs to, as a candidate starter."""
    groups = Group.objects.filter(user__username=user_id).values("name")
    return Exists(
        ProcessDefinitionStarter.objects.filter(process_definition_id=OuterRef("id")).filter(
            Q(user_id=user_id) | Q(group_id__in=groups)
        )
    )


_INCIDENT = {"incidentId": "id", "incidentType": "incident_type",
             "incidentMessage": "incident_message"}


def definition_by_key(key: str, tenant_id: str | None) -> ProcessDefinition:
    """The latest version of a key, of one tenant or of no tenant (Camunda's `withoutTenantId`)."""
    try:
        return queries.get_latest_process_definition(key, tenant_id)
    except NotFoundError:
        # Camunda's wording and type (ProcessDefinitionRestServiceImpl.getProcessDefinitionByKey).
        tenant = "no tenant-id" if tenant_id is None else f"tenant-id: {tenant_id}"
        raise CamundaError(
            404, "RestException", f"No matching process definition with key: {key} and {tenant}"
        ) from None


def definition_by_id(definition_id: str) -> ProcessDefinition:
    try:
        return queries.get_process_definition(definition_id)
    except NotFoundError:
        # Camunda's wording (ProcessDefinitionResourceImpl.getProcessDefinition).
        raise NotFoundError(f"No matching definition with id {definition_id}") from None


def require_read_definition(request: Request, definition: ProcessDefinition) -> None:
    require(request.user, Permission.READ, Resource.PROCESS_DEFINITION, definition.key)


def readable_definition_by_id(request: Request, definition_id: str) -> ProcessDefinition:
    """The definition, or 404; 403 when the caller may not read its key."""
    definition = definition_by_id(definition_id)
    require_read_definition(request, definition)
    return definition


def readable_definition_by_key(
    request: Request, key: str, tenant_id: str | None
) -> ProcessDefinition:
    definition = definition_by_key(key, tenant_id)
    require_read_definition(request, definition)
    return definition


def xml_dto(definition: ProcessDefinition) -> serializers.Dto:
    """ProcessDefinitionDiagramDto: the BPMN file of the definition, as it was deployed."""
    xml = queries.get_process_definition_xml(definition.id)
    return {"id": definition.id, "bpmn20Xml": xml.decode("utf-8", errors="replace")}


def _delete_options(request: Request) -> dict[str, bool]:
    return {
        "cascade": flag(request.query_params, "cascade"),
        "skip_custom_listeners": flag(request.query_params, "skipCustomListeners"),
        "skip_io_mappings": flag(request.query_params, "skipIoMappings"),
    }


class ProcessDefinitionList(APIView):
    """GET /process-definition."""

    def get(self, request: Request) -> Response:
        query = PROCESS_DEFINITION_QUERY.parse(request.query_params)
        rows = filter_process_definitions(request, query.filters).order_by(*query.order_by)
        return Response(serializers.process_definition_dtos(query.page.apply(rows)))


class ProcessDefinitionCount(APIView):
    """GET /process-definition/count."""

    def get(self, request: Request) -> Response:
        filters = PROCESS_DEFINITION_QUERY.parse_filters(request.query_params)
        return Response(serializers.count_dto(filter_process_definitions(request, filters).count()))


class ProcessDefinitionDetail(APIView):
    """GET and DELETE /process-definition/{id}."""

    def get(self, request: Request, definition_id: str) -> Response:
        definition = readable_definition_by_id(request, definition_id)
        return Response(serializers.process_definition_dtos([definition])[0])

    def delete(self, request: Request, definition_id: str) -> Response:
        delete_process_definition(
            definition_id, user_id=request.user.get_username(), **_delete_options(request)
        )
        return Response(status=204)


class ProcessDefinitionXml(APIView):
    """GET /process-definition/{id}/xml."""

    def get(self, request: Request, definition_id: str) -> Response:
        return Response(xml_dto(readable_definition_by_id(request, definition_id)))


class ProcessDefinitionByKey(APIView):
    """GET and DELETE /process-definition/key/{key}[/tenant-id/{tenantId}].

    GET answers the latest version; DELETE deletes every version of the key.
    """

    def get(self, request: Request, key: str, tenant_id: str | None = None) -> Response:
        definition = readable_definition_by_key(request, key, tenant_id)
        return Response(serializers.process_definition_dtos([definition])[0])

    def delete(self, request: Request, key: str, tenant_id: str | None = None) -> Response:
        delete_process_definitions_by_key(
            key,
            tenant_id=tenant_id,
            user_id=request.user.get_username(),
            **_delete_options(request),
        )
        return Response(status=204)


class ProcessDefinitionXmlByKey(APIView):
    """GET /process-definition/key/{key}[/tenant-id/{tenantId}]/xml of the latest version."""

    def get(self, request: Request, key: str, tenant_id: str | None = None) -> Response:
        return Response(xml_dto(readable_definition_by_key(request, key, tenant_id)))


def diagram_response(definition: ProcessDefinition) -> HttpResponse:
    """The deployed diagram image, or 204 when the deployment has none (Camunda's
    ProcessDefinitionResourceImpl.getProcessDefinitionDiagram)."""
    resource = queries.get_process_definition_diagram(definition)
    return HttpResponse(status=204) if resource is None else file_response(resource)


class ProcessDefinitionDiagram(AnyAcceptMixin, APIView):
    """GET /process-definition/{id}/diagram."""

    def get(self, request: Request, definition_id: str) -> HttpResponse:
        try:
            definition = queries.get_process_definition(definition_id)
        except NotFoundError:
            # Camunda's resource passes the engine's NotFoundException on (its wording).
            raise NotFoundError(
                f"no deployed process definition found with id '{definition_id}': "
                "processDefinition is null"
            ) from None
        require_read_definition(request, definition)
        return diagram_response(definition)


class ProcessDefinitionDiagramByKey(AnyAcceptMixin, APIView):
    """GET /process-definition/key/{key}[/tenant-id/{tenantId}]/diagram of the latest version."""

    def get(self, request: Request, key: str, tenant_id: str | None = None) -> HttpResponse:
        return diagram_response(readable_definition_by_key(request, key, tenant_id))
