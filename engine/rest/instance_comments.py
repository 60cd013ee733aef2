"""`/process-instance/{id}/comment`: the comments on an instance's tasks (Camunda 7.21's
ProcessInstanceCommentResource). Reading works on running and finished instances; changing
needs a running one (engine rule, in tasklist.comments)."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import NotFoundError
from engine.models import HistoricProcessInstance, ProcessInstance
from engine.rest.base import EngineView, json_body, require_read_instance, user_id
from engine.rest.task_actions import comment_dto, comment_id_in
from tasklist import comments
from tasklist.models import TaskComment


def _known_instance(instance_id: str) -> str:
    """The instance's definition id; 404 unless it is running or in the history."""
    definition_id = (
        ProcessInstance.objects.filter(pk=instance_id)
        .values_list("process_definition_id", flat=True).first()
        or HistoricProcessInstance.objects.filter(pk=instance_id)
        .values_list("process_definition_id", flat=True).first()
    )
    if definition_id is None:
        # Camunda's wording (ProcessInstanceCommentResourceImpl.ensureProcessInstanceExists).
        raise NotFoundError(f"No process instance found for id {instance_id}")
    return definition_id


class InstanceComments(EngineView):
    """GET /process-instance/{id}/comment, for those who may read the instance; PUT
    `{id, message}` changes one; DELETE removes them all."""

    def get(self, request: Request, instance_id: str) -> Response:
        require_read_instance(request, instance_id, _known_instance(instance_id))
        rows = TaskComment.objects.filter(process_instance_id=instance_id)
        return Response([comment_dto(request, row) for row in rows])

    def put(self, request: Request, instance_id: str) -> Response:
        _known_instance(instance_id)
        body = json_body(request)
        comments.update_instance_comment(instance_id, comment_id_in(body), body.get("message"),
                                         user_id=user_id(request))
        return Response(status=204)

    def delete(self, request: Request, instance_id: str) -> Response:
        _known_instance(instance_id)
        comments.delete_instance_comments(instance_id, user_id=user_id(request))
        return Response(status=204)


class InstanceCommentDetail(EngineView):
    """DELETE /process-instance/{id}/comment/{commentId}."""

    def delete(self, request: Request, instance_id: str, comment_id: str) -> Response:
        _known_instance(instance_id)
        comments.delete_instance_comments(instance_id, comment_id, user_id=user_id(request))
        return Response(status=204)
