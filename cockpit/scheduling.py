"""Changes the cockpit makes later rather than now: the date of a form's datetime-local field,
and the words for a suspension or activation still to come."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime

from engine.models import Job, JobDefinition
from engine.services.scheduled_suspension import (
    ACTIVATE_DEFINITION,
    SUSPEND_DEFINITION,
    SUSPEND_JOB_DEFINITION,
)


class NotADate(ValueError):
    """The field holds text that is no date and time."""


def form_date(text: str) -> datetime | None:
    """A datetime-local value, read as UTC as the pages show times; empty: None."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        raise NotADate(f"'{text}' is not a date and time")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ScheduledChange:
    """A scheduled suspension or activation as the definition page lists it."""

    job_id: str
    due: datetime | None
    text: str


def describe(job: Job, definition_id: str) -> ScheduledChange:
    target = json.loads(job.handler_configuration or "{}")
    verb = "Suspend" if job.type in (SUSPEND_DEFINITION, SUSPEND_JOB_DEFINITION) else "Activate"
    if "jobDefinitionId" in target:
        row = JobDefinition.objects.filter(pk=target["jobDefinitionId"]).first()
        what = (f"the job definition {row.job_type} of {row.activity_id}" if row is not None
                else "a job definition that is gone")
    else:
        whose = ("this version" if target.get("processDefinitionId") == definition_id
                 else f"every version of {target.get('processDefinitionKey')}")
        on_definitions = job.type in (SUSPEND_DEFINITION, ACTIVATE_DEFINITION)
        what = whose if on_definitions else f"the job definitions of {whose}"
    if target.get("includeProcessInstances"):
        what += ", instances included"
    if target.get("includeJobs"):
        what += ", jobs included"
    return ScheduledChange(job.id, job.due_date, f"{verb} {what}")
