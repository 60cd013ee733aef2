"""The job query of `GET/POST /job(/count)` and of the `jobQuery` of `POST /job/retries`: its
parameters and the rows they select (Camunda's JobQueryDto and the Job.xml mapping).

`dueDates` and `createTimes` are lists of `{operator, value}` conditions (Camunda's
JobConditionQueryParameterDto), `gt_<date>,lt_<date>` in the GET form: no `Kind` of the shared
parameter parser reads them, so `JobListQuery` reads them around it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from engine.jobs.executor import HISTORY_CLEANUP_JOB_ID
from engine.models import Job, ProcessDefinition
from engine.queries.executions import shown_as, with_public_execution
from engine.rest.base import readable_instances
from engine.rest.dates import parse_date
from engine.rest.params import (
    Kind,
    ListQuery,
    Param,
    ParsedQuery,
    invalid_parameter,
    invalid_request,
)
from engine.services.scheduled_suspension import STATE_CHANGES

S, B, N, L = Kind.STRING, Kind.BOOLEAN, Kind.INTEGER, Kind.STRING_LIST

# parameter -> (its name in Camunda's messages, the column, the lookup of each operator).
# Camunda's createdBefore is inclusive (`CREATE_TIME_ <= #{createdBefore}`), the others not.
_CONDITIONS = {
    "dueDates": ("due date", "due_date", {"gt": "gt", "lt": "lt"}),
    "createTimes": ("create time", "created", {"gt": "gt", "lt": "lte"}),
}
_CONDITION_HELP = (
    " GET: `gt_<date>` and/or `lt_<date>`, comma-separated; POST: a list of"
    " `{operator: gt|lt, value: <date>}`."
)


@dataclass(frozen=True)
class DateCondition:
    operator: str
    value: datetime


def _condition(param: str, operator: Any, value: Any) -> DateCondition:
    """One condition, refused in Camunda's words (JobQueryDto.ApplyDates)."""
    field_name = _CONDITIONS[param][0]
    if operator not in ("gt", "lt"):
        raise invalid_request(f"Invalid {field_name} comparator specified: {operator}")
    if not isinstance(value, str):
        raise invalid_request(f"Invalid {field_name} format: {json.dumps(value)}")
    try:
        return DateCondition(operator, parse_date(value))
    except ValueError as error:
        raise invalid_request(f"Invalid {field_name} format: {error}") from None


def parse_conditions_text(param: str, raw: str) -> list[DateCondition]:
    """The GET form `gt_2016-11-04T12:00:00.000+0000,lt_...` (ConditionListConverter)."""
    conditions = []
    for expression in raw.split(","):
        parts = expression.split("_")
        if len(parts) != 2:
            raise invalid_request("condition query parameter has to have format OPERATOR_VALUE.")
        conditions.append(_condition(param, *parts))
    return conditions


def parse_conditions_body(param: str, value: Any) -> list[DateCondition]:
    """The POST form: a list of `{operator, value}`."""
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise invalid_parameter(param, json.dumps(value))
    return [_condition(param, item.get("operator"), item.get("value")) for item in value]


@dataclass(frozen=True)
class JobListQuery(ListQuery):
    """A ListQuery that also reads the `dueDates` and `createTimes` condition lists."""

    def parse_filters(self, params: QueryDict) -> dict[str, Any]:
        # Declared as strings, so the shared parser hands over the raw text.
        filters = super().parse_filters(params)
        for name in _CONDITIONS.keys() & filters.keys():
            filters[name] = parse_conditions_text(name, filters[name])
        return filters

    def parse(self, params: QueryDict, body: Mapping[str, Any] | None = None) -> ParsedQuery:
        if body is None:
            return super().parse(params)
        conditions = {
            name: parse_conditions_body(name, body[name])
            for name in _CONDITIONS
            if body.get(name) is not None
        }
        rest = {key: value for key, value in body.items() if key not in _CONDITIONS}
        parsed = super().parse(params, rest)
        parsed.filters.update(conditions)
        return parsed


JOB_QUERY = JobListQuery(
    filters=(
        Param("jobId", S, "Filter by job id."),
        Param("jobIds", L, "Comma-separated job ids."),
        Param("processInstanceId", S, "Jobs of this instance."),
        Param("processInstanceIds", L, "Jobs of these instances."),
        Param("executionId", S, "Jobs of this execution."),
        Param("jobDefinitionId", S, "Jobs of this job definition."),
        Param("processDefinitionId", S, "Jobs of this definition."),
        Param("processDefinitionKey", S, "Jobs of definitions with this key."),
        Param("activityId", S, "Jobs of this activity."),
        Param("withRetriesLeft", B, "Only jobs with retries left."),
        Param("noRetriesLeft", B, "Only jobs without retries left."),
        Param("executable", B, "Only jobs with retries left that are due."),
        Param("timers", B, "Only timer jobs."),
        Param("messages", B, "Only asynchronous continuations."),
        Param("dueDates", S, "Jobs due after (gt) and/or before (lt) a date." + _CONDITION_HELP),
        Param("createTimes", S,
              "Jobs created after (gt) and/or at or before (lt) a date." + _CONDITION_HELP),
        Param("withException", B, "Only jobs that failed."),
        Param("exceptionMessage", S, "Jobs that failed with this message."),
        Param("failedActivityId", S, "Jobs that failed at this activity."),
        Param("active", B, "Only active jobs."),
        Param("suspended", B, "Only suspended jobs."),
        Param("acquired", B, "Only jobs an executor holds (lock expiration in the future)."),
        Param("priorityLowerThanOrEquals", N, "Priority at most."),
        Param("priorityHigherThanOrEquals", N, "Priority at least."),
        Param("tenantIdIn", L, "Comma-separated tenant ids."),
        Param("withoutTenantId", B, "Only jobs of no tenant."),
        Param("includeJobsWithoutTenantId", B,
              "With tenantIdIn: also the jobs of no tenant."),
    ),
    sort_fields={
        "jobId": "id",
        "executionId": "execution_id",
        "processInstanceId": "process_instance_id",
        "processDefinitionId": "process_definition_id",
        "processDefinitionKey": "process_definition_key",
        "jobPriority": "priority",
        "jobRetries": "retries",
        "jobDueDate": "due_date",
    },
)
_JOB_EXACT = {
    "jobId": "id",
    "jobIds": "id__in",
    "processInstanceId": "process_instance_id",
    "processInstanceIds": "process_instance_id__in",
    "jobDefinitionId": "job_definition_id",
    "processDefinitionId": "process_definition_id",
    "processDefinitionKey": "process_definition_key",
    "activityId": "activity_id",
    "exceptionMessage": "exception_message",
    "failedActivityId": "activity_id",
    "priorityLowerThanOrEquals": "priority__lte",
    "priorityHigherThanOrEquals": "priority__gte",
}


def _of_tenants(condition: Q) -> Q:
    return Q(process_definition_id__in=ProcessDefinition.objects.filter(condition).values("id"))


def _without_tenant() -> Q:
    # The history cleanup and scheduled suspension jobs belong to no definition: no tenant
    # (their DTO says tenantId null too).
    return Q(process_definition_id="") | _of_tenants(Q(tenant_id__isnull=True))


def _tenant_condition(filters: Mapping[str, Any]) -> Q:
    """Camunda's JobQueryImpl: `withoutTenantId` replaces `tenantIdIn` (it clears the ids),
    an empty `tenantIdIn` is no filter, and `includeJobsWithoutTenantId` only widens
    `tenantIdIn`."""
    if filters.get("withoutTenantId"):
        return _without_tenant()
    if not filters.get("tenantIdIn"):
        return Q()
    condition = _of_tenants(Q(tenant_id__in=filters["tenantIdIn"]))
    if filters.get("includeJobsWithoutTenantId"):
        condition |= _without_tenant()
    return condition


def _date_conditions(filters: Mapping[str, Any]) -> Q:
    """Camunda keeps one bound per operator (duedateHigherThan, ...): of repeated
    operators the last one counts. A job without a due date has none to compare."""
    condition = Q()
    for param, (_, column, lookups) in _CONDITIONS.items():
        bounds = {c.operator: c.value for c in filters.get(param, ())}
        for operator, value in bounds.items():
            condition &= Q(**{f"{column}__{lookups[operator]}": value})
    return condition


# Camunda's timer jobs (TYPE_ 'timer'): timer events, and the scheduled suspensions and
# activations, which it keeps as timers too.
_TIMERS = Q(type__startswith="timer") | Q(type__in=STATE_CHANGES)


def filter_jobs(request: Any, filters: dict[str, Any]) -> QuerySet[Job]:
    """The readable jobs matching parsed JOB_QUERY filters."""
    if filters.get("timers") and filters.get("messages"):
        raise invalid_request("Parameter timers cannot be used together with parameter messages.")
    now = timezone.now()
    rows = Job.objects.filter(
        readable_instances(request, "process_instance_id", "process_definition_key")
    )
    rows = rows.filter(**{f: filters[p] for p, f in _JOB_EXACT.items() if p in filters})
    if "executionId" in filters:
        rows = rows.filter(shown_as(filters["executionId"]))
    rows = with_public_execution(rows)
    when_true = {
        "withRetriesLeft": Q(retries__gt=0),
        "noRetriesLeft": Q(retries__lte=0),
        "executable": Q(retries__gt=0) & (Q(due_date__isnull=True) | Q(due_date__lte=now)),
        "timers": _TIMERS,
        # Camunda's message jobs: neither timers nor its ever-living history cleanup job
        "messages": ~_TIMERS & ~Q(pk=HISTORY_CLEANUP_JOB_ID),
        "withException": Q(exception_message__isnull=False),
        "active": Q(suspended=False),
        "suspended": Q(suspended=True),
        # Camunda: LOCK_EXP_TIME_ is not null and in the future, suspended or not.
        "acquired": Q(lock_expiration_time__gt=now),
    }
    for param, condition in when_true.items():
        if filters.get(param):
            rows = rows.filter(condition)
    return rows.filter(_date_conditions(filters), _tenant_condition(filters))
