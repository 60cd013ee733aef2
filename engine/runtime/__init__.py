"""The interpreter: `run(definition, state, command, now, env) -> Step(state, effects)`.

Pure Python (no Django, Celery or Channels). `engine.runtime.engine.ProcessEngine` runs
commands over a `Store`; `engine.runtime.memory.InMemoryStore` is the dict-backed store.
See docs/runtime.md.
"""

from engine.runtime.definition import ProcessDefinition
from engine.runtime.env import Environment
from engine.runtime.errors import (
    BpmnError,
    ConcurrentModification,
    NotFoundError,
    ProcessEngineError,
)
from engine.runtime.interpreter import Step, run
from engine.runtime.state import FORMAT_VERSION, InstanceState
from engine.runtime.values import TypedValue

__all__ = [
    "FORMAT_VERSION",
    "BpmnError",
    "ConcurrentModification",
    "Environment",
    "InstanceState",
    "NotFoundError",
    "ProcessDefinition",
    "ProcessEngineError",
    "Step",
    "TypedValue",
    "run",
]
