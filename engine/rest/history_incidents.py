"""`/history/incident` and `/history/incident/count` (GET, as Camunda has them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast
from rest_framework.request import Request

from engine.incidents import FAILED_EXTERNAL_TASK, FAILED_JOB
from engine.models import (
    HistoricExternalTaskLog,
    HistoricIncident,
    HistoricJobLog,
    LogState,
    ProcessDefinition,
)
from engine.rest import serializers
from engine.rest.base import definition_key, readable_history
from engine.rest.dates import format_date
from engine.rest.historic_instance_filters import TENANT_PARAMS, tenant_q
from engine.rest.history import apply, tenants_of
from engine.rest.instance_roots import roots_of
from engine.rest.listing import list_views
from engine.rest.params import Kind, ListQuery, Param, like

S, B, D, L = Kind.STRING, Kind.BOOLEAN, Kind.DATE, Kind.STRING_LIST

HISTORIC_INCIDENT_QUERY = ListQuery(
    filters=(
        Param("incidentId", S, "Filter by incident id."),
        Param("incidentType", S, "Filter by type."),
        Param("incidentMessage", S, "Filter by message."),
        Param("incidentMessageLike", S, "Message with SQL LIKE."),
        Param("processDefinitionId", S, "Incidents of this definition."),
        Param("processDefinitionKey", S, "Incidents of definitions with this key."),
        Param("processDefinitionKeyIn", L, "Incidents of definitions with one of these keys."),
        Param("processInstanceId", S, "Incidents of this instance."),
        Param("executionId", S, "Incidents of this execution."),
        Param("createTimeBefore", D, "Created before this date."),
        Param("createTimeAfter", D, "Created after this date."),
        Param("endTimeBefore", D, "Ended (resolved or deleted) before this date."),
        Param("endTimeAfter", D, "Ended (resolved or deleted) after this date."),
        Param("activityId", S, "Incidents at this activity."),
        Param("failedActivityId", S, "Incidents whose failure happened at this activity "
              "(Legato: the incident's activity)."),
        Param("causeIncidentId", S, "Incidents caused by this one."),
        Param("rootCauseIncidentId", S, "Incidents with this root cause."),
        Param("configuration", S, "The job or external task id."),
        Param("historyConfiguration", S, "The id of the job or external task log entry of "
              "the failure that raised the incident."),
        Param("jobDefinitionIdIn", L, "Incidents of jobs of these job definitions."),
        Param("open", B, "Only open incidents."),
        Param("resolved", B, "Only resolved incidents."),
        Param("deleted", B, "Only deleted incidents."),
        *TENANT_PARAMS,
    ),
    sort_fields={
        "incidentId": "id",
        "incidentMessage": "incident_message",
        "createTime": "create_time",
        "endTime": "end_time",
        "incidentType": "incident_type",
        "executionId": "execution_id",
        "activityId": "activity_id",
        "processInstanceId": "process_instance_id",
        "processDefinitionId": "process_definition_id",
        "causeIncidentId": "cause_incident_id",
        "rootCauseIncidentId": "root_cause_incident_id",
        "configuration": "configuration",
        "incidentState": "state",
    },
)


def _history_configuration() -> Case:
    """Camunda's HISTORY_CONFIGURATION_: the failure log entry written by the command that
    raised the incident (JobEntity / ExternalTaskEntity `lastFailureLogId`, null when the
    incident came from setting retries to 0). Legato writes that entry and the incident with
    the same time, so the entry is the failure of the incident's job or task at its
    creation time."""

    def failure(log: Any, task_field: str) -> Cast:
        entry = log.objects.filter(
            **{task_field: OuterRef("configuration")},
            state=LogState.FAILED,
            timestamp=OuterRef("create_time"),
        ).order_by("-id")
        return Cast(Subquery(entry.values("id")[:1]), CharField())

    return Case(
        When(incident_type=FAILED_JOB, then=failure(HistoricJobLog, "job_id")),
        When(
            incident_type=FAILED_EXTERNAL_TASK,
            then=failure(HistoricExternalTaskLog, "external_task_id"),
        ),
        default=Value(None, output_field=CharField()),
    )


def filter_historic_incidents(request: Request, filters: dict[str, Any]) -> QuerySet[Any]:
    rows = HistoricIncident.objects.filter(readable_history(request, None), tenant_q(filters))
    rows = rows.annotate(history_configuration=_history_configuration())
    keys = [filters["processDefinitionKey"]] if "processDefinitionKey" in filters else []
    for chosen in (keys, filters.get("processDefinitionKeyIn")):
        if chosen:
            of_keys = ProcessDefinition.objects.filter(key__in=chosen).values("id")
            rows = rows.filter(process_definition_id__in=of_keys)
    if "incidentMessageLike" in filters:
        rows = rows.filter(like("incident_message", filters["incidentMessageLike"]))
    return apply(
        rows,
        filters,
        {
            "incidentId": "id",
            "incidentType": "incident_type",
            "incidentMessage": "incident_message",
            "processDefinitionId": "process_definition_id",
            "processInstanceId": "process_instance_id",
            "executionId": "execution_id",
            "activityId": "activity_id",
            # Legato keeps one activity per incident and shows it as both (the DTO below).
            "failedActivityId": "activity_id",
            "causeIncidentId": "cause_incident_id",
            "rootCauseIncidentId": "root_cause_incident_id",
            "configuration": "configuration",
            "historyConfiguration": "history_configuration",
            "jobDefinitionIdIn": "job_definition_id__in",
            # Camunda compares strictly (HistoricIncident.xml).
            "createTimeBefore": "create_time__lt",
            "createTimeAfter": "create_time__gt",
            "endTimeBefore": "end_time__lt",
            "endTimeAfter": "end_time__gt",
        },
        when_true={
            "open": Q(state="open"),
            "resolved": Q(state="resolved"),
            "deleted": Q(state="deleted"),
        },
    )


def historic_incident_dtos(rows: list[HistoricIncident]) -> list[serializers.Dto]:
    """HistoricIncidentDto each."""
    tenants = tenants_of([r.process_definition_id for r in rows])
    roots = roots_of(rows)
    return [
        {
            "id": row.id,
            "processDefinitionKey": definition_key(row.process_definition_id) or None,
            "processDefinitionId": row.process_definition_id,
            "processInstanceId": row.process_instance_id,
            "executionId": row.execution_id,
            "rootProcessInstanceId": roots.get(row.process_instance_id or ""),
            "createTime": format_date(row.create_time),
            "endTime": format_date(row.end_time),
            "removalTime": None,
            "incidentType": row.incident_type,
            "activityId": row.activity_id,
            "failedActivityId": row.activity_id,
            "causeIncidentId": row.cause_incident_id,
            "rootCauseIncidentId": row.root_cause_incident_id,
            "configuration": row.configuration,
            "historyConfiguration": getattr(row, "history_configuration", None),
            "incidentMessage": row.incident_message,
            "tenantId": tenants.get(row.process_definition_id or ""),
            "jobDefinitionId": row.job_definition_id,
            "open": row.state == "open",
            "deleted": row.state == "deleted",
            "resolved": row.state == "resolved",
            "annotation": None,
        }
        for row in rows
    ]


HistoricIncidentList, HistoricIncidentCount = list_views(
    HISTORIC_INCIDENT_QUERY, filter_historic_incidents, historic_incident_dtos, post=False
)
