"""Parsed process models, cached per definition id in this process; never parsed per command.

A cold process (a new web node, a Celery worker) rebuilds an entry from the stored XML.
Entries never change: a definition id names one immutable version.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

from engine.bpmn.model import Definitions, Process
from engine.bpmn.parser import parse_bpmn
from engine.errors import NotFoundError
from engine.models import ProcessDefinition, Resource

_lock = threading.Lock()
_processes: dict[str, Process] = {}
_files: dict[tuple[str, str], Definitions] = {}


def remember(models: Mapping[str, Process]) -> None:
    with _lock:
        _processes.update(models)


def forget(definition_ids: Iterable[str]) -> None:
    with _lock:
        for definition_id in definition_ids:
            _processes.pop(definition_id, None)


def process_model(definition_id: str) -> Process:
    """The parsed model of one process definition version."""
    cached = _processes.get(definition_id)
    if cached is not None:
        return cached
    row = (
        ProcessDefinition.objects.filter(pk=definition_id)
        .values_list("key", "deployment_id", "resource_name")
        .first()
    )
    if row is None:
        raise NotFoundError(f"No process definition with id '{definition_id}'")
    key, deployment_id, resource_name = row
    parsed = definitions_of_resource(deployment_id, resource_name)
    process = parsed.process(key)
    with _lock:
        _processes[definition_id] = process
    return process


def definitions_of_resource(deployment_id: str, resource_name: str) -> Definitions:
    cache_key = (deployment_id, resource_name)
    cached = _files.get(cache_key)
    if cached is not None:
        return cached
    content = Resource.objects.values_list("content", flat=True).get(
        deployment_id=deployment_id, name=resource_name
    )
    parsed = parse_bpmn(bytes(content), resource_name)
    with _lock:
        _files[cache_key] = parsed
    return parsed


def clear() -> None:
    """Empty the cache (tests use it to prove a cold node rebuilds from the database)."""
    with _lock:
        _processes.clear()
        _files.clear()
