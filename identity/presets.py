"""Role presets: the grants a new install gives a group so it can act as one kind of person.

Applying a preset only adds permissions (it merges into the group's existing grants on the same
resource) and never removes any, so it is safe to apply again or to combine presets.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from identity.authorization import Actor
from identity.authorization_admin import (
    AuthorizationSpec,
    create_authorization,
    update_authorization,
)
from identity.models import Authorization, AuthorizationType
from identity.resources import ANY, Resource
from identity.resources import Permission as P

Grant = tuple[Resource, str, tuple[str, ...]]

PRESETS: dict[str, tuple[Grant, ...]] = {
    # Finds failed instances, reads incidents, fixes data, retries, cancels, moves tokens.
    "operator": (
        (Resource.APPLICATION, "cockpit", (P.ACCESS,)),
        (Resource.PROCESS_DEFINITION, ANY, (
            P.READ, P.READ_INSTANCE, P.UPDATE_INSTANCE, P.DELETE_INSTANCE, P.RETRY_JOB,
            P.SUSPEND_INSTANCE, P.UPDATE_INSTANCE_VARIABLE, P.MIGRATE_INSTANCE, P.READ_TASK,
            P.READ_HISTORY, P.READ_HISTORY_VARIABLE,
        )),
        (Resource.PROCESS_INSTANCE, ANY, (
            P.READ, P.UPDATE, P.DELETE, P.RETRY_JOB, P.SUSPEND, P.UPDATE_VARIABLE,
        )),
        (Resource.DEPLOYMENT, ANY, (P.READ,)),
        (Resource.DECISION_DEFINITION, ANY, (P.READ, P.READ_HISTORY)),
        (Resource.DECISION_REQUIREMENTS_DEFINITION, ANY, (P.READ,)),
        (Resource.BATCH, ANY, (P.READ, P.CREATE, P.READ_HISTORY)),
        (Resource.TASK, ANY, (P.READ,)),
        (Resource.HISTORIC_PROCESS_INSTANCE, ANY, (P.READ,)),
        (Resource.HISTORIC_TASK, ANY, (P.READ,)),
        (Resource.OPERATION_LOG_CATEGORY, "Operator", (P.READ,)),
    ),
    # Sees tasks meant for them or their groups (Camunda's default task grants do that),
    # starts processes, saves filters. No READ on every filter: that would show everybody's
    # private filters; people read their own and those shared with them.
    "business-user": (
        (Resource.APPLICATION, "tasklist", (P.ACCESS,)),
        (Resource.PROCESS_DEFINITION, ANY, (P.READ, P.CREATE_INSTANCE)),
        (Resource.PROCESS_INSTANCE, ANY, (P.CREATE,)),
        (Resource.FILTER, ANY, (P.CREATE,)),
    ),
    # Reads and exports history and the audit trail; changes nothing.
    "auditor": (
        (Resource.APPLICATION, "cockpit", (P.ACCESS,)),
        (Resource.PROCESS_DEFINITION, ANY, (P.READ, P.READ_HISTORY, P.READ_HISTORY_VARIABLE)),
        (Resource.DECISION_DEFINITION, ANY, (P.READ, P.READ_HISTORY)),
        (Resource.DECISION_REQUIREMENTS_DEFINITION, ANY, (P.READ,)),
        (Resource.DEPLOYMENT, ANY, (P.READ,)),
        (Resource.BATCH, ANY, (P.READ_HISTORY,)),
        (Resource.HISTORIC_PROCESS_INSTANCE, ANY, (P.READ,)),
        (Resource.HISTORIC_TASK, ANY, (P.READ, P.READ_VARIABLE)),
        (Resource.OPERATION_LOG_CATEGORY, ANY, (P.READ,)),
    ),
    # Deploys and runs everything about processes, but manages no users or authorizations.
    "process-admin": (
        (Resource.APPLICATION, "cockpit", (P.ACCESS,)),
        (Resource.APPLICATION, "tasklist", (P.ACCESS,)),
        (Resource.DEPLOYMENT, ANY, (P.ALL,)),
        (Resource.PROCESS_DEFINITION, ANY, (P.ALL,)),
        (Resource.PROCESS_INSTANCE, ANY, (P.ALL,)),
        (Resource.TASK, ANY, (P.ALL,)),
        (Resource.DECISION_DEFINITION, ANY, (P.ALL,)),
        (Resource.DECISION_REQUIREMENTS_DEFINITION, ANY, (P.ALL,)),
        (Resource.BATCH, ANY, (P.ALL,)),
        (Resource.HISTORIC_PROCESS_INSTANCE, ANY, (P.ALL,)),
        (Resource.HISTORIC_TASK, ANY, (P.ALL,)),
        (Resource.OPERATION_LOG_CATEGORY, ANY, (P.ALL,)),
        (Resource.FILTER, ANY, (P.ALL,)),
    ),
}


class UnknownPreset(ValueError):
    pass


@transaction.atomic
def apply_preset(actor: Actor, preset: str, group_id: str) -> int:
    """Grant the preset's permissions to the group; returns how many rules were added/changed.

    The group must exist (the command creates it first)."""
    if preset not in PRESETS:
        raise UnknownPreset(f"No preset '{preset}': choose one of {', '.join(PRESETS)}")
    Group.objects.get(name=group_id)
    changed = 0
    for resource, resource_id, permissions in PRESETS[preset]:
        existing = Authorization.objects.filter(
            type=AuthorizationType.GRANT, group_id=group_id,
            resource_type=resource, resource_id=resource_id,
        ).first()
        if existing is None:
            create_authorization(actor, AuthorizationSpec(
                AuthorizationType.GRANT, resource, resource_id, permissions, group_id=group_id,
            ))
            changed += 1
            continue
        merged = tuple(dict.fromkeys([*existing.permissions, *permissions]))
        if set(merged) != set(existing.permissions):
            update_authorization(actor, existing.pk, AuthorizationSpec(
                AuthorizationType.GRANT, resource, resource_id, merged, group_id=group_id,
            ))
            changed += 1
    return changed
