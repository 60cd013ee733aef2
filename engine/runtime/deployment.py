"""Deploying files into an engine without Django (the in-memory store of tests and benches):
BPMN processes become definitions, DMN decisions become decisions business rule tasks find.
Every file is parsed before anything is registered, so one bad file deploys nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from engine.bpmn.parser import parse_bpmn
from engine.dmn import parse_dmn
from engine.runtime.decisions import DeployedDecisions
from engine.runtime.definition import ProcessDefinition
from engine.runtime.starts import timer_start_jobs

if TYPE_CHECKING:
    from engine.runtime.engine import ProcessEngine

BPMN_SUFFIXES = (".bpmn", ".bpmn20.xml")
DMN_SUFFIXES = (".dmn", ".dmn11.xml")


def deploy_resources(
    engine: ProcessEngine, resources: Mapping[str, bytes], deployment_id: str
) -> list[ProcessDefinition]:
    """Register the executable processes with a new version each (arming their timer starts)
    and the decisions with a new version each."""
    processes = [
        parse_bpmn(data, name, resources=resources)
        for name, data in resources.items()
        if name.endswith(BPMN_SUFFIXES)
    ]
    decisions = [
        parse_dmn(data, name) for name, data in resources.items() if name.endswith(DMN_SUFFIXES)
    ]
    store = engine.store
    deployed: list[ProcessDefinition] = []
    with store.atomic():
        for definitions in processes:
            for process in definitions.executable_processes:
                version = store.next_version(process.id)
                definition = ProcessDefinition(
                    id=f"{process.id}:{version}:{deployment_id}",
                    key=process.id,
                    version=version,
                    process=process,
                    definitions=definitions,
                    version_tag=process.version_tag,
                    deployment_id=deployment_id,
                )
                store.add_definition(definition)
                store.record(None, timer_start_jobs(definition, engine.clock(), engine.env))
                deployed.append(definition)
        if decisions:
            registry = _registry(engine)
            for file in decisions:
                registry.add(file, deployment_id)
        _keep_files(engine, resources, deployment_id)
    return deployed


def _keep_files(engine: ProcessEngine, resources: Mapping[str, bytes], deployment_id: str) -> None:
    """The deployment's other files, for scripts in `camunda:resource="deployment://..."`."""
    files: dict[tuple[str | None, str], bytes] | None = getattr(engine.store, "files", None)
    if files is None:
        files = {}
        engine.store.files = files  # type: ignore[attr-defined]
    if engine.env.script_resource is None:
        engine.env = replace(engine.env, script_resource=partial(_file_text, files))
    for name, data in resources.items():
        if not name.endswith(BPMN_SUFFIXES + DMN_SUFFIXES):
            files[(deployment_id, name)] = data


def _file_text(
    files: Mapping[tuple[str | None, str], bytes], deployment_id: str | None, name: str
) -> str | None:
    data = files.get((deployment_id, name))
    return data.decode("utf-8", errors="replace") if data is not None else None


def _registry(engine: ProcessEngine) -> DeployedDecisions:
    """The engine's decisions: kept beside its store, looked up through its environment."""
    registry: DeployedDecisions | None = getattr(engine.store, "decisions", None)
    if registry is None:
        registry = DeployedDecisions()
        engine.store.decisions = registry  # type: ignore[attr-defined]
    if engine.env.decisions is None:
        engine.env = replace(engine.env, decisions=registry.find)
    return registry
