"""The user operation log (Camunda ACT_HI_OP_LOG), chained by hashes for tamper evidence."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.db import models


class OperationType(models.TextChoices):
    """Camunda's user operation types (UserOperationLogEntry.OPERATION_TYPE_*), plus Legato's
    Login and Export, which Camunda does not log."""

    CREATE = "Create"
    UPDATE = "Update"
    DELETE = "Delete"
    DELETE_HISTORY = "DeleteHistory"
    MIGRATE = "Migrate"
    SUSPEND_BATCH = "SuspendBatch"
    ACTIVATE_BATCH = "ActivateBatch"
    LOGIN = "Login"
    EXPORT = "Export"


class EntityType(models.TextChoices):
    DEPLOYMENT = "Deployment"
    PROCESS_DEFINITION = "ProcessDefinition"
    DECISION_DEFINITION = "DecisionDefinition"
    PROCESS_INSTANCE = "ProcessInstance"
    TASK = "Task"
    ATTACHMENT = "Attachment"
    COMMENT = "Comment"
    IDENTITY_LINK = "IdentityLink"
    VARIABLE = "Variable"
    JOB = "Job"
    JOB_DEFINITION = "JobDefinition"
    EXTERNAL_TASK = "ExternalTask"
    INCIDENT = "Incident"
    DECISION_INSTANCE = "DecisionInstance"
    USER = "User"
    GROUP = "Group"
    GROUP_MEMBERSHIP = "GroupMembership"
    TENANT = "Tenant"
    TENANT_MEMBERSHIP = "TenantMembership"
    AUTHORIZATION = "Authorization"
    HISTORY = "History"
    FILTER = "Filter"
    BATCH = "Batch"
    OPERATION_LOG = "OperationLog"


class Category(models.TextChoices):
    """Camunda's UserOperationLogEntry.CATEGORY_*; also the ids of OperationLogCategory rules."""

    OPERATOR = "Operator"
    ADMIN = "Admin"
    TASK_WORKER = "TaskWorker"


# The fields a hash covers, in this order. `annotation` is left out on purpose: Camunda lets
# operators set and clear it later (`/history/user-operation/{id}/set-annotation`).
HASHED_FIELDS: tuple[str, ...] = (
    "operation_id",
    "operation_type",
    "entity_type",
    "category",
    "property",
    "org_value",
    "new_value",
    "user_id",
    "timestamp",
    "deployment_id",
    "process_definition_id",
    "process_definition_key",
    "process_instance_id",
    "task_id",
    "job_id",
    "batch_id",
    "execution_id",
    "external_task_id",
    "job_definition_id",
)
# Columns added after the chain began: hashed only when set, so that the rows written before
# a column existed (all null there) keep the hashes they were stored with.
LATER_FIELDS = frozenset({"batch_id", "execution_id", "external_task_id", "job_definition_id"})
GENESIS_HASH = "0" * 64


def entry_hash(values: dict[str, Any], previous_hash: str) -> str:
    """sha256 over the canonical JSON of the hashed fields and the previous entry's hash.

    Canonical: a JSON array in HASHED_FIELDS order (LATER_FIELDS only when set), timestamps
    as UTC ISO 8601 with microseconds, so the same row read back from any database hashes the
    same.
    """
    payload = [
        _canonical(values.get(name))
        for name in HASHED_FIELDS
        if name not in LATER_FIELDS or values.get(name) is not None
    ]
    payload.append(previous_hash)
    encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


class UserOperationLog(models.Model):
    """Who changed what, when (Camunda: ACT_HI_OP_LOG); written in the same transaction.

    One operation writes one row per changed property, all sharing `operation_id`. Rows form a
    hash chain in id order: `previous_hash` is the `hash` of the row before.
    """

    operation_id = models.CharField(max_length=64, db_index=True)
    operation_type = models.CharField(max_length=64)
    entity_type = models.CharField(max_length=64)
    category = models.CharField(max_length=64, default="Operator")
    property = models.CharField(max_length=64, null=True, blank=True)
    org_value = models.TextField(null=True, blank=True)
    new_value = models.TextField(null=True, blank=True)
    user_id = models.CharField(max_length=150, null=True, blank=True)
    timestamp = models.DateTimeField(db_index=True)
    deployment_id = models.CharField(max_length=64, null=True, blank=True)
    process_definition_id = models.CharField(max_length=255, null=True, blank=True)
    process_definition_key = models.CharField(max_length=255, null=True, blank=True)
    process_instance_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    task_id = models.CharField(max_length=64, null=True, blank=True)
    job_id = models.CharField(max_length=64, null=True, blank=True)
    # The batch an operation created or acted on (Camunda's batchId).
    batch_id = models.CharField(max_length=64, null=True, blank=True)
    # The execution a task, a comment or attachment of an instance, or a historic variable
    # was on; the job definition of a job or job definition; the external task acted on.
    execution_id = models.CharField(max_length=64, null=True, blank=True)
    external_task_id = models.CharField(max_length=64, null=True, blank=True)
    job_definition_id = models.CharField(max_length=64, null=True, blank=True)
    annotation = models.TextField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64, default="", editable=False)
    hash = models.CharField(max_length=64, default="", editable=False)

    def __str__(self) -> str:
        return f"{self.operation_type} {self.entity_type} by {self.user_id}"

    def target(self) -> str:
        """What the entry acted on besides its instance, for people reading the trail."""
        for label, value in (
            ("task", self.task_id),
            ("job", self.job_id),
            ("external task", self.external_task_id),
            ("job definition", self.job_definition_id),
            ("batch", self.batch_id),
            ("deployment", self.deployment_id),
        ):
            if value:
                return f"{label} {value}"
        return ""

    def hashed_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in HASHED_FIELDS}


class OperationLogChainHead(models.Model):
    """The one row appends lock to extend the chain: the hash and id of the last entry.

    Locking it (SELECT ... FOR UPDATE) serializes appends across processes, so two writers
    can never both link to the same previous entry; ids are drawn while the lock is held, so
    id order is chain order.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_entry_id = models.BigIntegerField(null=True, blank=True)
    length = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"chain head {self.last_entry_id}"
