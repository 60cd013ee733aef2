"""The filters of `/history/process-instance` that look beyond the instance row: its
incidents, the activities and jobs it executed, its calls, its definition's tenant; and those
on CMMN cases, which Legato does not have, so they match nothing rather than being ignored."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q

from engine.models import (
    HistoricActivityInstance,
    HistoricIncident,
    HistoricJobLog,
    HistoricProcessInstance,
    ProcessDefinition,
)
from engine.queries.like import like
from engine.rest.params import Kind, Param

S, B, D, L = Kind.STRING, Kind.BOOLEAN, Kind.DATE, Kind.STRING_LIST

NO_CASES = ("caseInstanceId", "superCaseInstanceId", "subCaseInstanceId")

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
    Param("tenantIdIn", L, "Instances of definitions of these tenants."),
    Param("withoutTenantId", B, "Only instances of definitions of no tenant."),
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
    condition &= _incidents(filters) & _executed(filters)
    tenants = ProcessDefinition.objects.values("id")
    if "tenantIdIn" in filters:
        chosen = tenants.filter(tenant_id__in=filters["tenantIdIn"])
        condition &= Q(process_definition_id__in=chosen)
    if filters.get("withoutTenantId"):
        condition &= Q(process_definition_id__in=tenants.filter(tenant_id__isnull=True))
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
