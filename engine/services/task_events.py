"""A user reports a business error or an escalation at a user task (Camunda's
taskService.handleBpmnError / handleEscalation): the task's activity throws it, and an error
boundary event, an escalation boundary event or an event sub-process takes over.

One transaction each, like engine.services.runtime's commands. An error nobody catches ends
the task's activity and token (Camunda's default, docs/runtime.md); an escalation nobody
catches fails the command and changes nothing (Camunda's ProcessEngineException).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.errors import BadRequestError
from engine.models import EntityType
from engine.runtime.engine import ProcessEngine
from engine.services import authz
from engine.services.authz import P
from engine.services.oplog import task_context
from engine.services.runtime import _command, _log, _task
from engine.services.standalone_tasks import is_standalone
from engine.store.django_store import DjangoStore


def handle_task_bpmn_error(
    task_id: str,
    error_code: str,
    error_message: str | None = None,
    variables: Mapping[str, Any] | None = None,
    *,
    user_id: str | None = None,
) -> None:
    """Set `variables` (scope rules, from the task's execution), then throw the BPMN error
    `error_code` at the task's activity: a catching event cancels the task."""
    _require_code("errorCode", error_code)

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        task = _process_task(task_id, store, user_id)
        engine.handle_task_bpmn_error(task_id, error_code, error_message, variables)
        _log_thrown(user_id, task, "HandleBpmnError", error_code)

    _command(user_id, work)


def handle_task_escalation(
    task_id: str,
    escalation_code: str,
    variables: Mapping[str, Any] | None = None,
    *,
    user_id: str | None = None,
) -> None:
    """Set `variables`, then throw the escalation `escalation_code` at the task's activity:
    an interrupting catch cancels the task, a non-interrupting one leaves it open."""
    _require_code("escalationCode", escalation_code)

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        task = _process_task(task_id, store, user_id)
        engine.handle_task_escalation(task_id, escalation_code, variables)
        _log_thrown(user_id, task, "HandleEscalation", escalation_code)

    _command(user_id, work)


def _require_code(name: str, code: Any) -> None:
    if not isinstance(code, str) or not code:
        # Camunda's wording (EnsureUtil.ensureNotEmpty)
        raise BadRequestError(f"{name} is empty")


def _process_task(task_id: str, store: DjangoStore, user_id: str | None) -> Any:
    task = _task(task_id, store)
    authz.require_task(user_id, task, P.TASK_WORK, P.UPDATE)
    if is_standalone(task):
        raise BadRequestError(
            f"Task {task_id} belongs to no process instance: it has no activity to throw from"
        )
    return task


def _log_thrown(user_id: str | None, task: Any, operation: str, code: str) -> None:
    _log(
        user_id,
        operation,
        EntityType.TASK,
        property="code",
        new_value=code,
        **task_context(task),
    )
