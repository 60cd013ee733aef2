"""Interpreter scenarios, each run twice: straight, and with the state saved to JSON and
loaded again between steps (what the store does between commands)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.bpmn.parser import parse_bpmn
from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import CountingIds, Environment
from engine.runtime.interpreter import run
from engine.runtime.state import InstanceState, Task

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bpmn" / "runtime"
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def load(name: str) -> ProcessDefinition:
    definitions = parse_bpmn((FIXTURES / f"{name}.bpmn").read_bytes(), f"{name}.bpmn")
    (process,) = definitions.executable_processes
    return ProcessDefinition(
        id=f"{process.id}:1:test",
        key=process.id,
        version=1,
        process=process,
        definitions=definitions,
    )


class Scenario:
    """One instance driven command by command through `run`."""

    def __init__(self, definition: ProcessDefinition, env: Environment, round_trip: bool) -> None:
        self.definition = definition
        self.env = env
        self.round_trip = round_trip
        self.now = START
        self.state: InstanceState | None = None
        self.effects: list[fx.Effect] = []
        self.last: list[fx.Effect] = []

    def send(self, command: cmd.Command) -> list[fx.Effect]:
        state = self.state
        if state is not None and self.round_trip:
            state = InstanceState.from_json(json.loads(json.dumps(state.to_json())))
        step = run(self.definition, state, command, self.now, self.env)
        self.state = step.state
        self.last = step.effects
        self.effects.extend(step.effects)
        return step.effects

    def start(self, **variables: Any) -> Scenario:
        self.send(cmd.StartInstance(variables=variables))
        return self

    # -- reading the state
    @property
    def tasks(self) -> list[Task]:
        assert self.state is not None
        return sorted(self.state.tasks.values(), key=lambda t: t.name or "")

    def task(self, name: str) -> Task:
        return next(t for t in self.tasks if t.name == name)

    def task_names(self) -> list[str]:
        return [t.name or "" for t in self.tasks]

    def complete(self, name: str, **variables: Any) -> list[fx.Effect]:
        return self.send(cmd.CompleteTask(self.task(name).id, variables))

    def variable(self, name: str) -> Any:
        assert self.state is not None
        if self.state.is_ended:  # the executions are gone; history keeps the last value
            updates = [e for e in self.effects if isinstance(e, fx.VariableUpdated)]
            last = [e for e in updates if e.name == name and e.execution_id == self.state.id]
            return last[-1].value.value if last else None
        typed = self.state.root.variables.get(name)
        return typed.value if typed is not None else None

    def typed(self, name: str) -> Any:
        assert self.state is not None
        return self.state.root.variables.get(name)

    @property
    def ended(self) -> bool:
        assert self.state is not None
        return self.state.is_ended

    def of_type(self, kind: type) -> list[Any]:
        return [e for e in self.effects if isinstance(e, kind)]

    def later(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture(params=["straight", "json_round_trip"])
def round_trip(request: pytest.FixtureRequest) -> bool:
    return bool(request.param == "json_round_trip")


@pytest.fixture
def env() -> Environment:
    return Environment(new_id=CountingIds())


@pytest.fixture
def scenario(env: Environment, round_trip: bool):  # type: ignore[no-untyped-def]
    def make(name: str) -> Scenario:
        return Scenario(load(name), env, round_trip)

    return make
