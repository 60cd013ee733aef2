"""`InMemoryStore`: the Store protocol over dicts, for tests and benchmarks.

States are kept as `to_json()` dicts and loaded fresh for every command, exactly as a
database store would, so a failed command can never leave a half-changed state behind
(`serialize=False` keeps the objects themselves: faster, for benchmarks only).
`atomic()` keeps an undo log, so a service call that fails half-way changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from types import TracebackType
from typing import Any

from engine.bpmn.model import EventKind
from engine.runtime import effects as fx
from engine.runtime.definition import ProcessDefinition
from engine.runtime.errors import ConcurrentModification
from engine.runtime.state import ExternalTask, InstanceState, Job, Subscription, Task
from engine.runtime.tenancy import TenantFilter

_MISSING: Any = object()


class InMemoryStore:
    def __init__(self, *, serialize: bool = True) -> None:
        self.serialize = serialize
        self.definitions: dict[str, ProcessDefinition] = {}
        self.by_key: dict[str, list[ProcessDefinition]] = {}
        self.states: dict[str, Any] = {}  # instance id -> JSON dict (or InstanceState)
        self.versions: dict[str, int] = {}
        self.tasks: dict[str, Task] = {}
        self.jobs: dict[str, Job] = {}
        self.subscriptions: dict[str, Subscription] = {}
        self.external_tasks: dict[str, ExternalTask] = {}
        self.executions: dict[str, str] = {}  # execution id -> instance id
        self.history: list[fx.Effect] = []
        # (table, key, old value) per write of the current atomic() block, newest last
        self._undo: list[tuple[dict[str, Any], str, Any]] | None = None

    # -- unit of work ------------------------------------------------------------------------

    def atomic(self) -> AbstractContextManager[None]:
        return _UnitOfWork(self)

    def _put(self, table: dict[str, Any], key: str, value: Any) -> None:
        old = table.get(key, _MISSING)
        table[key] = value
        if self._undo is not None:
            self._undo.append((table, key, old))

    def _pop(self, table: dict[str, Any], key: str) -> None:
        old = table.pop(key, _MISSING)
        if self._undo is not None and old is not _MISSING:
            self._undo.append((table, key, old))

    # -- definitions --------------------------------------------------------------------------

    def add_definition(self, definition: ProcessDefinition) -> None:
        self._put(self.definitions, definition.id, definition)
        versions = list(self.by_key.get(definition.key, []))
        versions.append(definition)
        self._put(self.by_key, definition.key, versions)

    def next_version(self, key: str) -> int:
        return len(self.by_key.get(key, [])) + 1

    def get_definition(self, definition_id: str) -> ProcessDefinition | None:
        return self.definitions.get(definition_id)

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
        versions = self.by_key.get(key, [])
        if binding == "deployment":
            deployed = [d for d in versions if d.deployment_id == deployment_id]
            return deployed[-1] if deployed else None
        versions = [d for d in versions if d.tenant_id == tenant_id]
        if not versions:
            return None
        if binding == "version" and version is not None:
            return next((d for d in versions if str(d.version) == str(version)), None)
        if binding == "versionTag" and version_tag is not None:
            tagged = [d for d in versions if d.version_tag == version_tag]
            return tagged[-1] if tagged else None
        return versions[-1]

    def latest_definitions(self) -> list[ProcessDefinition]:
        return [versions[-1] for versions in self.by_key.values() if versions]

    # -- state ----------------------------------------------------------------------------

    def load(self, instance_id: str) -> InstanceState | None:
        stored = self.states.get(instance_id)
        if stored is None:
            return None
        if self.serialize:
            return InstanceState.from_json(stored)
        assert isinstance(stored, InstanceState)
        return stored

    def save(self, state: InstanceState, expected_version: int | None) -> None:
        current = self.versions.get(state.id)
        if expected_version is None:
            if current is not None:
                raise ConcurrentModification(state.id, expected_version)
        elif current != expected_version:
            raise ConcurrentModification(state.id, expected_version)
        state.version = (expected_version or 0) + 1
        self._put(self.versions, state.id, state.version)
        self._put(self.states, state.id, state.to_json() if self.serialize else state)
        for execution_id in state.executions:
            if execution_id not in self.executions:
                self._put(self.executions, execution_id, state.id)

    def record(self, instance_id: str | None, effects: Sequence[fx.Effect]) -> None:
        # by the effect's type (a set and a dict lookup) rather than a chain of class patterns
        for effect in effects:
            kind = type(effect)
            if kind in _HISTORY:
                self.history.append(effect)
                continue
            projection = _PROJECTIONS.get(kind)
            if projection is not None:
                projection(self, effect)

    def _put_task(self, effect: fx.TaskCreated | fx.TaskUpdated) -> None:
        self._put(self.tasks, effect.task.id, effect.task)

    def _pop_task(self, effect: fx.TaskRemoved) -> None:
        self._pop(self.tasks, effect.task_id)

    def _put_job(self, effect: fx.JobCreated) -> None:
        self._put(self.jobs, effect.job.id, effect.job)

    def _pop_job(self, effect: fx.JobRemoved) -> None:
        self._pop(self.jobs, effect.job_id)

    def _job_due_changed(self, effect: fx.JobDueDateChanged) -> None:
        job = self.jobs.get(effect.job_id)
        if job is not None:
            offset = job.repeat_offset if effect.repeat_offset is None else effect.repeat_offset
            self._put(self.jobs, job.id, replace(job, due=effect.due, repeat_offset=offset))

    def _put_subscription(self, effect: fx.SubscriptionCreated) -> None:
        self._put(self.subscriptions, effect.subscription.id, effect.subscription)

    def _pop_subscription(self, effect: fx.SubscriptionRemoved) -> None:
        self._pop(self.subscriptions, effect.subscription_id)

    def _put_external_task(self, effect: fx.ExternalTaskCreated) -> None:
        self._put(self.external_tasks, effect.external_task.id, effect.external_task)

    def _pop_external_task(self, effect: fx.ExternalTaskRemoved) -> None:
        self._pop(self.external_tasks, effect.external_task_id)

    def _migrated(self, effect: fx.InstanceMigrated) -> None:
        # the kept open work changed in place: store the target's version of each
        for table, items in (
            (self.tasks, effect.tasks),
            (self.jobs, effect.jobs),
            (self.subscriptions, effect.subscriptions),
            (self.external_tasks, effect.external_tasks),
        ):
            for item in items:
                self._put(table, item.id, item)
        self.history.append(effect)

    # -- lookups ---------------------------------------------------------------------------

    def instance_of_task(self, task_id: str) -> str | None:
        task = self.tasks.get(task_id)
        return task.process_instance_id if task is not None else None

    def instance_of_external_task(self, external_task_id: str) -> str | None:
        external = self.external_tasks.get(external_task_id)
        return external.process_instance_id if external is not None else None

    def instance_of_execution(self, execution_id: str) -> str | None:
        return self.executions.get(execution_id)

    def get_job(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def get_subscription(self, subscription_id: str) -> Subscription | None:
        return self.subscriptions.get(subscription_id)

    def find_message_subscriptions(
        self,
        name: str,
        business_key: str | None = None,
        correlation_keys: Mapping[str, Any] | None = None,
        process_instance_id: str | None = None,
        local_variables: Mapping[str, Any] | None = None,
        tenant: TenantFilter | None = None,
    ) -> list[Subscription]:
        found: list[Subscription] = []
        for subscription in self.subscriptions.values():
            if subscription.kind != "message" or subscription.event_name != name:
                continue
            if not self._admitted(subscription.process_definition_id, tenant):
                continue
            if process_instance_id is not None and (
                subscription.process_instance_id != process_instance_id
            ):
                continue
            if local_variables:
                state = self.load(subscription.process_instance_id)
                execution = state.executions.get(subscription.execution_id) if state else None
                local = execution.variables if execution is not None else {}
                if any(
                    key not in local or local[key].value != value
                    for key, value in local_variables.items()
                ):
                    continue
            if business_key is not None or correlation_keys:
                state = self.load(subscription.process_instance_id)
                if state is None:
                    continue
                if business_key is not None and state.business_key != business_key:
                    continue
                if correlation_keys:
                    root = state.root.variables
                    if any(
                        key not in root or root[key].value != value
                        for key, value in correlation_keys.items()
                    ):
                        continue
            found.append(subscription)
        return found

    def find_signal_subscriptions(
        self, name: str, tenant: TenantFilter | None = None
    ) -> list[Subscription]:
        return [
            s for s in self.subscriptions.values()
            if s.kind == "signal" and s.event_name == name
            and self._admitted(s.process_definition_id, tenant)
        ]

    def _admitted(self, definition_id: str, tenant: TenantFilter | None) -> bool:
        definition = self.definitions.get(definition_id)
        return tenant is None or tenant.admits(definition.tenant_id if definition else None)

    def _start_events(
        self, kind: EventKind, name: str | None, tenant: TenantFilter | None
    ) -> list[tuple[ProcessDefinition, str]]:
        found: list[tuple[ProcessDefinition, str]] = []
        for definition in self.latest_definitions():
            if tenant is not None and not tenant.admits(definition.tenant_id):
                continue
            for start in definition.process.start_events:
                definition_kind = start.definition
                if definition_kind.kind is not kind:
                    continue
                if kind is EventKind.MESSAGE:
                    event_name = definition.message_name(definition_kind.message_ref)
                elif kind is EventKind.SIGNAL:
                    event_name = definition.signal_name(definition_kind.signal_ref)
                else:
                    event_name = None  # a condition has no name
                if event_name == name:
                    found.append((definition, start.id))
        return found

    def find_message_start_events(
        self, name: str, tenant: TenantFilter | None = None
    ) -> list[tuple[ProcessDefinition, str]]:
        return self._start_events(EventKind.MESSAGE, name, tenant)

    def find_signal_start_events(
        self, name: str, tenant: TenantFilter | None = None
    ) -> list[tuple[ProcessDefinition, str]]:
        return self._start_events(EventKind.SIGNAL, name, tenant)

    def find_conditional_start_events(
        self, tenant: TenantFilter | None = None
    ) -> list[tuple[ProcessDefinition, str]]:
        return self._start_events(EventKind.CONDITIONAL, None, tenant)

    # -- queries for tests and tools -------------------------------------------------------------

    def get_state(self, instance_id: str) -> InstanceState | None:
        return self.load(instance_id)

    def list_tasks(
        self,
        *,
        process_instance_id: str | None = None,
        assignee: str | None = None,
        candidate_user: str | None = None,
        candidate_group: str | None = None,
        task_definition_key: str | None = None,
    ) -> list[Task]:
        tasks = [
            t
            for t in self.tasks.values()
            if (process_instance_id is None or t.process_instance_id == process_instance_id)
            and (assignee is None or t.assignee == assignee)
            and (candidate_user is None or candidate_user in t.candidate_users)
            and (candidate_group is None or candidate_group in t.candidate_groups)
            and (task_definition_key is None or t.task_definition_key == task_definition_key)
        ]
        return sorted(tasks, key=lambda t: (t.created, t.name or ""))

    def list_jobs(self, *, process_instance_id: str | None = None) -> list[Job]:
        return [
            j
            for j in self.jobs.values()
            if process_instance_id is None or j.process_instance_id == process_instance_id
        ]

    def list_subscriptions(
        self, *, process_instance_id: str | None = None, kind: str | None = None
    ) -> list[Subscription]:
        return [
            s
            for s in self.subscriptions.values()
            if (process_instance_id is None or s.process_instance_id == process_instance_id)
            and (kind is None or s.kind == kind)
        ]

    def list_external_tasks(self, *, topic: str | None = None) -> list[ExternalTask]:
        return [x for x in self.external_tasks.values() if topic is None or x.topic == topic]

    def list_instances(self, *, active: bool = True) -> list[InstanceState]:
        states = [self.load(instance_id) for instance_id in self.states]
        return [s for s in states if s is not None and (not active or not s.is_ended)]


class _UnitOfWork:
    """One `atomic()` block: when it raises, every write made inside it is undone. A nested
    block leaves that to the outermost one. (A class, not @contextmanager: a generator-based
    context manager costs several calls per block, and every command opens one.)"""

    __slots__ = ("_history_length", "_outermost", "_store")

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self._outermost = False
        self._history_length = 0

    def __enter__(self) -> None:
        store = self._store
        if store._undo is None:
            self._outermost = True
            store._undo = []
            self._history_length = len(store.history)

    def __exit__(
        self,
        error_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._outermost:
            return
        store = self._store
        undo, store._undo = store._undo or [], None
        if error_type is not None:
            for table, key, old in reversed(undo):
                _restore(table, key, old)
            del store.history[self._history_length :]


# effect type -> how the store projects it to a row (other effects leave none)
_PROJECTIONS: dict[type[Any], Callable[[InMemoryStore, Any], None]] = {
    fx.TaskCreated: InMemoryStore._put_task,
    fx.TaskUpdated: InMemoryStore._put_task,
    fx.TaskRemoved: InMemoryStore._pop_task,
    fx.JobCreated: InMemoryStore._put_job,
    fx.JobRemoved: InMemoryStore._pop_job,
    fx.JobDueDateChanged: InMemoryStore._job_due_changed,
    fx.SubscriptionCreated: InMemoryStore._put_subscription,
    fx.SubscriptionRemoved: InMemoryStore._pop_subscription,
    fx.ExternalTaskCreated: InMemoryStore._put_external_task,
    fx.ExternalTaskRemoved: InMemoryStore._pop_external_task,
    fx.InstanceMigrated: InMemoryStore._migrated,
}
# the history records, kept in order in `history`
_HISTORY = frozenset(
    {
        fx.ProcessInstanceStarted,
        fx.ProcessInstanceFinished,
        fx.ActivityInstanceStarted,
        fx.ActivityInstanceEnded,
        fx.VariableUpdated,
        fx.DecisionEvaluated,
    }
)


def _restore(table: dict[str, Any], key: str, old: Any) -> None:
    if old is _MISSING:
        table.pop(key, None)
    else:
        table[key] = old
