"""Which cockpit action needs which Camunda permission, checked through identity.authorization.

Camunda accepts either the permission on the process instance itself or the matching
"*_INSTANCE" permission on its process definition (by key); every check here offers both, as
Camunda's `AuthorizationCommandChecker` does.
"""

from __future__ import annotations

from django.db.models import Q

from identity.authorization import (
    ANY,
    Actor,
    Check,
    is_authorized_any,
    readable_ids,
    require_any,
)
from identity.resources import Permission as P
from identity.resources import Resource as R


def _instance_checks(
    instance_permissions: tuple[str, ...],
    definition_permissions: tuple[str, ...],
    instance_id: str,
    key: str,
) -> list[Check]:
    checks = [Check(p, R.PROCESS_INSTANCE, instance_id) for p in instance_permissions]
    checks += [Check(p, R.PROCESS_DEFINITION, key) for p in definition_permissions]
    return checks


# action -> (permissions on the instance, permissions on its definition); any one suffices.
ACTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "read": ((P.READ,), (P.READ_INSTANCE,)),
    "update_variables": (
        (P.UPDATE, P.UPDATE_VARIABLE),
        (P.UPDATE_INSTANCE, P.UPDATE_INSTANCE_VARIABLE),
    ),
    "delete": ((P.DELETE,), (P.DELETE_INSTANCE,)),
    "suspend": ((P.UPDATE, P.SUSPEND), (P.UPDATE_INSTANCE, P.SUSPEND_INSTANCE)),
    "retry": ((P.UPDATE, P.RETRY_JOB), (P.UPDATE_INSTANCE, P.RETRY_JOB)),
    "modify": ((P.UPDATE,), (P.UPDATE_INSTANCE,)),
}


def may(actor: Actor, action: str, instance_id: str, key: str) -> bool:
    on_instance, on_definition = ACTIONS[action]
    return is_authorized_any(actor, _instance_checks(on_instance, on_definition, instance_id, key))


def require_instance(actor: Actor, action: str, instance_id: str, key: str) -> None:
    on_instance, on_definition = ACTIONS[action]
    require_any(actor, _instance_checks(on_instance, on_definition, instance_id, key))


def require_history(actor: Actor, instance_id: str, key: str) -> None:
    """A finished instance is read from history: READ_HISTORY on its definition, or READ on
    the historic instance (Camunda's HISTORIC_PROCESS_INSTANCE resource)."""
    require_any(
        actor,
        [
            Check(P.READ_HISTORY, R.PROCESS_DEFINITION, key),
            Check(P.READ, R.HISTORIC_PROCESS_INSTANCE, instance_id),
        ],
    )


def require_definition(actor: Actor, permission: str, key: str) -> None:
    require_any(actor, [Check(permission, R.PROCESS_DEFINITION, key)])


def may_definition(actor: Actor, permission: str, key: str) -> bool:
    return is_authorized_any(actor, [Check(permission, R.PROCESS_DEFINITION, key)])


def may_suspend_definition(actor: Actor, key: str) -> bool:
    """Camunda: SUSPEND or UPDATE on the process definition (also for its job definitions)."""
    return any(may_definition(actor, p, key) for p in (P.SUSPEND, P.UPDATE))


def may_read_all_instances(actor: Actor) -> bool:
    """Whether the actor may read every process instance: then it may join the `cockpit`
    live group, whose events name instances of every definition."""
    return is_authorized_any(
        actor,
        [Check(P.READ, R.PROCESS_INSTANCE, ANY), Check(P.READ_INSTANCE, R.PROCESS_DEFINITION, ANY)],
    )


def readable_definitions(actor: Actor, field: str = "process_definition__key") -> Q:
    """A filter on a definition-key column: the keys whose instances the actor may read.

    Lists (instances, incidents, dashboard numbers) show only what this allows, so a user
    never counts what it may not open.
    """
    if may_read_all_instances(actor):
        return Q()
    return readable_ids(actor, R.PROCESS_DEFINITION, P.READ_INSTANCE).q(field)
