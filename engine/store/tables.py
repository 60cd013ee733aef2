"""The engine tables the store writes with plain SQL (engine.store.rows), and their columns."""

from __future__ import annotations

import uuid
from functools import lru_cache

from engine.models import (
    Execution,
    HistoricActivityInstance,
    HistoricDetail,
    HistoricIncident,
    HistoricProcessInstance,
    HistoricTaskInstance,
    HistoricVariableInstance,
    Incident,
    ProcessDefinition,
    ProcessInstance,
    Task,
    TaskCandidate,
    VariableInstance,
)
from engine.store.rows import Table

# The fields of a task a command may change, on its row and its history row alike.
TASK_FIELDS = (
    "name",
    "description",
    "assignee",
    "owner",
    "priority",
    "due_date",
    "follow_up_date",
    "parent_task_id",
)
# What a task update writes to its row; its history row takes TASK_FIELDS and the task state.
TASK_MUTABLE = (*TASK_FIELDS, "delegation_state", "last_updated")
HISTORIC_TASK_MUTABLE = (*TASK_FIELDS, "task_state")

TASKS = Table(
    Task,
    (
        "id",
        *TASK_MUTABLE,
        "created",
        "form_key",
        "task_definition_key",
        "process_instance_id",
        "execution_id",
        "activity_instance_id",
        "process_definition_id",
        "suspended",
        "tenant_id",
    ),
)
_VARIABLE_IDS = uuid.UUID("5b0f6a52-2c7e-4c55-9a4f-4c6567617430")


@lru_cache(maxsize=4096)
def variable_instance_id(execution_id: str, name: str) -> str:
    """The id of the variable `name` of `execution_id`, the same in its runtime row, its
    history row and each of its updates (Camunda's variableInstanceId): derived from what
    identifies the variable, so a batch writes all three without reading an id back."""
    return str(uuid.uuid5(_VARIABLE_IDS, f"{execution_id}/{name}"))


CANDIDATES = Table(TaskCandidate, ("task", "user_id", "group_id"))
VARIABLES = Table(
    VariableInstance,
    (
        "id",
        "name",
        "type",
        "value",
        "text_value",
        "long_value",
        "double_value",
        "process_instance_id",
        "execution_id",
        "task_id",
    ),
    upsert_on=("execution_id", "name"),
    upsert_columns=("type", "value", "text_value", "long_value", "double_value"),
)
HISTORIC_INSTANCES = Table(
    HistoricProcessInstance,
    (
        "id",
        "business_key",
        "process_definition_id",
        "process_definition_key",
        "process_definition_name",
        "process_definition_version",
        "start_time",
        "end_time",
        "duration_ms",
        "start_user_id",
        "start_activity_id",
        "end_activity_id",
        "super_process_instance_id",
        "delete_reason",
        "state",
    ),
)
HISTORIC_ACTIVITIES = Table(
    HistoricActivityInstance,
    (
        "id",
        "parent_activity_instance_id",
        "activity_id",
        "activity_name",
        "activity_type",
        "process_instance_id",
        "execution_id",
        "process_definition_id",
        "task_id",
        "assignee",
        "start_time",
        "end_time",
        "duration_ms",
        "canceled",
        "complete_scope",
        "sequence_counter",
    ),
)
HISTORIC_TASKS = Table(
    HistoricTaskInstance,
    (
        "id",
        *HISTORIC_TASK_MUTABLE,
        "start_time",
        "end_time",
        "duration_ms",
        "delete_reason",
        "task_definition_key",
        "process_instance_id",
        "execution_id",
        "activity_instance_id",
        "process_definition_id",
        "tenant_id",
    ),
)
HISTORIC_VARIABLES = Table(
    HistoricVariableInstance,
    (
        "id",
        "name",
        "type",
        "value",
        "object_type_name",
        "text_value",
        "long_value",
        "double_value",
        "process_instance_id",
        "execution_id",
        "activity_instance_id",
        "state",
        "create_time",
        "revision",
        "task_id",
    ),
    upsert_on=("execution_id", "name"),
    upsert_columns=(
        "type",
        "value",
        "object_type_name",
        "text_value",
        "long_value",
        "double_value",
        "state",
        "revision",
    ),
)
HISTORIC_DETAILS = Table(
    HistoricDetail,
    (
        "variable_instance_id",
        "name",
        "type",
        "value",
        "object_type_name",
        "revision",
        "time",
        "process_instance_id",
        "execution_id",
        "activity_instance_id",
        "deleted",
        "task_id",
    ),
)

# Instance rows and executions are the store's own (engine.store.django_store).
INSTANCES = Table(
    ProcessInstance,
    (
        "id",
        "process_definition",
        "business_key",
        "super_process_instance_id",
        "super_execution_id",
        "state",
        "revision",
        "start_time",
        "start_user_id",
        "suspended",
    ),
)
EXECUTIONS = Table(
    Execution,
    (
        "id",
        "process_instance_id",
        "parent_id",
        "activity_id",
        "activity_instance_id",
        "public_id",
        "process_definition_id",
    ),
    upsert_on=("id",),
    # the definition too: a migrated instance's executions move to the new one
    upsert_columns=(
        "parent_id", "activity_id", "activity_instance_id", "public_id", "process_definition_id"
    ),
)
INCIDENTS = Table(Incident, ("id",))
HISTORIC_INCIDENTS = Table(HistoricIncident, ("id", "state", "end_time"))
# Read by every start (engine.services.runtime).
DEFINITIONS = Table(ProcessDefinition, ("id", "key", "version", "tenant_id", "suspended"))
