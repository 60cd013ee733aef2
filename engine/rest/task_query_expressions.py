"""The `...Expression` parameters of Camunda's task query (GET and POST /task): each stands
for a plain parameter whose value an expression gives, evaluated for the caller with
`currentUser()`, `currentUserGroups()`, `now()` and `dateTime()` (Camunda's Tasklist filters
send `${currentUser()}` and `${dateTime().plusDays(2).toDate()}`). Evaluated by Legato's own
expression language, never by Python; an expression that fails or gives the wrong kind of
value is a 400."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import Group
from django.utils import timezone

from engine.el import DateTimeValue, EvaluationContext, ExpressionError, compile_expression
from engine.rest.params import Kind, Param, invalid_request

# Expression parameter -> the plain parameter it gives a value to.
USERS = {
    "assigneeExpression": "assignee",
    "assigneeLikeExpression": "assigneeLike",
    "ownerExpression": "owner",
    "involvedUserExpression": "involvedUser",
    "candidateUserExpression": "candidateUser",
    "candidateGroupExpression": "candidateGroup",
    "processInstanceBusinessKeyExpression": "processInstanceBusinessKey",
    "processInstanceBusinessKeyLikeExpression": "processInstanceBusinessKeyLike",
}
LISTS = {"candidateGroupsExpression": "candidateGroups"}
DATES = {
    "dueDateExpression": "dueDate",
    "dueBeforeExpression": "dueBefore",
    "dueAfterExpression": "dueAfter",
    "followUpDateExpression": "followUpDate",
    "followUpBeforeExpression": "followUpBefore",
    "followUpBeforeOrNotExistentExpression": "followUpBeforeOrNotExistent",
    "followUpAfterExpression": "followUpAfter",
    "createdOnExpression": "createdOn",
    "createdBeforeExpression": "createdBefore",
    "createdAfterExpression": "createdAfter",
    "updatedAfterExpression": "updatedAfter",
}
EXPRESSION_PARAMS = tuple(
    Param(name, Kind.STRING, f"An expression giving `{plain}` (`${{currentUser()}}`, ...).")
    for name, plain in {**USERS, **LISTS, **DATES}.items()
)


def resolve_expressions(filters: dict[str, Any], user_id: str | None) -> None:
    """Replace each expression parameter in `filters` by the plain one with its value."""
    present = [name for name in (*USERS, *LISTS, *DATES) if name in filters]
    if not present:
        return
    groups = list(Group.objects.filter(user__username=user_id).values_list("name", flat=True))
    context = EvaluationContext(
        {},
        functions={"currentUser": lambda: user_id, "currentUserGroups": lambda: list(groups)},
        now=timezone.now(),
    )
    for name in present:
        text = filters.pop(name)
        try:
            value = compile_expression(text).evaluate(context)
        except ExpressionError as error:
            raise invalid_request(
                f"Unable to resolve expression '{text}' of {name}: {error}"
            ) from None
        plain, check = _plain(name)
        filters[plain] = check(name, text, value)


def _plain(name: str) -> tuple[str, Any]:
    if name in USERS:
        return USERS[name], _text
    if name in LISTS:
        return LISTS[name], _texts
    return DATES[name], _date


def _text(name: str, text: str, value: Any) -> str:
    if not isinstance(value, str):
        raise invalid_request(f"The expression '{text}' of {name} must give a text")
    return value


def _texts(name: str, text: str, value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise invalid_request(f"The expression '{text}' of {name} must give a list of texts")
    return list(value)


def _date(name: str, text: str, value: Any) -> datetime:
    if isinstance(value, DateTimeValue):
        value = value.to_date()
    if not isinstance(value, datetime):
        raise invalid_request(f"The expression '{text}' of {name} must give a date")
    return value
