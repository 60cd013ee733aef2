"""Who may see and work which task: the tasklist's use of identity.authorization.

Camunda's rules: the assignee, the owner, candidate users and members of candidate groups hold
READ and UPDATE (or TASK_WORK) on the task by default; others need an authorization on the task
or the task permission on its process definition (READ_TASK, UPDATE_TASK, TASK_WORK,
TASK_ASSIGN); members of the admin group may do everything. Claiming and completing are work
(TASK_WORK or UPDATE); assigning and delegating need TASK_ASSIGN or UPDATE.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q

from engine.errors import AuthorizationError
from engine.models import Task, TaskCandidate
from identity.authorization import (
    ANY,
    Identity,
    Permission,
    Resource,
    TaskInvolvement,
    identity_of,
    is_authorized,
    readable_ids,
)
from identity.authorization import is_task_authorized as _is_task_authorized


def who(user: User) -> Identity:
    identity = identity_of(user)
    assert identity is not None  # a request's user is never the engine itself
    return identity


def definition_key(process_definition_id: str | None) -> str:
    # Definition ids are `key:version:uuid`, and a BPMN id (the key) holds no colon. A
    # standalone task has none: no definition's task permissions apply to it.
    return (process_definition_id or "").split(":", 1)[0]


def involvement(task: Task, candidates: dict[str, list[str]] | None = None) -> TaskInvolvement:
    if candidates is None:
        users, groups = [], []
        for user_id, group_id in TaskCandidate.objects.filter(task_id=task.id).values_list(
            "user_id", "group_id"
        ):
            (users if user_id else groups).append(user_id or group_id)
        candidates = {"users": users, "groups": groups}
    return TaskInvolvement(
        assignee=task.assignee,
        owner=task.owner,
        candidate_users=frozenset(candidates.get("users", [])),
        candidate_groups=frozenset(candidates.get("groups", [])),
    )


def _any_of(user: User, permissions: tuple[str, ...], task: Task, found: TaskInvolvement) -> bool:
    key = definition_key(task.process_definition_id)
    return any(_is_task_authorized(user, p, task.id, found, key) for p in permissions)


class TaskRights:
    """What one user may do with one task, decided once per request."""

    def __init__(self, user: User, task: Task) -> None:
        found = involvement(task)
        self.read = _any_of(user, (Permission.READ,), task, found)
        self.work = _any_of(user, (Permission.TASK_WORK, Permission.UPDATE), task, found)
        self.assign = _any_of(user, (Permission.TASK_ASSIGN, Permission.UPDATE), task, found)
        self.involvement = found


def refuse(user: User, action: str, task: Task) -> AuthorizationError:
    """An error in words for the page (and the user id and task for the log)."""
    return AuthorizationError(
        f"You ({user.get_username()}) may not {action} the task '{task.name or task.id}': "
        "you are neither its assignee nor a candidate, and no authorization allows it.",
        user_id=user.get_username(),
    )


def can_see_all(user: User) -> bool:
    """ "All tasks" is for admins and holders of READ on every task (or READ_TASK on every
    process definition), as Camunda's task query returns every task to them."""
    return is_authorized(user, Permission.READ, Resource.TASK, ANY) or is_authorized(
        user, Permission.READ_TASK, Resource.PROCESS_DEFINITION, ANY
    )


def visible(user: User) -> Q:
    """Tasks the user may read, as one filter (Camunda applies it to every task query)."""
    if can_see_all(user):
        return Q()
    me = who(user)
    offered = Q(user_id=me.user_id)
    if me.group_ids:
        offered |= Q(group_id__in=me.group_ids)
    rule = Q(assignee=me.user_id) | Q(owner=me.user_id)
    rule |= Q(Exists(TaskCandidate.objects.filter(offered, task=OuterRef("pk"))))
    tasks = readable_ids(user, Resource.TASK)
    if tasks.ids:
        rule |= Q(pk__in=tasks.ids)
    keys = readable_ids(user, Resource.PROCESS_DEFINITION, Permission.READ_TASK)
    for key in sorted(keys.ids):
        rule |= Q(process_definition_id__startswith=f"{key}:")
    return rule


def may_create_tasks(user: object) -> bool:
    """Creating a task of no process, or a subtask: Camunda's CREATE on tasks."""
    return is_authorized(user, Permission.CREATE, Resource.TASK, ANY)


def may_start(user: User, key: str) -> bool:
    """Camunda: CREATE on process instances and CREATE_INSTANCE on the definition (key)."""
    return is_authorized(user, Permission.CREATE, Resource.PROCESS_INSTANCE, ANY) and (
        is_authorized(user, Permission.CREATE_INSTANCE, Resource.PROCESS_DEFINITION, key)
    )
