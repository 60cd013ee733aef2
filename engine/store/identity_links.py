"""The identity link log (Camunda's ACT_HI_IDENTITYLINK, history level full): who a task
was for, as a row per candidate user or group, assignee or owner added or deleted.

Tasks are compared with who they were for when last written (Task.logged_people), so every
way a task's people change is logged alike: the task services, listeners, delegation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from engine.models import HistoricIdentityLinkLog
from engine.runtime.state import People, Task

Link = tuple[str, str | None, str | None]  # type, user, group

NOBODY: People = (None, None, (), ())


def log_identity_links(
    tasks: Iterable[Task], definitions: Mapping[str, Any], assigner: str | None, now: datetime
) -> None:
    """Log what changed in each task's people since it was last logged; `definitions` maps
    definition ids to their facts (their keys)."""
    entries = []
    for task in tasks:
        people = task.people()
        before = task.logged_people or NOBODY
        if people == before:
            continue
        old, new = _links(before), _links(people)
        for operation, links in (("delete", old - new), ("add", new - old)):
            entries += [
                _entry(task, link, operation, assigner, now, definitions)
                for link in sorted(links, key=str)
            ]
        task.logged_people = people
    if entries:
        HistoricIdentityLinkLog.objects.bulk_create(entries)


def _links(people: People) -> set[Link]:
    assignee, owner, users, groups = people
    links: set[Link] = {("candidate", user, None) for user in users}
    links |= {("candidate", None, group) for group in groups}
    if assignee:
        links.add(("assignee", assignee, None))
    if owner:
        links.add(("owner", owner, None))
    return links


def _entry(
    task: Task, link: Link, operation: str, assigner: str | None, now: datetime,
    definitions: Mapping[str, Any],
) -> HistoricIdentityLinkLog:
    kind, user, group = link
    definition = definitions.get(task.process_definition_id)
    return HistoricIdentityLinkLog(
        timestamp=now,
        type=kind,
        user_id=user,
        group_id=group,
        task_id=task.id,
        operation_type=operation,
        assigner_id=assigner,
        process_instance_id=task.process_instance_id,
        process_definition_id=task.process_definition_id,
        process_definition_key=definition.key if definition else None,
    )
