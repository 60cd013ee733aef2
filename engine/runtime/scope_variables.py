"""The variables an expression sees from an execution (engine.runtime.context.Run.context)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from engine.runtime.state import Execution
from engine.runtime.values import TypedValue


class VariableReader(Protocol):
    def get_typed(self, execution: Execution, name: str) -> TypedValue | None: ...
    def visible_variables(self, execution: Execution) -> dict[str, TypedValue]: ...


class ScopeVariables(Mapping[str, Any]):
    """The variables visible from an execution, looked up lazily along the scope chain.

    A Mapping (not the VariableScope protocol) because the evaluation context recognises a
    Mapping with a plain isinstance check, which is much cheaper than a protocol check."""

    __slots__ = ("_execution", "_run")

    def __init__(self, run: VariableReader, execution: Execution) -> None:
        self._run = run
        self._execution = execution

    def get(self, name: str, default: Any = None) -> Any:
        typed = self._run.get_typed(self._execution, name)
        return default if typed is None else typed.value

    def __getitem__(self, name: str) -> Any:
        typed = self._run.get_typed(self._execution, name)
        if typed is None:
            raise KeyError(name)
        return typed.value

    def __iter__(self) -> Iterator[str]:
        return iter(self._run.visible_variables(self._execution))

    def __len__(self) -> int:
        return len(self._run.visible_variables(self._execution))
