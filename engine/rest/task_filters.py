"""GET and POST /task's query (`TASK_QUERY`) and what it finds (`filter_tasks`), with
Camunda's `orQueries` (POST form): each or-query's criteria joined by OR, the or-queries and
the main criteria by AND (TaskQueryImpl, Task.xml `queryType`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.auth.models import Group
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from rest_framework.request import Request

from engine.models import Execution as ExecutionRow
from engine.models import ProcessDefinition, ProcessInstance, Task, TaskCandidate
from engine.queries.tasks import TASK_SORT_FIELDS
from engine.rest import task_extras
from engine.rest.base import user_id
from engine.rest.params import OR_QUERIES, Kind, ListQuery, Param, invalid_request, like
from engine.rest.task_query_expressions import EXPRESSION_PARAMS, resolve_expressions
from engine.rest.task_variable_sorting import PARAMETER_SORTS
from engine.rest.variable_filters import (
    IGNORE_CASE_PARAMS,
    IgnoreCase,
    process_variables_q,
    variables_q,
)
from tasklist.access import visible

S, B, N, D, L = Kind.STRING, Kind.BOOLEAN, Kind.INTEGER, Kind.DATE, Kind.STRING_LIST
V = Kind.VARIABLES
# Filters on what Legato does not have (CMMN): no task matches them.
NOTHING_MATCHES = tuple(
    Param(name, S, "No task matches: Legato has no CMMN cases.")
    for name in ("caseInstanceId", "caseInstanceBusinessKey",
                 "caseInstanceBusinessKeyLike", "caseDefinitionId", "caseDefinitionKey",
                 "caseDefinitionName", "caseDefinitionNameLike", "caseExecutionId")
)
CASE_VARIABLES = Param("caseInstanceVariables", Kind.VARIABLES,
                       "No task matches (unless empty): Legato has no CMMN cases.")
TASK_QUERY = ListQuery(
    filters=(
        Param("taskId", S, "Filter by task id."),
        Param("taskIdIn", L, "Comma-separated task ids."),
        Param("processInstanceId", S, "Tasks of this instance."),
        Param("processInstanceIdIn", L, "Tasks of these instances."),
        Param("processInstanceBusinessKey", S, "Tasks of instances with this business key."),
        Param("processInstanceBusinessKeyIn", L, "Comma-separated business keys."),
        Param("processInstanceBusinessKeyLike", S, "Business key with SQL LIKE."),
        Param("processDefinitionId", S, "Tasks of this definition."),
        Param("processDefinitionKey", S, "Tasks of definitions with this key."),
        Param("processDefinitionKeyIn", L, "Comma-separated definition keys."),
        Param("processDefinitionName", S, "Tasks of definitions with this name."),
        Param("processDefinitionNameLike", S, "Definition name with SQL LIKE."),
        Param("executionId", S, "Tasks of this execution."),
        Param("parentTaskId", S, "Subtasks of this task."),
        Param("activityInstanceIdIn", L, "Tasks of these activity instances."),
        Param("assignee", S, "Tasks assigned to this user."),
        Param("assigneeLike", S, "Assignee with SQL LIKE."),
        Param("assigneeIn", L, "Tasks assigned to one of these users."),
        Param("assigneeNotIn", L, "Tasks not assigned to these users."),
        Param("owner", S, "Tasks owned by this user."),
        Param("candidateGroup", S, "Tasks offered to this group."),
        Param("candidateGroups", L, "Tasks offered to one of these groups."),
        Param("candidateUser", S, "Tasks offered to this user or one of their groups."),
        Param("includeAssignedTasks", B, "With candidate filters: also assigned tasks."),
        Param("involvedUser", S, "Tasks the user is assignee, owner or candidate of."),
        Param("assigned", B, "Only assigned tasks."),
        Param("unassigned", B, "Only unassigned tasks."),
        Param("taskDefinitionKey", S, "Filter by the user task's id in the model."),
        Param("taskDefinitionKeyIn", L, "Comma-separated task definition keys."),
        Param("taskDefinitionKeyNotIn", L, "Tasks of a process whose task definition key is "
              "none of these."),
        Param("taskDefinitionKeyLike", S, "Task definition key with SQL LIKE."),
        Param("name", S, "Filter by name."),
        Param("nameNotEqual", S, "Tasks with another name."),
        Param("nameLike", S, "Name with SQL LIKE."),
        Param("nameNotLike", S, "Name not matching SQL LIKE."),
        Param("description", S, "Filter by description."),
        Param("descriptionLike", S, "Description with SQL LIKE."),
        Param("priority", N, "Filter by priority."),
        Param("maxPriority", N, "Priority at most."),
        Param("minPriority", N, "Priority at least."),
        Param("dueDate", D, "Due at this date."),
        Param("dueAfter", D, "Due after this date."),
        Param("dueBefore", D, "Due before this date."),
        Param("withoutDueDate", B, "Only tasks without due date."),
        Param("followUpDate", D, "Follow-up at this date."),
        Param("followUpAfter", D, "Follow-up after this date."),
        Param("followUpBefore", D, "Follow-up before this date."),
        Param("followUpBeforeOrNotExistent", D, "Follow-up before this date or none."),
        Param("createdOn", D, "Created at this date."),
        Param("createdAfter", D, "Created after this date."),
        Param("createdBefore", D, "Created before this date."),
        Param("updatedAfter", D, "Updated after this date (never updated: created after it)."),
        Param("delegationState", S, "PENDING or RESOLVED."),
        Param("tenantIdIn", L, "Comma-separated tenant ids."),
        Param("withoutTenantId", B, "Only tasks of no tenant."),
        Param("active", B, "Only active tasks."),
        Param("suspended", B, "Only suspended tasks."),
        Param("withCandidateGroups", B, "Only tasks with a candidate group."),
        Param("withoutCandidateGroups", B, "Only tasks without candidate group."),
        Param("withCandidateUsers", B, "Only tasks with a candidate user."),
        Param("withoutCandidateUsers", B, "Only tasks without candidate user."),
        Param("processVariables", V, "`name_op_value,...` on process variables."),
        Param("taskVariables", V, "`name_op_value,...` on the task's local variables."),
        Param("candidateGroupLike", S, "Tasks offered to a group matching this LIKE."),
        *NOTHING_MATCHES,
        CASE_VARIABLES,
        *task_extras.PARAMS,
        *EXPRESSION_PARAMS,
        *IGNORE_CASE_PARAMS,
    ),
    sort_fields=TASK_SORT_FIELDS,
    parameter_sorts=PARAMETER_SORTS,
    or_queries=True,
)

_EXACT = {
    "taskId": "id",
    "taskIdIn": "id__in",
    "processInstanceId": "process_instance_id",
    "processInstanceIdIn": "process_instance_id__in",
    "processDefinitionId": "process_definition_id",
    "executionId": "execution_id",
    "parentTaskId": "parent_task_id",
    "activityInstanceIdIn": "activity_instance_id__in",
    "assignee": "assignee",
    "assigneeIn": "assignee__in",
    "owner": "owner",
    "taskDefinitionKey": "task_definition_key",
    "taskDefinitionKeyIn": "task_definition_key__in",
    "name": "name",
    "description": "description",
    "priority": "priority",
    "maxPriority": "priority__lte",
    "minPriority": "priority__gte",
    "dueDate": "due_date",
    "dueAfter": "due_date__gt",
    "dueBefore": "due_date__lt",
    "followUpDate": "follow_up_date",
    "followUpAfter": "follow_up_date__gt",
    "followUpBefore": "follow_up_date__lt",
    "createdOn": "created",
    "createdAfter": "created__gt",
    "createdBefore": "created__lt",
    "delegationState": "delegation_state",
}
_LIKE = {
    "assigneeLike": "assignee",
    "taskDefinitionKeyLike": "task_definition_key",
    "nameLike": "name",
    "descriptionLike": "description",
}
_WHEN_TRUE = {
    "assigned": Q(assignee__isnull=False),
    "unassigned": Q(assignee__isnull=True),
    "withoutDueDate": Q(due_date__isnull=True),
    "active": Q(suspended=False),
    "suspended": Q(suspended=True),
}


# Filters on the task's process instance and definition: parameter -> the rows it selects.
_BY_INSTANCE: dict[str, Callable[[Any], Q]] = {
    "processInstanceBusinessKey": lambda key: Q(business_key=key),
    "processInstanceBusinessKeyIn": lambda keys: Q(business_key__in=keys),
    "processInstanceBusinessKeyLike": lambda pattern: like("business_key", pattern),
}
_BY_DEFINITION: dict[str, Callable[[Any], Q]] = {
    "processDefinitionKey": lambda key: Q(key=key),
    "processDefinitionKeyIn": lambda keys: Q(key__in=keys),
    "processDefinitionName": lambda name: Q(name=name),
    "processDefinitionNameLike": lambda pattern: like("name", pattern),
}


def _candidates(condition: Q) -> Q:
    return Q(Exists(TaskCandidate.objects.filter(condition, task=OuterRef("pk"))))


def filter_tasks(request: Request, filters: dict[str, Any]) -> QuerySet[Task]:
    """The tasks the caller may read that match parsed TASK_QUERY filters."""
    resolve_expressions(filters, user_id(request))
    tasks = _matching(Task.objects.filter(visible(request.user)), filters)
    for criteria in filters.get(OR_QUERIES, ()):
        either = _either(request, criteria)
        if either is not None:  # an or-query with no criterion asks for nothing (Camunda)
            tasks = tasks.filter(either)
    return tasks


def _matching(  # noqa: C901 - one branch per Camunda filter reads best flat
    tasks: QuerySet[Task], filters: dict[str, Any]
) -> QuerySet[Task]:
    no_case = any(p.name in filters for p in NOTHING_MATCHES)
    if no_case or filters.get(CASE_VARIABLES.name):  # an empty variable list asks nothing
        return tasks.none()
    tasks = tasks.filter(**{f: filters[p] for p, f in _EXACT.items() if p in filters})
    for param, field_name in _LIKE.items():
        if param in filters:
            tasks = tasks.filter(like(field_name, filters[param]))
    for param, condition in _WHEN_TRUE.items():
        if filters.get(param):
            tasks = tasks.filter(condition)
    if "taskDefinitionKeyNotIn" in filters:
        # SQL `TASK_DEF_KEY_ not in (...)`: a standalone task (no key) is not kept either
        tasks = tasks.filter(task_definition_key__isnull=False).exclude(
            task_definition_key__in=filters["taskDefinitionKeyNotIn"]
        )
    if "assigneeNotIn" in filters:
        # SQL `ASSIGNEE_ not in (...)`: an unassigned task is not kept either
        tasks = tasks.filter(assignee__isnull=False).exclude(
            assignee__in=filters["assigneeNotIn"]
        )
    if "nameNotEqual" in filters:
        tasks = tasks.exclude(name=filters["nameNotEqual"])
    if "nameNotLike" in filters:
        tasks = tasks.exclude(like("name", filters["nameNotLike"]))
    if "updatedAfter" in filters:
        # Camunda's: a task never updated counts from its creation
        after = filters["updatedAfter"]
        tasks = tasks.filter(
            Q(last_updated__gt=after) | Q(last_updated__isnull=True, created__gt=after)
        )
    if "followUpBeforeOrNotExistent" in filters:
        tasks = tasks.filter(
            Q(follow_up_date__lt=filters["followUpBeforeOrNotExistent"])
            | Q(follow_up_date__isnull=True)
        )
    for param, instances in _BY_INSTANCE.items():
        if param in filters:
            chosen = ProcessInstance.objects.filter(instances(filters[param])).values("id")
            tasks = tasks.filter(process_instance_id__in=chosen)
    for param, definitions in _BY_DEFINITION.items():
        if param in filters:
            chosen = ProcessDefinition.objects.filter(definitions(filters[param])).values("id")
            tasks = tasks.filter(process_definition_id__in=chosen)
    # A task's tenant is its definition's, a task of no process's its own.
    if "tenantIdIn" in filters:
        chosen = ProcessDefinition.objects.filter(tenant_id__in=filters["tenantIdIn"])
        tasks = tasks.filter(
            Q(process_definition_id__in=chosen.values("id"))
            | Q(tenant_id__in=filters["tenantIdIn"])
        )
    if filters.get("withoutTenantId"):
        shared = ProcessDefinition.objects.filter(tenant_id__isnull=True).values("id")
        tasks = tasks.filter(
            Q(process_definition_id__in=shared)
            | Q(process_definition_id__isnull=True, tenant_id__isnull=True)
        )
    tasks = _candidate_filters(tasks, filters)
    ignore_case = IgnoreCase.of(filters)
    if "processVariables" in filters:
        tasks = tasks.filter(
            process_variables_q(filters["processVariables"], "process_instance_id", ignore_case)
        )
    if "taskVariables" in filters:
        tasks = tasks.annotate(variable_scope=_task_scope()).filter(
            variables_q(
                filters["taskVariables"],
                outer_field="variable_scope",
                match_field="execution_id",
                ignore_case=ignore_case,
            )
        )
    return tasks


def _task_scope() -> Coalesce:
    """Where a task's local variables live: the token it waits at (its `execution_id` may
    name the instance, for a lone token), or the task itself when it is standalone."""
    token = ExecutionRow.objects.filter(
        process_instance_id=OuterRef("process_instance_id"),
        activity_instance_id=OuterRef("activity_instance_id"),
    ).values("id")[:1]
    return Coalesce(Subquery(token), F("id"))


def _candidate_filters(tasks: QuerySet[Task], filters: dict[str, Any]) -> QuerySet[Task]:
    """Camunda's candidate semantics: a candidate filter shows unassigned tasks only,
    unless includeAssignedTasks; candidateUser includes the user's groups."""
    offered = _offered(filters)
    if offered is not None:
        tasks = tasks.filter(_candidates(offered))
        if not filters.get("includeAssignedTasks"):
            tasks = tasks.filter(assignee__isnull=True)
    if "involvedUser" in filters:
        user = filters["involvedUser"]
        tasks = tasks.filter(Q(assignee=user) | Q(owner=user) | _candidates(Q(user_id=user)))
    has_group = _candidates(Q(group_id__isnull=False))
    has_user = _candidates(Q(user_id__isnull=False))
    if filters.get("withCandidateGroups"):
        tasks = tasks.filter(has_group)
    if filters.get("withoutCandidateGroups"):
        tasks = tasks.exclude(has_group)
    if filters.get("withCandidateUsers"):
        tasks = tasks.filter(has_user)
    if filters.get("withoutCandidateUsers"):
        tasks = tasks.exclude(has_user)
    return tasks


# A group criterion beside candidateUser, as Camunda's TaskQueryImpl names it refusing both.
_NOT_WITH_CANDIDATE_USER = {
    "candidateGroup": "candidateUser and candidateGroup",
    "candidateGroups": "candidateUser and candidateGroupIn",
    "candidateGroupLike": "candidateGroupLike and candidateUser",
}


def _offered(filters: dict[str, Any]) -> Q | None:
    """The candidate rows the main query's criteria ask for (Camunda's Task.xml): the user's,
    or the groups named by both candidateGroup and candidateGroups (their intersection), or
    those LIKE candidateGroupLike. None: no candidate criterion."""
    if "candidateUser" in filters:
        for name, both in _NOT_WITH_CANDIDATE_USER.items():
            if name in filters:
                raise invalid_request(f"Invalid query usage: cannot set both {both}")
        return _offered_to(filters["candidateUser"])
    groups: set[str] | None = None
    if "candidateGroup" in filters:
        groups = {filters["candidateGroup"]}
    if "candidateGroups" in filters:
        named = set(filters["candidateGroups"])
        groups = named if groups is None else groups & named
    parts = [] if groups is None else [Q(group_id__in=sorted(groups))]
    if "candidateGroupLike" in filters:
        parts.append(like("group_id", filters["candidateGroupLike"]))
    return reduce(or_, parts) if parts else None


def _offered_to(user: str) -> Q:
    """Offered to the user, or to one of their groups (Camunda's candidateUser)."""
    groups = list(Group.objects.filter(user__username=user).values_list("name", flat=True))
    return Q(user_id=user) | Q(group_id__in=groups) if groups else Q(user_id=user)


# -- orQueries --------------------------------------------------------------------------------
# Within an or-query each criterion is one alternative, each variable condition too; the
# candidate criteria together are one. These only qualify other criteria of the same
# or-query: on their own they would be an alternative that every task meets.
_QUALIFIERS = ("includeAssignedTasks", *(param.name for param in IGNORE_CASE_PARAMS))
_VARIABLE_KEYS = ("processVariables", "taskVariables", CASE_VARIABLES.name)
# Camunda's TaskQueryImpl.ensureNotInOrQuery refuses these in an or-query.
_NOT_IN_OR_QUERY = ("withCandidateGroups", "withoutCandidateGroups", "withCandidateUsers",
                    "withoutCandidateUsers")
# They shape the answer, not the rows: inside an or-query they do nothing (as in Camunda).
_OUTPUT_OPTIONS = tuple(param.name for param in task_extras.PARAMS)


def _either(request: Request, criteria: dict[str, Any]) -> Q | None:
    """One or-query as a condition on tasks: any one of its criteria holds (Task.xml joins
    them with `or`); None when it has no criterion."""
    resolve_expressions(criteria, user_id(request))
    # Camunda's TaskQueryDto applies a boolean criterion only when it is true.
    left = {name: value for name, value in criteria.items()
            if value is not False and name not in _OUTPUT_OPTIONS}
    for name in _NOT_IN_OR_QUERY:
        if name in left:
            raise invalid_request(f"Invalid query usage: cannot set {name}() within 'or' query")
    qualifiers = {name: left.pop(name) for name in _QUALIFIERS if name in left}
    alternatives: list[Q] = []
    offered = _offered_in_or_query(left)
    if offered is not None:
        candidate = _candidates(offered)
        if not qualifiers.get("includeAssignedTasks"):
            candidate &= Q(assignee__isnull=True)
        alternatives.append(candidate)
    elif "includeAssignedTasks" in qualifiers:  # Camunda's TaskQueryImpl.includeAssignedTasks
        raise invalid_request(
            "Invalid query usage: candidateUser, candidateGroup, candidateGroupLike, "
            "candidateGroupIn, withCandidateGroups, withoutCandidateGroups, withCandidateUsers, "
            "withoutCandidateUsers has to be called before 'includeAssignedTasks'."
        )
    # Each variable condition is an alternative of its own (Task.xml's `queryVariables`).
    for name in _VARIABLE_KEYS:
        for condition in left.pop(name, None) or ():
            alternatives.append(_one({name: [condition], **qualifiers}))
    alternatives.extend(_one({name: value}) for name, value in left.items())
    return reduce(or_, alternatives) if alternatives else None


def _one(criterion: dict[str, Any]) -> Q:
    return Q(pk__in=_matching(Task.objects.all(), criterion).values("pk"))


def _offered_in_or_query(criteria: dict[str, Any]) -> Q | None:
    """The candidate criteria of an or-query (taken out of `criteria`) as one condition on a
    task's candidates: in an or-query Camunda unites them (TaskQueryImpl.getCandidateGroups),
    where the main query refuses or intersects them."""
    parts: list[Q] = []
    if "candidateUser" in criteria:
        parts.append(_offered_to(criteria.pop("candidateUser")))
    if "candidateGroup" in criteria:
        parts.append(Q(group_id=criteria.pop("candidateGroup")))
    if "candidateGroups" in criteria:
        parts.append(Q(group_id__in=criteria.pop("candidateGroups")))
    if "candidateGroupLike" in criteria:
        parts.append(like("group_id", criteria.pop("candidateGroupLike")))
    return reduce(or_, parts) if parts else None
