"""Process instances, their variables and their activity instance tree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from engine import definitions
from engine.errors import NotFoundError
from engine.models import Incident, ProcessInstance, VariableInstance
from engine.runtime.state import Execution, InstanceState, Wait
from engine.runtime.values import TypedValue


def list_process_instances(
    *,
    process_definition_id: str | None = None,
    process_definition_key: str | None = None,
    business_key: str | None = None,
    business_key_like: str | None = None,
    suspended: bool | None = None,
    with_incident: bool | None = None,
    super_process_instance_id: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> QuerySet[ProcessInstance]:
    """Running instances by the filters Camunda's cockpit and REST list offer.

    `variables` filters on equality of process variables (root scope), as `name_eq_value`.
    """
    rows = ProcessInstance.objects.select_related("process_definition").defer("state")
    if process_definition_id is not None:
        rows = rows.filter(process_definition_id=process_definition_id)
    if process_definition_key is not None:
        rows = rows.filter(process_definition__key=process_definition_key)
    if business_key is not None:
        rows = rows.filter(business_key=business_key)
    if business_key_like is not None:
        rows = rows.filter(business_key__like=business_key_like)
    if suspended is not None:
        rows = rows.filter(suspended=suspended)
    if super_process_instance_id is not None:
        rows = rows.filter(super_process_instance_id=super_process_instance_id)
    if with_incident is not None:
        has_incident = Exists(Incident.objects.filter(process_instance_id=OuterRef("pk")))
        rows = rows.filter(has_incident) if with_incident else rows.exclude(has_incident)
    for name, value in (variables or {}).items():
        rows = rows.filter(Exists(variable_equals(name, value, OuterRef("pk"))))
    return rows.order_by("-start_time", "id")


def variable_equals(name: str, value: Any, instance_id: Any) -> QuerySet[VariableInstance]:
    """Rows of process variable `name` equal to `value` (compared in its typed column)."""
    from engine.runtime.values import infer_type
    from engine.store.projection import query_columns

    columns = {k: v for k, v in query_columns(infer_type(value)).items() if v is not None}
    if not columns:
        columns = {"value": value}
    return VariableInstance.objects.filter(
        process_instance_id=instance_id, execution_id=instance_id, name=name, **columns
    )


def get_process_instance(instance_id: str) -> ProcessInstance:
    found = ProcessInstance.objects.select_related("process_definition").filter(pk=instance_id)
    instance = found.first()
    if instance is None:
        raise NotFoundError(f"Process instance with id {instance_id} does not exist")
    return instance


def get_variables(
    execution_id: str, *, local: bool = False, names: list[str] | None = None
) -> dict[str, TypedValue]:
    """Variables visible from an execution (or local to it), nearest scope winning."""
    instance_id = (
        VariableInstance.objects.filter(execution_id=execution_id)
        .values_list("process_instance_id", flat=True)
        .first()
    )
    state = _state_of_execution(execution_id, instance_id)
    if state is None:
        raise NotFoundError(f"execution {execution_id} doesn't exist")
    chain = _scope_chain(state, execution_id)
    if local:
        chain = chain[:1]
    visible: dict[str, TypedValue] = {}
    for execution in reversed(chain):  # outermost first, so nearer scopes overwrite
        visible.update(execution.variables)
    if names is not None:
        visible = {n: v for n, v in visible.items() if n in names}
    return visible


def _state_of_execution(execution_id: str, instance_id: str | None) -> InstanceState | None:
    from engine.models import Execution as ExecutionRow

    if instance_id is None:
        instance_id = (
            ExecutionRow.objects.filter(pk=execution_id)
            .values_list("process_instance_id", flat=True)
            .first()
        )
    if instance_id is None:
        return None
    row = ProcessInstance.objects.filter(pk=instance_id).values_list("state", flat=True).first()
    if row is None:
        return None
    state = InstanceState.from_json(row)
    return state if execution_id in state.executions else None


def _scope_chain(state: InstanceState, execution_id: str) -> list[Execution]:
    chain = []
    current: Execution | None = state.executions[execution_id]
    while current is not None:
        chain.append(current)
        current = state.executions.get(current.parent_id) if current.parent_id else None
    return chain


@dataclass
class ActivityInstance:
    """One node of Camunda's activity instance tree (`runtimeService.getActivityInstance`)."""

    id: str
    activity_id: str
    activity_type: str
    activity_name: str | None
    parent_activity_instance_id: str | None
    process_instance_id: str
    process_definition_id: str
    execution_ids: list[str] = field(default_factory=list)
    incident_ids: list[str] = field(default_factory=list)
    children: list[ActivityInstance] = field(default_factory=list)
    transitions: list[TransitionInstance] = field(default_factory=list)


@dataclass
class TransitionInstance:
    """A token between activities: waiting for its async-before/after job."""

    id: str
    activity_id: str
    activity_type: str
    activity_name: str | None
    parent_activity_instance_id: str
    execution_id: str
    incident_ids: list[str] = field(default_factory=list)


def activity_instance_tree(instance_id: str) -> ActivityInstance:
    """The active activities of a running instance as a tree of scopes (the cockpit's view)."""
    row = ProcessInstance.objects.filter(pk=instance_id).values_list("state", flat=True).first()
    if row is None:
        raise NotFoundError(f"Process instance with id {instance_id} does not exist")
    state = InstanceState.from_json(row)
    process = definitions.process_model(state.process_definition_id)
    incidents: dict[str, list[str]] = {}
    for incident_id, execution_id in Incident.objects.filter(
        process_instance_id=instance_id
    ).values_list("id", "execution_id"):
        incidents.setdefault(execution_id or "", []).append(incident_id)
    root = ActivityInstance(
        id=state.id,
        activity_id=state.process_definition_id,
        activity_type="processDefinition",
        activity_name=process.name,
        parent_activity_instance_id=None,
        process_instance_id=state.id,
        process_definition_id=state.process_definition_id,
        execution_ids=[state.id],
    )
    children: dict[str | None, list[Execution]] = {}
    for execution in state.executions.values():
        children.setdefault(execution.parent_id, []).append(execution)

    def node_info(activity_id: str, mi_body: bool) -> tuple[str, str, str | None]:
        node = process.find_node(activity_id)
        name = node.name if node is not None else None
        if mi_body:
            return f"{activity_id}#multiInstanceBody", "multiInstanceBody", name
        kind = node.kind.value if node is not None else "activity"
        head, *rest = kind.split("_")
        return activity_id, head + "".join(part.title() for part in rest), name

    def attach(execution: Execution, parent: ActivityInstance) -> None:
        if execution.activity_id is None or execution.activity_instance_id is None:
            for child in children.get(execution.id, []):
                attach(child, parent)
            return
        activity_id, activity_type, name = node_info(execution.activity_id, execution.mi_body)
        if execution.wait == Wait.JOB:
            parent.transitions.append(
                TransitionInstance(
                    id=execution.activity_instance_id,
                    activity_id=activity_id,
                    activity_type=activity_type,
                    activity_name=name,
                    parent_activity_instance_id=parent.id,
                    execution_id=execution.id,
                    incident_ids=incidents.get(execution.id, []),
                )
            )
            return
        instance = ActivityInstance(
            id=execution.activity_instance_id,
            activity_id=activity_id,
            activity_type=activity_type,
            activity_name=name,
            parent_activity_instance_id=parent.id,
            process_instance_id=state.id,
            process_definition_id=state.process_definition_id,
            execution_ids=[execution.id],
            incident_ids=incidents.get(execution.id, []),
        )
        parent.children.append(instance)
        for child in children.get(execution.id, []):
            attach(child, instance)

    top = state.executions[state.id]
    if top.activity_id is not None and top.activity_instance_id is not None:
        attach(top, root)
    else:
        for child in children.get(state.id, []):
            attach(child, root)
    return root
