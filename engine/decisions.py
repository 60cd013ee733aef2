"""Deployed DMN decisions: parsed at deployment, versioned per key, cached per version in this
process (a cold worker re-reads the stored file), and found by business rule tasks through
`Environment.decisions` (`find_decision`)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

from engine.bpmn.errors import BpmnParseError, BpmnProblem
from engine.bpmn.parser.scopes import history_days
from engine.definitions import stored_content
from engine.dmn import DmnDefinitions, parse_dmn
from engine.models import DecisionDefinition, Deployment, ResourceType
from engine.runtime.decisions import DecisionRef, DeployedDecision
from engine.versions import next_versions

_lock = threading.Lock()
_files: dict[tuple[str, str], DmnDefinitions] = {}


class _Named(Protocol):
    name: str
    content: bytes


def parse_files(
    resources: Sequence[_Named], problems: list[BpmnProblem]
) -> dict[str, DmnDefinitions]:
    """Parse every DMN resource (by name); adds what is wrong to `problems`, among it a
    decision key defined twice in one deployment."""
    from engine.services.deployment import resource_type

    parsed: dict[str, DmnDefinitions] = {}
    keys: dict[str, str] = {}
    for resource in resources:
        if resource_type(resource.name) is not ResourceType.DMN:
            continue
        try:
            parsed[resource.name] = file = parse_dmn(resource.content, resource.name)
        except BpmnParseError as error:
            problems.extend(error.problems)
            continue
        for decision in file.decisions:
            if decision.id in keys:
                problems.append(
                    BpmnProblem(
                        decision.id,
                        f"decision key '{decision.id}' is also defined in "
                        f"'{keys[decision.id]}'; one deployment may hold each key once",
                        decision.line,
                        resource.name,
                    )
                )
            keys[decision.id] = resource.name
    return parsed


def create_definitions(
    deployment: Deployment, parsed: dict[str, DmnDefinitions], tenant_id: str | None
) -> list[DecisionDefinition]:
    """Each decision of the deployed files becomes its key's next version."""
    decisions = [(name, file, d) for name, file in parsed.items() for d in file.decisions]
    versions = next_versions(DecisionDefinition, [d.id for _, _, d in decisions], tenant_id)
    rows = []
    for resource_name, file, decision in decisions:
        version, definition_id = versions.of(decision.id)
        rows.append(
            DecisionDefinition(
                id=definition_id,
                key=decision.id,
                name=decision.name,
                version=version,
                version_tag=decision.version_tag,
                category=file.namespace,
                deployment=deployment,
                resource_name=resource_name,
                tenant_id=tenant_id,
                history_time_to_live=history_days(decision.history_time_to_live),
            )
        )
    with _lock:
        for name, file in parsed.items():
            _files[(deployment.id, name)] = file
    return DecisionDefinition.objects.bulk_create(rows)


def find_decision(ref: DecisionRef) -> DeployedDecision | None:
    """The decision version `ref` binds to (definitions without a tenant, as call
    activities find theirs; binding `deployment`: the calling process's deployment)."""
    rows = DecisionDefinition.objects.filter(key=ref.key)
    if ref.binding == "deployment":
        rows = rows.filter(deployment_id=ref.deployment_id)
    else:
        rows = rows.filter(tenant_id=None)
        if ref.binding == "version":
            rows = rows.filter(version=ref.version)
        elif ref.binding == "versionTag":
            rows = rows.filter(version_tag=ref.version_tag)
    row = rows.order_by("-version").first()
    return deployed_decision(row) if row is not None else None


def deployed_decision(row: DecisionDefinition) -> DeployedDecision:
    """The parsed decision of a definition row (cached per deployed file)."""
    decision = _file(row.deployment_id, row.resource_name).decision(row.key)
    assert decision is not None  # the row was made from this file
    return DeployedDecision(
        row.key, row.version, row.deployment_id, row.version_tag, decision, row.id, row.tenant_id
    )


def _file(deployment_id: str, resource_name: str) -> DmnDefinitions:
    cached = _files.get((deployment_id, resource_name))
    if cached is not None:
        return cached
    parsed = parse_dmn(stored_content(deployment_id, resource_name), resource_name)
    with _lock:
        _files[(deployment_id, resource_name)] = parsed
    return parsed


def clear() -> None:
    """Empty the cache (tests prove a cold node rebuilds from the database)."""
    with _lock:
        _files.clear()
