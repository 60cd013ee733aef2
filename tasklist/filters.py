"""Saved task filters: who may read and change them, and the changes themselves.

The one place that writes `TaskFilter` rows, for the Tasklist pages and `/engine-rest/filter`
alike, so both obey the same rules (Camunda's resource type 5, Filter): the owner may read,
update and delete a filter; others read it through a share or a READ authorization, update
and delete it through UPDATE and DELETE authorizations; creating one needs CREATE on Filter.
Every change writes the user operation log in its transaction (entity type Filter).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from engine.errors import BadRequestError, NotFoundError
from engine.models.oplog import Category, EntityType, OperationType
from engine.services.oplog import OperationLog
from identity.authorization import (
    Actor,
    Identity,
    identity_of,
    is_authorized,
    readable_ids,
    require,
)
from identity.resources import ANY, Permission, Resource
from tasklist.models import TaskFilter, TaskFilterShare

# What a stored query may hold: `list_tasks` filters (FILTER_KEYS; `${currentUser()}` in one
# stands for the viewer), `candidate_groups` (only `${currentUserGroups()}`, the viewer's
# groups), and the Tasklist's own `list` (the side bar list a filter narrows) and `search`.
STRING_KEYS = (
    "assignee",
    "candidate_group",
    "candidate_user",
    "process_definition_key",
    "business_key",
    "name_like",
    "parent_task_id",
)
DATE_KEYS = ("due_before", "due_after", "follow_up_before", "follow_up_after")
FILTER_KEYS = (*STRING_KEYS, "priority", "unassigned", *DATE_KEYS)
LISTS = ("mine", "group", "all")
CURRENT_USER = "${currentUser()}"
CURRENT_USER_GROUPS = "${currentUserGroups()}"
MAX_NAME = 255
MAX_VARIABLES = 20  # columns on a task card; Camunda's Tasklist sets no limit
SORT_ORDERS = ("asc", "desc")


def _me(actor: Actor) -> Identity:
    identity = identity_of(actor)
    # Filters belong to people: the engine itself (None) never saves or reads one.
    if identity is None or not identity.user_id:
        raise BadRequestError("Filters need an authenticated user")
    return identity


def readable_filters(actor: Actor) -> QuerySet[TaskFilter]:
    """Filters the actor owns, that are shared with the actor or one of the actor's groups,
    or that an authorization lets the actor READ; one query when evaluated."""
    me = _me(actor)
    offered = Q(user_id=me.user_id)
    if me.group_ids:
        offered |= Q(group_id__in=me.group_ids)
    shares = TaskFilterShare.objects.filter(offered).values("filter_id")
    rule = Q(owner=me.user_id) | Q(pk__in=shares)
    granted = readable_ids(me, Resource.FILTER)
    # Authorization resource ids are text; a filter's id is a number.
    if granted.all:
        rule |= ~Q(pk__in=[int(i) for i in granted.excluded if i.isdigit()])
    elif granted.ids:
        rule |= Q(pk__in=[int(i) for i in granted.ids if i.isdigit()])
    return TaskFilter.objects.filter(rule)


def _shared_with(me: Identity, saved: TaskFilter) -> bool:
    offered = Q(user_id=me.user_id)
    if me.group_ids:
        offered |= Q(group_id__in=me.group_ids)
    return saved.shares.filter(offered).exists()


def _held_as_owner_or_share(me: Identity, saved: TaskFilter, permission: str) -> bool:
    # The owner may do everything with a filter; a share grants READ only.
    return saved.owner == me.user_id or (
        permission == Permission.READ and _shared_with(me, saved)
    )


def _require(me: Identity, saved: TaskFilter, permission: str) -> None:
    if not _held_as_owner_or_share(me, saved, permission):
        require(me, permission, Resource.FILTER, str(saved.pk))


def _lookup(filter_id: int | str, *, lock: bool = False) -> TaskFilter | None:
    text = str(filter_id)
    rows = TaskFilter.objects.select_for_update() if lock else TaskFilter.objects.all()
    return rows.filter(pk=int(text)).first() if text.isdigit() and len(text) < 19 else None


def _find(filter_id: int | str, *, lock: bool = False) -> TaskFilter:
    saved = _lookup(filter_id, lock=lock)
    if saved is None:
        raise NotFoundError(f"Filter with id '{filter_id}' does not exist.")
    return saved


def may_use_filter(actor: Actor, filter_id: int | str, permission: str) -> bool:
    """Whether the actor may READ, UPDATE or DELETE the filter, as the services decide. For an
    unknown id only the authorizations on that id count, as in Camunda's OPTIONS /filter/{id}."""
    me = identity_of(actor)
    if me is None or not me.user_id:
        return False
    saved = _lookup(filter_id)
    if saved is not None and _held_as_owner_or_share(me, saved, permission):
        return True
    return is_authorized(me, permission, Resource.FILTER, str(filter_id))


def get_filter(actor: Actor, filter_id: int | str) -> TaskFilter:
    """The filter, if the actor may READ it (404 when there is none, 403 when not allowed)."""
    saved = _find(filter_id)
    _require(_me(actor), saved, Permission.READ)
    return saved


def check_query(query: Any) -> dict[str, Any]:
    """The stored query, or BadRequestError naming the first key or value it cannot apply."""
    if not isinstance(query, Mapping):
        raise BadRequestError("A filter's query must be a JSON object")
    for key, value in query.items():
        if key in STRING_KEYS or key == "search":
            ok = isinstance(value, str) and value != ""
        elif key in DATE_KEYS:
            ok = isinstance(value, str) and parse_datetime(value) is not None
        elif key == "priority":
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif key == "unassigned":
            ok = isinstance(value, bool)
        elif key == "list":
            ok = value in LISTS
        elif key == "candidate_groups":
            ok = value == CURRENT_USER_GROUPS  # the one list a stored query can name
        elif key == "sorting":  # Camunda's shape; the REST layer checks the sortBy values
            ok = isinstance(value, list) and all(_is_sorting(entry) for entry in value)
        else:
            raise BadRequestError(f"The filter query key '{key}' is not supported")
        if not ok:
            raise BadRequestError(f"Cannot use the value {value!r} of filter query key '{key}'")
    return dict(query)


def _is_sorting(entry: Any) -> bool:
    return (
        isinstance(entry, Mapping)
        and isinstance(entry.get("sortBy"), str)
        and entry.get("sortOrder") in SORT_ORDERS
        and isinstance(entry.get("parameters", {}), Mapping)
    )


def check_variables(variables: Any) -> list[dict[str, Any]]:
    """A filter's `properties.variables` (Camunda's [{name, label}]: the variables its task
    cards show; a missing label shows the name), or BadRequestError naming the first entry
    that is not one."""
    if not isinstance(variables, list):
        raise BadRequestError("A filter's properties.variables must be a list of {name, label}")
    if len(variables) > MAX_VARIABLES:
        raise BadRequestError(f"A filter shows at most {MAX_VARIABLES} variables")
    seen: set[str] = set()
    for index, entry in enumerate(variables):
        where = f"properties.variables[{index}]"
        if not isinstance(entry, Mapping):
            raise BadRequestError(f"{where} must be an object {{name, label}}")
        name, label = entry.get("name"), entry.get("label")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
            raise BadRequestError(f"{where} needs a 'name': a variable's name")
        if label is not None and (not isinstance(label, str) or len(label) > MAX_NAME):
            raise BadRequestError(f"{where} has a 'label' that is not a text of at most "
                                  f"{MAX_NAME} characters")
        if name in seen:
            raise BadRequestError(f"{where} names the variable '{name}' a second time")
        seen.add(name)
    return [dict(entry) for entry in variables]


def variable_columns(properties: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(name, label) of each variable a saved filter's task cards show; a label left empty
    shows the name."""
    variables = properties.get("variables") if isinstance(properties, Mapping) else None
    if not isinstance(variables, list):
        return []
    return [
        (v["name"], v.get("label") or v["name"])
        for v in variables
        if isinstance(v, Mapping) and isinstance(v.get("name"), str) and v["name"]
    ]


def variable_names(properties: Mapping[str, Any]) -> list[str]:
    """The names a filter's `properties.variables` lists."""
    return [name for name, _ in variable_columns(properties)]


def _check_fields(name: str, priority: int, properties: Mapping[str, Any]) -> None:
    if not name.strip():
        raise BadRequestError("A filter needs a name")
    if len(name) > MAX_NAME:
        raise BadRequestError(f"A filter's name has at most {MAX_NAME} characters")
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise BadRequestError("A filter's priority must be an integer")
    if not isinstance(properties, Mapping):
        raise BadRequestError("A filter's properties must be a JSON object")
    if properties.get("variables") is not None:
        check_variables(properties["variables"])


def _log(me: Identity, operation: str) -> OperationLog:
    return OperationLog(me.user_id, operation, EntityType.FILTER, category=Category.TASK_WORKER)


def may_update_filter(actor: Actor, saved: TaskFilter) -> bool:
    """Whether the actor may change the filter (the tasklist offers its variable columns)."""
    me = identity_of(actor)
    if me is None or not me.user_id:
        return False
    return saved.owner == me.user_id or is_authorized(
        me, Permission.UPDATE, Resource.FILTER, str(saved.pk)
    )


def may_create_filters(actor: Actor) -> bool:
    """Whether the actor holds CREATE on Filter (the tasklist offers saving a view only then)."""
    return is_authorized(actor, Permission.CREATE, Resource.FILTER, ANY)


@transaction.atomic
def create_filter(
    actor: Actor,
    *,
    name: str,
    query: Mapping[str, Any],
    owner: str | None = None,
    description: str = "",
    priority: int = 0,
    properties: Mapping[str, Any] | None = None,
    shared_users: Iterable[str] = (),
    shared_groups: Iterable[str] = (),
) -> TaskFilter:
    """Save a task filter (owner: the actor unless named); shares grant READ to people."""
    me = _me(actor)
    require(me, Permission.CREATE, Resource.FILTER, ANY)
    properties = properties or {}
    _check_fields(name, priority, properties)
    saved = TaskFilter.objects.create(
        name=name,
        description=description,
        owner=owner or me.user_id,
        query=check_query(query),
        priority=priority,
        properties=dict(properties),
    )
    shares = [TaskFilterShare(filter=saved, user_id=u) for u in shared_users]
    shares += [TaskFilterShare(filter=saved, group_id=g) for g in shared_groups]
    TaskFilterShare.objects.bulk_create(shares)
    log = _log(me, OperationType.CREATE).add("filterId", new_value=saved.pk)
    log.add("name", new_value=saved.name).add("owner", new_value=saved.owner).save()
    return saved


@transaction.atomic
def update_filter(
    actor: Actor,
    filter_id: int | str,
    *,
    name: str,
    query: Mapping[str, Any],
    owner: str | None,
    description: str,
    priority: int,
    properties: Mapping[str, Any],
) -> TaskFilter:
    """Replace a filter's name, owner, query and properties (Camunda's PUT replaces all)."""
    me = _me(actor)
    saved = _find(filter_id, lock=True)
    _require(me, saved, Permission.UPDATE)
    _check_fields(name, priority, properties)
    changes = {
        "name": name,
        "owner": owner or saved.owner,
        "query": check_query(query),
        "description": description,
        "priority": priority,
        "properties": dict(properties),
    }
    log = _log(me, OperationType.UPDATE).add("filterId", new_value=saved.pk)
    for field_name, value in changes.items():
        before = getattr(saved, field_name)
        if before != value:
            log.add(field_name, org_value=_text(before), new_value=_text(value))
        setattr(saved, field_name, value)
    saved.save()
    log.save()
    return saved


@transaction.atomic
def delete_filter(actor: Actor, filter_id: int | str) -> TaskFilter:
    """Delete a filter and its shares; returns the deleted row (for its name)."""
    me = _me(actor)
    saved = _find(filter_id, lock=True)
    _require(me, saved, Permission.DELETE)
    _log(me, OperationType.DELETE).add("filterId", org_value=saved.pk).add(
        "name", org_value=saved.name
    ).save()
    saved.delete()
    return saved


def _text(value: Any) -> str:
    return json.dumps(value, sort_keys=True) if isinstance(value, Mapping) else str(value)
