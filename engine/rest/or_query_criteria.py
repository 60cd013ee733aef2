"""Camunda's `orQueries` for the process-instance and historic queries, on top of
params.OR_QUERIES: which entries of one or-query are separate criteria to OR together.

params.or_queries ORs every key of an or-query, which widens the result for three kinds of
key that are no criterion of their own in Camunda's MyBatis mappings (`${queryType}` per
condition, Execution.xml / HistoricProcessInstance.xml / HistoricTaskInstance.xml):
- a flag sent as false sets nothing (`if (TRUE.equals(flag))` in the query DTOs), and an
  empty list sets nothing either; OR-ing "no condition" would match every row;
- `variableNamesIgnoreCase` / `variableValuesIgnoreCase` modify the variable conditions of
  the same or-query and match nothing by themselves;
- some parameters make one condition together (`executedJobAfter` + `executedJobBefore` is
  one EXISTS); and each condition of a variable list is its own `or EXISTS (...)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from engine.rest.params import OR_QUERIES, invalid_request

M = TypeVar("M", bound=Model)
MODIFIERS = ("variableNamesIgnoreCase", "variableValuesIgnoreCase")


def apply_or_queries(
    rows: QuerySet[M],
    filters: Mapping[str, Any],
    matching: Callable[[dict[str, Any]], QuerySet[M]],
    *,
    together: Sequence[tuple[str, ...]] = (),
    each: Sequence[str] = (),
    refused: Sequence[str] = (),
) -> QuerySet[M]:
    """`rows` that also meet every or-query in `filters`: one of its criteria at least.
    `matching(criterion)` is the view's filter on all rows (no authorization: `rows` has it);
    `together`: parameter groups that are one criterion; `each`: variable lists whose
    conditions are separate criteria; `refused`: flags Camunda refuses within an or-query."""
    for criteria in filters.get(OR_QUERIES, ()):
        for name in refused:
            if criteria.get(name):
                # Camunda's wording (HistoricTaskInstanceQueryImpl.withCandidateGroups).
                raise invalid_request(f"Invalid query usage: cannot set {name}() within 'or' query")
        shared = {name: criteria[name] for name in MODIFIERS if criteria.get(name)}
        either = Q()
        for criterion in _criteria(criteria, together, each):
            either |= Q(pk__in=matching({**criterion, **shared}).values("pk"))
        if either:
            rows = rows.filter(either)
    return rows


def _criteria(
    criteria: Mapping[str, Any], together: Sequence[tuple[str, ...]], each: Sequence[str]
) -> list[dict[str, Any]]:
    present = {name: value for name, value in criteria.items()
               if value is not False and value != [] and name not in MODIFIERS}
    grouped = [{name: present.pop(name) for name in group if name in present}
               for group in together]
    split = [{name: [condition]} for name in each for condition in present.pop(name, [])]
    return [group for group in grouped if group] + split + [
        {name: value} for name, value in present.items()
    ]
