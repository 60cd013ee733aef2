"""Camunda 7's authorization vocabulary: resource types (their integer ids) and permissions.

The integers and names are Camunda's (`org.camunda.bpm.engine.authorization.Resources` and the
`*Permissions` enums), so authorizations read and written over `/engine-rest/authorization`
mean the same thing here as in Camunda.
"""

from __future__ import annotations

from enum import IntEnum

ANY = "*"  # Camunda's wildcard: every resource id, or (for GLOBAL) every user


class Resource(IntEnum):
    APPLICATION = 0
    USER = 1
    GROUP = 2
    GROUP_MEMBERSHIP = 3
    AUTHORIZATION = 4
    FILTER = 5
    PROCESS_DEFINITION = 6
    TASK = 7
    PROCESS_INSTANCE = 8
    DEPLOYMENT = 9
    DECISION_DEFINITION = 10
    TENANT = 11
    TENANT_MEMBERSHIP = 12
    BATCH = 13
    DECISION_REQUIREMENTS_DEFINITION = 14
    REPORT = 15
    DASHBOARD = 16
    OPERATION_LOG_CATEGORY = 17
    HISTORIC_TASK = 19
    HISTORIC_PROCESS_INSTANCE = 20
    SYSTEM = 21

    @property
    def label(self) -> str:
        return RESOURCE_LABELS[self]


RESOURCE_LABELS: dict[Resource, str] = {
    Resource.APPLICATION: "Application",
    Resource.USER: "User",
    Resource.GROUP: "Group",
    Resource.GROUP_MEMBERSHIP: "Group membership",
    Resource.AUTHORIZATION: "Authorization",
    Resource.FILTER: "Filter",
    Resource.PROCESS_DEFINITION: "Process definition",
    Resource.TASK: "Task",
    Resource.PROCESS_INSTANCE: "Process instance",
    Resource.DEPLOYMENT: "Deployment",
    Resource.DECISION_DEFINITION: "Decision definition",
    Resource.TENANT: "Tenant",
    Resource.TENANT_MEMBERSHIP: "Tenant membership",
    Resource.BATCH: "Batch",
    Resource.DECISION_REQUIREMENTS_DEFINITION: "Decision requirements definition",
    Resource.REPORT: "Report",
    Resource.DASHBOARD: "Dashboard",
    Resource.OPERATION_LOG_CATEGORY: "Operation log category",
    Resource.HISTORIC_TASK: "Historic task",
    Resource.HISTORIC_PROCESS_INSTANCE: "Historic process instance",
    Resource.SYSTEM: "System",
}


class Permission:
    """Permission names as Camunda spells them; an authorization stores a set of these."""

    NONE = "NONE"
    ALL = "ALL"
    READ = "READ"
    UPDATE = "UPDATE"
    CREATE = "CREATE"
    DELETE = "DELETE"
    ACCESS = "ACCESS"
    READ_TASK = "READ_TASK"
    UPDATE_TASK = "UPDATE_TASK"
    CREATE_INSTANCE = "CREATE_INSTANCE"
    READ_INSTANCE = "READ_INSTANCE"
    UPDATE_INSTANCE = "UPDATE_INSTANCE"
    DELETE_INSTANCE = "DELETE_INSTANCE"
    READ_HISTORY = "READ_HISTORY"
    READ_HISTORY_VARIABLE = "READ_HISTORY_VARIABLE"
    UPDATE_HISTORY = "UPDATE_HISTORY"  # annotate the operation log of its instances
    DELETE_HISTORY = "DELETE_HISTORY"
    TASK_WORK = "TASK_WORK"
    TASK_ASSIGN = "TASK_ASSIGN"
    MIGRATE_INSTANCE = "MIGRATE_INSTANCE"
    RETRY_JOB = "RETRY_JOB"
    SUSPEND = "SUSPEND"
    SUSPEND_INSTANCE = "SUSPEND_INSTANCE"
    UPDATE_VARIABLE = "UPDATE_VARIABLE"
    READ_VARIABLE = "READ_VARIABLE"
    UPDATE_INSTANCE_VARIABLE = "UPDATE_INSTANCE_VARIABLE"
    UPDATE_TASK_VARIABLE = "UPDATE_TASK_VARIABLE"
    SET = "SET"


P = Permission
_CRUD = (P.READ, P.UPDATE, P.CREATE, P.DELETE)

# Which permissions each resource type knows (Camunda's per-resource Permission enums).
# NONE and ALL belong to every resource type.
PERMISSIONS: dict[Resource, tuple[str, ...]] = {
    Resource.APPLICATION: (P.ACCESS,),
    Resource.USER: _CRUD,
    Resource.GROUP: _CRUD,
    Resource.GROUP_MEMBERSHIP: (P.CREATE, P.DELETE),
    Resource.AUTHORIZATION: _CRUD,
    Resource.FILTER: _CRUD,
    Resource.PROCESS_DEFINITION: (
        P.READ, P.UPDATE, P.DELETE, P.READ_TASK, P.UPDATE_TASK, P.CREATE_INSTANCE,
        P.READ_INSTANCE, P.UPDATE_INSTANCE, P.RETRY_JOB, P.SUSPEND, P.SUSPEND_INSTANCE,
        P.UPDATE_INSTANCE_VARIABLE, P.UPDATE_TASK_VARIABLE, P.DELETE_INSTANCE, P.READ_HISTORY,
        P.READ_HISTORY_VARIABLE, P.UPDATE_HISTORY, P.DELETE_HISTORY, P.MIGRATE_INSTANCE,
        P.TASK_WORK, P.TASK_ASSIGN,
    ),
    Resource.TASK: (
        P.READ, P.UPDATE, P.CREATE, P.DELETE, P.READ_HISTORY, P.TASK_WORK, P.TASK_ASSIGN,
        P.UPDATE_VARIABLE, P.READ_VARIABLE,
    ),
    Resource.PROCESS_INSTANCE: (
        P.READ, P.UPDATE, P.CREATE, P.DELETE, P.RETRY_JOB, P.SUSPEND, P.UPDATE_VARIABLE,
    ),
    Resource.DEPLOYMENT: (P.READ, P.CREATE, P.DELETE),
    Resource.DECISION_DEFINITION: (
        P.READ, P.UPDATE, P.CREATE_INSTANCE, P.READ_HISTORY, P.DELETE_HISTORY,
    ),
    Resource.TENANT: _CRUD,
    Resource.TENANT_MEMBERSHIP: (P.CREATE, P.DELETE),
    Resource.BATCH: (P.READ, P.UPDATE, P.CREATE, P.DELETE, P.READ_HISTORY, P.DELETE_HISTORY),
    Resource.DECISION_REQUIREMENTS_DEFINITION: (P.READ,),
    Resource.REPORT: _CRUD,
    Resource.DASHBOARD: _CRUD,
    Resource.OPERATION_LOG_CATEGORY: (P.READ, P.UPDATE, P.DELETE),
    Resource.HISTORIC_TASK: (P.READ, P.READ_VARIABLE),
    Resource.HISTORIC_PROCESS_INSTANCE: (P.READ,),
    Resource.SYSTEM: (P.READ, P.SET, P.DELETE),
}


def permissions_of(resource_type: int) -> tuple[str, ...]:
    """Every permission name valid for the resource type, NONE and ALL included."""
    return (P.NONE, P.ALL, *PERMISSIONS[Resource(resource_type)])


def resource_label(resource_type: int) -> str:
    try:
        return Resource(resource_type).label
    except ValueError:
        return str(resource_type)
