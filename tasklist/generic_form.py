"""Camunda Tasklist's generic form: a task with no form key and no form fields is completed
with the variables its assignee adds by hand, each a name, a type and a value ("Add a
variable"), or loads from the process to change ("Load variables").

The rows post as `generic-name-<n>`, `generic-type-<n>` and `generic-value-<n>`. A row without
a name is ignored; a row whose value does not fit its type, or a name given twice, refuses
the submission with the message on that row, and nothing is completed.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from engine.runtime.values import TypedValue, check_value

TYPES = ("String", "Boolean", "Integer", "Long", "Double", "Date", "Json")
MAX_ROWS = 100
_ROW = re.compile(r"^generic-name-(\d{1,3})$")


@dataclass(frozen=True)
class Row:
    name: str
    type: str = "String"
    value: str = ""
    error: str | None = None


def rows_for_page(submitted: Mapping[str, Any] | None) -> list[Row]:
    """What the form shows: the rows submitted, with their errors, or one empty row."""
    if not submitted:
        return [Row("")]
    return read_rows(posted_rows(submitted))[1] or [Row("")]


def posted_rows(post: Mapping[str, Any]) -> list[Row]:
    """The rows of a submission, in their order on the page."""
    numbers = sorted(int(match.group(1)) for key in post if (match := _ROW.match(key)))
    rows = []
    for number in numbers[:MAX_ROWS]:
        rows.append(Row(
            str(post.get(f"generic-name-{number}", "")).strip(),
            str(post.get(f"generic-type-{number}", "String")),
            str(post.get(f"generic-value-{number}", "")),
        ))
    return rows


def read_rows(rows: list[Row]) -> tuple[dict[str, TypedValue], list[Row], bool]:
    """The variables the named rows give, the rows with their errors, and whether any row
    was refused."""
    variables: dict[str, TypedValue] = {}
    checked = []
    refused = False
    for row in rows:
        if not row.name:
            checked.append(row)
            continue
        error = None
        if row.name in variables:
            error = f"'{row.name}' is given twice"
        else:
            try:
                variables[row.name] = typed(row.type, row.value)
            except ValueError as reason:
                error = str(reason)
        refused = refused or error is not None
        checked.append(replace(row, error=error))
    return variables, checked, refused


def typed(kind: str, text: str) -> TypedValue:
    """A value typed as the generic form's type select says; ValueError says why not."""
    if kind not in TYPES:
        raise ValueError(f"'{kind}' is not one of {', '.join(TYPES)}")
    value: Any = text
    if kind == "Boolean":
        if text.strip().lower() not in ("true", "false"):
            raise ValueError("a Boolean is true or false")
        value = text.strip().lower() == "true"
    elif kind in ("Integer", "Long"):
        if not re.fullmatch(r"\s*-?\d{1,20}\s*", text):
            raise ValueError(f"{'an' if kind == 'Integer' else 'a'} {kind} is a whole number")
        value = int(text)
    elif kind == "Double":
        try:
            value = float(text)
        except ValueError:
            raise ValueError("a Double is a number such as 12.5") from None
        if not math.isfinite(value):
            raise ValueError("a Double is a finite number")
    elif kind == "Date":
        try:
            value = datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValueError("a Date is written 2026-01-31T10:00:00") from None
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif kind == "Json":
        try:
            value = json.loads(text)
        except ValueError:
            raise ValueError("this is not JSON") from None
    result = TypedValue(kind, value)
    check_value(result)  # Integer and Long ranges, JSON sizes: ValueError with the reason
    return result
