"""A task's identity links: its candidate users and groups, its assignee and owner
(Camunda's TaskService.addCandidateUser/Group, addUserIdentityLink, deleteCandidateUser/Group,
REST `/task/{id}/identity-links`).

Candidates change through the same task update as any other field (one transaction; the
task's candidate rows, live events and the user operation log follow). A link of type
assignee or owner sets that field, as Camunda does.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import BadRequestError
from engine.models import EntityType, TaskCandidate
from engine.runtime.engine import ProcessEngine
from engine.services import authz
from engine.services.authz import P
from engine.services.limits import check_fits
from engine.services.oplog import OperationLog, task_context
from engine.services.runtime import _command, _task, set_assignee, update_task
from engine.services.standalone_tasks import engine_for
from engine.store.django_store import DjangoStore

CANDIDATE, ASSIGNEE, OWNER = "candidate", "assignee", "owner"


@dataclass(frozen=True)
class IdentityLink:
    """Who a task names: `user_id` or `group_id` (exactly one), and how."""

    type: str
    user_id: str | None = None
    group_id: str | None = None

    def check(self) -> None:
        if (self.user_id is None) == (self.group_id is None):
            raise BadRequestError("An identity link names either a userId or a groupId")
        check_fits(TaskCandidate, user_id=self.user_id, group_id=self.group_id)
        if self.type not in (CANDIDATE, ASSIGNEE, OWNER):
            raise BadRequestError(
                f"Identity link type '{self.type}' is not supported: use candidate, assignee "
                "or owner"
            )
        if self.type != CANDIDATE and self.group_id is not None:
            raise BadRequestError(
                f"Incompatible usage: cannot use type '{self.type}' together with a groupId"
            )


def add_identity_link(task_id: str, link: IdentityLink, *, user_id: str | None = None) -> None:
    """Offer the task to a candidate, or make someone its assignee or owner."""
    link.check()
    if link.type == ASSIGNEE:
        set_assignee(task_id, link.user_id, user_id=user_id)
    elif link.type == OWNER:
        update_task(task_id, owner=link.user_id, user_id=user_id)
    else:
        _change_candidates(task_id, link, added=True, user_id=user_id)


def delete_identity_link(task_id: str, link: IdentityLink, *, user_id: str | None = None) -> None:
    """Take a candidate off the task, or clear its assignee or owner (if it is that user)."""
    link.check()
    if link.type == ASSIGNEE:
        set_assignee(task_id, None, user_id=user_id)
    elif link.type == OWNER:
        update_task(task_id, owner=None, user_id=user_id)
    else:
        _change_candidates(task_id, link, added=False, user_id=user_id)


def _change_candidates(
    task_id: str, link: IdentityLink, *, added: bool, user_id: str | None
) -> None:
    def work(engine: ProcessEngine, store: DjangoStore) -> None:
        task = _task(task_id, store)
        authz.require_task(user_id, task, P.TASK_ASSIGN, P.UPDATE)
        if link.user_id is not None:
            field, who = "candidate_users", link.user_id
        else:
            field, who = "candidate_groups", str(link.group_id)
        current = _candidates(task_id)[field]
        if added == (who in current):
            # Already there, or already gone: nothing to log, but Camunda's command updates
            # the task all the same.
            engine_for(task, engine, store).update_task(task_id, {})
            return
        changed = [*current, who] if added else [name for name in current if name != who]
        engine_for(task, engine, store).update_task(task_id, {field: changed})
        kind = "User" if link.user_id else "Group"
        operation = f"{'Add' if added else 'Delete'}{kind}Link"
        OperationLog(user_id, operation, EntityType.IDENTITY_LINK, category="TaskWorker").add(
            CANDIDATE,
            org_value=None if added else who,
            new_value=who if added else None,
            **task_context(task),
        ).save()

    _command(user_id, work)


def _candidates(task_id: str) -> dict[str, list[str]]:
    users, groups = [], []
    rows = TaskCandidate.objects.filter(task_id=task_id).order_by("id")
    for user, group in rows.values_list("user_id", "group_id"):
        if user:
            users.append(user)
        if group:
            groups.append(group)
    return {"candidate_users": users, "candidate_groups": groups}
