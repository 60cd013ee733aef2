"""BPMN resource assignments as Camunda reads them: `user(kermit), group(management), sales`
(a plain name is a group), in a user task's `potentialOwner` and a process's
`potentialStarter` (BPMN's, or `camunda:potentialStarter` among its extension elements)."""

from __future__ import annotations

import re

from engine.bpmn.parser.camunda import extension_named
from engine.bpmn.parser.context import split_list
from engine.bpmn.xml import Element, bpmn_child, camunda_attr, text_of

_ASSIGNMENT = re.compile(r"^(user|group)\((.*)\)$")
People = tuple[tuple[str, ...], tuple[str, ...]]  # users, groups


def resource_expression(element: Element, tag: str) -> str | None:
    """The formal expression of `element`'s `tag` child (humanPerformer, potentialOwner...)."""
    return _formal_expression(bpmn_child(element, tag))


def _formal_expression(holder: Element | None) -> str | None:
    assignment = None if holder is None else bpmn_child(holder, "resourceAssignmentExpression")
    if assignment is None:
        return None
    return text_of(bpmn_child(assignment, "formalExpression"))


def split_assignment(text: str | None) -> People:
    users: list[str] = []
    groups: list[str] = []
    for part in split_list(text):
        match = _ASSIGNMENT.match(part)
        if match is None:
            groups.append(part)
        elif match.group(1) == "user":
            users.append(match.group(2).strip())
        else:
            groups.append(match.group(2).strip())
    return tuple(users), tuple(groups)


def candidate_starters(process: Element) -> People:
    """Who a process names as its starters: `camunda:candidateStarterUsers/Groups` and the
    potential starters, BPMN's and Camunda's, together (as Camunda's parser adds them up)."""
    users = list(split_list(camunda_attr(process, "candidateStarterUsers")))
    groups = list(split_list(camunda_attr(process, "candidateStarterGroups")))
    for holder in (
        bpmn_child(process, "potentialStarter"),
        extension_named(process, "potentialStarter"),
    ):
        more_users, more_groups = split_assignment(_formal_expression(holder))
        users += more_users
        groups += more_groups
    return tuple(dict.fromkeys(users)), tuple(dict.fromkeys(groups))
