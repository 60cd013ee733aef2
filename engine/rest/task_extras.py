"""What a TaskDto gains on request (Camunda 7.21+, GET|POST /task and GET /task/{id}):
`withCommentAttachmentInfo` adds `attachment` and `comment` (whether the task has any);
`withTaskVariablesInReturn` adds `variables`, every variable the task sees, and
`withTaskLocalVariablesInReturn` only its own (the first wins when both are asked for).
`variables` is left out when there are none, as Camunda's DTO leaves an empty map out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine import queries
from engine.models import Task
from engine.rest.params import Kind, Param
from engine.rest.variables import write_variables
from engine.services import task_scopes
from tasklist.models import TaskAttachment, TaskComment

PARAMS = (
    Param("withCommentAttachmentInfo", Kind.BOOLEAN,
          "Add `attachment` and `comment`: whether the task has any."),
    Param("withTaskVariablesInReturn", Kind.BOOLEAN,
          "Add `variables`: every variable visible from the task."),
    Param("withTaskLocalVariablesInReturn", Kind.BOOLEAN,
          "Add `variables`: the task's local variables."),
)


def extend(tasks: Sequence[Task], dtos: list[dict[str, Any]], asked: Mapping[str, Any]) -> None:
    """Add to each TaskDto what `asked` (parsed PARAMS) requests, in Camunda's key order."""
    visible = bool(asked.get("withTaskVariablesInReturn"))
    if visible or asked.get("withTaskLocalVariablesInReturn"):
        for task, dto in zip(tasks, dtos, strict=True):
            found = _variables(task, local=not visible)
            if found:
                dto["variables"] = write_variables(found)
    if asked.get("withCommentAttachmentInfo"):
        ids = [task.id for task in tasks]
        attached = set(_task_ids(TaskAttachment, ids))
        commented = set(_task_ids(TaskComment, ids))
        for task, dto in zip(tasks, dtos, strict=True):
            dto["attachment"] = task.id in attached
            dto["comment"] = task.id in commented


def _variables(task: Task, *, local: bool) -> Mapping[str, Any]:
    if task.process_instance_id is None:
        return task_scopes.visible_variables(task, local=local)
    return queries.get_task_variables(task, local=local)


def _task_ids(model: type[TaskAttachment] | type[TaskComment], ids: list[str]) -> Any:
    return model.objects.filter(task_id__in=ids).values_list("task_id", flat=True).distinct()
