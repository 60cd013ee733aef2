"""`/decision-requirements-definition`: list, count, read by id or by key (latest version), XML.

As Camunda's DecisionRequirementsDefinitionRestService: reads need READ on the decision
requirements definition (resource 14, id = its key), lists and counts hold only the keys the
caller may read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from engine.models import DecisionRequirementsDefinition
from engine.queries import decisions as queries
from engine.rest import serializers
from engine.rest.base import AnyAcceptMixin, EngineView
from engine.rest.decision_definitions import definition_diagram_response
from engine.rest.errors import CamundaError
from engine.rest.history import apply
from engine.rest.listing import list_views
from engine.rest.params import Kind, ListQuery, Param, tenant_filter
from identity.authorization import Permission, Resource, readable_ids, require

S, B, N, L = Kind.STRING, Kind.BOOLEAN, Kind.INTEGER, Kind.STRING_LIST

DECISION_REQUIREMENTS_DEFINITION_QUERY = ListQuery(
    filters=(
        Param("decisionRequirementsDefinitionId", S,
              "Filter by decision requirements definition id."),
        Param("decisionRequirementsDefinitionIdIn", L,
              "Comma-separated decision requirements definition ids."),
        Param("name", S, "Filter by name. Exact match."),
        Param("nameLike", S, "Filter by name with SQL LIKE (`%`, `_`)."),
        Param("deploymentId", S, "Filter by the id of the deployment."),
        Param("key", S, "Filter by key (the DMN definitions' id). Exact match."),
        Param("keyLike", S, "Filter by key with SQL LIKE."),
        Param("category", S, "Filter by category (the DMN definitions' namespace)."),
        Param("categoryLike", S, "Filter by category with SQL LIKE."),
        Param("version", N, "Filter by version."),
        Param("latestVersion", B, "Only the latest version of each key and tenant."),
        Param("resourceName", S, "Filter by the name of the DMN resource."),
        Param("resourceNameLike", S, "Filter by resource name with SQL LIKE."),
        Param("tenantIdIn", L, "Comma-separated tenant ids."),
        Param("withoutTenantId", B, "Only definitions of no tenant."),
        Param("includeDecisionRequirementsDefinitionsWithoutTenantId", B,
              "With tenantIdIn: also definitions of no tenant."),
    ),
    sort_fields={
        "category": "category",
        "key": "key",
        "id": "id",
        "name": "name",
        "version": "version",
        "deploymentId": "deployment_id",
        "tenantId": "tenant_id",
    },
)
_EXACT = {
    "decisionRequirementsDefinitionId": "id",
    "decisionRequirementsDefinitionIdIn": "id__in",
    "name": "name",
    "deploymentId": "deployment_id",
    "key": "key",
    "category": "category",
    "version": "version",
    "resourceName": "resource_name",
}
_LIKE = {
    "nameLike": "name",
    "keyLike": "key",
    "categoryLike": "category",
    "resourceNameLike": "resource_name",
}


def filter_decision_requirements_definitions(
    request: Request, filters: dict[str, Any]
) -> QuerySet[Any]:
    """The DRDs `filters` select among those the caller may READ (Camunda adds the check to
    the query)."""
    rows = queries.list_decision_requirements_definitions(
        latest_version=bool(filters.get("latestVersion"))
    ).filter(readable_ids(request.user, Resource.DECISION_REQUIREMENTS_DEFINITION).q("key"))
    rows = apply(rows, filters, _EXACT, _LIKE)
    tenants = tenant_filter(
        filters,
        without_tenant="withoutTenantId",
        include_without_tenant="includeDecisionRequirementsDefinitionsWithoutTenantId",
    )
    return rows if tenants is None else rows.filter(tenants)


def _dtos(rows: list[DecisionRequirementsDefinition]) -> list[serializers.Dto]:
    return [serializers.decision_requirements_definition_dto(row) for row in rows]


DecisionRequirementsDefinitionList, DecisionRequirementsDefinitionCount = list_views(
    DECISION_REQUIREMENTS_DEFINITION_QUERY, filter_decision_requirements_definitions, _dtos,
    post=False,
)


def _definition(
    request: Request, definition_id: str | None, key: str | None, tenant_id: str | None
) -> DecisionRequirementsDefinition:
    """The DRD a route names, if the caller may READ it; 404 when there is none."""
    if definition_id is not None:
        definition = queries.get_decision_requirements_definition(definition_id)
    else:
        assert key is not None  # every route names an id or a key
        found = queries.get_latest_decision_requirements_definition(key, tenant_id)
        if found is None:
            # Camunda's wording and type (DecisionRequirementsDefinitionRestServiceImpl).
            tenant = "no tenant-id" if tenant_id is None else f"tenant-id: {tenant_id}"
            raise CamundaError(404, "RestException", "No matching decision requirements "
                               f"definition with key: {key} and {tenant}")
        definition = found
    require(request.user, Permission.READ, Resource.DECISION_REQUIREMENTS_DEFINITION,
            definition.key)
    return definition


class DecisionRequirementsDefinitionDetail(EngineView):
    """GET /decision-requirements-definition/{id} and /key/{key}[/tenant-id/{tenantId}]."""

    def get(self, request: Request, definition_id: str | None = None, key: str | None = None,
            tenant_id: str | None = None) -> Response:
        definition = _definition(request, definition_id, key, tenant_id)
        return Response(serializers.decision_requirements_definition_dto(definition))


class DecisionRequirementsDefinitionXml(EngineView):
    """GET /decision-requirements-definition/{id}/xml and by key: `{id, dmnXml}`."""

    def get(self, request: Request, definition_id: str | None = None, key: str | None = None,
            tenant_id: str | None = None) -> Response:
        definition = _definition(request, definition_id, key, tenant_id)
        xml = queries.get_decision_requirements_definition_xml(definition)
        return Response({"id": definition.id, "dmnXml": xml.decode("utf-8", errors="replace")})


class DecisionRequirementsDefinitionDiagram(AnyAcceptMixin, EngineView):
    """GET /decision-requirements-definition/{id}/diagram and by key: the deployed image, or
    204 when there is none."""

    def get(self, request: Request, definition_id: str | None = None, key: str | None = None,
            tenant_id: str | None = None) -> HttpResponse:
        definition = _definition(request, definition_id, key, tenant_id)
        return definition_diagram_response(definition)
