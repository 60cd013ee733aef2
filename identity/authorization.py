"""The one authorization check every service call, page and REST view goes through.

Contract for callers (engine services, cockpit, tasklist, REST, WebSocket consumers):
- Pass the acting user as a Django `User`, an `Identity`, or a user id string. `None` means the
  engine itself (job executor, timers, migrations): it is never checked, like Camunda with no
  authenticated user. Requests must therefore always pass `request.user`, never `None`.
- Members of `settings.LEGATO_ADMIN_GROUP` (and Django superusers) may do everything.
- Otherwise Camunda's precedence decides, first match wins (revoke beats grant on one step):
  user rule on the id, user rule on `*`, group rule on the id, group rule on `*`,
  global rule on the id, global rule on `*`; nothing matching means "not authorized".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Group, User
from django.db.models import Q

from engine.errors import AuthorizationError
from identity.models import Authorization, AuthorizationType
from identity.resources import ANY, Permission, Resource, resource_label

__all__ = [
    "ANY",
    "AuthorizationError",
    "IdFilter",
    "Identity",
    "Permission",
    "Resource",
    "TaskInvolvement",
    "identity_of",
    "is_admin",
    "is_authorized",
    "is_authorized_any",
    "readable_ids",
    "require",
    "require_any",
    "task_default_permissions",
]


@dataclass(frozen=True)
class Identity:
    """A user as the check sees it: id, group ids, and whether the admin group holds them."""

    user_id: str
    group_ids: frozenset[str] = field(default_factory=frozenset)
    admin: bool = False


Actor = User | AnonymousUser | Identity | str | None
_CACHE_ATTR = "_legato_identity"


def identity_of(actor: Actor) -> Identity | None:
    """Resolve the actor once (one query for its groups); `None` stays the engine itself."""
    if actor is None or isinstance(actor, Identity):
        return actor
    if isinstance(actor, AnonymousUser):
        return Identity(user_id="")  # not authenticated: no rule names it
    if isinstance(actor, User):
        cached = getattr(actor, _CACHE_ATTR, None)
        if cached is not None:
            return cached
        groups = frozenset(actor.groups.values_list("name", flat=True))
        identity = Identity(actor.username, groups, actor.is_superuser or _admin_in(groups))
        setattr(actor, _CACHE_ATTR, identity)  # per request: group changes apply next request
        return identity
    groups = frozenset(Group.objects.filter(user__username=actor).values_list("name", flat=True))
    # Members of the admin group need no second query for the superuser flag.
    admin = _admin_in(groups) or User.objects.filter(username=actor, is_superuser=True).exists()
    return Identity(actor, groups, admin)


def _admin_in(groups: frozenset[str]) -> bool:
    return settings.LEGATO_ADMIN_GROUP in groups


def is_admin(actor: Actor) -> bool:
    identity = identity_of(actor)
    return identity is None or identity.admin


class Rule(NamedTuple):
    """The fields of one authorization that the check reads."""

    type: int
    user_id: str | None
    group_id: str | None
    resource_id: str
    permissions: frozenset[str]

    def names(self, permission: str) -> bool:
        if self.permissions == {Permission.NONE}:
            return False
        return Permission.ALL in self.permissions or permission in self.permissions


def _rules(
    identity: Identity, resource_type: int, resource_ids: Iterable[str] | None
) -> list[Rule]:
    """Every rule that can speak for this identity on these ids (all ids when None): 1 query."""
    who = Q(user_id=identity.user_id) | Q(type=AuthorizationType.GLOBAL)
    if identity.group_ids:
        who |= Q(group_id__in=identity.group_ids)
    query = Authorization.objects.filter(who, resource_type=resource_type)
    if resource_ids is not None:
        query = query.filter(resource_id__in={ANY, *resource_ids})
    rows = query.values_list("type", "user_id", "group_id", "resource_id", "permissions")
    return [Rule(t, u, g, r, frozenset(p or ())) for t, u, g, r, p in rows]


def _decide(rules: Sequence[Rule], identity: Identity, permission: str, resource_id: str) -> bool:
    """Camunda's precedence over already-loaded rules (see the module docstring)."""
    levels = (
        lambda r: r.type != AuthorizationType.GLOBAL and r.user_id == identity.user_id,
        lambda r: r.group_id is not None and r.group_id in identity.group_ids,
        lambda r: r.type == AuthorizationType.GLOBAL,
    )
    for at_level in levels:
        for rid in (resource_id, ANY) if resource_id != ANY else (ANY,):
            step = [
                r for r in rules if at_level(r) and r.resource_id == rid and r.names(permission)
            ]
            if any(r.type == AuthorizationType.REVOKE for r in step):
                return False
            if step:
                return True
    return False


def is_authorized(
    actor: Actor, permission: str, resource_type: int, resource_id: str = ANY
) -> bool:
    """Whether the actor holds `permission` on the resource (id `*`: on every resource of it)."""
    identity = identity_of(actor)
    if identity is None or identity.admin:
        return True
    rules = _rules(identity, resource_type, [resource_id])
    return _decide(rules, identity, permission, resource_id)


class Check(NamedTuple):
    permission: str
    resource_type: int
    resource_id: str = ANY


def is_authorized_any(actor: Actor, checks: Iterable[Check | tuple[str, int, str]]) -> bool:
    """True when one of the checks passes: Camunda's compound checks, e.g. reading a task needs
    READ on the task *or* READ_TASK on its process definition (key)."""
    identity = identity_of(actor)
    if identity is None or identity.admin:
        return True
    return any(_check(identity, Check(*check)) for check in checks)


def _check(identity: Identity, check: Check) -> bool:
    rules = _rules(identity, check.resource_type, [check.resource_id])
    return _decide(rules, identity, check.permission, check.resource_id)


def require(actor: Actor, permission: str, resource_type: int, resource_id: str = ANY) -> None:
    """`is_authorized` or raise AuthorizationError naming what is missing."""
    require_any(actor, [Check(permission, resource_type, resource_id)])


def require_any(actor: Actor, checks: Iterable[Check | tuple[str, int, str]]) -> None:
    wanted = [Check(*check) for check in checks]
    if is_authorized_any(actor, wanted):
        return
    identity = identity_of(actor)
    user_id = identity.user_id if identity else ""
    missing = " or ".join(
        f"'{c.permission}' permission on resource '{c.resource_id}' of type "
        f"'{resource_label(c.resource_type)}'"
        for c in wanted
    )
    raise AuthorizationError(
        f"The user with id '{user_id}' does not have {missing}.",
        user_id=user_id,
        missing=[
            {
                "permissionName": c.permission,
                "resourceName": resource_label(c.resource_type),
                "resourceId": c.resource_id,
            }
            for c in wanted
        ],
    )


@dataclass(frozen=True)
class IdFilter:
    """Which ids of a resource type an actor may read: every id (`all`) except `excluded`,
    or only `ids`. `q(field)` turns it into a queryset filter on the id column."""

    all: bool
    ids: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()

    def q(self, field_name: str) -> Q:
        if self.all:
            return ~Q(**{f"{field_name}__in": self.excluded}) if self.excluded else Q()
        return Q(**{f"{field_name}__in": self.ids}) if self.ids else Q(pk__in=[])

    def allows(self, resource_id: str) -> bool:
        return resource_id not in self.excluded if self.all else resource_id in self.ids

    def __or__(self, other: IdFilter) -> IdFilter:
        if self.all and other.all:
            return IdFilter(True, excluded=self.excluded & other.excluded)
        if self.all or other.all:
            everything, some = (self, other) if self.all else (other, self)
            return IdFilter(True, excluded=everything.excluded - some.ids)
        return IdFilter(False, ids=self.ids | other.ids)


def readable_ids(
    actor: Actor, resource_type: int, permission: str = Permission.READ
) -> IdFilter:
    """The ids the actor holds `permission` on, for filtering list pages and REST lists in one
    query: `Model.objects.filter(readable_ids(user, Resource.X).q("id"))`."""
    identity = identity_of(actor)
    if identity is None or identity.admin:
        return IdFilter(True)
    rules = _rules(identity, resource_type, None)
    # An id no rule names gets the decision of the `*` rules; only named ids can differ.
    default = _decide(rules, identity, permission, ANY)
    named = {r.resource_id for r in rules} - {ANY}
    differ = frozenset(i for i in named if _decide(rules, identity, permission, i) != default)
    return IdFilter(True, excluded=differ) if default else IdFilter(False, ids=differ)


@dataclass(frozen=True)
class TaskInvolvement:
    """How people relate to one task; the runtime passes it from the task and its candidates."""

    assignee: str | None = None
    owner: str | None = None
    candidate_users: frozenset[str] = frozenset()
    candidate_groups: frozenset[str] = frozenset()


def task_default_permissions(actor: Actor, involvement: TaskInvolvement) -> frozenset[str]:
    """Task permissions Camunda grants by default to the people a task names.

    Camunda creates, when a user becomes assignee, owner or candidate user, or a group becomes
    candidate group, a GRANT on that task id with READ and `defaultUserPermissionNameForTask`
    (UPDATE, or TASK_WORK when configured: settings.LEGATO_DEFAULT_TASK_PERMISSION), plus
    READ_VARIABLE when enforceSpecificVariablePermission is used. Legato derives the same grants
    from the task's fields instead of storing rows, so they vanish with the involvement.
    """
    identity = identity_of(actor)
    if identity is None or identity.admin:
        return frozenset({Permission.ALL})
    involved = identity.user_id in {
        involvement.assignee, involvement.owner, *involvement.candidate_users
    } or bool(identity.group_ids & involvement.candidate_groups)
    if not involved or not identity.user_id:
        return frozenset()
    default = getattr(settings, "LEGATO_DEFAULT_TASK_PERMISSION", Permission.UPDATE)
    return frozenset({Permission.READ, default, Permission.READ_VARIABLE})


def is_task_authorized(
    actor: Actor,
    permission: str,
    task_id: str,
    involvement: TaskInvolvement,
    process_definition_key: str | None = None,
) -> bool:
    """The full task check: default grants of the involved, then rules on the task, then the
    task permission on its process definition (READ_TASK, UPDATE_TASK, TASK_WORK, TASK_ASSIGN).

    A user-level REVOKE on the task still wins over the default grants, as in Camunda, where
    the defaults are ordinary user/group GRANT rows on the task id.
    """
    identity = identity_of(actor)
    if identity is None or identity.admin:
        return True
    rules = _rules(identity, Resource.TASK, [task_id])
    rules += _default_rules(identity, involvement, task_id)
    if _decide(rules, identity, permission, task_id):
        return True
    definition_permission = _ON_DEFINITION.get(permission)
    if not process_definition_key or definition_permission is None:
        return False  # no key: a standalone task, which no definition's permissions cover
    return _check(
        identity, Check(definition_permission, Resource.PROCESS_DEFINITION, process_definition_key)
    )


def require_task(
    actor: Actor,
    permission: str,
    task_id: str,
    involvement: TaskInvolvement,
    process_definition_key: str | None = None,
) -> None:
    if is_task_authorized(actor, permission, task_id, involvement, process_definition_key):
        return
    checks: list[Check] = [Check(permission, Resource.TASK, task_id)]
    definition_permission = _ON_DEFINITION.get(permission)
    if process_definition_key and definition_permission:
        checks.append(Check(definition_permission, Resource.PROCESS_DEFINITION,
                            process_definition_key))
    require_any(actor, checks)


# A task permission and the process-definition permission that grants it for all its tasks.
_ON_DEFINITION: dict[str, str] = {
    Permission.READ: Permission.READ_TASK,
    Permission.UPDATE: Permission.UPDATE_TASK,
    Permission.TASK_WORK: Permission.TASK_WORK,
    Permission.TASK_ASSIGN: Permission.TASK_ASSIGN,
    Permission.DELETE: Permission.UPDATE_TASK,
    Permission.READ_VARIABLE: Permission.READ_TASK,
    Permission.UPDATE_VARIABLE: Permission.UPDATE_TASK_VARIABLE,
}


def _default_rules(identity: Identity, involvement: TaskInvolvement, task_id: str) -> list[Rule]:
    names = task_default_permissions(identity, involvement)
    if not names:
        return []
    grants: list[Rule] = []
    if identity.user_id in {involvement.assignee, involvement.owner, *involvement.candidate_users}:
        grants.append(Rule(AuthorizationType.GRANT, identity.user_id, None, task_id, names))
    for group in identity.group_ids & involvement.candidate_groups:
        grants.append(Rule(AuthorizationType.GRANT, None, group, task_id, names))
    return grants


def describe(rule: Any) -> str:
    """A sentence for pages and logs: 'Grant READ, UPDATE to group sales on Task *'."""
    who = (
        "everybody" if rule.type == AuthorizationType.GLOBAL
        else f"user {rule.user_id}" if rule.user_id else f"group {rule.group_id}"
    )
    verb = {0: "Allow", 1: "Grant", 2: "Revoke"}[rule.type]
    return (f"{verb} {', '.join(rule.permissions)} to {who} on "
            f"{resource_label(rule.resource_type)} {rule.resource_id}")
