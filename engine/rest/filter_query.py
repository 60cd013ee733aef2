"""A filter's `query`: Camunda's task query JSON (camelCase) <-> the Tasklist's stored query.

Only the keys the Tasklist can apply are accepted; any other key is a 400 naming it, never
silently dropped, so a filter means the same on both sides. The `...Expression` keys take only
the expressions the Tasklist evaluates per viewer: `${currentUser()}` (assignee, candidate
user) and `${currentUserGroups()}` (candidate groups). `search` is Legato's own key: the
Tasklist's search box, saved with a filter made there. `sorting` is kept in Camunda's shape
([{sortBy, sortOrder, parameters}], checked as POST /task checks it) and orders the filter's
list before what a request's own sorting adds (Camunda's `mergeOrdering`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.dateparse import parse_datetime

from engine.rest.dates import format_date, parse_date
from engine.rest.params import Kind, invalid_request, parse_body_sorting
from engine.rest.tasks import TASK_QUERY
from identity.authorization import Identity
from tasklist.filters import CURRENT_USER, CURRENT_USER_GROUPS

# Camunda task query key -> (stored key, kind). The Camunda names are also GET /task's
# parameters, so a resolved query runs through the same `filter_tasks`.
KEYS: dict[str, tuple[str, Kind]] = {
    "assignee": ("assignee", Kind.STRING),
    "candidateGroup": ("candidate_group", Kind.STRING),
    "candidateUser": ("candidate_user", Kind.STRING),
    "processDefinitionKey": ("process_definition_key", Kind.STRING),
    "processInstanceBusinessKey": ("business_key", Kind.STRING),
    "nameLike": ("name_like", Kind.STRING),
    "parentTaskId": ("parent_task_id", Kind.STRING),
    "priority": ("priority", Kind.INTEGER),
    "unassigned": ("unassigned", Kind.BOOLEAN),
    "dueBefore": ("due_before", Kind.DATE),
    "dueAfter": ("due_after", Kind.DATE),
    "followUpBefore": ("follow_up_before", Kind.DATE),
    "followUpAfter": ("follow_up_after", Kind.DATE),
    "search": ("search", Kind.STRING),
}
# Expression key -> (stored key, the one expression accepted, the GET /task parameter).
EXPRESSIONS: dict[str, tuple[str, str, str]] = {
    "assigneeExpression": ("assignee", CURRENT_USER, "assignee"),
    "candidateUserExpression": ("candidate_user", CURRENT_USER, "candidateUser"),
    "candidateGroupsExpression": ("candidate_groups", CURRENT_USER_GROUPS, "candidateGroups"),
}
# List criteria the Tasklist cannot apply, which Camunda's Tasklist webapp sends empty with
# every query: empty, they ask for nothing (any content is a 400 like other unknown keys).
EMPTY_LISTS_ALLOWED = (
    "processVariables", "taskVariables", "caseInstanceVariables", "orQueries", "sorting"
)
_STORED = {stored: camunda for camunda, (stored, _) in KEYS.items()}
_STORED_EXPRESSIONS = {
    stored: (camunda, text) for camunda, (stored, text, _) in EXPRESSIONS.items()
}
# The Tasklist's side bar lists, as the task query key each one stands for.
_LISTS = {"mine": "assignee", "group": "candidate_user"}


def _value(key: str, kind: Kind, value: Any) -> Any:
    if kind is Kind.STRING and isinstance(value, str) and value:
        return value
    if kind is Kind.INTEGER and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is Kind.BOOLEAN and isinstance(value, bool):
        return value
    if kind is Kind.DATE and isinstance(value, str):
        try:
            return parse_date(value).isoformat()
        except ValueError:
            pass
    raise invalid_request(f"Cannot set filter query key '{key}' to value '{value}'")


def stored_query(query: Any) -> dict[str, Any]:
    """The stored form of a Camunda task query; 400 InvalidRequestException on a key or
    value the Tasklist cannot apply. Null values mean "not set", as in Camunda."""
    if query is None:
        return {}
    if not isinstance(query, Mapping):
        raise invalid_request("A filter's query must be a JSON object")
    stored: dict[str, Any] = {}
    for key, value in query.items():
        if value is None or (value == [] and key in EMPTY_LISTS_ALLOWED):
            continue
        if key == "sorting":
            name, value = "sorting", stored_sorting(value)
        elif key in KEYS:
            name, kind = KEYS[key]
            value = _value(key, kind, value)
        elif key in EXPRESSIONS:
            name, expression, _ = EXPRESSIONS[key]
            if value != expression:
                raise invalid_request(
                    f"Filter query key '{key}' supports only the expression {expression}"
                )
        else:
            raise invalid_request(f"Filter query key '{key}' is not supported")
        if name in stored:
            raise invalid_request(f"Filter query key '{key}' repeats another key's criterion")
        stored[name] = value
    return stored


def stored_sorting(sorting: Any) -> list[dict[str, Any]]:
    """A task query's `sorting` as a filter keeps it; a 400 as from POST /task when an entry
    cannot apply."""
    if not isinstance(sorting, list):
        raise invalid_request("'sorting' must be a list of {sortBy, sortOrder}")
    parse_body_sorting(TASK_QUERY, sorting)
    keys = ("sortBy", "sortOrder", "parameters")
    return [{key: entry[key] for key in keys if key in entry} for entry in sorting]


def stored_order(stored: Mapping[str, Any]) -> list[Any]:
    """The ORDER BY terms of a stored query's `sorting` (none when it has none)."""
    return parse_body_sorting(TASK_QUERY, stored.get("sorting"))


def camunda_query(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The Camunda task query JSON of a stored query (a filter saved in the Tasklist, too)."""
    query: dict[str, Any] = {}
    for name, value in stored.items():
        if name == "sorting":
            query["sorting"] = value
        elif name == "list":
            implied = _LISTS.get(value)
            if implied is not None and implied not in stored:
                key, expression = _STORED_EXPRESSIONS[implied]
                query[key] = expression
        elif name in _STORED_EXPRESSIONS and value == _STORED_EXPRESSIONS[name][1]:
            query[_STORED_EXPRESSIONS[name][0]] = value
        elif name in _STORED:
            kind = KEYS[_STORED[name]][1]
            parsed = parse_datetime(value) if kind is Kind.DATE else None
            query[_STORED[name]] = format_date(parsed) if parsed else value
    return query


def extended(stored: Mapping[str, Any], extension: Mapping[str, Any] | None) -> dict[str, Any]:
    """A filter's query extended by a request's task query: the request's criteria replace
    the filter's for the same field (Camunda's `TaskQueryImpl.extend`)."""
    query = camunda_query(stored)
    if not extension:
        return query
    return camunda_query({**stored_query(query), **stored_query(extension)})


def task_filters(query: Mapping[str, Any], viewer: Identity) -> tuple[dict[str, Any], str | None]:
    """GET /task filters for a Camunda query, expressions evaluated for the viewer, and the
    Tasklist search text (which GET /task has no parameter for)."""
    filters: dict[str, Any] = {}
    for key, value in query.items():
        if key in EXPRESSIONS:
            parameter = EXPRESSIONS[key][2]
            filters[parameter] = (
                viewer.user_id if value == CURRENT_USER else sorted(viewer.group_ids)
            )
        elif key not in ("search", "sorting"):
            filters[key] = parse_date(value) if KEYS[key][1] is Kind.DATE else value
    return filters, query.get("search")
