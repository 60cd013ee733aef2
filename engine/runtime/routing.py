"""Work on other instances that an instance's effects call for: a call activity's child to
start, a parent to continue or to receive an error, a child to delete, a signal's receivers.

The engine runs each piece of `Work` inside the same transaction as the command that
caused it (engine.runtime.engine).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import Environment
from engine.runtime.state import InstanceStatus
from engine.runtime.store import Store, called_definition


@dataclass(slots=True)
class Work:
    """One command to run on one instance."""

    instance_id: str | None  # None: a new instance
    command: cmd.Command
    definition: ProcessDefinition | None = None
    ignore_missing: bool = False  # broadcast deliveries skip instances that moved on


# The effects `follow_up` acts on: each starts, continues or ends work on another instance.
CROSS_INSTANCE = frozenset(
    {
        fx.StartCalledInstance,
        fx.InstanceEnded,
        fx.ErrorPropagated,
        fx.UncaughtErrorReturned,
        fx.EscalationPropagated,
        fx.EscalationReturned,
        fx.DeleteCalledInstance,
        fx.SignalThrown,
    }
)


def follow_up(store: Store, effect: fx.Effect, signals: list[fx.SignalThrown]) -> list[Work]:
    """The work `effect` calls for; a thrown signal is queued on `signals` instead (its
    receivers are looked up when its turn comes)."""
    if isinstance(effect, fx.StartCalledInstance):
        start = cmd.StartInstance(
            variables=effect.variables,
            business_key=effect.business_key,
            instance_id=effect.instance_id,
            super_execution_id=effect.super_execution_id,
            super_instance_id=effect.super_instance_id,
        )
        return [Work(None, start, called_definition(store, effect))]
    if isinstance(effect, fx.InstanceEnded):
        if effect.super_instance_id and effect.state == InstanceStatus.COMPLETED:
            ended = cmd.CalledInstanceEnded(
                effect.super_execution_id or "", effect.variables, effect.process_instance_id
            )
            return [Work(effect.super_instance_id, ended, ignore_missing=True)]
    elif isinstance(effect, fx.ErrorPropagated):
        error = cmd.ThrowError(
            effect.super_execution_id,
            effect.error_code,
            effect.error_message,
            effect.must_catch,
            effect.variables,
            effect.origin,
            effect.process_instance_id,
        )
        return [Work(effect.super_instance_id, error, ignore_missing=not effect.must_catch)]
    elif isinstance(effect, fx.UncaughtErrorReturned):
        origin = effect.origin
        end = cmd.EndUncaughtError(origin.execution_id)
        return [Work(origin.process_instance_id, end)]
    elif isinstance(effect, fx.EscalationPropagated):
        escalation = cmd.ThrowEscalation(
            effect.super_execution_id,
            effect.escalation_code,
            effect.must_catch,
            effect.variables,
            effect.origin,
            effect.process_instance_id,
        )
        return [Work(effect.super_instance_id, escalation, ignore_missing=True)]
    elif isinstance(effect, fx.EscalationReturned):
        origin = effect.origin
        go_on = cmd.ContinueAfterEscalation(origin.execution_id)
        return [Work(origin.process_instance_id, go_on, ignore_missing=True)]
    elif isinstance(effect, fx.DeleteCalledInstance):
        skips = (effect.skip_listeners, effect.skip_io_mappings)
        delete = cmd.DeleteInstance(effect.reason, *skips)
        return [Work(effect.instance_id, delete, ignore_missing=True)]
    elif isinstance(effect, fx.SignalThrown):
        signals.append(effect)
    return []


def signal_work(
    store: Store, env: Environment, signal: fx.SignalThrown, variables: Mapping[str, Any]
) -> Iterator[Work]:
    """A signal's deliveries: every waiting subscription, every signal start event (an
    instance it starts gets the signal's business key), of the tenants it reaches. An
    asynchronous signal leaves a job on each receiving instance here; its start events' jobs
    are the caller's (`signal_start_jobs`)."""
    for subscription in store.find_signal_subscriptions(signal.name, signal.tenant):
        yield Work(
            subscription.process_instance_id,
            cmd.DeliverSignal(subscription.id, dict(variables), signal.asynchronous),
            ignore_missing=True,
        )
    if signal.asynchronous:
        return
    for definition, activity_id in store.find_signal_start_events(signal.name, signal.tenant):
        start = cmd.StartInstance(
            variables=dict(variables), business_key=signal.business_key,
            start_activity_id=activity_id, instance_id=env.new_id(),
        )
        yield Work(None, start, definition)
