"""One entry of `/history/job-log` and `/history/external-task-log`, and the text it keeps
(a job's stacktrace, an external task's error details): Camunda's HistoricJobLogResource and
HistoricExternalTaskLogResource."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import NotFoundError
from engine.models import HistoricExternalTaskLog, HistoricJobLog
from engine.rest.base import AnyAcceptMixin, EngineView, readable_history
from engine.rest.history_job_logs import external_task_log_dtos, job_log_dtos
from identity.authorization import Permission, Resource, require


def _row(request: Request, model: type[Model], log_id: str, readable: bool) -> Any:
    rows = model._default_manager.filter(pk__in=[int(log_id)] if log_id.isdigit() else [])
    if readable:
        # As Camunda's single-result query: an entry the caller may not read is not found.
        rows = rows.filter(readable_history(request, "process_definition_key"))
    return rows.first()


def _text_of(request: Request, row: Any, text: str | None) -> HttpResponse:
    # Camunda's checkReadHistoricJobLog / checkReadHistoricExternalTaskLog: READ_HISTORY on
    # the definition, a 403 (the entry itself was found).
    if row.process_definition_key:
        require(request.user, Permission.READ_HISTORY, Resource.PROCESS_DEFINITION,
                row.process_definition_key)
    if text is None:
        return HttpResponse(status=204)  # Camunda answers a null string with no content
    return HttpResponse(text, content_type="text/plain")


class HistoricJobLogDetail(EngineView):
    """GET /history/job-log/{id}: HistoricJobLogDto."""

    def get(self, request: Request, log_id: str) -> Response:
        row = _row(request, HistoricJobLog, log_id, readable=True)
        if row is None:
            # Camunda's wording (HistoricJobLogResourceImpl.getHistoricJobLog).
            raise NotFoundError(f"Historic job log with id {log_id} does not exist")
        return Response(job_log_dtos([row])[0])


class HistoricJobLogStacktrace(AnyAcceptMixin, EngineView):
    """GET /history/job-log/{id}/stacktrace: text/plain."""

    def get(self, request: Request, log_id: str) -> HttpResponse:
        row = _row(request, HistoricJobLog, log_id, readable=False)
        if row is None:
            # Camunda's wording (GetHistoricJobLogExceptionStacktraceCmd, as a 404).
            raise NotFoundError(
                f"No historic job log found with id {log_id}: historicJobLog is null"
            )
        return _text_of(request, row, row.job_exception_stacktrace)


class HistoricExternalTaskLogDetail(EngineView):
    """GET /history/external-task-log/{id}: HistoricExternalTaskLogDto."""

    def get(self, request: Request, log_id: str) -> Response:
        row = _row(request, HistoricExternalTaskLog, log_id, readable=True)
        if row is None:
            # Camunda's wording (HistoricExternalTaskLogResourceImpl.getHistoricExternalTaskLog).
            raise NotFoundError(f"Historic external task log with id {log_id} does not exist")
        return Response(external_task_log_dtos([row])[0])


class HistoricExternalTaskLogErrorDetails(AnyAcceptMixin, EngineView):
    """GET /history/external-task-log/{id}/error-details: text/plain."""

    def get(self, request: Request, log_id: str) -> HttpResponse:
        row = _row(request, HistoricExternalTaskLog, log_id, readable=False)
        if row is None:
            # Camunda's wording (GetHistoricExternalTaskLogErrorDetailsCmd, as a 404).
            raise NotFoundError(f"No historic external task log found with id {log_id}: "
                                "historicExternalTaskLog is null")
        return _text_of(request, row, row.error_details)
