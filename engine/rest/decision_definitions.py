"""`/decision-definition`: list, count, read by id or by key (latest version), XML, evaluate.

As Camunda's DecisionDefinitionRestService: reads need READ on the decision definition (id =
its key), lists and counts hold only the keys the caller may read, and evaluating needs
CREATE_INSTANCE (checked by engine.services.decisions).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import DecisionEvaluationError, NotFoundError
from engine.models import DecisionDefinition
from engine.queries import decisions as queries
from engine.queries.definitions import DMN_SUFFIXES, get_definition_diagram
from engine.rest import serializers
from engine.rest.base import AnyAcceptMixin, EngineView, json_body, user_id
from engine.rest.deployments import file_response
from engine.rest.errors import CamundaError
from engine.rest.history import apply
from engine.rest.history_ttl import history_ttl_view
from engine.rest.listing import list_views
from engine.rest.params import Kind, ListQuery, Param, tenant_filter
from engine.rest.process_definitions import DEFINITION_LIKE
from engine.rest.variables import read_variables, write_value
from engine.runtime.values import infer_type
from engine.services.decisions import evaluate_decision_definition
from identity.authorization import Permission, Resource, readable_ids, require

S, B, N, L = Kind.STRING, Kind.BOOLEAN, Kind.INTEGER, Kind.STRING_LIST

DECISION_DEFINITION_QUERY = ListQuery(
    filters=(
        Param("decisionDefinitionId", S, "Filter by decision definition id."),
        Param("decisionDefinitionIdIn", L, "Comma-separated decision definition ids."),
        Param("name", S, "Filter by name. Exact match."),
        Param("nameLike", S, "Filter by name with SQL LIKE (`%`, `_`)."),
        Param("deploymentId", S, "Filter by the id of the deployment."),
        Param("key", S, "Filter by key (the decision's id in the DMN file). Exact match."),
        Param("keyLike", S, "Filter by key with SQL LIKE."),
        Param("category", S, "Filter by category (the DMN definitions' namespace)."),
        Param("categoryLike", S, "Filter by category with SQL LIKE."),
        Param("version", N, "Filter by version."),
        Param("latestVersion", B, "Only the latest version of each key and tenant."),
        Param("deployedAfter", Kind.DATE, "Only definitions deployed after this date."),
        Param("deployedAt", Kind.DATE, "Only definitions deployed at this date."),
        Param("resourceName", S, "Filter by the name of the DMN resource."),
        Param("resourceNameLike", S, "Filter by resource name with SQL LIKE."),
        Param("versionTag", S, "Filter by camunda:versionTag. Exact match."),
        Param("versionTagLike", S, "Filter by camunda:versionTag with SQL LIKE."),
        Param("decisionRequirementsDefinitionId", S,
              "Only decisions of this decision requirements definition."),
        Param("decisionRequirementsDefinitionKey", S,
              "Only decisions of decision requirements definitions with this key."),
        Param("withoutDecisionRequirementsDefinition", B,
              "Only decisions of no decision requirements definition (a one-decision file)."),
        Param("tenantIdIn", L, "Comma-separated tenant ids."),
        Param("withoutTenantId", B, "Only definitions of no tenant."),
        Param("includeDecisionDefinitionsWithoutTenantId", B,
              "With tenantIdIn: also definitions of no tenant."),
    ),
    sort_fields={
        "category": "category",
        "decisionRequirementsDefinitionKey": "decision_requirements_definition_key",
        "key": "key",
        "id": "id",
        "name": "name",
        "version": "version",
        "deploymentId": "deployment_id",
        "tenantId": "tenant_id",
        "versionTag": "version_tag",
    },
)
_EXACT = {
    "decisionDefinitionId": "id",
    "decisionDefinitionIdIn": "id__in",
    "name": "name",
    "deploymentId": "deployment_id",
    "key": "key",
    "category": "category",
    "version": "version",
    "resourceName": "resource_name",
    "versionTag": "version_tag",
    "decisionRequirementsDefinitionId": "decision_requirements_definition_id",
    "decisionRequirementsDefinitionKey": "decision_requirements_definition_key",
    "deployedAfter": "deployment__deployment_time__gt",
    "deployedAt": "deployment__deployment_time",
}
# Camunda applies the flag only when true.
_WHEN_TRUE = {
    "withoutDecisionRequirementsDefinition": Q(decision_requirements_definition__isnull=True),
}


def readable_decision_definitions(user: Any, *, latest: bool = False) -> QuerySet[Any]:
    """The decision definitions `user` may READ (Camunda adds the check to the query)."""
    rows = queries.list_decision_definitions(latest_version=latest)
    return rows.filter(readable_ids(user, Resource.DECISION_DEFINITION).q("key"))


def filter_decision_definitions(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    rows = readable_decision_definitions(request.user, latest=bool(filters.get("latestVersion")))
    rows = apply(rows, filters, _EXACT, DEFINITION_LIKE, _WHEN_TRUE)
    tenants = tenant_filter(
        filters,
        without_tenant="withoutTenantId",
        include_without_tenant="includeDecisionDefinitionsWithoutTenantId",
    )
    return rows if tenants is None else rows.filter(tenants)


def _dtos(rows: list[DecisionDefinition]) -> list[serializers.Dto]:
    return [serializers.decision_definition_dto(row) for row in rows]


DecisionDefinitionList, DecisionDefinitionCount = list_views(
    DECISION_DEFINITION_QUERY, filter_decision_definitions, _dtos, post=False
)


def _by_id(definition_id: str) -> DecisionDefinition:
    return queries.get_decision_definition(definition_id)


def _by_key(key: str, tenant_id: str | None) -> DecisionDefinition:
    found = queries.get_latest_decision_definition(key, tenant_id)
    if found is None:
        # Camunda's wording and type (DecisionDefinitionRestServiceImpl).
        tenant = "no tenant-id" if tenant_id is None else f"tenant-id: {tenant_id}"
        raise CamundaError(
            404, "RestException", f"No matching decision definition with key: {key} and {tenant}"
        )
    return found


def _definition(
    definition_id: str | None, key: str | None, tenant_id: str | None
) -> DecisionDefinition:
    if definition_id is not None:
        return _by_id(definition_id)
    assert key is not None  # every route names an id or a key
    return _by_key(key, tenant_id)


def _readable(request: Request, definition: DecisionDefinition) -> DecisionDefinition:
    require(request.user, Permission.READ, Resource.DECISION_DEFINITION, definition.key)
    return definition


class DecisionDefinitionDetail(EngineView):
    """GET /decision-definition/{id} and /key/{key}[/tenant-id/{tenantId}] (latest)."""

    def get(self, request: Request, definition_id: str | None = None, key: str | None = None,
            tenant_id: str | None = None) -> Response:
        definition = _readable(request, _definition(definition_id, key, tenant_id))
        return Response(serializers.decision_definition_dto(definition))


class DecisionDefinitionXml(EngineView):
    """GET /decision-definition/{id}/xml and /key/{key}[/tenant-id/{tenantId}]/xml."""

    def get(self, request: Request, definition_id: str | None = None, key: str | None = None,
            tenant_id: str | None = None) -> Response:
        try:
            definition = _definition(definition_id, key, tenant_id)
        except NotFoundError:
            # Camunda's wording (DecisionDefinitionResourceImpl.getDecisionDefinitionDmnXml).
            raise NotFoundError(f"No matching definition with id {definition_id}") from None
        _readable(request, definition)
        xml = queries.get_decision_definition_xml(definition)
        return Response({"id": definition.id, "dmnXml": xml.decode("utf-8", errors="replace")})


class DecisionDefinitionDiagram(AnyAcceptMixin, EngineView):
    """GET /decision-definition/{id}/diagram and by key: the image deployed beside the DMN
    file (Camunda's naming rule), or 204 when the deployment has none."""

    def get(self, request: Request, definition_id: str | None = None, key: str | None = None,
            tenant_id: str | None = None) -> HttpResponse:
        definition = _readable(request, _definition(definition_id, key, tenant_id))
        return definition_diagram_response(definition)


def definition_diagram_response(definition: Any) -> HttpResponse:
    """A decision or DRD definition's diagram image, or 204 (Camunda answers no content)."""
    resource = get_definition_diagram(definition, DMN_SUFFIXES)
    return HttpResponse(status=204) if resource is None else file_response(resource)


class DecisionDefinitionEvaluate(EngineView):
    """POST /decision-definition/{id}/evaluate and /key/{key}[/tenant-id/{tenantId}]/evaluate
    `{variables}`: the result list, each entry a map of output name -> typed value."""

    def post(self, request: Request, definition_id: str | None = None, key: str | None = None,
             tenant_id: str | None = None) -> Response:
        variables = read_variables(json_body(request).get("variables"))
        try:
            definition = _definition(definition_id, key, tenant_id)
        except NotFoundError as error:
            # Camunda: "Cannot evaluate decision <id>: <reason>", a 404 InvalidRequestException.
            raise CamundaError(404, "InvalidRequestException",
                               f"Cannot evaluate decision {definition_id}: {error}") from None
        try:
            results = evaluate_decision_definition(
                definition, variables, user_id=user_id(request)
            )
        except DecisionEvaluationError as error:
            # Camunda answers a DmnEngineException as a 500 RestException with this wording.
            raise CamundaError(500, "RestException",
                               f"Cannot evaluate decision {definition.id}: {error}") from None
        return Response([
            {name: write_value(infer_type(value)) for name, value in result.items()}
            for result in results
        ])


# PUT .../history-time-to-live (by id, by key, by key and tenant).
DecisionDefinitionHistoryTimeToLive = history_ttl_view(_definition)

