"""Read-side queries of the engine (definitions, deployments); callers page and sort them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Max, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from engine.bpmn.model import CallActivity
from engine.errors import NotFoundError
from engine.models import DecisionDefinition, Deployment, ProcessDefinition, Resource
from engine.runtime.readiness import Unresolved, unresolved_references

D = TypeVar("D", ProcessDefinition, DecisionDefinition)


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
        definitions = latest_versions(definitions)
    return definitions.order_by("key", "version")


def latest_versions(definitions: QuerySet[D]) -> QuerySet[D]:
    """Only the newest version of each key and tenant (process or decision definitions)."""
    # Versions count per key and tenant; NULL (no tenant) must match NULL, hence Coalesce.
    newest = (
        definitions.model.objects.annotate(tenant=Coalesce("tenant_id", Value("")))
        .filter(key=OuterRef("key"), tenant=Coalesce(OuterRef("tenant_id"), Value("")))
        .values("key")
        .annotate(newest=Max("version"))
        .values("newest")
    )
    return definitions.filter(version=Subquery(newest))


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


# Camunda's BpmnDeployer.BPMN_RESOURCE_SUFFIXES and AbstractDefinitionDeployer.DIAGRAM_SUFFIXES,
# in Camunda's order.
BPMN_SUFFIXES = ("bpmn20.xml", "bpmn")
DMN_SUFFIXES = ("dmn11.xml", "dmn")
DIAGRAM_SUFFIXES = ("png", "jpg", "gif", "svg")


def diagram_candidates(
    resource_name: str, key: str, suffixes: tuple[str, ...] = BPMN_SUFFIXES
) -> list[str]:
    """The image names Camunda tries for a definition's diagram, in its order: per suffix,
    `<file>.<key>.<suffix>` before `<file>.<suffix>`, where `<file>.` is the resource name
    without its model suffix (`bpmn20.xml`, `bpmn`; for DMN `dmn11.xml`, `dmn`):
    `invoice.bpmn` -> `invoice.invoice.png`, `invoice.png`, `invoice.invoice.jpg`, ..."""
    # Legato reads `.BPMN` as BPMN too (deployment.resource_type), so strip without case.
    base = next(
        (resource_name[: -len(s)] for s in suffixes if resource_name.lower().endswith(s)),
        resource_name,
    )
    return [name for suffix in DIAGRAM_SUFFIXES for name in (f"{base}{key}.{suffix}",
                                                              f"{base}{suffix}")]


def diagram_resource_names(
    definitions: Iterable[Any], suffixes: tuple[str, ...] = BPMN_SUFFIXES
) -> dict[str, str]:
    """Definition id -> the name of its diagram image, for those whose deployment has one
    (process definitions; decision and DRD definitions with `suffixes=DMN_SUFFIXES`).

    Camunda records this name (`diagramResourceName`) when it deploys; Legato finds it among
    the deployment's resources when asked, by Camunda's rule (diagram_candidates)."""
    candidates = {row.id: (row, diagram_candidates(row.resource_name, row.key, suffixes))
                  for row in definitions}
    deployed = set(
        Resource.objects.filter(
            deployment_id__in={row.deployment_id for row, _ in candidates.values()},
            name__in={name for _, names in candidates.values() for name in names},
        ).values_list("deployment_id", "name")
    )
    found: dict[str, str] = {}
    for definition_id, (row, names) in candidates.items():
        name = next((n for n in names if (row.deployment_id, n) in deployed), None)
        if name is not None:
            found[definition_id] = name
    return found


def get_process_definition_diagram(definition: ProcessDefinition) -> Resource | None:
    """The deployed diagram image of a definition, or None when its deployment has none."""
    return get_definition_diagram(definition)


def get_definition_diagram(
    definition: Any, suffixes: tuple[str, ...] = BPMN_SUFFIXES
) -> Resource | None:
    """The deployed diagram image of any definition row (process, decision, DRD), or None."""
    name = diagram_resource_names([definition], suffixes).get(definition.id)
    if name is None:
        return None
    return Resource.objects.get(deployment_id=definition.deployment_id, name=name)


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


def static_called_definitions(
    definition: ProcessDefinition,
) -> list[tuple[ProcessDefinition, list[str]]]:
    """The definitions the call activities of `definition` name without an expression, each
    with the ids of the call activities that call it, resolved by their binding as a call
    would resolve them now (Camunda's getStaticCalledProcessDefinitions)."""
    from engine.definitions import process_model

    callers: dict[str, list[str]] = {}
    found: dict[str, ProcessDefinition] = {}
    for node in process_model(definition.id).all_nodes.values():
        called = node.called_element if isinstance(node, CallActivity) else None
        if not called or "${" in called or "#{" in called:
            continue
        target = _bound(node, called, definition)
        if target is not None:
            found[target.id] = target
            callers.setdefault(target.id, []).append(node.id)
    order = sorted(found, key=lambda i: (found[i].key, found[i].version))
    return [(found[i], sorted(callers[i])) for i in order]


def _bound(node: CallActivity, key: str, caller: ProcessDefinition) -> ProcessDefinition | None:
    rows = ProcessDefinition.objects.filter(key=key, tenant_id=node.tenant_id or caller.tenant_id)
    if node.binding == "deployment":
        rows = rows.filter(deployment_id=caller.deployment_id)
    elif node.binding == "version":
        if node.version is None or not node.version.isdigit():
            return None  # an expression: resolved only when the call happens
        rows = rows.filter(version=int(node.version))
    elif node.binding == "versionTag":
        rows = rows.filter(version_tag=node.version_tag)
    return rows.order_by("-version").first()


def unresolved_references_of(
    definition: ProcessDefinition, deployed: DeployedKeys | None = None
) -> list[Unresolved]:
    """What the definition's model names that this engine, as configured, cannot resolve:
    delegates, beans, script languages, connectors, called processes and decisions
    (engine.runtime.readiness). `deployed` shares the deployed keys between definitions."""
    from engine.definitions import process_model
    from engine.services.environment import environment

    deployed = deployed or DeployedKeys()
    return unresolved_references(
        process_model(definition.id),
        environment(),
        has_process=deployed.has_process,
        has_decision=deployed.has_decision,
    )


class DeployedKeys:
    """The keys of the deployed process and decision definitions, each read once and only
    when a model names one (most name none)."""

    def __init__(self) -> None:
        self._processes: set[str] | None = None
        self._decisions: set[str] | None = None

    def has_process(self, key: str) -> bool:
        if self._processes is None:
            self._processes = set(ProcessDefinition.objects.values_list("key", flat=True))
        return key in self._processes

    def has_decision(self, key: str) -> bool:
        if self._decisions is None:
            self._decisions = set(DecisionDefinition.objects.values_list("key", flat=True))
        return key in self._decisions


def unresolved_counts(definitions: Iterable[ProcessDefinition]) -> dict[str, int]:
    """definition id -> how many references its model makes that cannot be resolved now."""
    deployed = DeployedKeys()
    return {d.id: len(unresolved_references_of(d, deployed)) for d in definitions}
