"""Read-side queries of the engine (definitions, deployments); callers page and sort them."""

from __future__ import annotations

from django.db.models import Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from engine.errors import NotFoundError
from engine.models import Deployment, ProcessDefinition, Resource


def list_process_definitions(
    *,
    key: str | None = None,
    deployment_id: str | None = None,
    latest_version: bool = False,
    suspended: bool | None = None,
    tenant_id: str | None = None,
) -> QuerySet[ProcessDefinition]:
    definitions = ProcessDefinition.objects.select_related("deployment")
    if key is not None:
        definitions = definitions.filter(key=key)
    if deployment_id is not None:
        definitions = definitions.filter(deployment_id=deployment_id)
    if suspended is not None:
        definitions = definitions.filter(suspended=suspended)
    if tenant_id is not None:
        definitions = definitions.filter(tenant_id=tenant_id)
    if latest_version:
        # Versions count per key and tenant; NULL (no tenant) must match NULL, hence Coalesce.
        newest = (
            ProcessDefinition.objects.annotate(tenant=Coalesce("tenant_id", Value("")))
            .filter(key=OuterRef("key"), tenant=Coalesce(OuterRef("tenant_id"), Value("")))
            .values("key")
            .annotate(newest=Max("version"))
            .values("newest")
        )
        definitions = definitions.filter(version=Subquery(newest))
    return definitions.order_by("key", "version")


def get_process_definition(definition_id: str) -> ProcessDefinition:
    definition = ProcessDefinition.objects.select_related("deployment").filter(pk=definition_id)
    found = definition.first()
    if found is None:
        raise NotFoundError(f"No matching process definition with id {definition_id}")
    return found


def get_latest_process_definition(key: str, tenant_id: str | None = None) -> ProcessDefinition:
    """The newest version of a key (Camunda: `process-definition/key/{key}`)."""
    found = (
        ProcessDefinition.objects.select_related("deployment")
        .filter(key=key, tenant_id=tenant_id)
        .order_by("-version")
        .first()
    )
    if found is None:
        raise NotFoundError(f"No matching process definition with key '{key}'")
    return found


def get_process_definition_xml(definition_id: str) -> bytes:
    definition = get_process_definition(definition_id)
    content = Resource.objects.values_list("content", flat=True).get(
        deployment_id=definition.deployment_id, name=definition.resource_name
    )
    return bytes(content)


def list_deployments(*, name: str | None = None) -> QuerySet[Deployment]:
    deployments = Deployment.objects.all()
    if name is not None:
        deployments = deployments.filter(name=name)
    return deployments.order_by("-deployment_time")


def get_deployment(deployment_id: str) -> Deployment:
    found = Deployment.objects.filter(pk=deployment_id).first()
    if found is None:
        raise NotFoundError(f"Deployment with id '{deployment_id}' does not exist")
    return found


def list_resources(deployment_id: str) -> QuerySet[Resource]:
    get_deployment(deployment_id)
    return Resource.objects.filter(deployment_id=deployment_id).defer("content").order_by("name")


def get_resource(deployment_id: str, resource_id: str) -> Resource:
    found = Resource.objects.filter(deployment_id=deployment_id, pk=resource_id).first()
    if found is None:
        raise NotFoundError(
            f"Deployment resource with resource id '{resource_id}' for deployment id "
            f"'{deployment_id}' does not exist."
        )
    return found
