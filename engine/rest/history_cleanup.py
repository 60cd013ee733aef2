"""Camunda's /history/cleanup: schedule the history cleanup job, find it, read the window."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import AuthorizationError, BadRequestError, NotFoundError
from engine.jobs.dispatch import dispatch_jobs
from engine.models import Job
from engine.rest.dates import format_date
from engine.rest.incidents_jobs import job_dto
from engine.services.oplog import OperationLog
from identity import cleanup_job
from identity.authorization import identity_of, is_admin
from identity.rest.base import CamundaView


def _dto(job: Job) -> dict[str, object]:
    return job_dto(job, {})


class HistoryCleanup(CamundaView):
    """POST /history/cleanup?immediatelyDue=true|false (camunda-admin only, as Camunda)."""

    def post(self, request: Request) -> Response:
        if not is_admin(request.user):
            identity = identity_of(request.user)
            raise AuthorizationError(
                "Required admin authenticated group or user.",
                user_id=identity.user_id if identity else "",
            )
        raw = request.query_params.get("immediatelyDue", "true")
        if raw not in ("true", "false"):
            raise BadRequestError(
                f"Cannot set query parameter 'immediatelyDue' to value '{raw}'"
            )
        immediately = raw == "true"
        with transaction.atomic():
            job = cleanup_job.schedule_history_cleanup(immediately=immediately)
            log = OperationLog(request.user.get_username(), "CreateHistoryCleanupJobs", "Job")
            log.add("immediatelyDue", new_value=str(immediately).lower(), job_id=job.id).save()
            if immediately:
                transaction.on_commit(lambda: dispatch_jobs([job.id]))
        return Response(_dto(job))


class HistoryCleanupJob(CamundaView):
    """GET /history/cleanup/job (deprecated in Camunda: the first of /jobs)."""

    def get(self, request: Request) -> Response:
        jobs = cleanup_job.history_cleanup_jobs()
        if not jobs:
            raise NotFoundError("History cleanup job does not exist")
        return Response(_dto(jobs[0]))


class HistoryCleanupJobs(CamundaView):
    """GET /history/cleanup/jobs."""

    def get(self, request: Request) -> Response:
        jobs = cleanup_job.history_cleanup_jobs()
        if not jobs:
            raise NotFoundError("History cleanup jobs are empty")
        return Response([_dto(job) for job in jobs])


class HistoryCleanupConfiguration(CamundaView):
    """GET /history/cleanup/configuration: the window in effect now or next (nulls when the
    cleanup may run at any time), and whether the engine schedules it by itself."""

    def get(self, request: Request) -> Response:
        window = cleanup_job.window()
        start, end = window if window is not None else (None, None)
        return Response(
            {
                "batchWindowStartTime": format_date(start),
                "batchWindowEndTime": format_date(end),
                "enabled": settings.LEGATO_HISTORY_CLEANUP_AUTO,
            }
        )
