"""Camunda DTOs as plain dicts, one function per DTO; key order is Camunda's JSON order.

Plain functions rather than DRF serializers: every field is written once, explicitly, and
`openapi.py` declares the same field names (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from rest_framework.request import Request

from engine import queries
from engine.models import (
    DecisionDefinition,
    DecisionRequirementsDefinition,
    Deployment,
    EventSubscription,
    ProcessDefinition,
    Resource,
)
from engine.queries.executions import public_execution
from engine.rest.dates import format_date

Dto = dict[str, Any]


def self_link(request: Request, url_name: str, **kwargs: str) -> Dto:
    """A `links` entry: Camunda's `addReflexiveLink(uri, GET, "self")` with an absolute href."""
    href = request.build_absolute_uri(reverse(url_name, kwargs=kwargs))
    return {"method": "GET", "href": href, "rel": "self"}


def _or_null(text: str | None) -> str | None:
    # Our rows keep "" for "not given"; Camunda answers null.
    return text or None


def deployment_dto(deployment: Deployment, links: Iterable[Dto] = ()) -> Dto:
    """DeploymentDto: `{links, id, name, source, deploymentTime, tenantId}`."""
    return {
        "links": list(links),
        "id": deployment.id,
        "name": _or_null(deployment.name),
        "source": _or_null(deployment.source),
        "deploymentTime": format_date(deployment.deployment_time),
        "tenantId": deployment.tenant_id,
    }


def deployment_with_definitions_dto(
    deployment: Deployment,
    definitions: Iterable[ProcessDefinition],
    links: Iterable[Dto],
    decisions: Iterable[DecisionDefinition] = (),
) -> Dto:
    """DeploymentWithDefinitionsDto: definition maps are null when the deployment made none.

    Camunda fills a map only when the deployment created definitions of that kind, so a
    duplicate-filtered deployment answers `deployedProcessDefinitions: null`.
    """
    process_definitions = {dto["id"]: dto for dto in process_definition_dtos(definitions)}
    decisions = list(decisions)
    decision_definitions = {row.id: decision_definition_dto(row) for row in decisions}
    # The DRDs of the deployed decisions: the rows carry them, no query is needed.
    requirements = {
        row.decision_requirements_definition.id: decision_requirements_definition_dto(
            row.decision_requirements_definition)
        for row in decisions if row.decision_requirements_definition is not None
    }
    return {
        **deployment_dto(deployment, links),
        "deployedProcessDefinitions": process_definitions or None,
        "deployedCaseDefinitions": None,
        "deployedDecisionDefinitions": decision_definitions or None,
        "deployedDecisionRequirementsDefinitions": requirements or None,
    }


def decision_requirements_definition_dto(row: DecisionRequirementsDefinition) -> Dto:
    """DecisionRequirementsDefinitionDto."""
    return {
        "id": row.id,
        "key": row.key,
        "name": row.name,
        "category": row.category,
        "version": row.version,
        "resource": row.resource_name,
        "deploymentId": row.deployment_id,
        "tenantId": row.tenant_id,
    }


def decision_definition_dto(row: DecisionDefinition) -> Dto:
    """DecisionDefinitionDto; the DRD fields are null for a file of a single decision."""
    return {
        "id": row.id,
        "key": row.key,
        "category": row.category,
        "name": row.name,
        "version": row.version,
        "resource": row.resource_name,
        "deploymentId": row.deployment_id,
        "decisionRequirementsDefinitionId": row.decision_requirements_definition_id,
        "decisionRequirementsDefinitionKey": row.decision_requirements_definition_key,
        "tenantId": row.tenant_id,
        "versionTag": row.version_tag,
        "historyTimeToLive": row.history_time_to_live,
    }


def resource_dto(resource: Resource) -> Dto:
    """DeploymentResourceDto."""
    return {"id": resource.id, "name": resource.name, "deploymentId": resource.deployment_id}


def process_definition_dtos(definitions: Iterable[ProcessDefinition]) -> list[Dto]:
    """ProcessDefinitionDto each, with the name of its deployed diagram image (one query)."""
    rows = list(definitions)
    diagrams = queries.diagram_resource_names(rows)
    return [process_definition_dto(row, diagrams.get(row.id)) for row in rows]


def process_definition_dto(definition: ProcessDefinition, diagram: str | None = None) -> Dto:
    """ProcessDefinitionDto; `diagram` is the name of its deployed diagram image, if any."""
    return {
        "id": definition.id,
        "key": definition.key,
        "category": definition.category,
        "description": definition.description,
        "name": definition.name,
        "version": definition.version,
        "resource": definition.resource_name,
        "deploymentId": definition.deployment_id,
        "diagram": diagram,
        "suspended": definition.suspended,
        "tenantId": definition.tenant_id,
        "versionTag": definition.version_tag,
        "historyTimeToLive": definition.history_time_to_live,
        "startableInTasklist": definition.startable_in_tasklist,
    }


def count_dto(count: int) -> Dto:
    """CountResultDto."""
    return {"count": count}


def event_subscription_dto(row: EventSubscription, tenant_id: str | None) -> Dto:
    """EventSubscriptionDto; `tenant_id` is the tenant of the subscription's definition."""
    return {
        "id": row.id,
        "eventType": row.event_type,
        "eventName": row.event_name,
        "executionId": public_execution(row),
        "processInstanceId": row.process_instance_id,
        "activityId": row.activity_id,
        "createdDate": format_date(row.created),
        "tenantId": tenant_id,
    }
