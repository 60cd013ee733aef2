"""`/incident` (list, count, get, annotation) and `/job` (list, count, get, delete, retries,
execute, due date, suspension, stacktrace). Both show only rows of instances the caller may read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import NotFoundError
from engine.jobs.executor import HISTORY_CLEANUP_JOB_ID
from engine.models import Incident, Job, ProcessDefinition
from engine.queries.executions import public_execution, shown_as, with_public_execution
from engine.rest import serializers
from engine.rest.base import (
    AnyAcceptMixin,
    EngineView,
    json_body,
    readable_instances,
    require_read_instance,
    require_update_instance,
    user_id,
)
from engine.rest.dates import format_date, parse_date
from engine.rest.errors import CamundaError
from engine.rest.history import tenants_of
from engine.rest.job_filters import JOB_QUERY, filter_jobs
from engine.rest.params import Kind, ListQuery, Param, invalid_request, like
from engine.rest.process_instances import read_suspended
from engine.runtime.errors import ProcessEngineError
from engine.services import incidents, job_changes, jobs, runtime

S, B, N, D, L = Kind.STRING, Kind.BOOLEAN, Kind.INTEGER, Kind.DATE, Kind.STRING_LIST

INCIDENT_QUERY = ListQuery(
    filters=(
        Param("incidentId", S, "Filter by incident id."),
        Param("incidentType", S, "failedJob, failedExternalTask, ..."),
        Param("incidentMessage", S, "Filter by message."),
        Param("incidentMessageLike", S, "Message with SQL LIKE."),
        Param("processDefinitionId", S, "Incidents of this definition."),
        Param("processDefinitionKeyIn", L, "Incidents of definitions with these keys."),
        Param("processInstanceId", S, "Incidents of this instance."),
        Param("executionId", S, "Incidents of this execution."),
        Param("incidentTimestampBefore", D, "Created before this date."),
        Param("incidentTimestampAfter", D, "Created after this date."),
        Param("activityId", S, "Incidents at this activity."),
        Param("failedActivityId", S, "Incidents whose failure happened at this activity."),
        Param("causeIncidentId", S, "Incidents caused by this incident."),
        Param("rootCauseIncidentId", S, "Incidents with this root cause."),
        Param("configuration", S, "The job or external task id of the incident."),
        Param("jobDefinitionIdIn", L, "Incidents of jobs of these job definitions."),
        Param("tenantIdIn", L, "Comma-separated tenant ids."),
    ),
    sort_fields={
        "incidentId": "id",
        "incidentMessage": "incident_message",
        "incidentTimestamp": "timestamp",
        "incidentType": "incident_type",
        "executionId": "execution_id",
        "activityId": "activity_id",
        "processInstanceId": "process_instance_id",
        "processDefinitionId": "process_definition_id",
        "causeIncidentId": "cause_incident_id",
        "rootCauseIncidentId": "root_cause_incident_id",
        "configuration": "configuration",
    },
)
_INCIDENT_EXACT = {
    "incidentId": "id",
    "incidentType": "incident_type",
    "incidentMessage": "incident_message",
    "processDefinitionId": "process_definition_id",
    "processInstanceId": "process_instance_id",
    "incidentTimestampBefore": "timestamp__lt",
    "incidentTimestampAfter": "timestamp__gt",
    "activityId": "activity_id",
    "failedActivityId": "failed_activity_id",
    "causeIncidentId": "cause_incident_id",
    "rootCauseIncidentId": "root_cause_incident_id",
    "configuration": "configuration",
    "jobDefinitionIdIn": "job_definition_id__in",
}


def _definition_ids(**lookup: Any) -> QuerySet[ProcessDefinition]:
    return ProcessDefinition.objects.filter(**lookup).values("id")


def filter_incidents(request: Request, filters: dict[str, Any]) -> QuerySet[Incident]:
    rows = Incident.objects.filter(readable_instances(request, "process_instance_id", None))
    rows = rows.filter(**{f: filters[p] for p, f in _INCIDENT_EXACT.items() if p in filters})
    if "executionId" in filters:
        rows = rows.filter(shown_as(filters["executionId"]))
    rows = with_public_execution(rows)
    if "incidentMessageLike" in filters:
        rows = rows.filter(like("incident_message", filters["incidentMessageLike"]))
    if "processDefinitionKeyIn" in filters:
        keys = filters["processDefinitionKeyIn"]
        rows = rows.filter(process_definition_id__in=_definition_ids(key__in=keys))
    if "tenantIdIn" in filters:
        tenants = filters["tenantIdIn"]
        rows = rows.filter(process_definition_id__in=_definition_ids(tenant_id__in=tenants))
    return rows


def incident_dto(row: Incident, tenants: dict[str, str | None]) -> serializers.Dto:
    """IncidentDto."""
    return {
        "id": row.id,
        "processDefinitionId": row.process_definition_id,
        "processInstanceId": row.process_instance_id,
        "executionId": public_execution(row),
        "incidentTimestamp": format_date(row.timestamp),
        "incidentType": row.incident_type,
        "activityId": row.activity_id,
        "failedActivityId": row.failed_activity_id,
        "causeIncidentId": row.cause_incident_id,
        "rootCauseIncidentId": row.root_cause_incident_id,
        "configuration": row.configuration,
        "tenantId": tenants.get(row.process_definition_id or ""),
        "incidentMessage": row.incident_message,
        "jobDefinitionId": row.job_definition_id,
        "annotation": row.annotation,
    }


class IncidentList(EngineView):
    """GET /incident."""

    def get(self, request: Request) -> Response:
        query = INCIDENT_QUERY.parse(request.query_params)
        rows = list(query.page.apply(filter_incidents(request, query.filters).order_by(
            *query.order_by)))
        tenants = tenants_of([row.process_definition_id for row in rows])
        return Response([incident_dto(row, tenants) for row in rows])


class IncidentCount(EngineView):
    """GET /incident/count."""

    def get(self, request: Request) -> Response:
        filters = INCIDENT_QUERY.parse_filters(request.query_params)
        return Response(serializers.count_dto(filter_incidents(request, filters).count()))


def _incident(request: Request, incident_id: str) -> Incident:
    row = Incident.objects.filter(pk=incident_id).first()
    if row is None:
        raise NotFoundError(f"No matching incident with id {incident_id}")
    require_read_instance(request, row.process_instance_id or "", row.process_definition_id)
    return row


class IncidentDetail(EngineView):
    """GET /incident/{id}; DELETE resolves a custom incident."""

    def get(self, request: Request, incident_id: str) -> Response:
        row = _incident(request, incident_id)
        return Response(incident_dto(row, tenants_of([row.process_definition_id])))

    def delete(self, request: Request, incident_id: str) -> Response:
        _incident(request, incident_id)
        incidents.resolve_incident(incident_id, user_id=user_id(request))
        return Response(status=204)


class IncidentAnnotation(EngineView):
    """PUT /incident/{id}/annotation `{annotation}` and DELETE (clear)."""

    def put(self, request: Request, incident_id: str) -> Response:
        annotation = json_body(request).get("annotation")
        if annotation is not None and not isinstance(annotation, str):
            raise invalid_request("'annotation' must be a text")
        _incident(request, incident_id)
        incidents.set_incident_annotation(incident_id, annotation, user_id=user_id(request))
        return Response(status=204)

    def delete(self, request: Request, incident_id: str) -> Response:
        _incident(request, incident_id)
        incidents.set_incident_annotation(incident_id, None, user_id=user_id(request))
        return Response(status=204)


# -- jobs (their query: engine/rest/job_filters.py) ---------------------------------------


def job_dto(row: Job, tenants: dict[str, str | None]) -> serializers.Dto:
    """JobDto. Jobs belong to no batches here (`batchId`)."""
    return {
        "id": row.id,
        "jobDefinitionId": row.job_definition_id,
        "processInstanceId": row.process_instance_id,
        # The history cleanup job belongs to no process: nulls, as Camunda's.
        "processDefinitionId": row.process_definition_id or None,
        "processDefinitionKey": row.process_definition_key or None,
        "executionId": public_execution(row),
        "exceptionMessage": row.exception_message,
        "failedActivityId": (row.activity_id or None) if row.exception_message else None,
        "retries": row.retries,
        "dueDate": format_date(row.due_date),
        "suspended": row.suspended,
        "priority": row.priority,
        "tenantId": tenants.get(row.process_definition_id),
        "createTime": format_date(row.created),
        "batchId": None,
    }


class JobList(EngineView):
    """GET and POST /job (the POST form: JobQueryDto in the body, `sorting` a list)."""

    def get(self, request: Request) -> Response:
        return self._list(request, None)

    def post(self, request: Request) -> Response:
        return self._list(request, json_body(request))

    def _list(self, request: Request, body: dict[str, Any] | None) -> Response:
        query = JOB_QUERY.parse(request.query_params, body)
        rows = list(query.page.apply(filter_jobs(request, query.filters).order_by(
            *query.order_by)))
        tenants = tenants_of([row.process_definition_id for row in rows])
        return Response([job_dto(row, tenants) for row in rows])


class JobCount(EngineView):
    """GET and POST /job/count."""

    def get(self, request: Request) -> Response:
        return self._count(request, None)

    def post(self, request: Request) -> Response:
        return self._count(request, json_body(request))

    def _count(self, request: Request, body: dict[str, Any] | None) -> Response:
        filters = JOB_QUERY.parse(request.query_params, body).filters
        return Response(serializers.count_dto(filter_jobs(request, filters).count()))


def readable_job(request: Request, job_id: str) -> Job:
    """The job, or 404 (Camunda's wording); 403 when the caller may not read its instance."""
    row = Job.objects.filter(pk=job_id).first()
    if row is None:
        # Camunda's wording (JobResourceImpl.getJob).
        raise NotFoundError(f"Job with id {job_id} does not exist")
    require_read_instance(request, row.process_instance_id or "", row.process_definition_id)
    return row


class JobDetail(EngineView):
    """GET /job/{id}; DELETE removes the job without running it (204; one the executor holds:
    500 RestException, as Camunda's deleteJob)."""

    def get(self, request: Request, job_id: str) -> Response:
        row = readable_job(request, job_id)
        return Response(job_dto(row, tenants_of([row.process_definition_id])))

    def delete(self, request: Request, job_id: str) -> Response:
        readable_job(request, job_id)
        try:
            job_changes.delete_job(job_id, user_id=user_id(request))
        except ProcessEngineError as refused:
            raise CamundaError(500, "RestException", str(refused)) from None
        return Response(status=204)


class JobRetries(EngineView):
    """PUT /job/{id}/retries `{retries, dueDate}`: a `dueDate` given moves the due date too
    (null: due now), in the same command (Camunda's SetJobRetriesBuilder.dueDate)."""

    def put(self, request: Request, job_id: str) -> Response:
        body = json_body(request)
        retries = body.get("retries")
        if not isinstance(retries, int) or isinstance(retries, bool):
            raise invalid_request("'retries' must be an integer")
        due = _due_date(body, "dueDate") if "dueDate" in body else None
        readable_job(request, job_id)
        jobs.set_job_retries(job_id, retries, user_id=user_id(request), due=due)
        return Response(status=204)


def _due_date(body: dict[str, Any], name: str) -> datetime:
    """A due date of a request body; null is now (Camunda stores null, which is due at once
    there; a Legato job is due from its date, as PUT /job/{id}/duedate sets it)."""
    raw = body.get(name)
    if raw is None:
        return timezone.now()
    try:
        return parse_date(raw)
    except (ValueError, TypeError):
        raise invalid_request(f"Cannot read '{name}': {raw}") from None


class JobExecute(EngineView):
    """POST /job/{id}/execute: run it now, in this request. A failing job answers 500 with
    the failure, as Camunda's executeJob does; its retries are not counted down here."""

    def post(self, request: Request, job_id: str) -> Response:
        row = readable_job(request, job_id)
        require_update_instance(request, row.process_instance_id or "", row.process_definition_id)
        if job_id == HISTORY_CLEANUP_JOB_ID:  # no process's job: the executor's own path
            jobs.execute_job_now(job_id, user_id=user_id(request))
        else:
            runtime.execute_job(job_id)
        return Response(status=204)


class JobDueDate(EngineView):
    """PUT /job/{id}/duedate `{duedate, cascade}` (null: due now)."""

    def put(self, request: Request, job_id: str) -> Response:
        body = json_body(request)
        raw = body.get("duedate")
        cascade = body.get("cascade") or False
        if not isinstance(cascade, bool):
            raise invalid_request("'cascade' must be true or false")
        try:
            due = parse_date(raw) if raw is not None else None
        except (ValueError, TypeError):
            raise invalid_request(f"Cannot read 'duedate': {raw}") from None
        readable_job(request, job_id)
        jobs.set_job_due_date(job_id, due, cascade=cascade, user_id=user_id(request))
        return Response(status=204)


class JobPriority(EngineView):
    """PUT /job/{id}/priority `{priority}` (a whole number; null is refused, as Camunda)."""

    def put(self, request: Request, job_id: str) -> Response:
        priority = json_body(request).get("priority")
        if priority is None:
            raise invalid_request(f"Priority for job '{job_id}' cannot be null.")
        if isinstance(priority, bool) or not isinstance(priority, int) or not (
            -(2**63) <= priority < 2**63
        ):
            raise invalid_request("'priority' must be a whole number (a Java long)")
        readable_job(request, job_id)
        jobs.set_job_priority(job_id, priority, user_id=user_id(request))
        return Response(status=204)


class JobSuspended(EngineView):
    """PUT /job/{id}/suspended `{suspended}`."""

    def put(self, request: Request, job_id: str) -> Response:
        suspended = read_suspended(json_body(request))
        readable_job(request, job_id)
        jobs.set_job_suspended(job_id, suspended, user_id=user_id(request))
        return Response(status=204)


class JobStacktrace(AnyAcceptMixin, EngineView):
    """GET /job/{id}/stacktrace: text/plain."""

    def get(self, request: Request, job_id: str) -> HttpResponse:
        row = readable_job(request, job_id)
        if row.exception_stacktrace is None:
            # Camunda's JobResourceImpl returns the null stacktrace: JAX-RS answers 204
            return HttpResponse(status=204)
        return HttpResponse(row.exception_stacktrace, content_type="text/plain")
