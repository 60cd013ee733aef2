"""The metric names: Camunda's identifiers (org.camunda.bpm.engine.management.Metrics)."""

from __future__ import annotations

ROOT_PROCESS_INSTANCE_START = "root-process-instance-start"
ACTIVITY_INSTANCE_START = "activity-instance-start"
ACTIVITY_INSTANCE_END = "activity-instance-end"
EXECUTED_DECISION_INSTANCES = "executed-decision-instances"
EXECUTED_DECISION_ELEMENTS = "executed-decision-elements"
JOB_SUCCESSFUL = "job-successful"
JOB_FAILED = "job-failed"
JOB_ACQUISITION_ATTEMPT = "job-acquisition-attempt"
JOB_ACQUIRED_SUCCESS = "job-acquired-success"
JOB_ACQUIRED_FAILURE = "job-acquired-failure"
JOB_EXECUTION_REJECTED = "job-execution-rejected"
JOB_LOCKED_EXCLUSIVE = "job-locked-exclusive"
UNIQUE_TASK_WORKERS = "unique-task-workers"

# Camunda's public names (MetricsUtil.resolveInternalName): a query by either finds the rows.
TASK_USERS = "task-users"
PROCESS_INSTANCES = "process-instances"
DECISION_INSTANCES = "decision-instances"
FLOW_NODE_INSTANCES = "flow-node-instances"
_INTERNAL = {
    TASK_USERS: UNIQUE_TASK_WORKERS,
    PROCESS_INSTANCES: ROOT_PROCESS_INSTANCE_START,
    DECISION_INSTANCES: EXECUTED_DECISION_INSTANCES,
    FLOW_NODE_INSTANCES: ACTIVITY_INSTANCE_START,
}

# Task users are not meter rows: they are counted distinct from the task meter log.
TASK_USER_NAMES = frozenset({UNIQUE_TASK_WORKERS, TASK_USERS})


def internal_name(name: str) -> str:
    """The stored name for a public alias (`flow-node-instances` -> `activity-instance-start`)."""
    return _INTERNAL.get(name, name)
