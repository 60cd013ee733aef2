"""User tasks for the tasklist, the cockpit and the REST task resource."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from engine.errors import NotFoundError
from engine.models import ProcessInstance, Task, TaskCandidate
from engine.queries.instances import variable_equals
from engine.queries.like import like

# Camunda's task query `sortBy` fields and the task columns they order by (REST `/task`,
# filters, the tasklist's stored sorting).
TASK_SORT_FIELDS = {
    "instanceId": "process_instance_id",
    "dueDate": "due_date",
    "executionId": "execution_id",
    "assignee": "assignee",
    "created": "created",
    "lastUpdated": "last_updated",
    "followUpDate": "follow_up_date",
    "description": "description",
    "id": "id",
    "name": "name",
    "priority": "priority",
}

def list_tasks(
    *,
    assignee: str | None = None,
    unassigned: bool | None = None,
    candidate_user: str | None = None,
    candidate_user_groups: Iterable[str] = (),
    candidate_group: str | None = None,
    candidate_groups: Iterable[str] | None = None,
    include_assigned: bool = False,
    involved_user: str | None = None,
    process_instance_id: str | None = None,
    process_definition_id: str | None = None,
    process_definition_key: str | None = None,
    business_key: str | None = None,
    task_definition_key: str | None = None,
    name: str | None = None,
    name_like: str | None = None,
    due_before: datetime | None = None,
    due_after: datetime | None = None,
    follow_up_before: datetime | None = None,
    follow_up_after: datetime | None = None,
    priority: int | None = None,
    process_variables: Mapping[str, Any] | None = None,
    search: str | None = None,
    parent_task_id: str | None = None,
) -> QuerySet[Task]:
    """Open tasks by Camunda's task query filters.

    `candidate_user` matches tasks offered to the user directly or to any group in
    `candidate_user_groups` (the caller resolves memberships), unassigned ones only unless
    `include_assigned` — Camunda's `taskCandidateUser` semantics. Each task appears once.
    """
    tasks = Task.objects.all()
    if assignee is not None:
        tasks = tasks.filter(assignee=assignee)
    if unassigned:
        tasks = tasks.filter(assignee__isnull=True)
    if candidate_user is not None:
        offered = Q(user_id=candidate_user)
        groups = list(candidate_user_groups)
        if groups:
            offered |= Q(group_id__in=groups)
        tasks = tasks.filter(Exists(TaskCandidate.objects.filter(offered, task=OuterRef("pk"))))
        if not include_assigned:
            tasks = tasks.filter(assignee__isnull=True)
    offered_to: list[Q] = []
    if candidate_group is not None:
        offered_to.append(Q(group_id=candidate_group))
    if candidate_groups is not None:
        offered_to.append(Q(group_id__in=list(candidate_groups)))
    for offered in offered_to:
        tasks = tasks.filter(Exists(TaskCandidate.objects.filter(offered, task=OuterRef("pk"))))
    if offered_to and not include_assigned:
        tasks = tasks.filter(assignee__isnull=True)
    if involved_user is not None:
        tasks = tasks.filter(
            Q(assignee=involved_user)
            | Q(owner=involved_user)
            | Exists(TaskCandidate.objects.filter(task=OuterRef("pk"), user_id=involved_user))
        )
    if process_instance_id is not None:
        tasks = tasks.filter(process_instance_id=process_instance_id)
    if process_definition_id is not None:
        tasks = tasks.filter(process_definition_id=process_definition_id)
    if process_definition_key is not None:
        tasks = tasks.filter(process_definition_id__startswith=f"{process_definition_key}:")
    if business_key is not None:
        tasks = tasks.filter(
            process_instance_id__in=ProcessInstance.objects.filter(
                business_key=business_key
            ).values("id")
        )
    if task_definition_key is not None:
        tasks = tasks.filter(task_definition_key=task_definition_key)
    if parent_task_id is not None:
        tasks = tasks.filter(parent_task_id=parent_task_id)
    if name is not None:
        tasks = tasks.filter(name=name)
    if name_like is not None:
        tasks = tasks.filter(like("name", name_like))
    if due_before is not None:
        tasks = tasks.filter(due_date__lt=due_before)
    if due_after is not None:
        tasks = tasks.filter(due_date__gt=due_after)
    if follow_up_before is not None:
        tasks = tasks.filter(follow_up_date__lt=follow_up_before)
    if follow_up_after is not None:
        tasks = tasks.filter(follow_up_date__gt=follow_up_after)
    if priority is not None:
        tasks = tasks.filter(priority=priority)
    for variable, value in (process_variables or {}).items():
        tasks = tasks.filter(
            Exists(variable_equals(variable, value, OuterRef("process_instance_id")))
        )
    if search:
        tasks = tasks.filter(
            Q(name__icontains=search)
            | Q(process_definition_id__icontains=search)
            | Q(
                process_instance_id__in=ProcessInstance.objects.filter(
                    business_key__icontains=search
                ).values("id")
            )
        )
    return tasks.order_by("-created", "id")


def get_task(task_id: str) -> Task:
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        raise NotFoundError(f"No matching task with id {task_id}")
    return task


def task_candidates(task_ids: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """Candidate users and groups per task id, in one query (for lists)."""
    found: dict[str, dict[str, list[str]]] = {}
    for task_id, user_id, group_id in TaskCandidate.objects.filter(
        task_id__in=list(task_ids)
    ).values_list("task_id", "user_id", "group_id"):
        entry = found.setdefault(task_id, {"users": [], "groups": []})
        if user_id:
            entry["users"].append(user_id)
        if group_id:
            entry["groups"].append(group_id)
    return found


def task_identity_links(task: Task) -> list[dict[str, Any]]:
    """A task's identity links as Camunda lists them: assignee, owner, then its candidates
    in the order they were added (IdentityLinkDto `{userId, groupId, type}`)."""
    links: list[dict[str, Any]] = []
    if task.assignee:
        links.append({"userId": task.assignee, "groupId": None, "type": "assignee"})
    if task.owner:
        links.append({"userId": task.owner, "groupId": None, "type": "owner"})
    for user, group in TaskCandidate.objects.filter(task_id=task.id).values_list(
        "user_id", "group_id"
    ).order_by("id"):
        links.append({"userId": user or None, "groupId": group or None, "type": "candidate"})
    return links


def task_count_by_candidate_group() -> list[tuple[str | None, int]]:
    """Unassigned tasks per candidate group, `None` for those offered to no group, the `None`
    row first and then by group name (Camunda's TaskReport.taskCountByCandidateGroup)."""
    unassigned = Task.objects.filter(assignee__isnull=True)
    counts = dict(
        TaskCandidate.objects.filter(task__in=unassigned, group_id__isnull=False)
        .values_list("group_id")
        .annotate(tasks=Count("task_id", distinct=True))
    )
    without_group = unassigned.exclude(
        Exists(TaskCandidate.objects.filter(task=OuterRef("pk"), group_id__isnull=False))
    ).count()
    rows: list[tuple[str | None, int]] = [(None, without_group)] if without_group else []
    return rows + sorted(counts.items())
