"""TaskService.saveTask for an open task (REST PUT /task/{id}, and runtime.update_task).

One transaction, like engine.services.runtime's commands: the changed fields go to the task
through the process engine (or, for a task of no process, what stands in for it), and each
change is one row of a single "Update" operation log entry, old and new value, as Camunda's
TaskEntity.logUserOperation writes them.
"""

from __future__ import annotations

from typing import Any

from engine.errors import EngineError
from engine.models import EntityType, Task
from engine.runtime.engine import ProcessEngine
from engine.services import authz
from engine.services.authz import P
from engine.services.limits import camel_case, check_fits
from engine.services.oplog import OperationLog, task_context
from engine.services.runtime import _command, _full_task
from engine.services.standalone_tasks import LOGGED_AS, check_new_parent, engine_for, task_tenant
from engine.store.django_store import DjangoStore

# Camunda's TaskEntity property names, where they are not the camel-cased field name.
_LOGGED_AS = {**LOGGED_AS, "delegation_state": "delegation"}


def save_task(task_id: str, *, user_id: str | None = None, **changes: Any) -> None:
    """Change the fields named in `changes` (name, description, due_date, follow_up_date,
    priority, owner, parent_task_id, assignee, delegation_state); a field left out keeps its
    value. `tenant_id`, when given, changes nothing but must be the task's own tenant: Camunda
    cannot move a task to another tenant (ENGINE-03072, a ProcessEngineException)."""
    checks_tenant, tenant = "tenant_id" in changes, changes.pop("tenant_id", None)
    check_fits(Task, **{k: v for k, v in changes.items() if k in ("name", "owner", "assignee")})

    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        task = _full_task(task_id)
        engine = engine_for(task, engine, store)
        changed = {k: v for k, v in changes.items() if getattr(task, k) != v}
        # Camunda's checkTaskAssign: TASK_ASSIGN is enough to change the assignee alone.
        assigns = "assignee" in changes and set(changed) <= {"assignee"}
        authz.require_task(user_id, task, *((P.TASK_ASSIGN, P.UPDATE) if assigns else (P.UPDATE,)))
        if checks_tenant:
            _check_tenant(task, tenant)
        if "parent_task_id" in changed:
            check_new_parent(task, changed["parent_task_id"])
        # Camunda's saveTask: the task is updated (`update` listeners, then `assignment` for
        # a new assignee) even when no field changed; only changes are logged.
        engine.update_task(task_id, changed)
        if not changed:
            return
        log = OperationLog(user_id, "Update", EntityType.TASK)
        for name, value in changed.items():
            log.add(
                _LOGGED_AS.get(name) or camel_case(name),
                org_value=getattr(task, name),
                new_value=value,
                **task_context(task),
            )
        log.save()

    _command(user_id, work)


def _check_tenant(task: Task, tenant: str | None) -> None:
    """A task's tenant is its process definition's (a task of no process has its own)."""
    own = task_tenant(task)
    if tenant != own:
        # Camunda's words (EnginePersistenceLogger.cannotChangeTenantIdOfTask); Java prints null
        raise EngineError(
            f"ENGINE-03072 Cannot change tenantId of Task '{task.id}'. Current tenant id "
            f"'{_java(own)}', Tenant id to set '{_java(tenant)}'"
        )


def _java(value: str | None) -> str:
    return "null" if value is None else value


def touch_task(task: Task) -> None:
    """A comment or an attachment of the task changed: Camunda counts that as an update of
    the task (its `update` listeners run, its lastUpdated moves), in the caller's
    transaction."""
    _command(None, lambda engine, store: engine_for(task, engine, store).update_task(task.id, {}))
