"""The user operation log (Camunda ACT_HI_OP_LOG)."""

from __future__ import annotations

from django.db import models


class OperationType(models.TextChoices):
    """Camunda's user operation types (UserOperationLogEntry.OPERATION_TYPE_*)."""

    CREATE = "Create"
    DELETE = "Delete"


class EntityType(models.TextChoices):
    DEPLOYMENT = "Deployment"
    PROCESS_DEFINITION = "ProcessDefinition"
    PROCESS_INSTANCE = "ProcessInstance"
    TASK = "Task"
    VARIABLE = "Variable"
    JOB = "Job"
    EXTERNAL_TASK = "ExternalTask"
    INCIDENT = "Incident"


class UserOperationLog(models.Model):
    """Who changed what, when (Camunda: ACT_HI_OP_LOG); written in the same transaction.

    One operation writes one row per changed property, all sharing `operation_id`.
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
    annotation = models.TextField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.operation_type} {self.entity_type} by {self.user_id}"
