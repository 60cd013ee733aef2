"""A saved filter's stored sorting (Camunda's query `sorting`: [{sortBy, sortOrder,
parameters}]) as the Tasklist applies it, and the sort control's choice written in that shape.

A stored sorting of one key the sort control offers (created, due date, follow-up date,
priority, or a variable among the filter's card columns) is shown by the control and sorts as
the control sorts: tasks without a value last, a variable by the value its card shows. Any
other stored sorting (several keys, another field, a variable the cards do not show) is the
control's "Filter's order" and sorts as `/filter/{id}/list` does, entry by entry. Saving the
control's sort writes one entry; a variable is written as a process variable of the type its
values have (Camunda's variable sortings need a type).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count, F, OrderBy, Q, QuerySet

from engine.models import Task, VariableInstance
from engine.queries.tasks import TASK_SORT_FIELDS
from engine.queries.variable_order import SORTABLE_TYPES, VariableScope, order_by_variable

VARIABLE_SORT = "var:"  # the control's `sort=var:amount`: by the filter's card column `amount`
FILTER_ORDER = "filter"  # the control's `sort=filter`: the filter's stored sorting as it is
# The control's field sorts and their Camunda `sortBy`.
CONTROL_SORT_BY = {
    "created": "created",
    "due": "dueDate",
    "followUp": "followUpDate",
    "priority": "priority",
    "lastUpdated": "lastUpdated",
}
# Every field `sortBy` of Camunda's task query (GET /task's, engine/rest/tasks.py) and its column.
FIELDS = TASK_SORT_FIELDS
VARIABLE_SORT_BY = {
    "processVariable": VariableScope.PROCESS_INSTANCE,
    "executionVariable": VariableScope.EXECUTION,
    "taskVariable": VariableScope.TASK,
}
SAVED_SCOPE = "processVariable"  # the control's variable sort, as it is saved


def stored_sorting(query: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The entries of a stored query's `sorting` (none when it has none)."""
    sorting = query.get("sorting") if isinstance(query, Mapping) else None
    if not isinstance(sorting, list):
        return []
    return [entry for entry in sorting if isinstance(entry, Mapping)]


def _variable(entry: Mapping[str, Any]) -> str | None:
    parameters = entry.get("parameters")
    name = parameters.get("variable") if isinstance(parameters, Mapping) else None
    return name if isinstance(name, str) and name else None


def as_control_sort(
    sorting: Sequence[Mapping[str, Any]], columns: Sequence[str]
) -> tuple[str, str] | None:
    """(sort, order) of the control that means the stored sorting, or None when the
    control cannot show it (`columns`: the variables the filter's cards show)."""
    if len(sorting) != 1:
        return None
    (entry,) = sorting
    order = entry.get("sortOrder")
    if order not in ("asc", "desc"):
        return None
    sort_by = entry.get("sortBy")
    for sort, camunda in CONTROL_SORT_BY.items():
        if sort_by == camunda:
            return sort, order
    variable = _variable(entry) if sort_by in VARIABLE_SORT_BY else None
    if variable is not None and variable in columns:
        return VARIABLE_SORT + variable, order
    return None


def field_order(name: str, descending: bool) -> OrderBy:
    """A task column in order; tasks without a value come last in either direction (as in
    Camunda's lists), and a column that is never empty is sorted plainly, so that its index
    serves the order."""
    nulls_last = True if Task._meta.get_field(name).null else None
    column = F(name)
    return column.desc(nulls_last=nulls_last) if descending else column.asc(nulls_last=nulls_last)


def order_terms(sorting: Sequence[Mapping[str, Any]]) -> list[OrderBy]:
    """ORDER BY terms of a stored sorting, entry by entry as `/filter/{id}/list` orders. An
    entry that cannot apply (it was written past the checks that guard REST and the Tasklist's
    forms) is left out rather than refusing the whole list."""
    terms: list[OrderBy] = []
    for entry in sorting:
        sort_by, order = entry.get("sortBy"), entry.get("sortOrder")
        if order not in ("asc", "desc"):
            continue
        descending = order == "desc"
        if sort_by in FIELDS:
            terms.append(field_order(FIELDS[sort_by], descending))
            continue
        variable = _variable(entry) if sort_by in VARIABLE_SORT_BY else None
        raw = entry["parameters"].get("type") if variable is not None else None
        type_name = raw[:1].upper() + raw[1:] if isinstance(raw, str) else None
        if variable is not None and type_name in SORTABLE_TYPES:
            scope = VARIABLE_SORT_BY[str(sort_by)]
            terms.extend(order_by_variable(variable, type_name, scope, descending=descending))
    return terms


def variable_type(tasks: QuerySet[Task], name: str) -> str | None:
    """The sortable value type most of the `name` variables around `tasks` have (their
    instances' and, for tasks of no process, their own), or None when they have none."""
    around = Q(process_instance_id__in=tasks.values("process_instance_id")) | Q(
        execution_id__in=tasks.values("id")
    )
    found = (
        VariableInstance.objects.filter(around, name=name, type__in=list(SORTABLE_TYPES))
        .values("type")
        .annotate(rows=Count("id"))
        .order_by("-rows", "type")
        .first()
    )
    return found["type"] if found else None


def camunda_sorting(sort: str, order: str, type_name: str | None) -> list[dict[str, Any]]:
    """The control's sort as a stored `sorting` (`type_name`: a variable sort's value type)."""
    if sort in CONTROL_SORT_BY:
        return [{"sortBy": CONTROL_SORT_BY[sort], "sortOrder": order}]
    if not sort.startswith(VARIABLE_SORT) or type_name is None:
        raise ValueError(f"The sort {sort!r} cannot be saved")
    parameters = {"variable": sort[len(VARIABLE_SORT) :], "type": type_name}
    return [{"sortBy": SAVED_SCOPE, "sortOrder": order, "parameters": parameters}]
