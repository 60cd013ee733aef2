"""Loading the one row a command changes, locked until the command's transaction ends."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model

from engine.errors import NotFoundError

M = TypeVar("M", bound=Model)


def locked_row(model: type[M], pk: str, missing: str) -> M:
    """The row with this primary key under `SELECT ... FOR UPDATE`; `missing` is the
    NotFoundError message (Camunda's wording for the resource) when there is none."""
    row = model._default_manager.select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotFoundError(missing)
    return row
