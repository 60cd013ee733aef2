"""The external task query of `GET/POST /external-task(/count)` and of the `externalTaskQuery`
of the retries operations: its parameters and the rows they select (Camunda's
ExternalTaskQueryDto and the ExternalTask.xml mapping)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from engine.models import ExternalTask, ProcessDefinition, VariableInstance
from engine.queries import external_tasks as reads
from engine.rest.base import readable_instances
from engine.rest.params import Kind, ListQuery, Param, like
from engine.rest.variable_filters import IGNORE_CASE_PARAMS, IgnoreCase, variables_q

EXTERNAL_TASK_QUERY = ListQuery(
    filters=(
        Param("externalTaskId"),
        Param("externalTaskIdIn", Kind.STRING_LIST),
        Param("topicName"),
        Param("workerId"),
        Param("locked", Kind.BOOLEAN),
        Param("notLocked", Kind.BOOLEAN),
        Param("withRetriesLeft", Kind.BOOLEAN),
        Param("noRetriesLeft", Kind.BOOLEAN),
        Param("lockExpirationAfter", Kind.DATE),
        Param("lockExpirationBefore", Kind.DATE),
        Param("activityId"),
        Param("activityIdIn", Kind.STRING_LIST),
        Param("executionId"),
        Param("processInstanceId"),
        Param("processInstanceIdIn", Kind.STRING_LIST),
        Param("processDefinitionId"),
        Param("processDefinitionKey", Kind.STRING,
              "Tasks of a process definition with this key."),
        Param("processDefinitionKeyIn", Kind.STRING_LIST,
              "Tasks of a process definition with one of these keys."),
        Param("processDefinitionName", Kind.STRING,
              "Tasks of a process definition with this name."),
        Param("processDefinitionNameLike", Kind.STRING,
              "Tasks of a process definition whose name matches (SQL LIKE: write the `%`)."),
        Param("active", Kind.BOOLEAN),
        Param("suspended", Kind.BOOLEAN),
        Param("priorityHigherThanOrEquals", Kind.INTEGER),
        Param("priorityLowerThanOrEquals", Kind.INTEGER),
        Param("tenantIdIn", Kind.STRING_LIST,
              "Tasks of process definitions of one of these tenants."),
        Param("processVariables", Kind.VARIABLES,
              "Tasks of process instances with variables matching `name_op_value`."),
        *IGNORE_CASE_PARAMS,
    ),
    sort_fields=reads.SORT_FIELDS,
    default_order=("pk",),
)

# The filters engine.queries.external_tasks applies itself, by its argument names.
_FILTER_ARGS = {
    "externalTaskId": "external_task_id",
    "externalTaskIdIn": "external_task_id_in",
    "topicName": "topic_name",
    "workerId": "worker_id",
    "locked": "locked",
    "notLocked": "not_locked",
    "withRetriesLeft": "with_retries_left",
    "noRetriesLeft": "no_retries_left",
    "lockExpirationAfter": "lock_expiration_after",
    "lockExpirationBefore": "lock_expiration_before",
    "activityId": "activity_id",
    "activityIdIn": "activity_id_in",
    "executionId": "execution_id",
    "processInstanceId": "process_instance_id",
    "processInstanceIdIn": "process_instance_id_in",
    "processDefinitionId": "process_definition_id",
    "active": "active",
    "suspended": "suspended",
    "priorityHigherThanOrEquals": "priority_higher_than_or_equals",
    "priorityLowerThanOrEquals": "priority_lower_than_or_equals",
}


def readable_tasks(request: HttpRequest | Any) -> Q:
    """Camunda's external task query shows a task when the caller may READ its process
    instance or READ_INSTANCE its process definition."""
    return readable_instances(request, "process_instance_id", "process_definition_key")


def _of_definitions(condition: Q) -> Q:
    # The definition's name and tenant live on its row (Camunda joins ACT_RE_PROCDEF).
    return Q(process_definition_id__in=ProcessDefinition.objects.filter(condition).values("id"))


def _definition_conditions(filters: dict[str, Any]) -> Q:
    condition = Q()
    if "processDefinitionKey" in filters:
        condition &= Q(process_definition_key=filters["processDefinitionKey"])
    if "processDefinitionKeyIn" in filters:
        condition &= Q(process_definition_key__in=filters["processDefinitionKeyIn"])
    if "processDefinitionName" in filters:
        condition &= _of_definitions(Q(name=filters["processDefinitionName"]))
    if "processDefinitionNameLike" in filters:
        condition &= _of_definitions(like("name", filters["processDefinitionNameLike"]))
    if "tenantIdIn" in filters:
        condition &= _of_definitions(Q(tenant_id__in=filters["tenantIdIn"]))
    return condition


def _process_variables(filters: dict[str, Any]) -> Q:
    """Camunda's mapping matches a variable of any execution of the task's instance that is no
    task's local variable (`TASK_ID_ is null and RES.PROC_INST_ID_ = PROC_INST_ID_`), not
    only the root scope's."""
    conditions = filters.get("processVariables")
    if not conditions:
        return Q()
    return variables_q(
        conditions,
        outer_field="process_instance_id",
        match_field="process_instance_id",
        rows=VariableInstance.objects.filter(task_id__isnull=True),
        ignore_case=IgnoreCase.of(filters),
    )


def filter_external_tasks(
    request: HttpRequest | Any, filters: dict[str, Any]
) -> QuerySet[ExternalTask]:
    """The readable external tasks matching parsed EXTERNAL_TASK_QUERY filters."""
    rows = reads.list_external_tasks(
        **{arg: filters[name] for name, arg in _FILTER_ARGS.items() if name in filters}
    )
    return rows.filter(
        readable_tasks(request), _definition_conditions(filters), _process_variables(filters)
    )
