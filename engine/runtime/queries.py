"""Read-side views of one instance state, in Camunda's terms.

Our execution tree keeps one execution per token; Camunda collapses a lone token into its
scope execution and adds a concurrent execution per branch. `execution_count` reproduces
Camunda's number (tests and the REST execution count compare against it);
`activity_instance_tree` is `runtimeService.getActivityInstance(processInstanceId)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.runtime.definition import ProcessDefinition
from engine.runtime.state import Execution, InstanceState, Wait


def is_scope(definition: ProcessDefinition, execution: Execution) -> bool:
    """Camunda makes an activity a scope when it has boundary events, input/output mappings,
    is a sub-process, or is a multi-instance body."""
    if execution.activity_id is None or execution.mi_body:
        return True
    return execution.activity_id in definition.scope_activities


def public_execution_id(
    definition: ProcessDefinition, state: InstanceState, execution: Execution
) -> str:
    """The execution id Camunda would show for `execution`. Camunda runs a non-scope activity
    in the execution of its scope when nothing else runs there: a lone token directly under
    the process instance *is* the process instance execution, one alone in an embedded or
    event sub-process is that sub-process's scope execution. A token with siblings is a
    concurrent execution of its own, a scope activity (boundary events, input/output mappings,
    multi-instance) gets a scope execution, and a multi-instance body's instances keep theirs."""
    parent = state.executions.get(execution.parent_id) if execution.parent_id else None
    if parent is None or execution.wait == Wait.SCOPE or parent.mi_body:
        return execution.id
    siblings = 0
    for other in state.executions.values():
        if other.parent_id == parent.id:
            siblings += 1
            if siblings > 1:
                return execution.id
    # the definition last: the cheaper checks settle most tokens
    return execution.id if is_scope(definition, execution) else parent.id


def execution_count(definition: ProcessDefinition, state: InstanceState) -> int:
    """How many executions Camunda would show for this instance (0 once it has ended)."""
    if state.is_ended or not state.executions:
        return 0
    children: dict[str, list[Execution]] = {}
    for execution in state.executions.values():
        if execution.parent_id is not None:
            children.setdefault(execution.parent_id, []).append(execution)

    def count(execution: Execution) -> int:
        kids = children.get(execution.id, [])
        total = 1
        for kid in kids:
            inner = count(kid) if is_scope(definition, kid) else count(kid) - 1
            total += inner + (1 if len(kids) > 1 else 0)
        return total

    return count(state.root)


@dataclass
class TransitionInstance:
    """A token between activities, waiting for its async-before or async-after job."""

    id: str
    activity_id: str
    activity_type: str
    activity_name: str | None
    parent_activity_instance_id: str
    execution_id: str
    incident_ids: list[str] = field(default_factory=list)
    token_id: str = ""  # our execution for it (execution_id is the one Camunda shows)


@dataclass
class ActivityInstance:
    """One node of `runtimeService.getActivityInstance`: the process instance at the root."""

    id: str
    activity_id: str
    activity_type: str = "processDefinition"
    activity_name: str | None = None
    parent_activity_instance_id: str | None = None
    process_instance_id: str = ""
    process_definition_id: str = ""
    execution_ids: list[str] = field(default_factory=list)
    incident_ids: list[str] = field(default_factory=list)
    children: list[ActivityInstance] = field(default_factory=list)
    transitions: list[TransitionInstance] = field(default_factory=list)
    token_id: str = ""  # our execution for it (execution_ids are the ones Camunda shows)

    def activity_ids(self) -> list[str]:
        """Every activity id in the tree below (not including) this node, sorted."""
        found: list[str] = []
        for child in self.children:
            found.append(child.activity_id)
            found.extend(child.activity_ids())
        return sorted(found)


def _camel(kind: str) -> str:
    head, *rest = kind.split("_")
    return head + "".join(part.title() for part in rest)


def activity_instance_tree(definition: ProcessDefinition, state: InstanceState) -> ActivityInstance:
    """The process instance at the root, active scopes and activities below it; a
    multi-instance activity X appears as `X#multiInstanceBody` with the instances under it,
    and a token waiting for an async continuation as a transition instance."""
    root = ActivityInstance(
        id=state.id,
        activity_id=definition.id,
        activity_name=definition.process.name,
        process_instance_id=state.id,
        process_definition_id=definition.id,
        execution_ids=[state.id],
        token_id=state.id,
    )
    children: dict[str, list[Execution]] = {}
    for execution in state.executions.values():
        if execution.parent_id is not None:
            children.setdefault(execution.parent_id, []).append(execution)

    def describe(execution: Execution) -> tuple[str, str, str | None]:
        assert execution.activity_id is not None
        node = definition.process.find_node(execution.activity_id)
        name = node.name if node is not None else None
        if execution.mi_body:
            return f"{execution.activity_id}#multiInstanceBody", "multiInstanceBody", name
        kind = _camel(node.kind.value) if node is not None else "activity"
        return execution.activity_id, kind, name

    def build(parent: ActivityInstance, execution: Execution) -> None:
        for kid in children.get(execution.id, []):
            if kid.activity_id is None:
                continue
            if kid.wait is None and not children.get(kid.id):
                continue  # a token in transit (never seen between commands)
            activity_id, kind, name = describe(kid)
            if kid.wait == Wait.JOB and not children.get(kid.id):
                # Before an async-before activity starts, its token has no activity
                # instance yet: the transition instance is named by the execution.
                parent.transitions.append(
                    TransitionInstance(
                        kid.activity_instance_id or kid.id,
                        activity_id,
                        kind,
                        name,
                        parent.id,
                        public_execution_id(definition, state, kid),
                        token_id=kid.id,
                    )
                )
                continue
            if kid.activity_instance_id is None:
                continue
            node = ActivityInstance(
                id=kid.activity_instance_id,
                activity_id=activity_id,
                activity_type=kind,
                activity_name=name,
                parent_activity_instance_id=parent.id,
                process_instance_id=state.id,
                process_definition_id=definition.id,
                execution_ids=[public_execution_id(definition, state, kid)],
                token_id=kid.id,
            )
            parent.children.append(node)
            build(node, kid)

    if state.executions:
        build(root, state.root)
    return root
