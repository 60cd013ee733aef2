"""The instructions of a process instance modification (engine.runtime.modification), as
Camunda's ProcessInstanceModificationBuilder names them, and how messages describe them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Variables = Mapping[str, Any]  # plain values or TypedValue


@dataclass(frozen=True, slots=True)
class StartBefore:
    """Enter `activity_id` (asyncBefore and multi-instance are honoured, as in Camunda)."""

    activity_id: str
    variables: Variables = field(default_factory=dict)
    ancestor_activity_instance_id: str | None = None
    local_variables: Variables = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StartAfter:
    """Take the single outgoing sequence flow of `activity_id`."""

    activity_id: str
    variables: Variables = field(default_factory=dict)
    ancestor_activity_instance_id: str | None = None
    local_variables: Variables = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StartTransition:
    """Take the sequence flow `flow_id` (its take listeners run, then its target is entered)."""

    flow_id: str
    variables: Variables = field(default_factory=dict)
    ancestor_activity_instance_id: str | None = None
    local_variables: Variables = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CancelActivity:
    """Cancel every instance of `activity_id` (`X#multiInstanceBody` names the MI bodies);
    `current_only`: only those the instance had before the modification began, not those
    earlier instructions started (Camunda's cancelCurrentActiveActivityInstances)."""

    activity_id: str
    current_only: bool = False


@dataclass(frozen=True, slots=True)
class CancelActivityInstance:
    """Cancel one activity instance (the process instance id cancels everything)."""

    activity_instance_id: str


@dataclass(frozen=True, slots=True)
class CancelTransitionInstance:
    """Cancel a token waiting for its async continuation (execution or activity instance id)."""

    transition_instance_id: str


Instruction = (
    StartBefore
    | StartAfter
    | StartTransition
    | CancelActivity
    | CancelActivityInstance
    | CancelTransitionInstance
)
StartInstruction = StartBefore | StartAfter | StartTransition


def describe(instruction: Instruction) -> str:
    """Camunda-like wording of one instruction, for error messages and the operation log."""
    if isinstance(instruction, StartBefore):
        return f"Start before activity '{instruction.activity_id}'"
    if isinstance(instruction, StartAfter):
        return f"Start after activity '{instruction.activity_id}'"
    if isinstance(instruction, StartTransition):
        return f"Start transition '{instruction.flow_id}'"
    if isinstance(instruction, CancelActivity):
        return f"Cancel all instances of activity '{instruction.activity_id}'"
    if isinstance(instruction, CancelActivityInstance):
        return f"Cancel activity instance '{instruction.activity_instance_id}'"
    return f"Cancel transition instance '{instruction.transition_instance_id}'"
