"""History rows (Camunda ACT_HI_*): append-only, written in the command's transaction.

They outlive the runtime rows, so a finished instance stays fully inspectable.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from engine.models.tenancy import TenantScopedManager


class InstanceStatus(models.TextChoices):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    COMPLETED = "COMPLETED"
    EXTERNALLY_TERMINATED = "EXTERNALLY_TERMINATED"
    INTERNALLY_TERMINATED = "INTERNALLY_TERMINATED"


class HistoricProcessInstance(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    business_key = models.CharField(max_length=255, null=True, blank=True)
    process_definition_id = models.CharField(max_length=255)
    process_definition_key = models.CharField(max_length=255)
    process_definition_name = models.CharField(max_length=255, null=True, blank=True)
    process_definition_version = models.PositiveIntegerField()
    start_time = models.DateTimeField()
    end_time = models.DateTimeField(null=True, blank=True)
    duration_ms = models.BigIntegerField(null=True, blank=True)
    start_user_id = models.CharField(max_length=150, null=True, blank=True)
    start_activity_id = models.CharField(max_length=255, null=True, blank=True)
    end_activity_id = models.CharField(max_length=255, null=True, blank=True)
    super_process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    delete_reason = models.TextField(null=True, blank=True)
    state = models.CharField(max_length=32, choices=InstanceStatus.choices)
    removal_time = models.DateTimeField(null=True, blank=True)
    # The finished instance this one restarted (RuntimeService.restartProcessInstances).
    restarted_process_instance_id = models.CharField(max_length=64, null=True, blank=True)

    objects = TenantScopedManager(definition="process_definition_id")

    class Meta:
        indexes = [
            models.Index(fields=["process_definition_key", "state"], name="hi_instance_key"),
            models.Index(fields=["business_key"], name="hi_instance_business_key"),
            models.Index(fields=["start_time"], name="hi_instance_start"),
            models.Index(fields=["end_time"], name="hi_instance_end"),
            # The instances a call activity started (the cockpit's instance page): only
            # called instances have an entry.
            models.Index(
                fields=["super_process_instance_id"],
                name="hi_instance_super",
                condition=models.Q(super_process_instance_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.id


class HistoricActivityInstance(models.Model):
    id = models.CharField(primary_key=True, max_length=255)
    parent_activity_instance_id = models.CharField(max_length=255, null=True, blank=True)
    activity_id = models.CharField(max_length=255)
    activity_name = models.CharField(max_length=255, null=True, blank=True)
    activity_type = models.CharField(max_length=64)
    process_instance_id = models.CharField(max_length=64)
    execution_id = models.CharField(max_length=64)
    process_definition_id = models.CharField(max_length=255)
    task_id = models.CharField(max_length=64, null=True, blank=True)
    called_process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    assignee = models.CharField(max_length=150, null=True, blank=True)
    start_time = models.DateTimeField()
    end_time = models.DateTimeField(null=True, blank=True)
    duration_ms = models.BigIntegerField(null=True, blank=True)
    canceled = models.BooleanField(default=False)
    complete_scope = models.BooleanField(default=False)
    # Order of creation within the instance: start times tie within one command.
    sequence_counter = models.PositiveIntegerField(default=0)

    objects = TenantScopedManager(definition="process_definition_id")

    class Meta:
        indexes = [
            models.Index(
                fields=["process_instance_id", "sequence_counter"], name="hi_act_instance"
            ),
            models.Index(fields=["start_time"], name="hi_act_start"),
            # A definition's activities (the cockpit's History and Heatmap views).
            models.Index(fields=["process_definition_id", "activity_id"], name="hi_act_definition"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.id}"


class HistoricTaskInstance(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(max_length=255, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    assignee = models.CharField(max_length=150, null=True, blank=True)
    owner = models.CharField(max_length=150, null=True, blank=True)
    priority = models.IntegerField(default=50)
    due_date = models.DateTimeField(null=True, blank=True)
    follow_up_date = models.DateTimeField(null=True, blank=True)
    start_time = models.DateTimeField()
    end_time = models.DateTimeField(null=True, blank=True)
    duration_ms = models.BigIntegerField(null=True, blank=True)
    delete_reason = models.TextField(null=True, blank=True)
    # Null for a standalone task, as on Task.
    task_definition_key = models.CharField(max_length=255, null=True, blank=True)
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    execution_id = models.CharField(max_length=64, null=True, blank=True)
    activity_instance_id = models.CharField(max_length=255, null=True, blank=True)
    process_definition_id = models.CharField(max_length=255, null=True, blank=True)
    parent_task_id = models.CharField(max_length=64, null=True, blank=True)  # of a subtask
    # of a task of no process
    tenant_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    # Camunda's TASK_STATE_: Created, Updated (after an update), Completed or Deleted.
    task_state = models.CharField(max_length=64, null=True, blank=True)

    objects = TenantScopedManager(definition="process_definition_id", tenant="tenant_id")

    class Meta:
        indexes = [
            models.Index(fields=["process_instance_id"], name="hi_task_instance"),
            models.Index(fields=["assignee"], name="hi_task_assignee"),
        ]

    def __str__(self) -> str:
        return self.name or self.id


class HistoricVariableInstance(models.Model):
    """The latest value of every variable an instance ever had."""

    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(max_length=255)
    type = models.CharField(max_length=16)
    value = models.JSONField(null=True)
    # An Object's Java class (Camunda's valueInfo.objectTypeName), None for other types
    object_type_name = models.CharField(max_length=255, null=True, blank=True)
    # The typed columns the history queries' variable filters compare (ACT_HI_VARINST's
    # TEXT_, LONG_, DOUBLE_), as VariableInstance has them.
    text_value = models.TextField(null=True, blank=True)
    long_value = models.BigIntegerField(null=True, blank=True)
    double_value = models.FloatField(null=True, blank=True)
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    execution_id = models.CharField(max_length=64)
    activity_instance_id = models.CharField(max_length=255, null=True, blank=True)
    task_id = models.CharField(max_length=64, null=True, blank=True)
    state = models.CharField(max_length=16, default="CREATED")
    create_time = models.DateTimeField()
    revision = models.PositiveIntegerField(default=0)

    objects = TenantScopedManager(
        historic_instance="process_instance_id", held_by_task="execution_id"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["execution_id", "name"], name="hi_variable_unique_name")
        ]
        indexes = [
            models.Index(fields=["process_instance_id"], name="hi_variable_instance"),
            models.Index(
                fields=["task_id"], name="hi_variable_task", condition=Q(task_id__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DetailType(models.TextChoices):
    """Camunda's ACT_HI_DETAIL.TYPE_ values."""

    VARIABLE_UPDATE = "VariableUpdate"
    FORM_FIELD = "FormProperty"


class HistoricDetail(models.Model):
    """One variable write (Camunda HistoricVariableUpdate): every value a variable took; or
    one submitted form value (HistoricFormField): `name` is the field id, `value` the text
    submitted, `type` String, no variable instance (`""`) and revision 0."""

    id = models.BigAutoField(primary_key=True)
    # A database default too: the store's plain-SQL inserts of variable updates name no type.
    detail_type = models.CharField(
        max_length=16,
        choices=DetailType.choices,
        default=DetailType.VARIABLE_UPDATE,
        db_default=DetailType.VARIABLE_UPDATE,
    )
    variable_instance_id = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    type = models.CharField(max_length=16)
    value = models.JSONField(null=True)
    # An Object's Java class (Camunda's valueInfo.objectTypeName), None for other types
    object_type_name = models.CharField(max_length=255, null=True, blank=True)
    revision = models.PositiveIntegerField()
    time = models.DateTimeField()
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    execution_id = models.CharField(max_length=64)
    activity_instance_id = models.CharField(max_length=255, null=True, blank=True)
    task_id = models.CharField(max_length=64, null=True, blank=True)
    user_operation_id = models.CharField(max_length=64, null=True, blank=True)
    deleted = models.BooleanField(default=False)

    objects = TenantScopedManager(
        historic_instance="process_instance_id", held_by_task="execution_id"
    )

    class Meta:
        indexes = [
            models.Index(fields=["process_instance_id", "time"], name="hi_detail_instance"),
            models.Index(fields=["time"], name="hi_detail_time"),
            models.Index(
                fields=["task_id"], name="hi_detail_task", condition=Q(task_id__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}#{self.revision}"


class HistoricIncident(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    incident_type = models.CharField(max_length=32)
    incident_message = models.TextField(null=True, blank=True)
    create_time = models.DateTimeField()
    end_time = models.DateTimeField(null=True, blank=True)
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    execution_id = models.CharField(max_length=64, null=True, blank=True)
    activity_id = models.CharField(max_length=255, null=True, blank=True)
    process_definition_id = models.CharField(max_length=255, null=True, blank=True)
    cause_incident_id = models.CharField(max_length=64, null=True, blank=True)
    root_cause_incident_id = models.CharField(max_length=64, null=True, blank=True)
    configuration = models.CharField(max_length=255, null=True, blank=True)
    job_definition_id = models.CharField(max_length=64, null=True, blank=True)
    # open, resolved or deleted, as Camunda's incidentState
    state = models.CharField(max_length=16, default="open")

    objects = TenantScopedManager(definition="process_definition_id")

    class Meta:
        indexes = [models.Index(fields=["process_instance_id"], name="hi_incident_instance")]

    def __str__(self) -> str:
        return f"{self.incident_type} {self.id}"


class LogState(models.TextChoices):
    """What happened to a job or external task (Camunda's creation/failure/success/deletion
    log flags: exactly one is set per entry)."""

    CREATED = "created"
    FAILED = "failed"
    SUCCESSFUL = "successful"
    DELETED = "deleted"


class HistoricJobLog(models.Model):
    """One event in a job's life (Camunda ACT_HI_JOB_LOG)."""

    id = models.BigAutoField(primary_key=True)
    timestamp = models.DateTimeField()
    state = models.CharField(max_length=16, choices=LogState.choices)
    job_id = models.CharField(max_length=64)
    job_type = models.CharField(max_length=32)
    job_due_date = models.DateTimeField(null=True, blank=True)
    job_retries = models.IntegerField(null=True, blank=True)
    job_priority = models.BigIntegerField(default=0)
    job_exception_message = models.TextField(null=True, blank=True)
    job_exception_stacktrace = models.TextField(null=True, blank=True)
    activity_id = models.CharField(max_length=255, null=True, blank=True)
    execution_id = models.CharField(max_length=64, null=True, blank=True)
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    process_definition_id = models.CharField(max_length=255)
    process_definition_key = models.CharField(max_length=255)
    hostname = models.CharField(max_length=255, blank=True, default="")
    job_definition_id = models.CharField(max_length=64, null=True, blank=True)

    objects = TenantScopedManager(definition="process_definition_id")

    class Meta:
        indexes = [
            models.Index(fields=["job_id"], name="hi_job_log_job"),
            models.Index(fields=["process_instance_id"], name="hi_job_log_instance"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id} {self.state}"


class HistoricExternalTaskLog(models.Model):
    """One event in an external task's life (Camunda ACT_HI_EXT_TASK_LOG)."""

    id = models.BigAutoField(primary_key=True)
    timestamp = models.DateTimeField()
    state = models.CharField(max_length=16, choices=LogState.choices)
    external_task_id = models.CharField(max_length=64)
    topic_name = models.CharField(max_length=255)
    worker_id = models.CharField(max_length=255, null=True, blank=True)
    priority = models.BigIntegerField(default=0)
    retries = models.IntegerField(null=True, blank=True)
    error_message = models.TextField(null=True, blank=True)
    error_details = models.TextField(null=True, blank=True)
    activity_id = models.CharField(max_length=255)
    activity_instance_id = models.CharField(max_length=255, null=True, blank=True)
    execution_id = models.CharField(max_length=64, null=True, blank=True)
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    process_definition_id = models.CharField(max_length=255)
    process_definition_key = models.CharField(max_length=255)

    objects = TenantScopedManager(definition="process_definition_id")

    class Meta:
        indexes = [
            models.Index(fields=["external_task_id"], name="hi_ext_log_task"),
            models.Index(fields=["process_instance_id"], name="hi_ext_log_instance"),
        ]

    def __str__(self) -> str:
        return f"{self.external_task_id} {self.state}"


class HistoricIdentityLinkLog(models.Model):
    """One change of who a task is for (Camunda ACT_HI_IDENTITYLINK): a candidate user or
    group, the assignee or the owner added or deleted, and by whom. History level full."""

    id = models.BigAutoField(primary_key=True)
    timestamp = models.DateTimeField()
    type = models.CharField(max_length=16)  # candidate, assignee, owner
    user_id = models.CharField(max_length=150, null=True, blank=True)
    group_id = models.CharField(max_length=150, null=True, blank=True)
    task_id = models.CharField(max_length=64)
    operation_type = models.CharField(max_length=8)  # add, delete
    assigner_id = models.CharField(max_length=150, null=True, blank=True)
    # Null for a standalone task.
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    process_definition_id = models.CharField(max_length=255, null=True, blank=True)
    process_definition_key = models.CharField(max_length=255, null=True, blank=True)

    objects = TenantScopedManager(definition="process_definition_id")

    class Meta:
        indexes = [
            models.Index(fields=["task_id"], name="hi_idlink_task"),
            models.Index(fields=["process_instance_id"], name="hi_idlink_instance"),
            models.Index(fields=["timestamp"], name="hi_idlink_time"),
        ]

    def __str__(self) -> str:
        return f"{self.operation_type} {self.type} {self.user_id or self.group_id} {self.task_id}"
