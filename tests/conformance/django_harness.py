"""The conformance harness on the real stack: service API, DjangoStore, database rows.

Same methods as the in-memory `EngineHarness`; what the tests read comes from the engine's
tables (tasks, jobs, subscriptions, variables, history), so a case passing here passes on
what Cockpit, Tasklist and REST will show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from engine import definitions
from engine.decisions import find_decision
from engine.models import (
    EventSubscription,
    Execution,
    HistoricActivityInstance,
    HistoricVariableInstance,
    ProcessInstance,
    VariableInstance,
)
from engine.models import ExternalTask as ExternalTaskRow
from engine.models import Job as JobRow
from engine.models import Task as TaskRow
from engine.runtime.engine import ProcessEngine
from engine.runtime.engine import ProcessInstance as Started
from engine.runtime.env import Environment
from engine.runtime.queries import activity_instance_tree, execution_count
from engine.runtime.state import ExternalTask, InstanceState, Job, Subscription, Task
from engine.runtime.values import TypedValue
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from engine.store.django_store import DjangoStore
from engine.store.subtasks import stored_tasks

# ProcessEngine operations the tests call that have a service function of the same shape.
SERVICES = {
    "start_process_instance",
    "complete_task",
    "trigger",
    "message_event_received",
    "correlate_message",
    "set_variables",
    "delete_process_instance",
    "broadcast_signal",
    "execute_job",
}


class DjangoHarness:
    def __init__(self, env: Environment, clock: Any, monkeypatch: Any, models: Any) -> None:
        self.clock = clock
        self.models = models
        monkeypatch.setattr(rt, "clock", clock)
        # The test's environment, with decisions found as production finds them.
        env = replace(env, decisions=find_decision)
        monkeypatch.setattr(rt, "environment", lambda: env)
        self.store = _StateReader()
        self.engine = _Deployer()

    def __getattr__(self, name: str) -> Any:
        if name in SERVICES:
            return getattr(rt, name)

        def through_store(*args: Any, **kwargs: Any) -> Any:
            # Operations without a service function of their own (external tasks, message
            # starts, form fields) run on the ProcessEngine over the DjangoStore, in one
            # transaction, exactly as a service function would.
            return rt._command(None, lambda engine, store: getattr(engine, name)(*args, **kwargs))

        if callable(getattr(ProcessEngine, name, None)):
            return through_store
        raise AttributeError(name)

    def deploy(self, *files: str) -> None:
        deploy([ResourceInput(name, (self.models / name).read_bytes()) for name in files])

    def start(self, key: str, **variables: Any) -> Started:
        return rt.start_process_instance(key, variables=variables)

    def evaluate_start_conditions(self, **variables: Any) -> list[Started]:
        return rt.evaluate_start_conditions(variables)

    # -- queries (read from the tables) -----------------------------------------------------

    def list_tasks(self, **filters: Any) -> list[Task]:
        rows = TaskRow.objects.order_by("created", "id")
        for name in ("process_instance_id", "assignee", "task_definition_key"):
            if filters.get(name) is not None:
                rows = rows.filter(**{name: filters[name]})
        if filters.get("candidate_user") is not None:
            rows = rows.filter(candidates__user_id=filters["candidate_user"])
        if filters.get("candidate_group") is not None:
            rows = rows.filter(candidates__group_id=filters["candidate_group"])
        return stored_tasks(rows.distinct())

    def task_names(self, **filters: Any) -> list[str]:
        return sorted(t.name or "" for t in self.list_tasks(**filters))

    def only_task(self, **filters: Any) -> Task:
        tasks = self.list_tasks(**filters)
        assert len(tasks) == 1, [t.name for t in tasks]
        return tasks[0]

    def complete(self, name: str, **variables: Any) -> None:
        task = next(t for t in self.list_tasks() if t.name == name or t.task_definition_key == name)
        rt.complete_task(task.id, variables)

    def list_jobs(self, *, process_instance_id: str | None = None) -> list[Job]:
        rows = JobRow.objects.order_by("created", "id")
        if process_instance_id is not None:
            rows = rows.filter(process_instance_id=process_instance_id)
        store = DjangoStore()
        return [job for row in rows if (job := store.get_job(row.id)) is not None]

    def list_subscriptions(
        self, *, process_instance_id: str | None = None, kind: str | None = None
    ) -> list[Subscription]:
        rows = EventSubscription.objects.filter(process_instance_id__isnull=False)
        if process_instance_id is not None:
            rows = rows.filter(process_instance_id=process_instance_id)
        if kind is not None:
            rows = rows.filter(event_type=kind)
        store = DjangoStore()
        return [s for row in rows if (s := store.get_subscription(row.id)) is not None]

    def conditional_start_events(self) -> list[tuple[str, str]]:
        rows = EventSubscription.objects.filter(
            process_instance_id__isnull=True, execution_id__isnull=True, event_type="conditional"
        )
        return list(rows.values_list("process_definition_id", "activity_id"))

    def list_external_tasks(self, *, topic: str | None = None) -> list[ExternalTask]:
        rows = ExternalTaskRow.objects.order_by("created", "id")
        if topic is not None:
            rows = rows.filter(topic_name=topic)
        return [
            ExternalTask(
                id=row.id,
                topic=row.topic_name,
                priority=row.priority,
                activity_id=row.activity_id,
                activity_instance_id=row.activity_instance_id,
                execution_id=row.execution_id,
                process_instance_id=row.process_instance_id,
                process_definition_id=row.process_definition_id,
                retries=row.retries,
            )
            for row in rows
        ]

    def get_typed_variable(self, instance: Started | str, name: str) -> TypedValue | None:
        instance_id = _id(instance)
        row = VariableInstance.objects.filter(execution_id=instance_id, name=name).first()
        if row is None:
            return None
        return TypedValue.from_json({"type": row.type, "value": row.value})

    def get_variable(self, instance: Started | str, name: str) -> Any:
        typed = self.get_typed_variable(instance, name)
        return typed.value if typed is not None else None

    def local_variables(self, instance: Started | str, activity_id: str) -> dict[str, Any]:
        execution = Execution.objects.filter(
            process_instance_id=_id(instance), activity_id=activity_id
        ).first()
        assert execution is not None, f"no execution at {activity_id}"
        return {
            row.name: TypedValue.from_json({"type": row.type, "value": row.value}).value
            for row in VariableInstance.objects.filter(execution_id=execution.id)
        }

    def is_ended(self, instance: Started | str) -> bool:
        return not ProcessInstance.objects.filter(pk=_id(instance)).exists()

    def active_activity_ids(self, instance: Started | str) -> list[str]:
        state = self.store.get_state(instance)
        assert state is not None
        return sorted(
            e.activity_id
            for e in state.executions.values()
            if e.activity_id is not None and e.wait not in (None, "scope")
        )

    def count_executions(self, instance: Started | str) -> int:
        state = self.store.get_state(instance)
        assert state is not None
        return execution_count(definitions.runtime_definition(state.process_definition_id), state)

    def activity_tree(self, instance: Started | str) -> Any:
        state = self.store.get_state(instance)
        assert state is not None
        definition = definitions.runtime_definition(state.process_definition_id)
        return activity_instance_tree(definition, state)

    def running_instances(self) -> list[str]:
        return list(ProcessInstance.objects.order_by("start_time").values_list("id", flat=True))

    def execution_waiting_at(self, instance: Started | str, activity_id: str) -> str:
        return Execution.objects.get(process_instance_id=_id(instance), activity_id=activity_id).id

    def run_due_jobs(self) -> int:
        ran = 0
        for job in sorted(self.list_jobs(), key=lambda j: (j.due or self.clock.now, j.id)):
            if job.due is None or job.due <= self.clock.now:
                rt.execute_job(job.id)
                ran += 1
        return ran

    def run_all_jobs(self) -> None:
        for job in self.list_jobs():
            rt.execute_job(job.id)

    def move_clock(self, delta: timedelta) -> None:
        self.clock.now += delta

    def historic_activity_ids(self, instance: Started | str) -> list[str]:
        return sorted(
            HistoricActivityInstance.objects.filter(process_instance_id=_id(instance)).values_list(
                "activity_id", flat=True
            )
        )

    def historic_variables(self, instance: Started | str) -> dict[str, Any]:
        rows = HistoricVariableInstance.objects.filter(process_instance_id=_id(instance))
        return {
            row.name: TypedValue.from_json({"type": row.type, "value": row.value}).value
            for row in rows
        }


class _StateReader:
    """`harness.store.get_state(instance)`: the state as stored (history for ended ones)."""

    def get_state(self, instance: Started | str) -> InstanceState | None:
        from engine.models import HistoricProcessInstance

        instance_id = _id(instance)
        row = ProcessInstance.objects.filter(pk=instance_id).values_list("state", flat=True)
        stored = row.first()
        if stored is not None:
            return InstanceState.from_json(stored)
        history = HistoricProcessInstance.objects.filter(pk=instance_id).first()
        if history is None:
            return None
        ended = InstanceState(
            history.id, history.process_definition_id, history.process_definition_key
        )
        ended.status = history.state
        ended.end_activity_id = history.end_activity_id
        return ended


class _Deployer:
    """`harness.engine.deploy({name: bytes})`: deploy and return the runtime definitions."""

    def deploy(self, resources: Mapping[str, bytes]) -> list[Any]:
        result = deploy([ResourceInput(name, data) for name, data in resources.items()])
        return [definitions.runtime_definition(row.id) for row in result.process_definitions]


def _id(instance: Started | str) -> str:
    return instance if isinstance(instance, str) else instance.id


_ = datetime  # the clock object carries datetimes
