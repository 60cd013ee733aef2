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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from engine.models import VariableInstance
from engine.rest.params import Kind, Param, invalid_parameter, invalid_request, like
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
            VariableCondition(match["name"], match["op"], read_text(match["value"]))
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


def read_text(text: str) -> Any:
    """A value given as text, as Camunda's ObjectMapper reads it: number, boolean or string."""
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


@dataclass(frozen=True)
class IgnoreCase:
    """Camunda's `variableNamesIgnoreCase` / `variableValuesIgnoreCase` (string values only)."""

    names: bool = False
    values: bool = False

    @classmethod
    def of(cls, filters: Mapping[str, Any]) -> IgnoreCase:
        return cls(
            bool(filters.get("variableNamesIgnoreCase")),
            bool(filters.get("variableValuesIgnoreCase")),
        )


IGNORE_CASE_PARAMS = (
    Param("variableNamesIgnoreCase", Kind.BOOLEAN, "Match variable names case-insensitively."),
    Param("variableValuesIgnoreCase", Kind.BOOLEAN, "Match string values case-insensitively."),
)


def name_q(name: str, ignore_case: IgnoreCase = IgnoreCase()) -> Q:
    return Q(name__iexact=name) if ignore_case.names else Q(name=name)


def condition_q(condition: VariableCondition, ignore_case: IgnoreCase = IgnoreCase()) -> Q:
    """The condition on one variable row (VariableInstance or HistoricVariableInstance: both
    have the name and the typed columns)."""
    columns = _columns(condition.value)
    column, value = next(iter(columns.items()))
    named = name_q(condition.name, ignore_case)
    text_ignoring_case = ignore_case.values and isinstance(condition.value, str)
    if condition.operator == "like":
        if not isinstance(condition.value, str):
            raise invalid_request(f"Only string values can be used with 'like': {condition.name}")
        return named & like("text_value", condition.value, ignore_case=text_ignoring_case)
    lookup = {
        "eq": f"{column}__iexact" if text_ignoring_case else column,
        "neq": f"{column}__iexact" if text_ignoring_case else column,
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
    conditions: list[VariableCondition],
    *,
    outer_field: str,
    match_field: str,
    rows: QuerySet[Any] | None = None,
    ignore_case: IgnoreCase = IgnoreCase(),
) -> Q:
    """Rows of the outer query having, for every condition, a matching variable whose
    `match_field` equals the outer row's `outer_field` (e.g. process_instance_id -> pk).
    `rows` are the variable rows to look in (running variables unless told)."""
    variables = VariableInstance.objects.all() if rows is None else rows
    result = Q()
    for condition in conditions:
        matching = variables.filter(
            condition_q(condition, ignore_case), **{match_field: OuterRef(outer_field)}
        )
        result &= Q(Exists(matching))
    return result


def process_variables_q(
    conditions: list[VariableCondition],
    instance_field: str,
    ignore_case: IgnoreCase = IgnoreCase(),
) -> Q:
    """Conditions on process variables, as Camunda's `variables` of the instance query and
    `processVariables` of the task and execution queries: a variable of any scope of the
    instance that is no task's own (`TASK_ID_ is null and RES.PROC_INST_ID_ = PROC_INST_ID_`
    in Camunda's mappings), not only the instance's root scope."""
    return variables_q(
        conditions,
        outer_field=instance_field,
        match_field="process_instance_id",
        rows=VariableInstance.objects.filter(task_id__isnull=True),
        ignore_case=ignore_case,
    )
