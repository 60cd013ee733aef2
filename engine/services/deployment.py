"""Deploy resources atomically and version their process definitions (Camunda's DeployCmd)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from engine import decisions, definitions
from engine.bpmn.errors import BpmnParseError, BpmnProblem
from engine.bpmn.model import Definitions, Process
from engine.bpmn.parser import parse_bpmn
from engine.dmn import DmnDefinitions
from engine.errors import BadRequestError, DeploymentError, NotFoundError
from engine.models import (
    DecisionDefinition,
    Deployment,
    EngineProperty,
    EntityType,
    OperationType,
    ProcessDefinition,
    ProcessDefinitionStarter,
    Resource,
    ResourceType,
)
from engine.services import authz
from engine.services.job_definitions import create_job_definitions
from engine.services.oplog import OperationLog
from engine.services.process_definitions import delete_definitions
from engine.services.start_events import schedule_timer_starts, subscribe_start_events
from engine.services.suspension import activate_later
from engine.versions import next_versions

_SUFFIXES = (
    (".bpmn20.xml", ResourceType.BPMN),
    (".bpmn", ResourceType.BPMN),
    (".dmn11.xml", ResourceType.DMN),
    (".dmn", ResourceType.DMN),
    (".form", ResourceType.FORM),
)


@dataclass(frozen=True)
class ResourceInput:
    """A file to deploy: its name (its suffix decides its type) and its bytes."""

    name: str
    content: bytes


@dataclass(frozen=True)
class DeploymentResult:
    deployment: Deployment
    # Definitions created by this call; empty when duplicate filtering returned an old deployment.
    process_definitions: tuple[ProcessDefinition, ...]
    # True when duplicate filtering found nothing new and returned the latest same-named deployment.
    is_duplicate: bool = False
    decision_definitions: tuple[DecisionDefinition, ...] = ()


def redeploy(
    deployment_id: str,
    *,
    resource_ids: Sequence[str] = (),
    resource_names: Sequence[str] = (),
    source: str | None = None,
    user_id: str | None = None,
) -> DeploymentResult:
    """Deploy again what a deployment holds (those resources of it named by id or name, or
    all): a new deployment of the same name and tenant, new versions of its definitions
    (Camunda's DeploymentBuilder.nameFromDeployment + addDeploymentResources)."""
    old = Deployment.objects.filter(pk=deployment_id).first()
    if old is None:
        raise NotFoundError(f"Deployment with id '{deployment_id}' does not exist")
    authz.require_read_deployment(user_id, deployment_id)
    rows = list(old.resources.order_by("name"))
    if resource_ids or resource_names:
        for wanted, field in ((resource_ids, "id"), (resource_names, "name")):
            missing = sorted(set(wanted) - {getattr(row, field) for row in rows})
            if missing:
                raise NotFoundError(
                    f"The deployment with id '{deployment_id}' does not contain the following "
                    f"resources with {field}s: {', '.join(missing)}"
                )
        rows = [r for r in rows if r.id in resource_ids or r.name in resource_names]
    return deploy(
        [ResourceInput(row.name, bytes(row.content)) for row in rows],
        name=old.name,
        source=source or "",
        tenant_id=old.tenant_id,
        user_id=user_id,
    )


def resource_type(name: str) -> ResourceType:
    lower = name.lower()
    return next((kind for suffix, kind in _SUFFIXES if lower.endswith(suffix)), ResourceType.OTHER)


def deploy(
    resources: Sequence[ResourceInput],
    *,
    name: str = "",
    source: str = "",
    tenant_id: str | None = None,
    enable_duplicate_filtering: bool = False,
    deploy_changed_only: bool = False,
    user_id: str | None = None,
    now: datetime | None = None,
    activation_time: datetime | None = None,
) -> DeploymentResult:
    """Deploy all resources or none; each new process model becomes its key's next version.

    Every BPMN resource is parsed and validated before anything is written; all problems of
    all resources are reported together in one DeploymentError. With an `activation_time`
    still to come, the new process definitions are suspended until then.
    """
    now = now or timezone.now()
    authz.require_deploy(user_id, tenant_id)
    _check_names(resources)
    parsed, parsed_decisions = _parse_all(resources)
    enable_duplicate_filtering = enable_duplicate_filtering or deploy_changed_only

    with transaction.atomic():
        # Serialise deployments so that two deploys of one key never take the same version.
        EngineProperty.objects.get_or_create(name="deployment.lock")
        EngineProperty.objects.select_for_update().get(name="deployment.lock")

        to_deploy = list(resources)
        if enable_duplicate_filtering:
            changed = _changed_resources(resources, name, tenant_id)
            if not changed:
                existing = _latest_deployment(name, tenant_id)
                if existing is not None:
                    return DeploymentResult(existing, (), is_duplicate=True)
            elif deploy_changed_only:
                to_deploy = changed

        deployment = Deployment.objects.create(
            id=str(uuid.uuid4()),
            name=name,
            source=source,
            tenant_id=tenant_id,
            deployment_time=now,
            deployed_by=user_id or "",
        )
        Resource.objects.bulk_create(
            Resource(
                id=str(uuid.uuid4()),
                deployment=deployment,
                name=resource.name,
                type=resource_type(resource.name),
                content=resource.content,
                content_hash=_hash(resource.content),
            )
            for resource in to_deploy
        )
        new_definitions = _create_definitions(deployment, to_deploy, parsed, tenant_id)
        create_job_definitions(new_definitions, parsed)
        deployed_names = {resource.name for resource in to_deploy}
        new_decisions = decisions.create_definitions(
            deployment,
            {n: file for n, file in parsed_decisions.items() if n in deployed_names},
            tenant_id,
        )
        subscribe_start_events(new_definitions, now, parsed)
        # Cached before commit: timer starts below need the models; ids are fresh uuids, so
        # an entry left by a rolled-back deployment is never looked up.
        definitions.remember(new_definitions, parsed)
        schedule_timer_starts(new_definitions)
        if activation_time is not None and activation_time > now:
            activate_later(new_definitions, activation_time)
        _log_deployment(deployment, user_id, enable_duplicate_filtering, deploy_changed_only, now)

    return DeploymentResult(
        deployment, tuple(new_definitions), decision_definitions=tuple(new_decisions)
    )


def delete_deployment(
    deployment_id: str,
    *,
    cascade: bool = False,
    user_id: str | None = None,
    skip_custom_listeners: bool = False,
    skip_io_mappings: bool = False,
) -> None:
    """Delete a deployment; refused while instances of its definitions run, unless cascade
    deletes them (running their end listeners and output mappings unless skipped)."""
    with transaction.atomic():
        deployment = Deployment.objects.select_for_update().filter(pk=deployment_id).first()
        if deployment is None:
            raise NotFoundError(f"Deployment with id '{deployment_id}' does not exist")
        authz.require_delete_deployment(user_id, deployment_id)
        rows = list(deployment.process_definitions.select_for_update().order_by("version"))
        if rows:
            delete_definitions(
                rows,
                cascade=cascade,
                user_id=user_id,
                skip_custom_listeners=skip_custom_listeners,
                skip_io_mappings=skip_io_mappings,
            )
        OperationLog(user_id, OperationType.DELETE, EntityType.DEPLOYMENT).add(
            "cascade", new_value=str(cascade).lower(), deployment_id=deployment_id
        ).save()
        deployment.delete()


def _check_names(resources: Sequence[ResourceInput]) -> None:
    if not resources:
        raise BadRequestError("A deployment needs at least one resource")
    seen: set[str] = set()
    for resource in resources:
        if not resource.name:
            raise BadRequestError("Every resource of a deployment needs a name")
        if resource.name in seen:
            raise BadRequestError(f"The deployment contains the resource '{resource.name}' twice")
        seen.add(resource.name)


def _parse_all(
    resources: Sequence[ResourceInput],
) -> tuple[dict[str, Definitions], dict[str, DmnDefinitions]]:
    """Every BPMN and DMN file parsed (by name), or one DeploymentError with every problem."""
    parsed: dict[str, Definitions] = {}
    problems: list[BpmnProblem] = []
    keys: dict[str, str] = {}
    files = {resource.name: bytes(resource.content) for resource in resources}
    for resource in resources:
        if resource_type(resource.name) is not ResourceType.BPMN:
            continue
        try:
            result = parse_bpmn(
                resource.content,
                resource.name,
                javascript_enabled=settings.LEGATO_JAVASCRIPT,
                resources=files,
            )
        except BpmnParseError as error:
            problems.extend(error.problems)
            continue
        parsed[resource.name] = result
        for process in result.executable_processes:
            if process.id in keys:
                problems.append(
                    BpmnProblem(
                        process.id,
                        f"process key '{process.id}' is also defined in '{keys[process.id]}'; "
                        "one deployment may hold each key once",
                        process.line,
                        resource.name,
                    )
                )
            keys[process.id] = resource.name
    parsed_decisions = decisions.parse_files(resources, problems)
    if problems:
        raise DeploymentError(problems)
    return parsed, parsed_decisions


def _hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _changed_resources(
    resources: Sequence[ResourceInput], name: str, tenant_id: str | None
) -> list[ResourceInput]:
    """Resources that differ from the latest resource of the same name in same-named deployments."""
    latest: dict[str, str] = {}
    rows = (
        Resource.objects.filter(
            deployment__name=name,
            deployment__tenant_id=tenant_id,
            name__in=[resource.name for resource in resources],
        )
        .order_by("name", "-deployment__deployment_time")
        .values_list("name", "content_hash")
    )
    for resource_name, content_hash in rows:
        latest.setdefault(resource_name, content_hash)
    return [r for r in resources if latest.get(r.name) != _hash(r.content)]


def _latest_deployment(name: str, tenant_id: str | None) -> Deployment | None:
    return (
        Deployment.objects.filter(name=name, tenant_id=tenant_id)
        .order_by("-deployment_time")
        .first()
    )


def _create_definitions(
    deployment: Deployment,
    resources: Sequence[ResourceInput],
    parsed: dict[str, Definitions],
    tenant_id: str | None,
) -> list[ProcessDefinition]:
    processes: list[tuple[str, Definitions, Process]] = [
        (resource.name, parsed[resource.name], process)
        for resource in resources
        if resource.name in parsed
        for process in parsed[resource.name].executable_processes
    ]
    versions = next_versions(ProcessDefinition, [p.id for _, _, p in processes], tenant_id)
    rows = []
    for resource_name, parsed_file, process in processes:
        version, definition_id = versions.of(process.id)
        start = process.initial_start_event
        rows.append(
            ProcessDefinition(
                id=definition_id,
                key=process.id,
                name=process.name,
                version=version,
                version_tag=process.version_tag,
                category=parsed_file.target_namespace,
                description=process.documentation,
                deployment=deployment,
                resource_name=resource_name,
                tenant_id=tenant_id,
                history_time_to_live=process.history_time_to_live,
                startable_in_tasklist=process.is_startable_in_tasklist,
                has_start_form=bool(
                    start and (start.form_key or start.form_ref or start.form_fields)
                ),
            )
        )
    created = ProcessDefinition.objects.bulk_create(rows)
    ProcessDefinitionStarter.objects.bulk_create(
        ProcessDefinitionStarter(process_definition=row, **{column: name})
        for row, (_, _, process) in zip(created, processes, strict=True)
        for column, names in (
            ("user_id", process.candidate_starter_users),
            ("group_id", process.candidate_starter_groups),
        )
        for name in names
    )
    return created


def _log_deployment(
    deployment: Deployment,
    user_id: str | None,
    duplicate_filtering: bool,
    changed_only: bool,
    now: datetime,
) -> None:
    # Camunda logs a deployment with these two properties (UserOperationLogEntry for Create).
    OperationLog(user_id, OperationType.CREATE, EntityType.DEPLOYMENT, now=now).add(
        "duplicateFilterEnabled",
        new_value=str(duplicate_filtering).lower(),
        deployment_id=deployment.id,
    ).add(
        "deployChangedOnly", new_value=str(changed_only).lower(), deployment_id=deployment.id
    ).save()
