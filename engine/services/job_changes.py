"""Operator commands that change a job through the interpreter, because the instance's state
holds the job too: delete it (Camunda's managementService.deleteJob) and evaluate its timer
definition again (recalculateJobDuedate). One transaction each, with the authorization check
(UPDATE on the instance or UPDATE_INSTANCE on the definition, as Camunda's checkUpdateJob) and
the user operation log entry (Delete / RecalculateDueDate on Job)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from engine.errors import BadRequestError, NotFoundError
from engine.jobs.failures import resolve_incidents_of_job
from engine.models import EntityType, Job, LogState
from engine.runtime import commands as cmd
from engine.runtime.engine import ProcessEngine
from engine.runtime.errors import ProcessEngineError
from engine.services import authz
from engine.services.authz import P
from engine.services.oplog import OperationLog, job_context
from engine.services.runtime import _command
from engine.services.scheduled_suspension import STATE_CHANGES, log_job
from engine.store.django_store import DjangoStore


class JobBeingExecuted(ProcessEngineError):
    """A job the executor holds cannot be deleted (Camunda answers 500)."""


def _locked_job(job_id: str, user_id: str | None) -> Job:
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        raise NotFoundError(f"No job found with id '{job_id}'")
    authz.require_job(user_id, job, P.UPDATE, P.UPDATE_INSTANCE)
    return job


def delete_job(job_id: str, *, user_id: str | None = None) -> None:
    """The job goes without running and its failed-job incident with it; the token that
    waited for it keeps waiting (Camunda does the same). A job the executor has acquired
    cannot be deleted until it is done."""

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        job = _locked_job(job_id, user_id)
        if job.lock_owner is not None or job.lock_expiration_time is not None:
            # Camunda's wording (DeleteJobCmd).
            raise JobBeingExecuted(
                "Cannot delete job when the job is being executed. Try again later."
            )
        if job.type in STATE_CHANGES:  # no process holds it
            log_job(job, LogState.DELETED)
            job.delete()
        else:
            engine.change_job(job_id, cmd.DeleteJob(job_id))
        resolve_incidents_of_job(job_id, timezone.now())
        OperationLog(user_id, "Delete", EntityType.JOB).add(None, **job_context(job)).save()

    _command(user_id, work)


def move_timer_due_date(job_id: str, due: datetime, *, user_id: str | None = None) -> bool:
    """A timer job's new due date, and its cycle's later firings moved by as much (Camunda's
    setJobDuedate(id, due, cascade=true)). False: not a timer job, for which cascade means
    nothing (the caller moves its due date alone)."""

    def work(engine: ProcessEngine, store: DjangoStore) -> bool:
        job = _locked_job(job_id, user_id)
        if not job.type.startswith("timer"):
            return False
        engine.change_job(job_id, cmd.SetJobDueDate(job_id, due))
        OperationLog(user_id, "SetDueDate", EntityType.JOB).add(
            "duedate", org_value=job.due_date, new_value=due, **job_context(job)
        ).save()
        return True

    return _command(user_id, work)


def recalculate_job_due_date(
    job_id: str, *, creation_date_based: bool = False, user_id: str | None = None
) -> None:
    """Evaluate a timer job's timer definition again (its expressions read the variables as
    they are now), from now or, `creation_date_based`, from the job's creation time."""

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        job = _locked_job(job_id, user_id)
        if job.type in STATE_CHANGES:
            # Camunda's wording (RecalculateJobDuedateCmd): only a timer event has one.
            raise BadRequestError(f"No timer declaration found for job id {job_id}")
        base = job.created if creation_date_based else None
        engine.change_job(job_id, cmd.RecalculateJobDueDate(job_id, base))
        after = Job.objects.filter(pk=job_id).values_list("due_date", flat=True).first()
        target = job_context(job)
        OperationLog(user_id, "RecalculateDueDate", EntityType.JOB).add(
            "duedate", org_value=job.due_date, new_value=after, **target
        ).add("creationDateBased", new_value=str(creation_date_based).lower(), **target).save()

    _command(user_id, work)
