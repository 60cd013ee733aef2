"""`/job-definition` (list, count, get, suspension, retries, job priority), as Camunda's
JobDefinitionRestService. Lists hold only definitions of process definitions the caller may
READ; changes are checked by engine.services.job_definitions."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import NotFoundError
from engine.models import JobDefinition
from engine.rest import serializers
from engine.rest.base import EngineView, json_body, user_id
from engine.rest.listing import list_views
from engine.rest.params import Kind, ListQuery, Param, invalid_request, tenant_filter
from engine.rest.process_instances import (
    read_execution_date,
    read_suspended,
    read_tenant_selector,
)
from engine.services import job_definitions as service
from identity.authorization import Check, Permission, Resource, readable_ids, require_any

S, B, L = Kind.STRING, Kind.BOOLEAN, Kind.STRING_LIST

JOB_DEFINITION_QUERY = ListQuery(
    filters=(
        Param("jobDefinitionId", S, "Filter by job definition id."),
        Param("activityIdIn", L, "Job definitions of these activities."),
        Param("processDefinitionId", S, "Job definitions of this process definition."),
        Param("processDefinitionKey", S, "Job definitions of definitions with this key."),
        Param("jobType", S, "async-continuation, timer-start-event, timer-transition, ..."),
        Param("jobConfiguration", S, "async-before, async-after, or the timer (DURATION: PT5M)."),
        Param("active", B, "Only active job definitions."),
        Param("suspended", B, "Only suspended job definitions."),
        Param("withOverridingJobPriority", B, "Only those with an overriding job priority."),
        Param("tenantIdIn", L, "Comma-separated tenant ids."),
        Param("withoutTenantId", B, "Only job definitions of no tenant."),
        Param("includeJobDefinitionsWithoutTenantId", B, "With tenantIdIn: also no tenant."),
    ),
    sort_fields={
        "jobDefinitionId": "id",
        "activityId": "activity_id",
        "processDefinitionId": "process_definition_id",
        "processDefinitionKey": "process_definition_key",
        "jobType": "job_type",
        "jobConfiguration": "job_configuration",
        "tenantId": "tenant_id",
    },
)
_EXACT = {
    "jobDefinitionId": "id",
    "activityIdIn": "activity_id__in",
    "processDefinitionId": "process_definition_id",
    "processDefinitionKey": "process_definition_key",
    "jobType": "job_type",
    "jobConfiguration": "job_configuration",
}
_WHEN_TRUE = {
    "active": Q(suspended=False),
    "suspended": Q(suspended=True),
    "withOverridingJobPriority": Q(overriding_job_priority__isnull=False),
}


def readable_job_definitions(user: Any) -> QuerySet[JobDefinition]:
    """Job definitions of the process definitions `user` may READ (Camunda's query check)."""
    keys = readable_ids(user, Resource.PROCESS_DEFINITION, Permission.READ)
    return JobDefinition.objects.filter(keys.q("process_definition_key"))


def filter_job_definitions(request: Request, filters: dict[str, Any]) -> QuerySet[JobDefinition]:
    rows = readable_job_definitions(request.user)
    rows = rows.filter(**{f: filters[p] for p, f in _EXACT.items() if p in filters})
    for param, condition in _WHEN_TRUE.items():
        if filters.get(param):
            rows = rows.filter(condition)
    tenants = tenant_filter(
        filters,
        without_tenant="withoutTenantId",
        include_without_tenant="includeJobDefinitionsWithoutTenantId",
    )
    return rows if tenants is None else rows.filter(tenants)


def job_definition_dto(row: JobDefinition) -> serializers.Dto:
    """JobDefinitionDto."""
    return {
        "id": row.id,
        "processDefinitionId": row.process_definition_id,
        "processDefinitionKey": row.process_definition_key,
        "activityId": row.activity_id,
        "jobType": row.job_type,
        "jobConfiguration": row.job_configuration,
        "overridingJobPriority": row.overriding_job_priority,
        "suspended": row.suspended,
        "tenantId": row.tenant_id,
        "deploymentId": row.deployment_id,
    }


def _dtos(rows: list[JobDefinition]) -> list[serializers.Dto]:
    return [job_definition_dto(row) for row in rows]


JobDefinitionList, JobDefinitionCount = list_views(
    JOB_DEFINITION_QUERY, filter_job_definitions, _dtos
)


def _job_definition(request: Request, job_definition_id: str) -> JobDefinition:
    row = JobDefinition.objects.filter(pk=job_definition_id).first()
    if row is None:
        # Camunda's wording (JobDefinitionResourceImpl.getJobDefinition).
        raise NotFoundError(f"Job Definition with id {job_definition_id} does not exist")
    require_any(
        request.user,
        [Check(Permission.READ, Resource.PROCESS_DEFINITION, row.process_definition_key)],
    )
    return row


def _include_jobs(body: dict[str, Any]) -> bool:
    value = body.get("includeJobs", False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise invalid_request("'includeJobs' must be true or false")
    return value


def _suspension(body: dict[str, Any]) -> dict[str, Any]:
    """`suspended`, and the service's `include_jobs` and `at` (executionDate: not now but
    then)."""
    return {
        "suspended": read_suspended(body),
        "include_jobs": _include_jobs(body),
        "at": read_execution_date(body),
    }


def _integer(body: dict[str, Any], name: str, *, nullable: bool = False) -> Any:
    value = body.get(name)
    if value is None and nullable:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not -(2**63) <= value < 2**63:
        raise invalid_request(f"'{name}' must be an integer")
    return value


class JobDefinitionDetail(EngineView):
    """GET /job-definition/{id}."""

    def get(self, request: Request, job_definition_id: str) -> Response:
        return Response(job_definition_dto(_job_definition(request, job_definition_id)))


class JobDefinitionSuspended(EngineView):
    """PUT /job-definition/{id}/suspended `{suspended, includeJobs, executionDate}`."""

    def put(self, request: Request, job_definition_id: str) -> Response:
        service.set_job_definition_suspended(
            job_definition_id, **_suspension(json_body(request)), user_id=user_id(request)
        )
        return Response(status=204)


class JobDefinitionsSuspended(EngineView):
    """PUT /job-definition/suspended `{processDefinitionId | processDefinitionKey, suspended,
    includeJobs, executionDate}`."""

    def put(self, request: Request) -> Response:
        body = json_body(request)
        change = _suspension(body)
        by = {
            name: value
            for name, value in (
                ("process_definition_id", body.get("processDefinitionId")),
                ("process_definition_key", body.get("processDefinitionKey")),
            )
            if value is not None
        }
        if len(by) != 1 or not all(isinstance(v, str) and v for v in by.values()):
            raise invalid_request(
                "Give either a processDefinitionId or a processDefinitionKey, not both"
            )
        tenant = read_tenant_selector(body) if "process_definition_key" in by else {}
        service.set_job_definitions_suspended(**change, **by, **tenant, user_id=user_id(request))
        return Response(status=204)


class JobDefinitionRetries(EngineView):
    """PUT /job-definition/{id}/retries `{retries}`: every failed job of it gets them."""

    def put(self, request: Request, job_definition_id: str) -> Response:
        retries = _integer(json_body(request), "retries")
        service.set_job_definition_retries(job_definition_id, retries, user_id=user_id(request))
        return Response(status=204)


class JobDefinitionPriority(EngineView):
    """PUT /job-definition/{id}/jobPriority `{priority, includeJobs}` (null: no override)."""

    def put(self, request: Request, job_definition_id: str) -> Response:
        body = json_body(request)
        priority = _integer(body, "priority", nullable=True)
        service.set_job_definition_priority(
            job_definition_id,
            priority,
            include_jobs=_include_jobs(body),
            user_id=user_id(request),
        )
        return Response(status=204)
