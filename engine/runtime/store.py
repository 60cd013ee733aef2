"""The Store protocol: what the runner needs from persistence (dicts or the database)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from engine.runtime import effects as fx
from engine.runtime.definition import ProcessDefinition
from engine.runtime.errors import NotFoundError, ProcessEngineError
from engine.runtime.state import InstanceState, Job, Subscription
from engine.runtime.tenancy import TenantFilter


class MismatchingMessageCorrelation(ProcessEngineError):  # noqa: N818 - Camunda's name
    """A message matched no subscription or start event, or more than one for a single
    correlation."""


class Store(Protocol):
    """Persistence the runner needs. Every method runs inside `atomic()`.

    `save(state, expected_version)`: expected_version None inserts a new instance; otherwise
    the stored version must equal it (else raise ConcurrentModification) and the store saves
    the state with version expected_version + 1 (it sets `state.version`). Ended instances
    are saved too (status != ACTIVE): the store drops their runtime rows.
    `record(instance_id, effects)` projects effects to rows (instance_id None for
    definition-level effects such as timer-start jobs). The runner calls `record` after each
    `save`, so a store may hold what `save` writes and send it with the effects' rows.
    """

    def atomic(self) -> AbstractContextManager[Any]: ...

    # definitions
    def add_definition(self, definition: ProcessDefinition) -> None: ...
    def next_version(self, key: str) -> int: ...
    def get_definition(self, definition_id: str) -> ProcessDefinition | None: ...
    def find_definition(
        self,
        key: str,
        *,
        binding: str = "latest",
        version: str | None = None,
        version_tag: str | None = None,
        tenant_id: str | None = None,
        deployment_id: str | None = None,
    ) -> ProcessDefinition | None:
        """The version of `key` a binding names: `latest`, `version`, `versionTag` among the
        definitions of `tenant_id` (None: of no tenant), `deployment` in `deployment_id`."""
        ...

    # instance state
    def load(self, instance_id: str) -> InstanceState | None: ...
    def save(self, state: InstanceState, expected_version: int | None) -> None: ...
    def record(self, instance_id: str | None, effects: Sequence[fx.Effect]) -> None: ...

    # finding the instance a command is about
    def instance_of_task(self, task_id: str) -> str | None: ...
    def instance_of_external_task(self, external_task_id: str) -> str | None: ...
    def instance_of_execution(self, execution_id: str) -> str | None: ...
    def get_job(self, job_id: str) -> Job | None: ...
    def get_subscription(self, subscription_id: str) -> Subscription | None: ...

    # correlation
    def find_message_subscriptions(
        self,
        name: str,
        business_key: str | None = None,
        correlation_keys: Mapping[str, Any] | None = None,
        process_instance_id: str | None = None,
        local_variables: Mapping[str, Any] | None = None,
        tenant: TenantFilter | None = None,
    ) -> list[Subscription]: ...
    # `tenant`: only those of the tenants it admits (None: every tenant's)
    def find_signal_subscriptions(
        self, name: str, tenant: TenantFilter | None = None
    ) -> list[Subscription]: ...
    def find_message_start_events(
        self, name: str, tenant: TenantFilter | None = None
    ) -> list[tuple[ProcessDefinition, str]]: ...
    def find_signal_start_events(
        self, name: str, tenant: TenantFilter | None = None
    ) -> list[tuple[ProcessDefinition, str]]: ...
    def find_conditional_start_events(
        self, tenant: TenantFilter | None = None
    ) -> list[tuple[ProcessDefinition, str]]: ...


def called_definition(store: Store, call: fx.StartCalledInstance) -> ProcessDefinition:
    """The definition a call activity starts (its binding, in its tenant)."""
    definition = store.find_definition(
        call.called_element,
        binding=call.binding,
        version=call.version,
        version_tag=call.version_tag,
        tenant_id=call.tenant_id,
        deployment_id=call.deployment_id,
    )
    if definition is None:
        tenant = f" and tenant '{call.tenant_id}'" if call.tenant_id else ""
        raise NotFoundError(
            f"No process definition with key '{call.called_element}'{tenant} to call"
        )
    return definition


@dataclass(frozen=True, slots=True)
class ProcessInstance:
    """A started instance, as the start left it."""

    id: str
    definition_id: str
    business_key: str | None
    ended: bool
    # The user tasks open in it when the start returned, in the order they were created: the
    # caller that goes on to work on them needs no task query (called instances' not included).
    task_ids: tuple[str, ...] = ()
