"""Camunda's root process instance (ROOT_PROC_INST_ID_): the top of an instance's call chain,
the instance itself when no call activity started it. Legato stores only the direct caller
(`super_process_instance_id`), so the root is found by walking calls, one level per query
(call hierarchies are shallow); engine/services/removal_time.py walks them the same way."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.models import HistoricProcessInstance, ProcessInstance

Instances = type[ProcessInstance] | type[HistoricProcessInstance]


def instances_under_root(model: Instances, root_id: str) -> list[str]:
    """The ids of the instances (rows of `model`) whose root is `root_id`: that instance and
    every instance it called at any depth. None when `root_id` was itself called: it is then
    no instance's root."""
    rows = model.objects.all()
    if rows.filter(pk=root_id, super_process_instance_id__isnull=False).exists():
        return []
    ids, level = [root_id], [root_id]
    while level:
        level = list(
            rows.filter(super_process_instance_id__in=level)
            .exclude(pk__in=ids)
            .values_list("id", flat=True)
        )
        ids += level
    return ids


def historic_roots(instance_ids: Iterable[str]) -> dict[str, str]:
    """Each historic instance's root, by id. Where a caller's history is gone, the chain ends at
    that caller's id, as `instances_under_root` finds it from there."""
    ids = list(instance_ids)
    callers: dict[str, str | None] = {}
    pending = set(ids)
    while pending:
        found = dict(
            HistoricProcessInstance.objects.filter(pk__in=pending).values_list(
                "id", "super_process_instance_id"
            )
        )
        callers.update({instance: found.get(instance) for instance in pending})
        pending = {caller for caller in found.values() if caller and caller not in callers}
    return {instance: _top(instance, callers) for instance in ids}


def roots_of(rows: Iterable[Any]) -> dict[str, str]:
    """The root of each row's process instance, by instance id (history rows of a listing;
    a row of no instance has none)."""
    return historic_roots({row.process_instance_id for row in rows if row.process_instance_id})


def _top(instance: str, callers: dict[str, str | None]) -> str:
    seen = {instance}
    while (caller := callers.get(instance)) and caller not in seen:
        seen.add(caller)
        instance = caller
    return instance
