"""Process instance use cases other services need."""

from __future__ import annotations

from collections.abc import Sequence

from engine.models import ProcessInstance
from engine.services.runtime import delete_instances_of_definitions

__all__ = ["delete_instances_of_definitions", "running_instance_count"]


def running_instance_count(definition_ids: Sequence[str]) -> int:
    return ProcessInstance.objects.filter(process_definition_id__in=definition_ids).count()
