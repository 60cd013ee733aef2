"""Parsed process definitions, cached per definition id in this process; never parsed per command.

The cache holds the runtime's `ProcessDefinition` (model + id + key + version, with its own
memo of reachability for inclusive joins). A cold process (a new web node, a Celery worker)
rebuilds an entry from the stored XML. Entries never change: an id names one version.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from engine.bpmn.model import Definitions, Process
from engine.bpmn.parser import parse_bpmn
from engine.errors import NotFoundError
from engine.models import ProcessDefinition as DefinitionRow
from engine.models import Resource
from engine.runtime.definition import ProcessDefinition

_lock = threading.Lock()
_definitions: dict[str, ProcessDefinition] = {}
_files: dict[tuple[str, str], Definitions] = {}


def remember(rows: Iterable[DefinitionRow], parsed: dict[str, Definitions]) -> None:
    """Cache the definitions a deployment just created (`parsed` by resource name)."""
    with _lock:
        for row in rows:
            file = parsed[row.resource_name]
            _files[(row.deployment_id, row.resource_name)] = file
            _definitions[row.id] = _build(row, file)


def forget(definition_ids: Iterable[str]) -> None:
    with _lock:
        for definition_id in definition_ids:
            _definitions.pop(definition_id, None)


def runtime_definition(definition_id: str) -> ProcessDefinition:
    """The executable definition of one version (what the interpreter runs)."""
    cached = _definitions.get(definition_id)
    if cached is not None:
        return cached
    row = DefinitionRow.objects.filter(pk=definition_id).first()
    if row is None:
        raise NotFoundError(f"No process definition with id '{definition_id}'")
    definition = _build(row, definitions_of_resource(row.deployment_id, row.resource_name))
    with _lock:
        _definitions[definition_id] = definition
    return definition


def process_model(definition_id: str) -> Process:
    """The parsed model of one process definition version."""
    return runtime_definition(definition_id).process


def definitions_of_resource(deployment_id: str, resource_name: str) -> Definitions:
    cache_key = (deployment_id, resource_name)
    cached = _files.get(cache_key)
    if cached is not None:
        return cached
    parsed = parse_bpmn(stored_content(deployment_id, resource_name), resource_name)
    with _lock:
        _files[cache_key] = parsed
    return parsed


def stored_content(deployment_id: str, resource_name: str) -> bytes:
    """The bytes of a deployed file, as deployed (a cold process re-parses them)."""
    content = Resource.objects.values_list("content", flat=True).get(
        deployment_id=deployment_id, name=resource_name
    )
    return bytes(content)


def clear() -> None:
    """Empty the cache (tests use it to prove a cold node rebuilds from the database)."""
    with _lock:
        _definitions.clear()
        _files.clear()


def _build(row: DefinitionRow, file: Definitions) -> ProcessDefinition:
    return ProcessDefinition(
        id=row.id,
        key=row.key,
        version=row.version,
        process=file.process(row.key),
        definitions=file,
        version_tag=row.version_tag,
        deployment_id=row.deployment_id,
        tenant_id=row.tenant_id,
    )
