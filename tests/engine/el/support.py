"""Helpers for the expression tests: an evaluation shortcut and example host facades."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from engine.el import ElObject, EvaluationContext, compile_expression

NOW = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)


def evaluate(text: str, /, **variables: Any) -> Any:
    return compile_expression(text).evaluate(EvaluationContext(variables, now=NOW))


class ExampleExecution(ElObject):
    """What the runtime's execution facade looks like to the evaluator."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "getVariable": "get_variable",
        "setVariable": "set_variable",
        "hasVariable": "has_variable",
        "getBusinessKey": "get_business_key",
        "getId": "get_id",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {
        "businessKey": "get_business_key",
        "id": "get_id",
    }

    def __init__(self, variables: dict[str, Any], business_key: str = "order-7") -> None:
        self.variables = variables
        self.business_key = business_key
        self.secret = "not reachable"

    def get_variable(self, name: str) -> Any:
        return self.variables.get(name)

    def set_variable(self, name: str, value: Any) -> None:
        self.variables[name] = value

    def has_variable(self, name: str) -> bool:
        return name in self.variables

    def get_business_key(self) -> str:
        return self.business_key

    def get_id(self) -> str:
        return "exec-1"

    def delete_everything(self) -> None:
        raise AssertionError("never callable from an expression")
