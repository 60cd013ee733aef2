"""The authorization checks of the engine's service API (Camunda's command checks).

Every state-changing service function calls one of these with the acting user before it
changes anything, so cockpit, tasklist, REST and anything else obey the same rules. A user
of None is the engine itself (job executor, timers, migrations) and is never checked.
"""

from __future__ import annotations

from django.db.models import QuerySet

from engine.models import Job, ProcessDefinition, ProcessInstance, Task, TaskCandidate
from engine.models.tenancy import unscoped
from identity.authorization import (
    Check,
    TaskInvolvement,
    identity_of,
    is_task_authorized,
    require,
    require_any,
)
from identity.resources import ANY, Permission, Resource
from identity.tenancy import require_tenant, require_tenant_of_definition

P = Permission


def require_deploy(user: str | None, tenant_id: str | None = None) -> None:
    require(user, P.CREATE, Resource.DEPLOYMENT, ANY)
    require_tenant(user, tenant_id, f"deploy for the tenant '{tenant_id}'")


def require_read_deployment(user: str | None, deployment_id: str) -> None:
    require(user, P.READ, Resource.DEPLOYMENT, deployment_id)


def require_delete_deployment(user: str | None, deployment_id: str) -> None:
    require(user, P.DELETE, Resource.DEPLOYMENT, deployment_id)


def require_delete_definition(user: str | None, key: str) -> None:
    require(user, P.DELETE, Resource.PROCESS_DEFINITION, key)


def require_start(user: str | None, key: str, definition_id: str | None = None) -> None:
    """Camunda: CREATE on process instances and CREATE_INSTANCE on the definition (and the
    definition in one of the user's tenants)."""
    identity = identity_of(user)  # resolved once for all checks
    require(identity, P.CREATE, Resource.PROCESS_INSTANCE, ANY)
    require(identity, P.CREATE_INSTANCE, Resource.PROCESS_DEFINITION, key)
    require_tenant_of_definition(
        identity, definition_id, f"create an instance of the process definition '{definition_id}'"
    )


def require_instance(
    user: str | None, instance_id: str, instance_permission: str, definition_permission: str
) -> None:
    """A permission on the instance itself, or its counterpart on the instance's definition
    (and the instance in one of the user's tenants)."""
    if user is None:
        return
    identity = identity_of(user)
    definition_id, key = _definition_of_instance(instance_id)
    require_any(
        identity,
        [
            Check(instance_permission, Resource.PROCESS_INSTANCE, instance_id),
            Check(definition_permission, Resource.PROCESS_DEFINITION, key),
        ],
    )
    verb = _VERBS.get(instance_permission, "update")
    require_tenant_of_definition(
        identity, definition_id, f"{verb} the process instance '{instance_id}'"
    )


_VERBS = {P.READ: "read", P.DELETE: "delete"}


def require_update_instance(user: str | None, instance_id: str) -> None:
    require_instance(user, instance_id, P.UPDATE, P.UPDATE_INSTANCE)


def require_delete_instance(user: str | None, instance_id: str) -> None:
    require_instance(user, instance_id, P.DELETE, P.DELETE_INSTANCE)


def require_update_any_instance(user: str | None) -> None:
    """Correlating a message or broadcasting a signal may touch any instance."""
    require_any(
        user,
        [
            Check(P.UPDATE, Resource.PROCESS_INSTANCE, ANY),
            Check(P.UPDATE_INSTANCE, Resource.PROCESS_DEFINITION, ANY),
        ],
    )


def require_suspend_definition(user: str | None, keys: QuerySet[ProcessDefinition]) -> None:
    if user is None:
        return
    for key in set(keys.values_list("key", flat=True)):
        require_any(
            user,
            [
                Check(P.SUSPEND, Resource.PROCESS_DEFINITION, key),
                Check(P.UPDATE, Resource.PROCESS_DEFINITION, key),
            ],
        )


def require_on_definition(user: str | None, key: str, *permissions: str) -> None:
    """Any one of `permissions` on the process definition `key`."""
    if user is None:
        return
    require_any(user, [Check(p, Resource.PROCESS_DEFINITION, key) for p in permissions])


def require_job(user: str | None, job: Job, on_instance: str, on_definition: str) -> None:
    """A job command: the given permission (or UPDATE) on the job's instance, or its
    definition counterpart (or UPDATE_INSTANCE) on the definition."""
    if user is None:
        return
    instance = job.process_instance_id or ANY
    key = job.process_definition_key
    identity = identity_of(user)
    require_any(
        identity,
        [
            Check(on_instance, Resource.PROCESS_INSTANCE, instance),
            Check(P.UPDATE, Resource.PROCESS_INSTANCE, instance),
            Check(on_definition, Resource.PROCESS_DEFINITION, key),
            Check(P.UPDATE_INSTANCE, Resource.PROCESS_DEFINITION, key),
        ],
    )
    require_tenant_of_definition(
        identity, job.process_definition_id, f"update the job '{job.id}'"
    )


def require_incident_update(user: str | None, instance_id: str | None, key: str) -> None:
    if user is None:
        return
    require_any(
        user,
        [
            Check(P.UPDATE, Resource.PROCESS_INSTANCE, instance_id or ANY),
            Check(P.UPDATE_INSTANCE, Resource.PROCESS_DEFINITION, key),
        ],
    )


def require_task(user: str | None, task: Task, *permissions: str) -> None:
    """Any one of `permissions` on the task: by rule, by the defaults Camunda grants the
    assignee, owner and candidates, or through the task permissions of its definition."""
    if user is None:
        return
    involvement = _involvement(task)
    key = (task.process_definition_id or "").split(":", 1)[0]  # none: a standalone task
    if not any(is_task_authorized(user, p, task.id, involvement, key) for p in permissions):
        require_any(user, [Check(p, Resource.TASK, task.id) for p in permissions])
    require_tenant_of_definition(user, task.process_definition_id, f"work on task '{task.id}'")
    require_tenant(user, task.tenant_id, f"work on task '{task.id}'")  # of no process


def _involvement(task: Task) -> TaskInvolvement:
    users, groups = set(), set()
    for user_id, group_id in TaskCandidate.objects.filter(task_id=task.id).values_list(
        "user_id", "group_id"
    ):
        if user_id:
            users.add(user_id)
        if group_id:
            groups.add(group_id)
    return TaskInvolvement(
        assignee=task.assignee,
        owner=task.owner,
        candidate_users=frozenset(users),
        candidate_groups=frozenset(groups),
    )


def _definition_of_instance(instance_id: str) -> tuple[str | None, str]:
    """The definition id and key of a running instance (ANY for the key when it is gone)."""
    with unscoped():  # the tenant check below decides, not the read
        row = (
            ProcessInstance.objects.filter(pk=instance_id)
            .values_list("process_definition_id", "process_definition__key")
            .first()
        )
    return (row[0], row[1]) if row is not None else (None, ANY)
