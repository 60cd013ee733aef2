"""Ordering tasks by a variable (Camunda's `orderByProcessVariable`, `orderByExecutionVariable`,
`orderByTaskVariable`), and by the variable a task sees nearest (the Tasklist's sort by a
filter's variable column: the value its card shows, engine/queries/task_variables.py).

Camunda orders by the variable row of the given name and type in the given scope, comparing
its typed column: numbers, booleans and dates by the long column, doubles by the double
column, strings by the lower-cased text. A task without such a variable sorts last in either
direction (Camunda leaves that to the database; Legato fixes it so lists read the same on
SQLite and PostgreSQL).

The nearest value walks up the execution tree from the task's token in SQL, a recursive
common table expression in a correlated subquery (PostgreSQL and SQLite both have them):
one statement for the whole list, each step an index lookup (an execution by its id, a
variable by its execution and name), whatever the depth of embedded sub-processes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import (
    BigIntegerField,
    Expression,
    F,
    Field,
    FloatField,
    OrderBy,
    OuterRef,
    Subquery,
    TextField,
)
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
    # The task's own (its token's), else the scopes up the execution tree from its token
    # (an embedded sub-process's, ...), else its execution's, else its instance's: the
    # value a task card shows. A task of no process: its own only (a card also shows its
    # parent tasks').
    NEAREST = "nearest"


# Deeper scope trees than this are cut there (a cycle cannot loop; real trees are shallow).
MAX_SCOPE_DEPTH = 64


def _task_scope() -> Expression:
    """Inside a subquery on variables: where the task's own variables live (the token it
    waits at, or the task itself when it belongs to no process)."""
    token = Execution.objects.filter(
        process_instance_id=OuterRef(OuterRef("process_instance_id")),
        activity_instance_id=OuterRef(OuterRef("activity_instance_id")),
    ).values("id")[:1]
    return Coalesce(Subquery(token), OuterRef("id"))


class NearestVariable(Expression):
    """On a task query: the typed `column` (a VariableInstance field) of the row of `name`
    (of `type_name`, when given) the task sees nearest: its token's, else the nearest scope
    up the execution tree, else its execution's, else its instance's.

    Written as SQL of its own because the walk up the tree is a recursive query, which the
    ORM cannot say; the task's columns in it are ordinary expressions, so the query it sits
    in may be relabelled (used as a subquery) as usual.
    """

    OUTPUT_FIELDS: dict[str, type[Field]] = {
        "double_value": FloatField,
        "long_value": BigIntegerField,
        "text_value": TextField,
    }

    def __init__(self, name: str, column: str, type_name: str | None = None) -> None:
        super().__init__(output_field=self.OUTPUT_FIELDS[column]())
        self.name, self.column, self.type_name = name, column, type_name
        token = Execution.objects.filter(
            process_instance_id=OuterRef("process_instance_id"),
            activity_instance_id=OuterRef("activity_instance_id"),
        ).values("id")[:1]
        self.scopes: list[Any] = [
            # Where the walk starts: the token the task waits at, else its execution, else
            # the task itself (a task of no process holds its variables itself).
            Coalesce(Subquery(token), F("execution_id"), F("id")),
            F("execution_id"),  # may name the instance (a lone token): looked at after
            F("process_instance_id"),
        ]

    def get_source_expressions(self) -> list[Any]:
        return self.scopes

    def set_source_expressions(self, exprs: list[Any]) -> None:
        self.scopes = list(exprs)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        quote = connection.ops.quote_name
        start, execution, instance = (compiler.compile(expr) for expr in self.scopes)
        executions, variables = Execution._meta, VariableInstance._meta

        def column(meta: Any, name: str) -> str:
            return str(quote(meta.get_field(name).column))

        parent = column(executions, "parent_id")
        value = f"legato_v.{column(variables, self.column)}"
        if self.column == "text_value":
            value = f"LOWER({value})"
        typed = f" AND legato_v.{column(variables, 'type')} = %s" if self.type_name else ""
        # Every scope id is cast to text: PostgreSQL wants one type for a recursive column,
        # and varchar compares with text through the same index.
        sql = (
            f"(WITH RECURSIVE legato_up(scope_id, depth) AS ("
            f"SELECT CAST({start[0]} AS TEXT), 0 "
            f"UNION ALL SELECT CAST(legato_e.{parent} AS TEXT), legato_up.depth + 1 "
            f"FROM legato_up JOIN {quote(executions.db_table)} legato_e "
            f"ON legato_e.{quote(executions.pk.column)} = legato_up.scope_id "
            f"WHERE legato_e.{parent} IS NOT NULL AND legato_up.depth < {MAX_SCOPE_DEPTH}) "
            f"SELECT {value} FROM (SELECT scope_id, depth FROM legato_up "
            f"UNION ALL SELECT CAST({execution[0]} AS TEXT), {MAX_SCOPE_DEPTH + 1} "
            f"UNION ALL SELECT CAST({instance[0]} AS TEXT), {MAX_SCOPE_DEPTH + 2}) legato_scope "
            f"JOIN {quote(variables.db_table)} legato_v "
            f"ON legato_v.{column(variables, 'execution_id')} = legato_scope.scope_id "
            f"AND legato_v.{column(variables, 'name')} = %s{typed} "
            f"ORDER BY legato_scope.depth LIMIT 1)"
        )
        params = [*start[1], *execution[1], *instance[1], self.name]
        if self.type_name:
            params.append(self.type_name)
        return sql, params


def _rows(name: str, type_name: str | None, scope: VariableScope) -> Any:
    rows = VariableInstance.objects.filter(name=name)
    if type_name is not None:
        rows = rows.filter(type=type_name)
    if scope is VariableScope.PROCESS_INSTANCE:
        return rows.filter(execution_id=OuterRef("process_instance_id"))
    if scope is VariableScope.EXECUTION:
        return rows.filter(execution_id=OuterRef("execution_id"))
    return rows.filter(execution_id=_task_scope())


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
    if scope is VariableScope.NEAREST:
        keys: list[Any] = [NearestVariable(name, column, type_name) for column in columns]
    else:
        rows = _rows(name, type_name, scope)
        keys = [_column(rows, column) for column in columns]
    return [OrderBy(key, descending=descending, nulls_last=True) for key in keys]
