"""Process instance use cases other services need."""

from __future__ import annotations

from collections.abc import Sequence

from engine.models import ProcessInstance
from engine.services.runtime import delete_process_instance


def running_instance_count(definition_ids: Sequence[str]) -> int:
    return ProcessInstance.objects.filter(process_definition_id__in=definition_ids).count()


def delete_instances_of_definitions(
    definition_ids: Sequence[str],
    *,
    reason: str,
    user_id: str | None,
    skip_custom_listeners: bool = False,
    skip_io_mappings: bool = False,
) -> None:
    """Cascade of a deleted deployment or definition: every running instance goes (its called
    instances with it), running its end listeners and output mappings unless skipped."""
    ids = ProcessInstance.objects.filter(
        process_definition_id__in=definition_ids, super_process_instance_id__isnull=True
    ).values_list("id", flat=True)
    for instance_id in list(ids):
        if ProcessInstance.objects.filter(pk=instance_id).exists():
            delete_process_instance(
                instance_id,
                reason,
                user_id=user_id,
                skip_custom_listeners=skip_custom_listeners,
                skip_io_mappings=skip_io_mappings,
            )
