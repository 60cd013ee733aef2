"""Process instances, their variables and their activity instance tree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from engine import definitions
from engine.errors import NotFoundError
from engine.models import Incident, ProcessInstance, Task, VariableInstance
from engine.queries.like import like
from engine.runtime.queries import ActivityInstance, TransitionInstance
from engine.runtime.queries import activity_instance_tree as runtime_tree
from engine.runtime.state import Execution, InstanceState
from engine.runtime.values import TypedValue
from engine.store.contents import load_state

__all__ = [
    "ActivityInstance",
    "TransitionInstance",
    "activity_instance_tree",
    "get_process_instance",
    "get_variables",
    "list_process_instances",
    "variable_equals",
]


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
        rows = rows.filter(like("business_key", business_key_like))
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


def variable_equals(
    name: str, value: Any, instance_id: Any, rows: QuerySet[Any] | None = None
) -> QuerySet[Any]:
    """Rows of process variable `name` equal to `value` (compared in its typed column), among
    `rows`: the running variables unless told (historic variables have the same columns)."""
    from engine.runtime.values import infer_type
    from engine.store.projection import query_columns

    columns = {k: v for k, v in query_columns(infer_type(value)).items() if v is not None}
    if not columns:
        columns = {"value": value}
    variables = VariableInstance.objects.all() if rows is None else rows
    return variables.filter(
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
    return _visible(state, execution_id, local, names)


def get_task_variables(
    task: Task, *, local: bool = False, names: list[str] | None = None
) -> dict[str, TypedValue]:
    """Variables a task of a process sees: from the token it waits at outwards, so its own
    (input mappings, task-local values) first; `local`, only those (Camunda's task-local
    variables). Its `execution_id` may name the instance instead (a lone token)."""
    state = _state_of_task(task)
    if state is None:
        raise NotFoundError(f"Cannot find task with id {task.id}: task is null")
    return _visible(state, _token_of(state, task), local, names)


def task_execution_id(task: Task) -> str:
    """The id of the execution (token) a task of a process waits at: where its local
    variables live."""
    state = _state_of_task(task)
    return task.execution_id if state is None else _token_of(state, task)


def _state_of_task(task: Task) -> InstanceState | None:
    found = ProcessInstance.objects.filter(pk=task.process_instance_id)
    row = found.values_list("state", flat=True).first()
    return None if row is None else load_state(row)


def _token_of(state: InstanceState, task: Task) -> str:
    for execution in state.executions.values():
        if execution.task_id == task.id:
            return execution.id
    return task.execution_id


def _visible(
    state: InstanceState, execution_id: str, local: bool, names: list[str] | None
) -> dict[str, TypedValue]:
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
    state = load_state(row)
    return state if execution_id in state.executions else None


def _scope_chain(state: InstanceState, execution_id: str) -> list[Execution]:
    chain = []
    current: Execution | None = state.executions[execution_id]
    while current is not None:
        chain.append(current)
        current = state.executions.get(current.parent_id) if current.parent_id else None
    return chain


def activity_instance_tree(instance_id: str) -> ActivityInstance:
    """The active activities of a running instance as a tree of scopes, with the incidents
    of each activity (the cockpit's and REST's `activity-instances`)."""
    row = ProcessInstance.objects.filter(pk=instance_id).values_list("state", flat=True).first()
    if row is None:
        raise NotFoundError(f"Process instance with id {instance_id} does not exist")
    state = load_state(row)
    tree = runtime_tree(definitions.runtime_definition(state.process_definition_id), state)
    incidents: dict[str, list[str]] = {}
    for incident_id, execution_id in Incident.objects.filter(
        process_instance_id=instance_id
    ).values_list("id", "execution_id"):
        incidents.setdefault(execution_id or "", []).append(incident_id)
    _attach_incidents(tree, incidents)
    return tree


def _attach_incidents(node: ActivityInstance, incidents: dict[str, list[str]]) -> None:
    # By our execution, not the one Camunda shows: a sub-process and the lone token in it
    # show as one execution, its incidents are the token's.
    node.incident_ids.extend(incidents.get(node.token_id, []))
    for transition in node.transitions:
        transition.incident_ids.extend(incidents.get(transition.token_id, []))
    for child in node.children:
        _attach_incidents(child, incidents)
