"""`execution`, `task` and `externalTask` as expressions and Python delegates see them.

The same objects serve both: expressions reach only the camelCase names listed in
EL_METHODS / EL_PROPERTIES (Camunda's DelegateExecution / DelegateTask); Python delegates
call the snake_case methods.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from engine.el import ElObject, ExpressionError

if TYPE_CHECKING:
    from engine.runtime.commands import ExternalTaskReport
    from engine.runtime.context import Run
    from engine.runtime.state import Execution, ExternalTask, Task


class ExecutionFacade(ElObject):
    """Camunda's DelegateExecution over one execution of a running command."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "getVariable": "get_variable",
        "setVariable": "set_variable",
        "hasVariable": "has_variable",
        "getVariableLocal": "get_variable_local",
        "setVariableLocal": "set_variable_local",
        "getVariables": "get_variables",
        "getVariablesLocal": "get_variables_local",
        "getVariableNames": "get_variable_names",
        "getVariableNamesLocal": "get_variable_names_local",
        "removeVariable": "remove_variable",
        "getParentId": "get_parent_id",
        "getBusinessKey": "get_business_key",
        "getProcessBusinessKey": "get_business_key",
        "getProcessInstanceId": "get_process_instance_id",
        "getActivityId": "get_activity_id",
        "getCurrentActivityId": "get_activity_id",
        "getCurrentActivityName": "get_activity_name",
        "getProcessDefinitionId": "get_process_definition_id",
        "getId": "get_id",
        "getEventName": "get_event_name",
        "getActivityInstanceId": "get_activity_instance_id",
        "getTenantId": "get_tenant_id",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {
        "businessKey": "get_business_key",
        "processBusinessKey": "get_business_key",
        "processInstanceId": "get_process_instance_id",
        "activityId": "get_activity_id",
        "currentActivityId": "get_activity_id",
        "currentActivityName": "get_activity_name",
        "id": "get_id",
        "eventName": "get_event_name",
        "processDefinitionId": "get_process_definition_id",
        "activityInstanceId": "get_activity_instance_id",
        "variables": "get_variables",
        "variablesLocal": "get_variables_local",
        "variableNames": "get_variable_names",
        "variableNamesLocal": "get_variable_names_local",
        "parentId": "get_parent_id",
        "tenantId": "get_tenant_id",
    }

    def __init__(
        self,
        run: Run,
        execution: Execution,
        event_name: str | None = None,
        activity_id: str | None = None,
    ) -> None:
        self._run = run
        self._execution = execution
        self._event_name = event_name
        self._activity_id = activity_id

    # VariableScope protocol (the evaluation context resolves identifiers through it)
    def has_variable(self, name: str) -> bool:
        return self._run.has_variable(self._execution, name)

    def get_variable(self, name: str) -> Any:
        return self._run.get_variable(self._execution, name)

    def set_variable(self, name: str, value: Any) -> None:
        self._run.set_variable(self._execution, name, value)

    def get_variable_local(self, name: str) -> Any:
        typed = self._run.shown_execution(self._execution).variables.get(name)
        return typed.value if typed is not None else None

    def set_variable_local(self, name: str, value: Any) -> None:
        self._run.set_execution_locals(self._execution, {name: value})

    def get_variables(self) -> dict[str, Any]:
        return {k: v.value for k, v in self._run.visible_variables(self._execution).items()}

    def get_variables_local(self) -> dict[str, Any]:
        shown = self._run.shown_execution(self._execution)
        return {k: v.value for k, v in shown.variables.items()}

    def get_variable_names(self) -> list[str]:
        """Java's Set of names, as a list in name order."""
        return sorted(self._run.visible_variables(self._execution))

    def get_variable_names_local(self) -> list[str]:
        return sorted(self._run.shown_execution(self._execution).variables)

    def remove_variable(self, name: str) -> None:
        self._run.remove_variable(self._execution, name)

    def get_parent_id(self) -> str | None:
        """The id Camunda shows for the execution above this one (None for the instance)."""
        parent = self._run.parent(self._run.shown_execution(self._execution))
        return None if parent is None else self._run.public_id(parent)

    def get_business_key(self) -> str | None:
        return self._run.state.business_key

    def get_process_instance_id(self) -> str:
        return self._run.state.id

    def get_activity_id(self) -> str | None:
        return self._activity_id or self._execution.activity_id

    def get_activity_name(self) -> str | None:
        activity_id = self.get_activity_id()
        if activity_id is None:
            return None
        node = self._run.definition.process.find_node(activity_id)
        return node.name if node is not None else None

    def get_process_definition_id(self) -> str:
        return self._run.state.process_definition_id

    def get_id(self) -> str:
        return self._run.public_id(self._execution)

    def get_event_name(self) -> str | None:
        return self._event_name

    def get_activity_instance_id(self) -> str | None:
        return self._execution.activity_instance_id

    def get_tenant_id(self) -> str | None:
        """The tenant of the instance: its definition's (Camunda's default tenant id)."""
        return self._run.definition.tenant_id


class TaskFacade(ElObject):
    """Camunda's DelegateTask (task listeners, assignment expressions)."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "getAssignee": "get_assignee",
        "setAssignee": "set_assignee",
        "getName": "get_name",
        "setName": "set_name",
        "getId": "get_id",
        "getVariable": "get_variable",
        "setVariable": "set_variable",
        "hasVariable": "has_variable",
        "getVariableLocal": "get_variable_local",
        "setVariableLocal": "set_variable_local",
        "getEventName": "get_event_name",
        "getProcessInstanceId": "get_process_instance_id",
        "getTaskDefinitionKey": "get_task_definition_key",
        "getExecutionId": "get_execution_id",
        "getPriority": "get_priority",
        "setPriority": "set_priority",
        "addCandidateUser": "add_candidate_user",
        "addCandidateGroup": "add_candidate_group",
        "addCandidateUsers": "add_candidate_users",
        "addCandidateGroups": "add_candidate_groups",
        "deleteCandidateUser": "delete_candidate_user",
        "deleteCandidateGroup": "delete_candidate_group",
        "getOwner": "get_owner",
        "setOwner": "set_owner",
        "getDescription": "get_description",
        "setDescription": "set_description",
        "getDueDate": "get_due_date",
        "setDueDate": "set_due_date",
        "getFollowUpDate": "get_follow_up_date",
        "setFollowUpDate": "set_follow_up_date",
        "getCreateTime": "get_create_time",
        "getProcessDefinitionId": "get_process_definition_id",
        "getVariables": "get_variables",
        "removeVariable": "remove_variable",
        "getExecution": "get_execution",
        "getTenantId": "get_tenant_id",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {
        "name": "get_name",
        "id": "get_id",
        "assignee": "get_assignee",
        "eventName": "get_event_name",
        "processInstanceId": "get_process_instance_id",
        "taskDefinitionKey": "get_task_definition_key",
        "executionId": "get_execution_id",
        "owner": "get_owner",
        "priority": "get_priority",
        "dueDate": "get_due_date",
        "followUpDate": "get_follow_up_date",
        "createTime": "get_create_time",
        "description": "get_description",
        "processDefinitionId": "get_process_definition_id",
        "variables": "get_variables",
        "execution": "get_execution",
        "tenantId": "get_tenant_id",
    }

    def __init__(self, run: Run, task: Task, execution: Execution, event_name: str) -> None:
        self._run = run
        self.task = task
        self._execution = execution
        self._event_name = event_name

    def has_variable(self, name: str) -> bool:
        return self._run.has_variable(self._execution, name)

    def get_variable(self, name: str) -> Any:
        return self._run.get_variable(self._execution, name)

    def set_variable(self, name: str, value: Any) -> None:
        self._run.set_variable(self._execution, name, value)

    # A task's local variables are kept on the token it waits at and end with the task.
    def get_variable_local(self, name: str) -> Any:
        typed = self._execution.variables.get(name)
        return typed.value if typed is not None else None

    def set_variable_local(self, name: str, value: Any) -> None:
        self._run.set_task_locals(self._execution, self.task.id, {name: value})

    def get_tenant_id(self) -> str | None:
        return self._run.definition.tenant_id

    def get_assignee(self) -> str | None:
        return self.task.assignee

    def set_assignee(self, assignee: str | None) -> None:
        self.task.assignee = assignee

    def get_name(self) -> str | None:
        return self.task.name

    def set_name(self, name: str | None) -> None:
        self.task.name = name

    def get_id(self) -> str:
        return self.task.id

    def get_event_name(self) -> str:
        return self._event_name

    def get_process_instance_id(self) -> str:
        return self.task.process_instance_id

    def get_task_definition_key(self) -> str:
        return self.task.task_definition_key

    def get_execution_id(self) -> str:
        return self.task.execution_id

    def get_owner(self) -> str | None:
        return self.task.owner

    def get_priority(self) -> int:
        return self.task.priority

    def set_priority(self, priority: int) -> None:
        self.task.priority = int(priority)

    def get_due_date(self) -> Any:
        return self.task.due_date

    def get_description(self) -> str | None:
        return self.task.description

    def add_candidate_user(self, user: str) -> None:
        if user not in self.task.candidate_users:
            self.task.candidate_users.append(user)

    def add_candidate_group(self, group: str) -> None:
        if group not in self.task.candidate_groups:
            self.task.candidate_groups.append(group)

    def add_candidate_users(self, users: Any) -> None:
        for user in users:
            self.add_candidate_user(str(user))

    def add_candidate_groups(self, groups: Any) -> None:
        for group in groups:
            self.add_candidate_group(str(group))

    def delete_candidate_user(self, user: str) -> None:
        if user in self.task.candidate_users:
            self.task.candidate_users.remove(user)

    def delete_candidate_group(self, group: str) -> None:
        if group in self.task.candidate_groups:
            self.task.candidate_groups.remove(group)

    def set_owner(self, owner: str | None) -> None:
        self.task.owner = owner

    def set_description(self, description: str | None) -> None:
        self.task.description = description

    def set_due_date(self, due: Any) -> None:
        self.task.due_date = _date_or_none(due, "setDueDate")

    def get_follow_up_date(self) -> Any:
        return self.task.follow_up_date

    def set_follow_up_date(self, follow_up: Any) -> None:
        self.task.follow_up_date = _date_or_none(follow_up, "setFollowUpDate")

    def get_create_time(self) -> Any:
        return self.task.created

    def get_process_definition_id(self) -> str:
        return self.task.process_definition_id

    def get_variables(self) -> dict[str, Any]:
        return {k: v.value for k, v in self._run.visible_variables(self._execution).items()}

    def remove_variable(self, name: str) -> None:
        self._run.remove_variable(self._execution, name)

    def get_execution(self) -> ExecutionFacade:
        """The task's execution, as `execution` in an execution listener there."""
        return ExecutionFacade(self._run, self._execution)


def _date_or_none(value: Any, method: str) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise ExpressionError(f"{method} takes a Date, not '{value}'")


class ExternalTaskFacade(ElObject):
    """Camunda's ExternalTaskEntity as `externalTask` in the expression of an external task's
    `camunda:errorEventDefinition`: the task with what its worker reported."""

    EL_METHODS: ClassVar[dict[str, str]] = {
        "getId": "get_id",
        "getTopicName": "get_topic_name",
        "getWorkerId": "get_worker_id",
        "getErrorMessage": "get_error_message",
        "getErrorDetails": "get_error_details",
        "getRetries": "get_retries",
        "getActivityId": "get_activity_id",
        "getProcessInstanceId": "get_process_instance_id",
    }
    EL_PROPERTIES: ClassVar[dict[str, str]] = {
        "id": "get_id",
        "topicName": "get_topic_name",
        "workerId": "get_worker_id",
        "errorMessage": "get_error_message",
        "errorDetails": "get_error_details",
        "retries": "get_retries",
        "activityId": "get_activity_id",
        "processInstanceId": "get_process_instance_id",
    }

    def __init__(self, external: ExternalTask, report: ExternalTaskReport) -> None:
        self.external = external
        self.report = report

    def get_id(self) -> str:
        return self.external.id

    def get_topic_name(self) -> str:
        return self.external.topic

    def get_worker_id(self) -> str | None:
        return self.report.worker_id

    def get_error_message(self) -> str | None:
        return self.report.error_message

    def get_error_details(self) -> str | None:
        return self.report.error_details

    def get_retries(self) -> int | None:
        return self.report.retries

    def get_activity_id(self) -> str:
        return self.external.activity_id

    def get_process_instance_id(self) -> str:
        return self.external.process_instance_id
