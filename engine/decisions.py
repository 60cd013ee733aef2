"""Deployed DMN decisions: parsed at deployment, versioned per key, cached per version in this
process (a cold worker re-reads the stored file), and found by business rule tasks through
`Environment.decisions` (`find_decision`). A file of more than one decision also makes a
decision requirements definition (its `definitions` id is the key), as Camunda does."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

from engine.bpmn.errors import BpmnParseError, BpmnProblem
from engine.bpmn.parser.scopes import history_days
from engine.definitions import stored_content
from engine.dmn import DmnDefinitions, parse_dmn
from engine.models import (
    DecisionDefinition,
    DecisionRequirementsDefinition,
    Deployment,
    ResourceType,
)
from engine.runtime.decisions import DecisionRef, DeployedDecision
from engine.versions import next_versions

_lock = threading.Lock()
_files: dict[tuple[str, str], DmnDefinitions] = {}
# (deployment, resource) -> decision key -> definition id: fixed once deployed.
_ids: dict[tuple[str, str], dict[str, str]] = {}


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
    drd_keys: dict[str, str] = {}
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
        if file.is_drd and file.id is not None:
            if file.id in drd_keys:
                # Camunda: "The deployment contains definitions with the same key".
                problems.append(BpmnProblem(
                    file.id, f"decision requirements definition key '{file.id}' (the "
                    f"definitions id) is also used in '{drd_keys[file.id]}'; one deployment "
                    "may hold each key once", None, resource.name,
                ))
            drd_keys[file.id] = resource.name
    return parsed


def create_definitions(
    deployment: Deployment, parsed: dict[str, DmnDefinitions], tenant_id: str | None
) -> list[DecisionDefinition]:
    """Each decision of the deployed files becomes its key's next version; so does the
    decision requirements definition of each file of more than one decision."""
    drds = _create_requirements_definitions(deployment, parsed, tenant_id)
    decisions = [(name, file, d) for name, file in parsed.items() for d in file.decisions]
    versions = next_versions(DecisionDefinition, [d.id for _, _, d in decisions], tenant_id)
    rows = []
    for resource_name, file, decision in decisions:
        version, definition_id = versions.of(decision.id)
        drd = drds.get(resource_name)
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
                decision_requirements_definition=drd,
                decision_requirements_definition_key=drd.key if drd else None,
            )
        )
    with _lock:
        for name, file in parsed.items():
            _files[(deployment.id, name)] = file
    return DecisionDefinition.objects.bulk_create(rows)


def _create_requirements_definitions(
    deployment: Deployment, parsed: dict[str, DmnDefinitions], tenant_id: str | None
) -> dict[str, DecisionRequirementsDefinition]:
    """Resource name -> its new DRD row, for the files that make one."""
    files = {name: file for name, file in parsed.items() if file.is_drd and file.id}
    versions = next_versions(
        DecisionRequirementsDefinition, [f.id for f in files.values() if f.id], tenant_id
    )
    rows = {}
    for resource_name, file in files.items():
        assert file.id is not None  # the parser refuses a DRD without an id
        version, definition_id = versions.of(file.id)
        rows[resource_name] = DecisionRequirementsDefinition(
            id=definition_id, key=file.id, name=file.name, version=version,
            category=file.namespace, deployment=deployment, resource_name=resource_name,
            tenant_id=tenant_id,
        )
    DecisionRequirementsDefinition.objects.bulk_create(rows.values())
    return rows


def find_decision(ref: DecisionRef) -> DeployedDecision | None:
    """The decision version `ref` binds to (in its tenant, as call activities find theirs;
    binding `deployment`: the calling process's deployment)."""
    rows = DecisionDefinition.objects.filter(key=ref.key)
    if ref.binding == "deployment":
        rows = rows.filter(deployment_id=ref.deployment_id)
    else:
        rows = rows.filter(tenant_id=ref.tenant_id)
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
    # Only a decision that requires others needs its neighbours' definition ids.
    ids = _definition_ids(row) if decision.required else {}
    return DeployedDecision(
        row.key, row.version, row.deployment_id, row.version_tag, decision, row.id,
        row.tenant_id, row.decision_requirements_definition_id,
        row.decision_requirements_definition_key, ids,
    )


def _definition_ids(row: DecisionDefinition) -> dict[str, str]:
    """Decision key -> definition id, for the decisions deployed from the row's file."""
    place = (row.deployment_id, row.resource_name)
    cached = _ids.get(place)
    if cached is None:
        cached = dict(
            DecisionDefinition.objects.filter(
                deployment_id=row.deployment_id, resource_name=row.resource_name
            ).values_list("key", "id")
        )
        with _lock:
            _ids[place] = cached
    return cached


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
        _ids.clear()
