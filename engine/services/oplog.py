"""The user operation log: one builder per operation, saved in the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.utils import timezone

from engine.models import UserOperationLog


class OperationLog:
    """Collects the property rows of one user operation; `save()` writes them in one statement."""

    def __init__(
        self,
        user_id: str | None,
        operation_type: str,
        entity_type: str,
        *,
        category: str = "Operator",
        now: datetime | None = None,
    ) -> None:
        self.operation_id = str(uuid.uuid4())
        self.user_id = user_id
        self.operation_type = operation_type
        self.entity_type = entity_type
        self.category = category
        self.now = now or timezone.now()
        self.rows: list[UserOperationLog] = []

    def add(
        self,
        property: str | None,
        *,
        org_value: Any = None,
        new_value: Any = None,
        **target: Any,
    ) -> OperationLog:
        self.rows.append(
            UserOperationLog(
                operation_id=self.operation_id,
                operation_type=self.operation_type,
                entity_type=self.entity_type,
                category=self.category,
                property=property,
                org_value=None if org_value is None else str(org_value),
                new_value=None if new_value is None else str(new_value),
                user_id=self.user_id,
                timestamp=self.now,
                **target,
            )
        )
        return self

    def save(self) -> None:
        UserOperationLog.objects.bulk_create(self.rows)
