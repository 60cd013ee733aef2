"""`DjangoStore`: the runtime's Store protocol over the ORM — the only code that maps instance
state and effects to engine tables.

One store object serves one service call. It remembers what it loaded (versions, executions),
so that saving writes only what changed: an instance that starts and ends in one command
never gets a runtime row, only history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from engine import definitions
from engine.models import (
    EventSubscription,
    ExternalTask,
    Task,
    VariableInstance,
)
from engine.models import Execution as ExecutionRow
from engine.models import Job as JobRow
from engine.models import ProcessDefinition as DefinitionRow
from engine.models import ProcessInstance as InstanceRow
from engine.models.tenancy import current_source, tenant_scope
from engine.runtime import effects as fx
from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import unique_id
from engine.runtime.errors import ConcurrentModification
from engine.runtime.queries import public_execution_id
from engine.runtime.state import InstanceState, Job, Subscription
from engine.runtime.tenancy import TenantFilter
from engine.runtime.values import infer_type
from engine.store.contents import content_source
from engine.store.post_commit import PostCommit
from engine.store.projection import DefinitionFacts, InstanceFacts, Projection, query_columns
from engine.store.rows import batched_writes, fetch_one
from engine.store.subtasks import subtask_removals
from engine.store.tables import (
    EXECUTIONS,
    HISTORIC_INCIDENTS,
    INCIDENTS,
    INSTANCES,
    TASKS,
    VARIABLES,
)


class DjangoStore:
    def __init__(self, *, history_level: str = "full", start_user_id: str | None = None) -> None:
        self.history_level = history_level
        self.start_user_id = start_user_id
        # The caller's tenants (engine/models/tenancy.py), taken before the command reads
        # everything: a message or signal reaches only subscriptions the caller may see.
        self._tenants = current_source()
        # instance id -> {execution id: (parent, activity, activity instance)} as last stored
        self._stored_executions: dict[str, dict[str, tuple[Any, ...]]] = {}
        # instance id -> whether its stored state holds variables (rows to purge when it ends)
        self._stored_variables: dict[str, bool] = {}
        # Instances whose loaded state refers to contents kept in their variable rows, and
        # the called ones of them that ended: their rows go when the call's commands are done
        # (`_purge_later`; engine.store.contents).
        self._stored_contents: set[str] = set()
        self._content_purges: list[str] | None = None
        self._states: dict[str, InstanceState] = {}
        self._facts: dict[str, InstanceFacts] = {}
        # what `save` writes that needs no answer: sent with the effects' rows by `record`
        self._pending: list[Callable[[], None]] = []
        self._task_instances: dict[str, str] = {}  # task id -> instance id, read by the caller
        self.post_commit = PostCommit()
        # The job or external task a command carries out (for the job/external-task logs).
        self.succeeded: frozenset[str] = frozenset()

    @contextmanager
    def atomic(self) -> Iterator[None]:
        # The service function around the engine owns the transaction and re-runs the whole
        # call on a lost race (engine.services.runtime): no savepoint here.
        with transaction.atomic(savepoint=False):
            self._content_purges = []
            try:
                yield
                if self._content_purges:
                    VARIABLES.delete(self._content_purges, column="process_instance_id")
            finally:
                self._content_purges = None

    # -- definitions (deployment goes through engine.services.deploy) -----------------------

    def add_definition(self, definition: ProcessDefinition) -> None:
        raise NotImplementedError("deploy through engine.services.deploy")

    def next_version(self, key: str) -> int:
        raise NotImplementedError("deploy through engine.services.deploy")

    def get_definition(self, definition_id: str) -> ProcessDefinition | None:
        try:
            return definitions.runtime_definition(definition_id)
        except Exception:  # noqa: BLE001 - the protocol answers None for an unknown id
            return None

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
        rows = DefinitionRow.objects.filter(key=key)
        if binding == "deployment":
            rows = rows.filter(deployment_id=deployment_id)
        else:
            rows = rows.filter(tenant_id=tenant_id)
        if binding == "version" and version is not None:
            rows = rows.filter(version=int(version))
        elif binding == "versionTag" and version_tag is not None:
            rows = rows.filter(version_tag=version_tag)
        definition_id = rows.order_by("-version").values_list("id", flat=True).first()
        return definitions.runtime_definition(definition_id) if definition_id else None

    # -- instance state -------------------------------------------------------------------

    def load(self, instance_id: str) -> InstanceState | None:
        known = self._states.get(instance_id)
        if known is not None:
            # Saved or loaded earlier in this call: it is what the database now holds for us.
            return known
        row = INSTANCES.select_one(("state", "revision"), {"id": instance_id})
        return None if row is None else self._loaded(*row)

    def _loaded(self, stored: dict[str, Any], revision: int) -> InstanceState:
        source = content_source()
        state = InstanceState.from_json(stored, source)
        state.version = revision
        self._remember(state, stored=True)
        if source.referred:
            self._stored_contents.add(state.id)
        return state

    def save(self, state: InstanceState, expected_version: int | None) -> None:
        self._states[state.id] = state
        facts = self._facts.setdefault(
            state.id, InstanceFacts(state.business_key, self.start_user_id)
        )
        facts.business_key = state.business_key
        if expected_version is None:
            state.version = 1
            if not state.is_ended:
                # Nobody else can hold this id: the row goes out with the command's writes.
                self._pending.append(lambda: self._insert_instance(state, facts))
                self._pending.append(lambda: self._sync_executions(state))
            return
        where = {"id": state.id, "revision": expected_version}

        def saved(changed: int) -> None:
            if not changed:  # another command saved this instance since we loaded it
                raise ConcurrentModification(state.id, expected_version)

        # Sent first with the command's other writes; its row count is checked when it ran.
        if state.is_ended:
            self._pending.append(lambda: INSTANCES.delete_where(where, saved))
        else:
            state.version = expected_version + 1
            values = {"state": state.to_json(inline_contents=False), "revision": state.version}
            self._pending.append(lambda: INSTANCES.update_where(values, where, saved))
        self._pending.append(lambda: self._sync_executions(state))

    def _insert_instance(self, state: InstanceState, facts: InstanceFacts) -> None:
        INSTANCES.insert(
            [
                [
                    state.id,
                    state.process_definition_id,
                    state.business_key,
                    state.super_instance_id,
                    state.super_execution_id,
                    state.to_json(inline_contents=False),
                    1,
                    state.start_time,
                    facts.start_user_id,
                    False,
                ]
            ]
        )

    def record(self, instance_id: str | None, effects: Sequence[fx.Effect]) -> None:
        state = self._states.get(instance_id) if instance_id else None
        definitions_facts = self._definition_facts(effects, state)
        if state is None:
            self.post_commit.collect(effects)
        else:
            owner = definitions_facts[state.process_definition_id]
            self.post_commit.collect(effects, owner.key, owner.tenant_id, state.tasks.values())
        ended = {instance_id} if state is not None and state.is_ended else set()
        projection = Projection(
            definitions_facts,
            self._facts,
            self.history_level,
            _new_id,
            self.succeeded,
            self.start_user_id,
        )
        # Read before the held execution sync forgets what was stored.
        purge = state is not None and state.is_ended and state.id in self._stored_executions
        stored_variables = purge and self._stored_variables.get(state.id, True)
        # What `save` held, the version-checked instance row first, then the runtime rows and
        # history: one batch.
        with batched_writes():
            for held in self._pending:
                held()
            self._pending.clear()
            if purge:
                later = stored_variables and self._purge_later(state)
                _delete_runtime_rows(state.id, variables=stored_variables and not later)
            projection.write(effects, ended)
        if projection.ended_parents:
            # Their subtasks end with them, and theirs with them in turn (Camunda's cascade).
            self.record(None, subtask_removals(projection.ended_parents))

    def _purge_later(self, state: InstanceState) -> bool:
        """Whether the variable rows of `state`, which ended, wait for the end of the call: a
        called instance whose variables still refer to contents in them hands those variables
        to its call activity, which reads what its output mappings take (only then)."""
        if (
            state.super_instance_id is None
            or state.id not in self._stored_contents
            or self._content_purges is None
        ):
            return False
        self._content_purges.append(state.id)
        return True

    # -- finding the instance a command is about ------------------------------------------

    def read_task(self, task_id: str, columns: Sequence[str]) -> tuple[Any, ...] | None:
        """The task's `columns`, read with its instance's state in one query: the command
        about to act on the task then neither looks up its instance nor loads the state."""
        selected = ", ".join(f"t.{column}" for column in columns)
        row = fetch_one(
            f"SELECT {selected}, t.process_instance_id, p.state, p.revision "
            f"FROM {TASKS.name} t LEFT JOIN {INSTANCES.name} p "
            "ON p.id = t.process_instance_id WHERE t.id = %s",
            [task_id],
        )
        if row is None:
            return None
        *task, instance_id, state, revision = row
        self._task_instances[task_id] = instance_id
        if state is not None and instance_id not in self._states:
            self._loaded(INSTANCES.decode("state", state), revision)
        return tuple(task)

    def instance_of_task(self, task_id: str) -> str | None:
        known = self._task_instances.get(task_id)
        if known is not None:
            return known
        return Task.objects.filter(pk=task_id).values_list("process_instance_id", flat=True).first()

    def instance_of_external_task(self, external_task_id: str) -> str | None:
        return (
            ExternalTask.objects.filter(pk=external_task_id)
            .values_list("process_instance_id", flat=True)
            .first()
        )

    def instance_of_execution(self, execution_id: str) -> str | None:
        return (
            ExecutionRow.objects.filter(pk=execution_id)
            .values_list("process_instance_id", flat=True)
            .first()
        )

    def get_job(self, job_id: str) -> Job | None:
        row = JobRow.objects.filter(pk=job_id).first()
        if row is None:
            return None
        return Job(
            id=row.id,
            kind=row.type,
            execution_id=row.execution_id,
            process_instance_id=row.process_instance_id,
            process_definition_id=row.process_definition_id,
            activity_id=row.activity_id,
            due=row.due_date,
            priority=row.priority,
            retries=row.retries,
            exclusive=row.exclusive,
            repeat=row.repeat,
            repeat_offset=row.repeat_offset,
        )

    def get_subscription(self, subscription_id: str) -> Subscription | None:
        row = EventSubscription.objects.filter(pk=subscription_id).first()
        return _subscription(row) if row is not None else None

    # -- correlation ----------------------------------------------------------------------

    def find_message_subscriptions(
        self,
        name: str,
        business_key: str | None = None,
        correlation_keys: Mapping[str, Any] | None = None,
        process_instance_id: str | None = None,
        local_variables: Mapping[str, Any] | None = None,
        tenant: TenantFilter | None = None,
    ) -> list[Subscription]:
        with tenant_scope(self._tenants):
            rows = EventSubscription.objects.filter(
                _of_tenant(tenant),
                event_type="message", event_name=name, process_instance_id__isnull=False,
            )
        if process_instance_id is not None:
            rows = rows.filter(process_instance_id=process_instance_id)
        for key, value in (local_variables or {}).items():
            rows = rows.filter(Exists(_variable_matching(key, value, "execution_id")))
        if business_key is not None:
            rows = rows.filter(
                process_instance_id__in=InstanceRow.objects.filter(
                    business_key=business_key
                ).values("id")
            )
        for key, value in (correlation_keys or {}).items():
            # Correlation keys match process variables: those of the root execution.
            rows = rows.filter(Exists(_variable_matching(key, value, "process_instance_id")))
        return [_subscription(row) for row in rows.order_by("created", "id")]

    def find_signal_subscriptions(
        self, name: str, tenant: TenantFilter | None = None
    ) -> list[Subscription]:
        with tenant_scope(self._tenants):
            rows = EventSubscription.objects.filter(
                _of_tenant(tenant),
                event_type="signal", event_name=name, process_instance_id__isnull=False,
            )
        return [_subscription(row) for row in rows.order_by("created", "id")]

    def find_message_start_events(
        self, name: str, tenant: TenantFilter | None = None
    ) -> list[tuple[ProcessDefinition, str]]:
        return self._start_events("message", name, tenant)

    def find_signal_start_events(
        self, name: str, tenant: TenantFilter | None = None
    ) -> list[tuple[ProcessDefinition, str]]:
        return self._start_events("signal", name, tenant)

    def find_conditional_start_events(
        self, tenant: TenantFilter | None = None
    ) -> list[tuple[ProcessDefinition, str]]:
        return self._start_events("conditional", None, tenant)

    def _start_events(
        self, kind: str, name: str | None, tenant: TenantFilter | None
    ) -> list[tuple[ProcessDefinition, str]]:
        with tenant_scope(self._tenants):
            rows = (
                EventSubscription.objects.filter(
                    _of_tenant(tenant),
                    event_type=kind, event_name=name, process_instance_id__isnull=True,
                )
                .order_by("created", "id")
                .values_list("process_definition_id", "activity_id")
            )
        return [
            (definitions.runtime_definition(definition_id), activity_id)
            for definition_id, activity_id in rows
            if not DefinitionRow.objects.filter(pk=definition_id, suspended=True).exists()
        ]

    # -- helpers --------------------------------------------------------------------------

    def _remember(self, state: InstanceState, *, stored: bool) -> None:
        self._states[state.id] = state
        self._facts[state.id] = InstanceFacts(state.business_key, self.start_user_id)
        if stored:
            self._stored_executions[state.id] = _executions_of(state)
            self._stored_variables[state.id] = _holds_variables(state)

    def _sync_executions(self, state: InstanceState) -> None:
        before = self._stored_executions.get(state.id, {})
        after = {} if state.is_ended else _executions_of(state)
        gone = [eid for eid in before if eid not in after]
        changed = [eid for eid, row in after.items() if before.get(eid) != row]
        EXECUTIONS.delete(gone)
        EXECUTIONS.insert([eid, state.id, *after[eid]] for eid in changed)
        self._stored_executions[state.id] = after
        self._stored_variables[state.id] = _holds_variables(state)

    def _definition_facts(
        self, effects: Sequence[fx.Effect], state: InstanceState | None
    ) -> dict[str, DefinitionFacts]:
        ids = {state.process_definition_id} if state is not None else set()
        for effect in effects:
            match effect:
                case fx.JobCreated(job):
                    ids.add(job.process_definition_id)
                case fx.ProcessInstanceStarted():
                    ids.add(effect.process_definition_id)
        return {definition_id: _definition_facts(definition_id) for definition_id in ids}


_facts_cache: dict[str, DefinitionFacts] = {}


def _definition_facts(definition_id: str) -> DefinitionFacts:
    cached = _facts_cache.get(definition_id)
    if cached is None:
        definition = definitions.runtime_definition(definition_id)
        cached = DefinitionFacts(
            definition.id,
            definition.key,
            definition.process.name,
            definition.version,
            definition.tenant_id,
        )
        _facts_cache[definition_id] = cached
    return cached


def _variable_matching(name: str, value: Any, scope_column: str) -> Any:
    """Variables `name` == `value` on the subscription's execution or its process instance."""
    columns = query_columns(infer_type(value))
    return VariableInstance.objects.filter(
        execution_id=OuterRef(scope_column),
        name=name,
        **{k: v for k, v in columns.items() if v is not None},
    )


def _executions_of(state: InstanceState) -> dict[str, tuple[Any, ...]]:
    definition = definitions.runtime_definition(state.process_definition_id)
    return {
        e.id: (
            e.parent_id,
            e.activity_id,
            e.activity_instance_id,
            public_execution_id(definition, state, e),
            state.process_definition_id,
        )
        for e in state.executions.values()
    }


def _holds_variables(state: InstanceState) -> bool:
    """Whether the instance has variables: its variable rows mirror its executions' (every
    change to them is a command on the instance, under its version)."""
    return not state.is_ended and any(e.variables for e in state.executions.values())


def _delete_runtime_rows(instance_id: str, *, variables: bool) -> None:
    """What an ended instance leaves that no effect removes: its variables (effects only say
    what changed; none to purge when its stored state held none) and its open incidents,
    which end as deleted in history (Camunda's incidentState DELETED). Tasks, jobs,
    subscriptions and external tasks go by their removal effects, executions by the
    execution sync."""
    if variables:
        VARIABLES.delete([instance_id], column="process_instance_id")

    def close_in_history(deleted: int) -> None:
        # Most instances end without an open incident: then this statement is not sent.
        if deleted:
            HISTORIC_INCIDENTS.update_where(
                {"state": "deleted", "end_time": timezone.now()},
                {"process_instance_id": instance_id, "state": "open"},
            )

    INCIDENTS.delete_where({"process_instance_id": instance_id}, close_in_history)


def _of_tenant(tenant: TenantFilter | None) -> Q:
    """Subscriptions of the definitions of the tenants `tenant` admits (None: all)."""
    if tenant is None:
        return Q()
    own = Q(tenant_id=tenant.tenant_id) if tenant.tenant_id is not None else Q(pk__in=[])
    if tenant.tenant_id is None or tenant.with_shared:
        own |= Q(tenant_id__isnull=True)
    definitions = DefinitionRow.objects.filter(own).values("id")
    return Q(process_definition_id__in=definitions)


def _subscription(row: EventSubscription) -> Subscription:
    return Subscription(
        id=row.id,
        kind=row.event_type,
        event_name=row.event_name,
        execution_id=row.execution_id or "",
        process_instance_id=row.process_instance_id or "",
        process_definition_id=row.process_definition_id,
        activity_id=row.activity_id,
        created=row.created,
    )


_new_id = unique_id
