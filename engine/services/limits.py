"""Text a caller gives is refused, naming the field, when it is longer than the column that
keeps it: PostgreSQL would refuse the row only at the write, with a database error that
names no field (SQLite would keep it whole)."""

from __future__ import annotations

from django.db.models import Model

from engine.errors import BadRequestError


def check_fits(model: type[Model], labels: dict[str, str] | None = None, **values: object) -> None:
    """Each of `values` (by field name) fits its field of `model`; `labels` names a field as
    the caller knows it (REST's `firstName` for `first_name`), else its camel-cased name."""
    for field_name, value in values.items():
        limit = model._meta.get_field(field_name).max_length
        if isinstance(value, str) and limit is not None and len(value) > limit:
            label = (labels or {}).get(field_name) or camel_case(field_name)
            raise BadRequestError(
                f"{label} is too long: {len(value)} characters, at most {limit}"
            )


def camel_case(snake: str) -> str:
    """`follow_up_date` -> `followUpDate`, as Camunda names fields."""
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)
