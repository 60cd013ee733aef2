"""`PUT /job/suspended` (many jobs at once) and `POST /job/{id}/duedate/recalculate`; the
other `/job` resources are in incidents_jobs.py."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from engine.rest.base import EngineView, json_body, user_id
from engine.rest.errors import CamundaError
from engine.rest.incidents_jobs import readable_job
from engine.rest.params import flag, invalid_request
from engine.rest.process_instances import read_suspended
from engine.runtime.errors import ProcessEngineError
from engine.services.job_changes import recalculate_job_due_date
from engine.services.job_suspension import JobSelection, set_jobs_suspended

_SELECTORS = ("jobDefinitionId", "processInstanceId", "processDefinitionId",
              "processDefinitionKey", "processDefinitionTenantId")


def _text(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise invalid_request(f"'{name}' must be a text")
    return value


class JobsSuspended(EngineView):
    """PUT /job/suspended: JobSuspensionStateDto `{suspended, jobDefinitionId |
    processInstanceId | processDefinitionId | processDefinitionKey (+ processDefinitionTenantId
    or processDefinitionWithoutTenantId)}`."""

    def put(self, request: Request) -> Response:
        body = json_body(request)
        if body.get("jobId") is not None:
            # Camunda's wording (JobRestServiceImpl.updateSuspensionState): one job is
            # PUT /job/{id}/suspended.
            raise invalid_request(
                "Either jobDefinitionId, processInstanceId, processDefinitionId or "
                "processDefinitionKey can be set to update the suspension state."
            )
        suspended = read_suspended(body)
        texts = {name: _text(body, name) for name in _SELECTORS}
        without_tenant = body.get("processDefinitionWithoutTenantId") or False
        if not isinstance(without_tenant, bool):
            raise invalid_request("'processDefinitionWithoutTenantId' must be true or false")
        selection = JobSelection(
            job_definition_id=texts["jobDefinitionId"],
            process_instance_id=texts["processInstanceId"],
            process_definition_id=texts["processDefinitionId"],
            process_definition_key=texts["processDefinitionKey"],
            process_definition_tenant_id=texts["processDefinitionTenantId"],
            process_definition_without_tenant_id=without_tenant,
        )
        set_jobs_suspended(selection, suspended, user_id=user_id(request))
        return Response(status=204)


class JobDueDateRecalculate(EngineView):
    """POST /job/{id}/duedate/recalculate?creationDateBased=: a timer job's due date from its
    timer definition again (Camunda's recalculateJobDuedate). Not a timer job, or no timer
    definition found: 500 InvalidRequestException, as Camunda."""

    def post(self, request: Request, job_id: str) -> Response:
        creation_date_based = flag(request.query_params, "creationDateBased")
        readable_job(request, job_id)
        try:
            recalculate_job_due_date(
                job_id, creation_date_based=creation_date_based, user_id=user_id(request)
            )
        except ProcessEngineError as refused:
            raise CamundaError(500, "InvalidRequestException", str(refused)) from None
        return Response(status=204)
