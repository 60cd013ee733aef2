"""`/deployment`: create (the Camunda Modeler's deploy button), list, read, delete.

Reads need READ on the deployment (Camunda's `checkReadDeployment`); lists and counts only
hold the deployments the caller may read, as Camunda adds that check to the query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from engine import queries
from engine.errors import NotFoundError
from engine.models import Deployment
from engine.models import Resource as DeploymentResource
from engine.rest import serializers
from engine.rest.dates import parse_date
from engine.rest.params import (
    Kind,
    ListQuery,
    Param,
    flag,
    invalid_request,
    like,
    tenant_filter,
)
from engine.services import ResourceInput, delete_deployment, deploy
from engine.services.deployment import DeploymentResult, redeploy
from identity.authorization import Permission, Resource, readable_ids, require

DEPLOYMENT_QUERY = ListQuery(
    filters=(
        Param("id", description="Filter by deployment id."),
        Param("name", description="Filter by the deployment name. Exact match."),
        Param("nameLike", description="Filter by the deployment name with SQL LIKE (`%`, `_`)."),
        Param("source", description="Filter by the deployment source."),
        Param("withoutSource", Kind.BOOLEAN, "Only deployments without a source."),
        Param("tenantIdIn", Kind.STRING_LIST, "Comma-separated tenant ids."),
        Param("withoutTenantId", Kind.BOOLEAN, "Only deployments of no tenant."),
        Param(
            "includeDeploymentsWithoutTenantId",
            Kind.BOOLEAN,
            "With tenantIdIn: also deployments of no tenant.",
        ),
        Param("before", Kind.DATE, "Only deployments made before this date."),
        Param("after", Kind.DATE, "Only deployments made after this date."),
    ),
    sort_fields={
        "id": "id",
        "name": "name",
        "deploymentTime": "deployment_time",
        "tenantId": "tenant_id",
    },
)

# The multipart parts Camunda reads as options; every other part is a resource.
DEPLOYMENT_NAME = "deployment-name"
DEPLOYMENT_SOURCE = "deployment-source"
ENABLE_DUPLICATE_FILTERING = "enable-duplicate-filtering"
DEPLOY_CHANGED_ONLY = "deploy-changed-only"
TENANT_ID = "tenant-id"
DEPLOYMENT_ACTIVATION_TIME = "deployment-activation-time"
RESERVED_PARTS = (
    DEPLOYMENT_NAME,
    DEPLOYMENT_SOURCE,
    ENABLE_DUPLICATE_FILTERING,
    DEPLOY_CHANGED_ONLY,
    TENANT_ID,
    DEPLOYMENT_ACTIVATION_TIME,
)

# Camunda's DeploymentResourcesResourceImpl.MEDIA_TYPE_MAPPING, plus `.form` (Camunda Forms
# are JSON documents; Camunda itself serves them as application/octet-stream).
MEDIA_TYPES = {
    "bpmn": "application/xml",
    "cmmn": "application/xml",
    "dmn": "application/xml",
    "xml": "application/xml",
    "json": "application/json",
    "form": "application/json",
    "gif": "image/gif",
    "jpeg": "image/jpeg",
    "jpe": "image/jpeg",
    "jpg": "image/jpeg",
    "png": "image/png",
    "svg": "image/svg+xml",
    "tiff": "image/tiff",
    "tif": "image/tiff",
    "groovy": "text/plain",
    "java": "text/plain",
    "js": "text/plain",
    "php": "text/plain",
    "py": "text/plain",
    "rb": "text/plain",
    "txt": "text/plain",
    "html": "text/html",
}


def filter_deployments(request: Request, filters: dict[str, Any]) -> QuerySet[Deployment]:
    deployments = queries.list_deployments().filter(
        readable_ids(request.user, Resource.DEPLOYMENT).q("id")
    )
    exact = {"id": "id", "name": "name", "source": "source"}
    deployments = deployments.filter(
        **{field: filters[param] for param, field in exact.items() if param in filters}
    )
    if "nameLike" in filters:
        deployments = deployments.filter(like("name", filters["nameLike"]))
    if filters.get("withoutSource"):
        deployments = deployments.filter(Q(source="") | Q(source__isnull=True))
    if "before" in filters:
        deployments = deployments.filter(deployment_time__lt=filters["before"])
    if "after" in filters:
        deployments = deployments.filter(deployment_time__gt=filters["after"])
    tenants = tenant_filter(
        filters,
        without_tenant="withoutTenantId",
        include_without_tenant="includeDeploymentsWithoutTenantId",
    )
    return deployments if tenants is None else deployments.filter(tenants)


class DeploymentList(APIView):
    """GET /deployment."""

    def get(self, request: Request) -> Response:
        query = DEPLOYMENT_QUERY.parse(request.query_params)
        rows = filter_deployments(request, query.filters).order_by(*query.order_by)
        return Response([serializers.deployment_dto(row) for row in query.page.apply(rows)])


class DeploymentCount(APIView):
    """GET /deployment/count."""

    def get(self, request: Request) -> Response:
        filters = DEPLOYMENT_QUERY.parse_filters(request.query_params)
        return Response(serializers.count_dto(filter_deployments(request, filters).count()))


class DeploymentRegistered(APIView):
    """GET /deployment/registered: the deployments registered with the job executor through a
    process application (Camunda's managementService.getRegisteredDeployments). Legato has no
    process applications and its executor runs every deployment's jobs: always empty. Camunda
    asks for camunda-admin or READ on System, and so does Legato."""

    def get(self, request: Request) -> Response:
        require(request.user, Permission.READ, Resource.SYSTEM)
        return Response([])


class DeploymentCreate(APIView):
    """POST /deployment/create: multipart, one file part per resource, named by its filename."""

    def post(self, request: Request) -> Response:
        resources = [
            ResourceInput(upload.name, upload.read())
            for part in request.FILES
            if part not in RESERVED_PARTS
            for upload in request.FILES.getlist(part)
        ]
        if not resources:
            # Camunda's wording (DeploymentRestServiceImpl.createDeployment).
            raise invalid_request("No deployment resources contained in the form upload.")
        activation_time = _activation_time(text_part(request, DEPLOYMENT_ACTIVATION_TIME))
        result = deploy(
            resources,
            name=text_part(request, DEPLOYMENT_NAME) or "",
            source=text_part(request, DEPLOYMENT_SOURCE) or "",
            tenant_id=text_part(request, TENANT_ID) or None,
            enable_duplicate_filtering=_part_flag(request, ENABLE_DUPLICATE_FILTERING),
            deploy_changed_only=_part_flag(request, DEPLOY_CHANGED_ONLY),
            user_id=request.user.get_username(),
            activation_time=activation_time,
        )
        return Response(_result_dto(request, result))


def _result_dto(request: Request, result: DeploymentResult) -> serializers.Dto:
    link = serializers.self_link(request, "rest-deployment", deployment_id=result.deployment.id)
    return serializers.deployment_with_definitions_dto(
        result.deployment, result.process_definitions, [link], result.decision_definitions
    )


class DeploymentRedeploy(APIView):
    """POST /deployment/{id}/redeploy `{resourceIds, resourceNames, source}`: a new
    deployment of the same name with those resources of it (none named: all)."""

    def post(self, request: Request, deployment_id: str) -> Response:
        body = request.data if isinstance(request.data, dict) else {}
        lists = {}
        for key in ("resourceIds", "resourceNames"):
            value = body.get(key) or []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise invalid_request(f"'{key}' must be a list of strings")
            lists[key] = value
        source = body.get("source")
        if source is not None and not isinstance(source, str):
            raise invalid_request("'source' must be a string")
        result = redeploy(
            deployment_id,
            resource_ids=lists["resourceIds"],
            resource_names=lists["resourceNames"],
            source=source,
            user_id=request.user.get_username(),
        )
        return Response(_result_dto(request, result))


def text_part(request: Request, name: str) -> str | None:
    # Some clients send every part with a filename; Camunda reads any part's text content.
    if name in request.FILES:
        return bytes(request.FILES[name].read()).decode("utf-8")
    value = request.POST.get(name)
    return None if value is None else str(value)


def _part_flag(request: Request, name: str) -> bool:
    # Camunda reads these parts with Boolean.parseBoolean: "true" in any case, else false.
    return (text_part(request, name) or "").strip().lower() == "true"


def _activation_time(text: str | None) -> datetime | None:
    """When the deployed process definitions become active (until then suspended)."""
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise invalid_request(
            f"Cannot set form part '{DEPLOYMENT_ACTIVATION_TIME}' to value '{text}'"
        ) from None


def require_read_deployment(request: Request, deployment_id: str) -> None:
    require(request.user, Permission.READ, Resource.DEPLOYMENT, deployment_id)


class DeploymentDetail(APIView):
    """GET and DELETE /deployment/{id}."""

    def get(self, request: Request, deployment_id: str) -> Response:
        deployment = queries.get_deployment(deployment_id)
        require_read_deployment(request, deployment_id)
        return Response(serializers.deployment_dto(deployment))

    def delete(self, request: Request, deployment_id: str) -> Response:
        delete_deployment(
            deployment_id,
            cascade=flag(request.query_params, "cascade"),
            user_id=request.user.get_username(),
            skip_custom_listeners=flag(request.query_params, "skipCustomListeners"),
            skip_io_mappings=flag(request.query_params, "skipIoMappings"),
        )
        return Response(status=204)


class DeploymentResourceList(APIView):
    """GET /deployment/{id}/resources."""

    def get(self, request: Request, deployment_id: str) -> Response:
        try:
            resources = list(queries.list_resources(deployment_id))
        except NotFoundError:
            # Camunda's wording (DeploymentResourcesResourceImpl.getDeploymentResources).
            raise NotFoundError(
                f"Deployment resources for deployment id '{deployment_id}' do not exist."
            ) from None
        require_read_deployment(request, deployment_id)
        return Response([serializers.resource_dto(row) for row in resources])


class DeploymentResourceDetail(APIView):
    """GET /deployment/{id}/resources/{resourceId}."""

    def get(self, request: Request, deployment_id: str, resource_id: str) -> Response:
        resource = queries.get_resource(deployment_id, resource_id)
        require_read_deployment(request, deployment_id)
        return Response(serializers.resource_dto(resource))


class DeploymentResourceData(APIView):
    """GET /deployment/{id}/resources/{resourceId}/data: the bytes as deployed."""

    def get(self, request: Request, deployment_id: str, resource_id: str) -> HttpResponse:
        try:
            resource = queries.get_resource(deployment_id, resource_id)
        except NotFoundError:
            raise NotFoundError(
                f"Deployment resource '{resource_id}' for deployment id '{deployment_id}' "
                "does not exist."
            ) from None
        require_read_deployment(request, deployment_id)
        return file_response(resource)


def file_response(resource: DeploymentResource) -> HttpResponse:
    """A deployed file as an attachment, its content type by its extension."""
    filename = resource.name.replace("\\", "/").rsplit("/", 1)[-1].replace('"', "") or "data"
    extension = resource.name.rsplit(".", 1)[-1].lower() if "." in resource.name else ""
    response = HttpResponse(
        bytes(resource.content),
        content_type=MEDIA_TYPES.get(extension, "application/octet-stream"),
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
