"""Read-side queries of decision definitions, decision requirements definitions and
historic decision instances."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Count, QuerySet

from engine.definitions import stored_content
from engine.errors import NotFoundError
from engine.models import (
    DecisionDefinition,
    DecisionRequirementsDefinition,
    HistoricDecisionInstance,
)
from engine.queries.definitions import latest_versions

# The two versioned kinds of decision resources, queried alike.
D = TypeVar("D", DecisionDefinition, DecisionRequirementsDefinition)


def list_decision_definitions(*, latest_version: bool = False) -> QuerySet[DecisionDefinition]:
    return _versions(DecisionDefinition, latest_version)


def get_decision_definition(definition_id: str) -> DecisionDefinition:
    found = DecisionDefinition.objects.filter(pk=definition_id).first()
    if found is None:
        # Camunda's wording (DecisionDefinitionManager via getDecisionDefinition).
        raise NotFoundError(
            f"no deployed decision definition found with id '{definition_id}'"
        )
    return found


def get_latest_decision_definition(
    key: str, tenant_id: str | None = None
) -> DecisionDefinition | None:
    """The newest version of a key, of one tenant or of no tenant."""
    return _latest(DecisionDefinition, key, tenant_id)


def get_decision_definition_xml(definition: DecisionDefinition) -> bytes:
    """The DMN file the definition was deployed in, as deployed."""
    return stored_content(definition.deployment_id, definition.resource_name)


def count_decision_instances(definition_ids: list[str]) -> dict[str, int]:
    """Decision definition id -> how many evaluations history holds (one query)."""
    rows = (
        HistoricDecisionInstance.objects.filter(decision_definition_id__in=definition_ids)
        .values("decision_definition_id")
        .annotate(n=Count("id"))
    )
    return {row["decision_definition_id"]: row["n"] for row in rows}


def list_decision_requirements_definitions(
    *, latest_version: bool = False
) -> QuerySet[DecisionRequirementsDefinition]:
    return _versions(DecisionRequirementsDefinition, latest_version)


def get_decision_requirements_definition(definition_id: str) -> DecisionRequirementsDefinition:
    found = DecisionRequirementsDefinition.objects.filter(pk=definition_id).first()
    if found is None:
        # Camunda's wording (GetDeploymentDecisionRequirementsDefinitionCmd).
        raise NotFoundError(
            f"no deployed decision requirements definition found with id '{definition_id}'"
        )
    return found


def get_latest_decision_requirements_definition(
    key: str, tenant_id: str | None = None
) -> DecisionRequirementsDefinition | None:
    """The newest version of a key, of one tenant or of no tenant."""
    return _latest(DecisionRequirementsDefinition, key, tenant_id)


def _versions(model: type[D], latest_version: bool) -> QuerySet[D]:
    definitions = model.objects.all()
    if latest_version:
        definitions = latest_versions(definitions)
    return definitions.order_by("key", "version")


def _latest(model: type[D], key: str, tenant_id: str | None) -> D | None:
    return model.objects.filter(key=key, tenant_id=tenant_id).order_by("-version").first()


def get_decision_requirements_definition_xml(
    definition: DecisionRequirementsDefinition,
) -> bytes:
    """The DMN file the DRD was deployed from, as deployed."""
    return stored_content(definition.deployment_id, definition.resource_name)
