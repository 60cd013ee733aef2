"""Versions and ids of deployed definitions (processes and decisions alike): each deployment
of a key makes the key's next version within its tenant, with Camunda's `key:version:uuid` id."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db.models import Max, Model

# Camunda keeps ids of definitions within 64 characters; longer `key:version:uuid` ids fall
# back to the bare uuid (ProcessDefinitionEntity id generation).
MAX_DEFINITION_ID = 64


def next_versions(model: type[Model], keys: Iterable[str], tenant_id: str | None) -> NextVersion:
    """What version each of `keys` takes next among the rows of `model` of the tenant."""
    latest = dict(
        model._default_manager.filter(key__in=list(keys), tenant_id=tenant_id)
        .values("key")
        .annotate(latest=Max("version"))
        .values_list("key", "latest")
    )
    return NextVersion(latest)


class NextVersion:
    def __init__(self, latest: dict[str, int]) -> None:
        self._latest = latest

    def of(self, key: str) -> tuple[int, str]:
        """The next version of `key` and a new id for it."""
        version = self._latest.get(key, 0) + 1
        definition_id = f"{key}:{version}:{uuid.uuid4()}"
        if len(definition_id) > MAX_DEFINITION_ID:
            definition_id = str(uuid.uuid4())
        return version, definition_id
