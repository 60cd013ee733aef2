"""The task query's sorting by a variable: `sortBy` processVariable, executionVariable or
taskVariable with `parameters: {variable, type}` (Camunda's TaskQueryDto, POST only).

`type` is a value type name as Camunda's REST writes it (`Integer`, or `integer`: Camunda
lower-cases the first letter before it resolves the type); only the types Camunda can order
by are accepted, and every other shape is a 400 naming what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import OrderBy

from engine.queries.variable_order import SORTABLE_TYPES, VariableScope, order_by_variable
from engine.rest.params import ParameterSort, invalid_request

SCOPES = {
    "processVariable": VariableScope.PROCESS_INSTANCE,
    "executionVariable": VariableScope.EXECUTION,
    "taskVariable": VariableScope.TASK,
}


def sortable_type(sort_by: str, raw: Any) -> str:
    """The value type named by `parameters.type`, or a 400."""
    types = ", ".join(SORTABLE_TYPES)
    if not isinstance(raw, str) or not raw:
        raise invalid_request(
            f"Sorting by '{sort_by}' needs the parameter 'type': one of {types}"
        )
    type_name = raw[:1].upper() + raw[1:]
    if type_name not in SORTABLE_TYPES:
        raise invalid_request(
            f"Cannot sort by '{sort_by}' of type '{raw}': only {types} can be sorted by"
        )
    return type_name


def check_parameters(sort_by: str, parameters: Any) -> tuple[str, str]:
    """(variable name, value type) of a variable sorting's `parameters`, or a 400."""
    if not isinstance(parameters, Mapping):
        raise invalid_request(
            f"Sorting by '{sort_by}' needs 'parameters': {{\"variable\": name, \"type\": type}}"
        )
    name = parameters.get("variable")
    if not isinstance(name, str) or not name:
        raise invalid_request(
            f"Sorting by '{sort_by}' needs the parameter 'variable': a variable's name"
        )
    return name, sortable_type(sort_by, parameters.get("type"))


def _sort(sort_by: str, scope: VariableScope) -> ParameterSort:
    def order(parameters: Any, descending: bool) -> list[OrderBy]:
        name, type_name = check_parameters(sort_by, parameters)
        return order_by_variable(name, type_name, scope, descending=descending)

    return order


PARAMETER_SORTS: dict[str, ParameterSort] = {
    sort_by: _sort(sort_by, scope) for sort_by, scope in SCOPES.items()
}
