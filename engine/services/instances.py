"""Process instance use cases that other services need before the runtime store lands."""

from __future__ import annotations

from collections.abc import Sequence

from engine.errors import EngineError
from engine.models import ProcessInstance


def running_instance_count(definition_ids: Sequence[str]) -> int:
    return ProcessInstance.objects.filter(process_definition_id__in=definition_ids).count()


def delete_instances_of_definitions(
    definition_ids: Sequence[str], *, reason: str, user_id: str | None
) -> None:
    # Instances can only be started once the runtime store lands (issue 4); until then no
    # definition has running instances and this branch is never reached.
    raise EngineError("Deleting running process instances is not available yet")
