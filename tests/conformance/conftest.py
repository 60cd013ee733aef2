"""Conformance: the Camunda test models of ../shared/conformance run through the engine facade.

Tests use only the `engine` fixture: ProcessEngine operations plus a few query helpers, so a
Django-backed engine can be plugged in by providing another harness with the same methods.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.runtime.engine import ProcessEngine, ProcessInstance
from engine.runtime.env import CountingIds, Environment
from engine.runtime.memory import InMemoryStore
from engine.runtime.state import ExternalTask, Job, Subscription, Task

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(os.environ.get("LEGATO_CONFORMANCE_DIR", REPO.parent / "shared" / "conformance"))
MODELS = CORPUS / "models"

# What is not supported yet: test name -> reason. This table only shrinks.
XFAIL: dict[str, str] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        name = getattr(item, "originalname", None) or item.name
        if item.path.parent != Path(__file__).parent:
            continue
        reason = XFAIL.get(name)
        if reason is not None:
            item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("engine") == "django":
            item.add_marker(pytest.mark.django_db)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class EngineHarness:
    """ProcessEngine on an InMemoryStore plus the queries the conformance tests read."""

    def __init__(self, env: Environment) -> None:
        self.clock = Clock()
        self.store = InMemoryStore()
        self.engine = ProcessEngine(self.store, env, clock=self.clock)

    def __getattr__(self, name: str) -> Any:
        # the ProcessEngine operations: start_process_instance, complete_task, ...
        return getattr(self.engine, name)

    def deploy(self, *files: str) -> None:
        self.engine.deploy({name: (MODELS / name).read_bytes() for name in files})

    def start(self, key: str, **variables: Any) -> ProcessInstance:
        return self.engine.start_process_instance(key, variables=variables)

    def evaluate_start_conditions(self, **variables: Any) -> list[ProcessInstance]:
        return self.engine.evaluate_start_conditions(variables)

    # -- queries
    def list_tasks(self, **filters: Any) -> list[Task]:
        return self.store.list_tasks(**filters)

    def task_names(self, **filters: Any) -> list[str]:
        return sorted(t.name or "" for t in self.list_tasks(**filters))

    def only_task(self, **filters: Any) -> Task:
        tasks = self.list_tasks(**filters)
        assert len(tasks) == 1, [t.name for t in tasks]
        return tasks[0]

    def complete(self, name: str, **variables: Any) -> None:
        task = next(t for t in self.list_tasks() if t.name == name or t.task_definition_key == name)
        self.engine.complete_task(task.id, variables)

    def list_jobs(self, **filters: Any) -> list[Job]:
        return self.store.list_jobs(**filters)

    def list_subscriptions(self, **filters: Any) -> list[Subscription]:
        return self.store.list_subscriptions(**filters)

    def list_external_tasks(self, **filters: Any) -> list[ExternalTask]:
        return self.store.list_external_tasks(**filters)

    def conditional_start_events(self) -> list[tuple[str, str]]:
        """(definition id, start event id) of the definition-level conditional subscriptions."""
        return [(d.id, a) for d, a in self.store.find_conditional_start_events()]

    def get_variable(self, instance: ProcessInstance | str, name: str) -> Any:
        state = self.store.get_state(_id(instance))
        assert state is not None
        typed = state.root.variables.get(name) if state.executions else None
        return typed.value if typed is not None else None

    def get_typed_variable(self, instance: ProcessInstance | str, name: str) -> Any:
        state = self.store.get_state(_id(instance))
        assert state is not None
        return state.root.variables.get(name)

    def local_variables(self, instance: ProcessInstance | str, activity_id: str) -> dict[str, Any]:
        state = self.store.get_state(_id(instance))
        assert state is not None
        for execution in state.executions.values():
            if execution.activity_id == activity_id:
                return {k: v.value for k, v in execution.variables.items()}
        raise AssertionError(f"no execution at {activity_id}")

    def is_ended(self, instance: ProcessInstance | str) -> bool:
        state = self.store.get_state(_id(instance))
        return state is None or state.is_ended

    def active_activity_ids(self, instance: ProcessInstance | str) -> list[str]:
        state = self.store.get_state(_id(instance))
        assert state is not None
        return sorted(
            e.activity_id
            for e in state.executions.values()
            if e.activity_id is not None and e.wait not in (None, "scope")
        )

    def count_executions(self, instance: ProcessInstance | str) -> int:
        from engine.runtime.queries import execution_count

        state = self.store.get_state(_id(instance))
        assert state is not None
        definition = self.store.get_definition(state.process_definition_id)
        assert definition is not None
        return execution_count(definition, state)

    def activity_tree(self, instance: ProcessInstance | str) -> Any:
        from engine.runtime.queries import activity_instance_tree

        state = self.store.get_state(_id(instance))
        assert state is not None
        definition = self.store.get_definition(state.process_definition_id)
        assert definition is not None
        return activity_instance_tree(definition, state)

    def running_instances(self) -> list[str]:
        return [s.id for s in self.store.list_instances()]

    def execution_waiting_at(self, instance: ProcessInstance | str, activity_id: str) -> str:
        state = self.store.get_state(_id(instance))
        assert state is not None
        return next(e.id for e in state.executions.values() if e.activity_id == activity_id)

    def run_due_jobs(self) -> int:
        ran = 0
        for job in sorted(self.list_jobs(), key=lambda j: (j.due or self.clock.now, j.id)):
            if job.due is None or job.due <= self.clock.now:
                self.engine.execute_job(job.id)
                ran += 1
        return ran

    def run_all_jobs(self) -> None:
        for job in self.list_jobs():
            self.engine.execute_job(job.id)

    def move_clock(self, delta: timedelta) -> None:
        self.clock.now += delta

    def historic_activity_ids(self, instance: ProcessInstance | str) -> list[str]:
        from engine.runtime import effects as fx

        return sorted(
            e.activity_id
            for e in self.store.history
            if isinstance(e, fx.ActivityInstanceStarted) and e.process_instance_id == _id(instance)
        )

    def historic_variables(self, instance: ProcessInstance | str) -> dict[str, Any]:
        """Each variable the instance ever had, by name, with the value it last had."""
        from engine.runtime import effects as fx

        return {
            e.name: e.value.value
            for e in self.store.history
            if isinstance(e, fx.VariableUpdated) and e.process_instance_id == _id(instance)
        }


def _id(instance: ProcessInstance | str) -> str:
    return instance if isinstance(instance, str) else instance.id


@pytest.fixture
def delegates() -> dict[str, Callable[..., Any]]:
    return {}


@pytest.fixture
def beans() -> dict[str, object]:
    return {}


@pytest.fixture(params=["memory", "django"])
def engine(
    request: pytest.FixtureRequest,
    delegates: dict[str, Any],
    beans: dict[str, object],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Any]:
    """Every case runs twice: on the pure core (in memory) and on the real stack (service
    API, database rows)."""
    if not MODELS.is_dir():
        pytest.fail(f"conformance corpus not found at {CORPUS}")
    marker = request.node.get_closest_marker("environment")
    options = marker.kwargs if marker is not None else {}
    if request.param == "memory":
        env = Environment(new_id=CountingIds(), delegates=delegates, beans=beans, **options)
        yield EngineHarness(env)
        return
    from tests.conformance.django_harness import DjangoHarness

    env = Environment(delegates=delegates, beans=beans, **options)
    yield DjangoHarness(env, Clock(), monkeypatch, MODELS)
