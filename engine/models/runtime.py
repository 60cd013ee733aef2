"""Runtime rows (Camunda ACT_RU_*): what is queried across instances while they run.

The instance's own truth is `ProcessInstance.state`; these rows are its projection, written by
the store from the interpreter's effects in the same transaction.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from engine.models.repository import ProcessDefinition
from engine.models.tenancy import TenantScopedManager
from engine.runtime.state import CREATED, UPDATED


class ProcessInstance(models.Model):
    """A running process instance: the unit of consistency (Camunda: the root ACT_RU_EXECUTION).

    `state` holds the interpreter's execution tree as JSON; `revision` is the optimistic lock
    a command checks when it saves (a command that lost a race is re-run from fresh state).
    """

    id = models.CharField(primary_key=True, max_length=64)
    process_definition = models.ForeignKey(
        ProcessDefinition,
        related_name="instances",
        on_delete=models.PROTECT,
        db_index=False,  # instance_definition_start leads with it
    )
    business_key = models.CharField(max_length=255, null=True, blank=True)
    super_process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    super_execution_id = models.CharField(max_length=64, null=True, blank=True)
    state = models.JSONField()
    revision = models.PositiveIntegerField(default=1)
    start_time = models.DateTimeField()
    start_user_id = models.CharField(max_length=150, null=True, blank=True)
    suspended = models.BooleanField(default=False)

    objects = TenantScopedManager(definition="process_definition_id")

    class Meta:
        indexes = [
            models.Index(fields=["business_key"], name="instance_business_key"),
            models.Index(fields=["super_process_instance_id"], name="instance_super"),
            # a definition's instances newest first (the cockpit's list, REST's default order)
            models.Index(
                fields=["process_definition", "-start_time", "id"],
                name="instance_definition_start",
            ),
        ]

    def __str__(self) -> str:
        return self.id


class Execution(models.Model):
    """A token or scope of a running instance (ACT_RU_EXECUTION), projected from the state.

    The root's id is the process instance id. Kept for the REST `execution` resource and to
    find the instance of an execution id (`runtimeService.signal(executionId)`).
    `public_id` is the execution Camunda would show for it (engine.runtime.queries.
    public_execution_id): its own id, or its parent's for a token Camunda runs in its scope's
    execution; the REST resources list and name executions by it.
    """

    id = models.CharField(primary_key=True, max_length=64)
    process_instance_id = models.CharField(max_length=64)
    parent_id = models.CharField(max_length=64, null=True, blank=True)
    activity_id = models.CharField(max_length=255, null=True, blank=True)
    activity_instance_id = models.CharField(max_length=255, null=True, blank=True)
    public_id = models.CharField(max_length=64, default="")
    # The instance's definition, repeated: a definition's tokens per activity (the cockpit's
    # diagram badges) come from one index instead of a join over all its instances.
    process_definition_id = models.CharField(max_length=255, default="")

    objects = TenantScopedManager(instance="process_instance_id")

    class Meta:
        indexes = [
            models.Index(fields=["process_instance_id"], name="execution_instance"),
            models.Index(
                fields=["process_definition_id", "activity_id"], name="execution_definition"
            ),
        ]

    def __str__(self) -> str:
        return self.id


class Task(models.Model):
    """An open user task (ACT_RU_TASK)."""

    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(max_length=255, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    assignee = models.CharField(max_length=150, null=True, blank=True)
    owner = models.CharField(max_length=150, null=True, blank=True)
    delegation_state = models.CharField(max_length=16, null=True, blank=True)
    priority = models.IntegerField(default=50)
    due_date = models.DateTimeField(null=True, blank=True)
    follow_up_date = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField()
    form_key = models.CharField(max_length=255, null=True, blank=True)
    # Null for a standalone task (TaskService.newTask): it belongs to no process.
    task_definition_key = models.CharField(max_length=255, null=True, blank=True)
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    execution_id = models.CharField(max_length=64, null=True, blank=True)
    activity_instance_id = models.CharField(max_length=255, null=True, blank=True)
    process_definition_id = models.CharField(max_length=255, null=True, blank=True)
    suspended = models.BooleanField(default=False)
    # A subtask's parent (Camunda's PARENT_TASK_ID_): the subtask ends when its parent does.
    parent_task_id = models.CharField(max_length=64, null=True, blank=True)
    # The tenant of a task of no process (Camunda's TENANT_ID_ of a standalone task); a task
    # of a process belongs to its definition's tenant, and this stays null.
    tenant_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    # When a command last updated the task (Camunda's LAST_UPDATED_: property changes,
    # identity links, comments, attachments, its own variables); null until then.
    last_updated = models.DateTimeField(null=True, blank=True)

    objects = TenantScopedManager(definition="process_definition_id", tenant="tenant_id")

    class Meta:
        indexes = [
            models.Index(fields=["assignee", "created"], name="task_assignee"),
            models.Index(fields=["process_instance_id"], name="task_instance"),
            models.Index(fields=["created"], name="task_created"),
            # The tasklist's due-date order (due first, undated last, then newest): walked in
            # order, a page of a long list reads its rows and stops.
            models.Index(fields=["due_date", "-created", "id"], name="task_due"),
            models.Index(fields=["parent_task_id"], name="task_parent"),
        ]

    def __str__(self) -> str:
        return self.name or self.id

    @property
    def task_state(self) -> str:
        """Camunda's taskState of an open task."""
        return UPDATED if self.last_updated is not None else CREATED


class TaskCandidate(models.Model):
    """A candidate user or group of a task (ACT_RU_IDENTITYLINK of type candidate)."""

    task = models.ForeignKey(Task, related_name="candidates", on_delete=models.CASCADE)
    user_id = models.CharField(max_length=150, null=True, blank=True)
    group_id = models.CharField(max_length=150, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["group_id"], name="candidate_group"),
            models.Index(fields=["user_id"], name="candidate_user"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.user_id or self.group_id}"


class EventSubscription(models.Model):
    """A message, signal or conditional subscription (ACT_RU_EVENT_SUBSCR).

    Start events of deployed definitions subscribe too: then `process_instance_id` is null
    and `process_definition_id` names the version that starts.
    """

    id = models.CharField(primary_key=True, max_length=64)
    event_type = models.CharField(max_length=16)
    event_name = models.CharField(max_length=255, null=True, blank=True)
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    execution_id = models.CharField(max_length=64, null=True, blank=True)
    activity_id = models.CharField(max_length=255)
    process_definition_id = models.CharField(max_length=255)
    created = models.DateTimeField()

    objects = TenantScopedManager(definition="process_definition_id")

    class Meta:
        indexes = [
            models.Index(fields=["event_type", "event_name"], name="subscription_event"),
            models.Index(fields=["process_instance_id"], name="subscription_instance"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_name}"


class Job(models.Model):
    """An async continuation or a timer (ACT_RU_JOB); the job executor claims due rows."""

    id = models.CharField(primary_key=True, max_length=64)
    type = models.CharField(max_length=32)
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    execution_id = models.CharField(max_length=64, null=True, blank=True)
    process_definition_id = models.CharField(max_length=255)
    process_definition_key = models.CharField(max_length=255)
    activity_id = models.CharField(max_length=255)
    due_date = models.DateTimeField(null=True, blank=True)
    priority = models.BigIntegerField(default=0)
    retries = models.IntegerField(default=3)
    exclusive = models.BooleanField(default=True)
    suspended = models.BooleanField(default=False)
    lock_owner = models.CharField(max_length=255, null=True, blank=True)
    lock_expiration_time = models.DateTimeField(null=True, blank=True)
    exception_message = models.TextField(null=True, blank=True)
    exception_stacktrace = models.TextField(null=True, blank=True)
    repeat = models.CharField(max_length=255, null=True, blank=True)
    # Milliseconds a cycle's schedule was moved by (a due date changed with cascade).
    repeat_offset = models.BigIntegerField(default=0)
    created = models.DateTimeField()
    job_definition_id = models.CharField(max_length=64, null=True, blank=True)
    # What a job that belongs to no process does, as JSON (Camunda's HANDLER_CFG_): the
    # target of a scheduled suspension or activation.
    handler_configuration = models.TextField(null=True, blank=True)

    objects = TenantScopedManager(definition="process_definition_id")

    class Meta:
        indexes = [
            models.Index(fields=["due_date"], name="job_due"),
            models.Index(fields=["job_definition_id"], name="job_definition"),
            models.Index(fields=["process_instance_id"], name="job_instance"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.activity_id}"


class ExternalTask(models.Model):
    """Work for an external worker on a topic (ACT_RU_EXT_TASK)."""

    id = models.CharField(primary_key=True, max_length=64)
    topic_name = models.CharField(max_length=255)
    worker_id = models.CharField(max_length=255, null=True, blank=True)
    lock_expiration_time = models.DateTimeField(null=True, blank=True)
    retries = models.IntegerField(null=True, blank=True)
    error_message = models.TextField(null=True, blank=True)
    error_details = models.TextField(null=True, blank=True)
    priority = models.BigIntegerField(default=0)
    activity_id = models.CharField(max_length=255)
    activity_instance_id = models.CharField(max_length=255)
    execution_id = models.CharField(max_length=64)
    process_instance_id = models.CharField(max_length=64)
    process_definition_id = models.CharField(max_length=255)
    process_definition_key = models.CharField(max_length=255)
    business_key = models.CharField(max_length=255, null=True, blank=True)
    suspended = models.BooleanField(default=False)
    created = models.DateTimeField()

    objects = TenantScopedManager(definition="process_definition_id")

    class Meta:
        indexes = [
            models.Index(fields=["topic_name", "-priority", "created"], name="external_task_topic"),
            models.Index(fields=["process_instance_id"], name="external_task_instance"),
        ]

    def __str__(self) -> str:
        return f"{self.topic_name} {self.id}"


class VariableInstance(models.Model):
    """A variable of a running execution, queryable by name and value (ACT_RU_VARIABLE).

    `value` keeps the typed value as the state has it; the typed columns exist for queries.
    """

    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(max_length=255)
    type = models.CharField(max_length=16)
    value = models.JSONField(null=True)
    text_value = models.TextField(null=True, blank=True)
    long_value = models.BigIntegerField(null=True, blank=True)
    double_value = models.FloatField(null=True, blank=True)
    # A standalone task's variables: no instance, the task's id as their execution.
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    execution_id = models.CharField(max_length=64)
    task_id = models.CharField(max_length=64, null=True, blank=True)

    objects = TenantScopedManager(instance="process_instance_id", held_by_task="execution_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["execution_id", "name"], name="variable_unique_name")
        ]
        indexes = [
            models.Index(fields=["name", "text_value"], name="variable_name_text"),
            models.Index(fields=["name", "long_value"], name="variable_name_long"),
            models.Index(fields=["process_instance_id"], name="variable_instance"),
            # few variables are a task's own: a partial index costs the others nothing
            models.Index(
                fields=["task_id"], name="variable_task", condition=Q(task_id__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Incident(models.Model):
    """An open incident (ACT_RU_INCIDENT): a job or external task out of retries, or worse."""

    id = models.CharField(primary_key=True, max_length=64)
    incident_type = models.CharField(max_length=32)
    incident_message = models.TextField(null=True, blank=True)
    timestamp = models.DateTimeField()
    process_instance_id = models.CharField(max_length=64, null=True, blank=True)
    execution_id = models.CharField(max_length=64, null=True, blank=True)
    activity_id = models.CharField(max_length=255, null=True, blank=True)
    failed_activity_id = models.CharField(max_length=255, null=True, blank=True)
    process_definition_id = models.CharField(max_length=255, null=True, blank=True)
    cause_incident_id = models.CharField(max_length=64, null=True, blank=True)
    root_cause_incident_id = models.CharField(max_length=64, null=True, blank=True)
    configuration = models.CharField(max_length=255, null=True, blank=True)
    annotation = models.TextField(null=True, blank=True)
    job_definition_id = models.CharField(max_length=64, null=True, blank=True)

    objects = TenantScopedManager(definition="process_definition_id")

    class Meta:
        indexes = [
            models.Index(fields=["process_instance_id"], name="incident_instance"),
            models.Index(fields=["incident_type", "process_definition_id"], name="incident_type"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_type} {self.id}"
