"""The filters of `/history/process-instance`, `/history/task` and
`/history/activity-instance` that look beyond the row: an instance's incidents, the
activities and jobs it executed, its calls; a task's people over time (the identity link
log) and its instance's state; the definition's tenant. Those on subtasks and CMMN cases,
which Legato does not have, match nothing rather than being ignored."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q

from engine.models import (
    HistoricActivityInstance,
    HistoricIdentityLinkLog,
    HistoricIncident,
    HistoricJobLog,
    HistoricProcessInstance,
    ProcessDefinition,
)
from engine.queries.like import like
from engine.rest.params import Kind, Param

S, B, D, L = Kind.STRING, Kind.BOOLEAN, Kind.DATE, Kind.STRING_LIST

NO_CASES = ("caseInstanceId", "superCaseInstanceId", "subCaseInstanceId")
TENANT_PARAMS = (
    Param("tenantIdIn", L, "Of definitions of these tenants."),
    Param("withoutTenantId", B, "Only of definitions of no tenant."),
)

HISTORIC_INSTANCE_PARAMS = (
    Param("processDefinitionKeyNotIn", L, "Not of definitions with these keys."),
    Param("processInstanceBusinessKeyIn", L, "Comma-separated business keys."),
    Param("rootProcessInstances", B, "Only instances no other instance called."),
    Param("subProcessInstanceId", S, "The instance that called this one."),
    Param("withIncidents", B, "Only instances that had an incident."),
    Param("withRootIncidents", B, "Only instances that had an incident of their own."),
    Param("incidentType", S, "Instances with an incident of this type."),
    Param("incidentStatus", S, "`open` or `resolved`: instances with such an incident."),
    Param("incidentMessage", S, "Instances with an incident with this message."),
    Param("incidentMessageLike", S, "Incident message with SQL LIKE."),
    Param("executedActivityAfter", D, "Instances that executed an activity after this date."),
    Param("executedActivityBefore", D, "Instances that executed an activity before this date."),
    Param("executedJobAfter", D, "Instances that executed a job after this date."),
    Param("executedJobBefore", D, "Instances that executed a job before this date."),
    Param("executedActivityIdIn", L, "Instances that finished one of these activities."),
    Param("activeActivityIdIn", L, "Instances active in one of these activities."),
    *TENANT_PARAMS,
    *(Param(name, S, "No instance matches: Legato has no CMMN cases.") for name in NO_CASES),
)


def historic_instance_q(filters: dict[str, Any]) -> Q:
    """The condition for the filters above present in `filters` (everything when none)."""
    if any(name in filters for name in NO_CASES):
        return Q(pk__in=[])
    condition = Q()
    if "processDefinitionKeyNotIn" in filters:
        condition &= ~Q(process_definition_key__in=filters["processDefinitionKeyNotIn"])
    if "processInstanceBusinessKeyIn" in filters:
        condition &= Q(business_key__in=filters["processInstanceBusinessKeyIn"])
    if filters.get("rootProcessInstances"):
        condition &= Q(super_process_instance_id__isnull=True)
    if "subProcessInstanceId" in filters:
        caller = HistoricProcessInstance.objects.filter(pk=filters["subProcessInstanceId"])
        condition &= Q(id__in=caller.values("super_process_instance_id"))
    return condition & _incidents(filters) & _executed(filters) & tenant_q(filters)


def tenant_q(filters: dict[str, Any], own: str | None = None) -> Q:
    """`tenantIdIn` and `withoutTenantId`, by the tenant of the row's process definition; a
    row of no definition (a standalone task, the history cleanup job's log) has no tenant, or
    the one in its field `own` (a task of no process)."""
    condition = Q()
    tenants = ProcessDefinition.objects.values("id")
    if "tenantIdIn" in filters:
        chosen = tenants.filter(tenant_id__in=filters["tenantIdIn"])
        of_tenants = Q(process_definition_id__in=chosen)
        if own:
            of_tenants |= Q(**{f"{own}__in": filters["tenantIdIn"]})
        condition &= of_tenants
    if filters.get("withoutTenantId"):
        no_definition = Q(process_definition_id__isnull=True)
        if own:
            no_definition &= Q(**{f"{own}__isnull": True})
        condition &= Q(process_definition_id__in=tenants.filter(tenant_id__isnull=True)) | (
            no_definition
        )
    return condition


NO_CASES = ("caseDefinitionId", "caseDefinitionKey", "caseDefinitionName", "caseInstanceId",
            "caseExecutionId")

HISTORIC_TASK_PARAMS = (
    Param("processDefinitionName", S, "Tasks of definitions with this name."),
    Param("processFinished", B, "Only tasks whose instance has ended."),
    Param("processUnfinished", B, "Only tasks whose instance runs."),
    Param("taskDeleteReasonLike", S, "Delete reason with SQL LIKE."),
    Param("taskOwnerLike", S, "Owner with SQL LIKE."),
    Param("taskInvolvedUser", S, "Tasks this user was assignee, owner or candidate of."),
    Param("taskInvolvedGroup", S, "Tasks this group was a candidate of."),
    Param("taskHadCandidateUser", S, "Tasks this user was ever a candidate of."),
    Param("taskHadCandidateGroup", S, "Tasks this group was ever a candidate of."),
    Param("withCandidateGroups", B, "Only tasks ever offered to a group."),
    Param("withoutCandidateGroups", B, "Only tasks never offered to a group."),
    Param("taskParentTaskId", S, "Subtasks of this task."),
    *TENANT_PARAMS,
    *(Param(name, S, "No task matches: Legato has no CMMN cases.") for name in NO_CASES),
)


def historic_task_q(filters: dict[str, Any]) -> Q:
    """The condition for the task filters above present in `filters`. Candidates are read
    from the identity link log (history level full), as Camunda reads ACT_HI_IDENTITYLINK."""
    if any(name in filters for name in NO_CASES):
        return Q(pk__in=[])
    condition = tenant_q(filters, own="tenant_id")
    if "processDefinitionName" in filters:
        named = ProcessDefinition.objects.filter(name=filters["processDefinitionName"])
        condition &= Q(process_definition_id__in=named.values("id"))
    ended = HistoricProcessInstance.objects.filter(end_time__isnull=False).values("id")
    if filters.get("processFinished"):
        condition &= Q(process_instance_id__in=ended)
    if filters.get("processUnfinished"):
        condition &= ~Q(process_instance_id__in=ended) & Q(process_instance_id__isnull=False)
    if "taskDeleteReasonLike" in filters:
        condition &= like("delete_reason", filters["taskDeleteReasonLike"])
    if "taskOwnerLike" in filters:
        condition &= like("owner", filters["taskOwnerLike"])
    candidates = HistoricIdentityLinkLog.objects.filter(
        task_id=OuterRef("id"), type="candidate", operation_type="add"
    )
    if "taskInvolvedUser" in filters:
        user = filters["taskInvolvedUser"]
        condition &= Q(assignee=user) | Q(owner=user) | Q(Exists(
            HistoricIdentityLinkLog.objects.filter(task_id=OuterRef("id"), user_id=user)
        ))
    for param, field in (("taskInvolvedGroup", "group_id"), ("taskHadCandidateGroup", "group_id"),
                         ("taskHadCandidateUser", "user_id")):
        if param in filters:
            condition &= Q(Exists(candidates.filter(**{field: filters[param]})))
    offered = Q(Exists(candidates.filter(group_id__isnull=False)))
    if filters.get("withCandidateGroups"):
        condition &= offered
    if filters.get("withoutCandidateGroups"):
        condition &= ~offered
    return condition


def _incidents(filters: dict[str, Any]) -> Q:
    incidents = HistoricIncident.objects.filter(process_instance_id=OuterRef("id"))
    asked = False
    if filters.get("withRootIncidents"):
        incidents, asked = incidents.filter(cause_incident_id=F("id")), True
    if "incidentType" in filters:
        incidents, asked = incidents.filter(incident_type=filters["incidentType"]), True
    if "incidentStatus" in filters:
        incidents, asked = incidents.filter(state=filters["incidentStatus"]), True
    if "incidentMessage" in filters:
        incidents, asked = incidents.filter(incident_message=filters["incidentMessage"]), True
    if "incidentMessageLike" in filters:
        incidents = incidents.filter(like("incident_message", filters["incidentMessageLike"]))
        asked = True
    return Q(Exists(incidents)) if asked or filters.get("withIncidents") else Q()


def _executed(filters: dict[str, Any]) -> Q:
    condition = Q()
    activities = HistoricActivityInstance.objects.filter(process_instance_id=OuterRef("id"))
    if "executedActivityAfter" in filters:
        after = filters["executedActivityAfter"]
        touched = Q(start_time__gte=after) | Q(end_time__gte=after)
        condition &= Q(Exists(activities.filter(touched)))
    if "executedActivityBefore" in filters:
        before = filters["executedActivityBefore"]
        touched = Q(start_time__lte=before) | Q(end_time__lte=before)
        condition &= Q(Exists(activities.filter(touched)))
    if "executedActivityIdIn" in filters:
        finished = activities.filter(activity_id__in=filters["executedActivityIdIn"],
                                     end_time__isnull=False)
        condition &= Q(Exists(finished))
    if "activeActivityIdIn" in filters:
        active = activities.filter(activity_id__in=filters["activeActivityIdIn"],
                                   end_time__isnull=True)
        condition &= Q(Exists(active))
    jobs = HistoricJobLog.objects.filter(process_instance_id=OuterRef("id"))
    if "executedJobAfter" in filters:
        condition &= Q(Exists(jobs.filter(timestamp__gte=filters["executedJobAfter"])))
    if "executedJobBefore" in filters:
        condition &= Q(Exists(jobs.filter(timestamp__lte=filters["executedJobBefore"])))
    return condition
