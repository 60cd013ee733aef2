"""Ordering tasks by a variable (Camunda's `orderByProcessVariable`, `orderByExecutionVariable`,
`orderByTaskVariable`), and by the variable a task sees nearest (the Tasklist's sort by a
filter's variable column).

Camunda orders by the variable row of the given name and type in the given scope, comparing
its typed column: numbers, booleans and dates by the long column, doubles by the double
column, strings by the lower-cased text. A task without such a variable sorts last in either
direction (Camunda leaves that to the database; Legato fixes it so lists read the same on
SQLite and PostgreSQL).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import Expression, F, OrderBy, OuterRef, Subquery
from django.db.models.functions import Coalesce, Lower

from engine.models import Execution, VariableInstance

# The types Camunda can order by ("works only for primitive types"), and the column each
# compares.
SORTABLE_TYPES: dict[str, str] = {
    "Integer": "long_value",
    "Long": "long_value",
    "Short": "long_value",
    "Boolean": "long_value",
    "Date": "long_value",
    "Double": "double_value",
    "String": "text_value",
}


class VariableScope(StrEnum):
    PROCESS_INSTANCE = "processInstance"  # the instance's own variables
    EXECUTION = "execution"  # the variables of the execution the task names
    TASK = "task"  # the task's own: its token's (task-local), or a task of no process's
    # The task's own, else its execution's, else its instance's. Scopes in between (an
    # embedded subprocess's) are not looked at, unlike the cards (task_variables.py): the
    # sort stays a few correlated subqueries.
    NEAREST = "nearest"


def _task_scope(depth: int = 1) -> Expression:
    """Inside a subquery `depth` levels below the tasks: where the task's own variables live
    (the token it waits at, or the task itself when it belongs to no process)."""

    def task(field: str, levels: int) -> OuterRef:
        ref = OuterRef(field)
        for _ in range(levels - 1):
            ref = OuterRef(ref)
        return ref

    token = Execution.objects.filter(
        process_instance_id=task("process_instance_id", depth + 1),
        activity_instance_id=task("activity_instance_id", depth + 1),
    ).values("id")[:1]
    return Coalesce(Subquery(token), task("id", depth))


def _nearest(name: str) -> Subquery:
    """Inside a subquery on variables: the id of the row of `name` nearest to the task (its
    own, else its execution's, else its instance's). Chosen by COALESCE rather than by an
    ORDER BY inside the subquery, which SQLite cannot correlate with the outer tasks."""

    def at(scope: Expression) -> Subquery:
        rows = VariableInstance.objects.filter(name=name, execution_id=scope)
        return Subquery(rows.values("id")[:1])

    return Coalesce(
        at(_task_scope(depth=2)),
        at(OuterRef(OuterRef("execution_id"))),
        at(OuterRef(OuterRef("process_instance_id"))),
    )


def _rows(name: str, type_name: str | None, scope: VariableScope) -> Any:
    rows = VariableInstance.objects.filter(name=name)
    if type_name is not None:
        rows = rows.filter(type=type_name)
    if scope is VariableScope.PROCESS_INSTANCE:
        return rows.filter(execution_id=OuterRef("process_instance_id"))
    if scope is VariableScope.EXECUTION:
        return rows.filter(execution_id=OuterRef("execution_id"))
    if scope is VariableScope.TASK:
        return rows.filter(execution_id=_task_scope())
    return rows.filter(pk=_nearest(name))


def _column(rows: Any, column: str) -> Subquery:
    key = Lower(F(column)) if column == "text_value" else F(column)
    return Subquery(rows.annotate(sort_key=key).values("sort_key")[:1])


def order_by_variable(
    name: str, type_name: str | None, scope: VariableScope, *, descending: bool
) -> list[OrderBy]:
    """ORDER BY terms for tasks by variable `name` of `type_name` (one of SORTABLE_TYPES) in
    `scope`; without a type (the Tasklist's columns name none), numbers compare as numbers,
    dates and booleans by their long column, and text by its lower-cased text."""
    if type_name is not None and type_name not in SORTABLE_TYPES:
        raise ValueError(f"Cannot order by variables of type {type_name}")
    columns = (
        [SORTABLE_TYPES[type_name]]
        if type_name is not None
        else ["double_value", "long_value", "text_value"]
    )
    rows = _rows(name, type_name, scope)
    return [
        OrderBy(_column(rows, column), descending=descending, nulls_last=True)
        for column in columns
    ]

