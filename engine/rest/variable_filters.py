"""Camunda's variable filters: `variables=name_op_value,...` (GET) or `[{name, operator, value}]`
(POST), with the operators eq, neq, gt, gteq, lt, lteq, like.

Camunda (VariableListConverter) splits `name_op_value` on every `_` and refuses anything but
three parts, so names with underscores cannot be filtered by GET. We split at the first
`_<operator>_` instead: such names work, and everything Camunda accepts means the same.
A GET value is read as Camunda's ObjectMapper reads it: `123` a number, `true` a boolean,
anything else a string. Comparison uses the typed columns of the variable rows, as Camunda's
query does (numbers by value, strings by text, booleans as 0/1).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q

from engine.models import VariableInstance
from engine.rest.params import invalid_parameter, invalid_request
from engine.runtime.values import TypedValue, infer_type

OPERATORS = ("eq", "neq", "gt", "gteq", "lt", "lteq", "like")
_SPLIT = re.compile(r"^(?P<name>.+?)_(?P<op>neq|eq|gteq|gt|lteq|lt|like)_(?P<value>.*)$", re.S)


@dataclass(frozen=True)
class VariableCondition:
    name: str
    operator: str
    value: Any


def parse_variable_param(param: str, raw: str) -> list[VariableCondition]:
    """`a_eq_1,b_like_x%` -> conditions; a malformed entry is a 400 naming the parameter."""
    conditions = []
    for expression in raw.split(","):
        match = _SPLIT.match(expression)
        if match is None:
            raise invalid_parameter(param, raw)
        conditions.append(
            VariableCondition(match["name"], match["op"], _read_text(match["value"]))
        )
    return conditions


def parse_variable_body(param: str, data: Any) -> list[VariableCondition]:
    """The POST form: a list of `{name, operator, value}`."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise invalid_request(f"'{param}' must be a list of {{name, operator, value}}")
    conditions = []
    for entry in data:
        if not isinstance(entry, dict) or entry.get("operator") not in OPERATORS:
            raise invalid_request(f"Invalid variable query operator in '{param}': {entry!r}")
        conditions.append(
            VariableCondition(str(entry.get("name")), entry["operator"], entry.get("value"))
        )
    return conditions


def _read_text(text: str) -> Any:
    try:
        value = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, bool | int | float | str) else text


def _columns(value: Any) -> dict[str, Any]:
    from engine.store.projection import query_columns

    typed: TypedValue = infer_type(value)
    if typed.type in ("Integer", "Long", "Short", "Double"):
        return {"double_value": float(typed.value)}
    if typed.type == "Boolean":
        return {"long_value": int(typed.value)}
    found = {k: v for k, v in query_columns(typed).items() if v is not None}
    return found or {"text_value": None if value is None else str(value)}


def condition_q(condition: VariableCondition) -> Q:
    """The condition on one VariableInstance row (name and typed value)."""
    columns = _columns(condition.value)
    column, value = next(iter(columns.items()))
    named = Q(name=condition.name)
    if condition.operator == "like":
        if not isinstance(condition.value, str):
            raise invalid_request(f"Only string values can be used with 'like': {condition.name}")
        return named & Q(text_value__like=condition.value)
    lookup = {
        "eq": column,
        "neq": column,
        "gt": f"{column}__gt",
        "gteq": f"{column}__gte",
        "lt": f"{column}__lt",
        "lteq": f"{column}__lte",
    }[condition.operator]
    if condition.operator == "neq":
        return named & ~Q(**{lookup: value})
    if value is None:
        return named & Q(value__isnull=True)
    return named & Q(**{lookup: value})


def variables_q(
    conditions: list[VariableCondition], *, outer_field: str, match_field: str
) -> Q:
    """Rows of the outer query having, for every condition, a matching variable whose
    `match_field` equals the outer row's `outer_field` (e.g. process_instance_id -> pk)."""
    result = Q()
    for condition in conditions:
        rows = VariableInstance.objects.filter(
            condition_q(condition), **{match_field: OuterRef(outer_field)}
        )
        result &= Q(Exists(rows))
    return result


def process_variables_q(conditions: list[VariableCondition], instance_field: str) -> Q:
    """Conditions on process variables (the root scope of the instance), as Camunda's
    `variables` of the instance query and `processVariables` of the task query."""
    result = Q()
    for condition in conditions:
        rows = VariableInstance.objects.filter(
            condition_q(condition),
            process_instance_id=OuterRef(instance_field),
            execution_id=OuterRef(instance_field),
        )
        result &= Q(Exists(rows))
    return result
