"""Filters of `/history/process-instance` and `/history/task` that Camunda 7.2x documents
beyond historic_instance_filters.py: exclusions by id, the root of the call chain, jobs being
retried, incidents by id, current activities; a task's instance by business key, tasks
without a due date. Each follows the condition of Camunda's MyBatis mapping (quoted)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, F, OuterRef, Q

from engine.models import Execution, HistoricIncident, HistoricProcessInstance, Job
from engine.queries.like import like
from engine.rest.instance_roots import instances_under_root
from engine.rest.params import Kind, Param, invalid_request

S, B, L = Kind.STRING, Kind.BOOLEAN, Kind.STRING_LIST

ROOT = Param("rootProcessInstanceId", S, "Of the instances whose call chain starts at this "
             "instance: itself and every instance it called, at any depth.")

HISTORIC_INSTANCE_FIELDS = (
    Param("processInstanceIdNotIn", L, "Instances other than these."),
    ROOT,
    Param("withJobsRetrying", B, "Only instances with a job that failed and has retries left."),
    Param("incidentIdIn", L, "Instances with one of these incidents (open or resolved)."),
    Param("activityIdIn", L, "Running instances with a token in one of these activities."),
)


def historic_instance_fields_q(filters: dict[str, Any]) -> Q:
    """The condition for the filters above present in `filters` (everything when none). Empty
    lists set nothing, as in Camunda's HistoricProcessInstanceQueryDto."""
    condition = Q()
    if filters.get("processInstanceIdNotIn"):
        condition &= ~Q(id__in=filters["processInstanceIdNotIn"])
    if "rootProcessInstanceId" in filters:
        under = instances_under_root(HistoricProcessInstance, filters["rootProcessInstanceId"])
        condition &= Q(id__in=under)
    if filters.get("withJobsRetrying"):
        # "RETRIES_ > 0 AND (EXCEPTION_MSG_ IS NOT NULL OR EXCEPTION_STACK_ID_ IS NOT NULL)"
        failed = Q(exception_message__isnull=False) | Q(exception_stacktrace__isnull=False)
        jobs = Job.objects.filter(failed, process_instance_id=OuterRef("id"), retries__gt=0)
        condition &= Q(Exists(jobs))
    if filters.get("incidentIdIn"):
        condition &= Q(Exists(_incidents_in(filters)))
    if filters.get("activityIdIn"):
        # "EXE.ACT_ID_ in (...)": the runtime executions, so only running instances match.
        tokens = Execution.objects.filter(
            process_instance_id=OuterRef("id"), activity_id__in=filters["activityIdIn"]
        )
        condition &= Q(Exists(tokens))
    return condition


def _incidents_in(filters: dict[str, Any]) -> Any:
    """The instance's incidents among `incidentIdIn` that meet the other incident filters too:
    Camunda tests all of them on the one joined ACT_HI_INCIDENT row. The other filters are
    read as historic_instance_filters reads them."""
    incidents = HistoricIncident.objects.filter(
        process_instance_id=OuterRef("id"), id__in=filters["incidentIdIn"]
    )
    if filters.get("withRootIncidents"):
        incidents = incidents.filter(cause_incident_id=F("id"))
    same_row = {"incidentType": "incident_type", "incidentStatus": "state",
                "incidentMessage": "incident_message"}
    incidents = incidents.filter(**{f: filters[p] for p, f in same_row.items() if p in filters})
    if "incidentMessageLike" in filters:
        incidents = incidents.filter(like("incident_message", filters["incidentMessageLike"]))
    return incidents


HISTORIC_TASK_FIELDS = (
    ROOT,
    Param("processInstanceBusinessKeyIn", L, "Tasks of instances with one of these keys."),
    Param("processInstanceBusinessKeyLike", S, "Business key of the task's instance with "
          "SQL LIKE."),
    Param("withoutTaskDueDate", B, "Only tasks without a due date."),
)
_DUE_DATES = ("taskDueDate", "taskDueDateBefore", "taskDueDateAfter")


def historic_task_fields_q(filters: dict[str, Any]) -> Q:
    """The condition for the task filters above present in `filters`; `withoutTaskDueDate`
    with a due date filter is refused, as Camunda refuses it outside an or-query."""
    condition = Q()
    if filters.get("withoutTaskDueDate"):
        if any(name in filters for name in _DUE_DATES):
            # Camunda's wording (HistoricTaskInstanceQueryImpl.withoutTaskDueDate).
            raise invalid_request("Invalid query usage: cannot set both task due date (equal "
                                  "to, before, or after) and withoutTaskDueDate filters.")
        condition &= Q(due_date__isnull=True)
    if "rootProcessInstanceId" in filters:
        under = instances_under_root(HistoricProcessInstance, filters["rootProcessInstanceId"])
        condition &= Q(process_instance_id__in=under)
    instances = HistoricProcessInstance.objects.values("id")
    if filters.get("processInstanceBusinessKeyIn"):
        keys = filters["processInstanceBusinessKeyIn"]
        condition &= Q(process_instance_id__in=instances.filter(business_key__in=keys))
    if "processInstanceBusinessKeyLike" in filters:
        keyed = instances.filter(like("business_key", filters["processInstanceBusinessKeyLike"]))
        condition &= Q(process_instance_id__in=keyed)
    return condition
