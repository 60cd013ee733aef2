"""The variables a saved filter shows on its task cards (Camunda's filter `properties.variables`):
each as its label and its value, formatted by its type.

The values of a whole page are read together (engine/queries/task_variables.py), so a list
costs the same number of statements however many cards it shows. A variable a task does not
see is shown as a dash; a long value is cut short on the card and kept whole in its tooltip.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import dateformat, timezone

from engine.models import Task
from engine.queries.task_variables import visible_task_variables

MAX_CHARS = 60  # of a value on a card; the tooltip has all of it
MISSING = "—"
DATE_FORMAT = "Y-m-d H:i"  # the cards' own dates are written so


@dataclass(frozen=True)
class CardVariable:
    label: str
    text: str  # as the card shows it
    full: str  # the whole value (the tooltip), empty when the card shows all of it
    present: bool


def format_value(type_name: str, stored: Any) -> str:
    """A variable row's value (its type and JSON column) as one line of text."""
    if stored is None:
        return "null"
    if type_name == "Boolean":
        return "Yes" if stored else "No"
    if type_name == "Date":
        try:
            moment = datetime.fromisoformat(str(stored))
        except ValueError:
            return str(stored)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return dateformat.format(moment, DATE_FORMAT)
    if type_name == "File":
        name = stored.get("filename") if isinstance(stored, dict) else None
        return f"File {name}" if name else "File"
    if type_name == "Bytes":
        return "Binary data"
    if type_name in ("Json", "Object") and not isinstance(stored, str):
        return json.dumps(stored, ensure_ascii=False, separators=(", ", ": "))
    return " ".join(str(stored).split())  # one line: newlines and runs of spaces collapse


def _shown(label: str, text: str) -> CardVariable:
    if len(text) <= MAX_CHARS:
        return CardVariable(label, text, "", True)
    return CardVariable(label, text[: MAX_CHARS - 1].rstrip() + "…", text, True)


def card_variables(
    tasks: Sequence[Task], columns: Sequence[tuple[str, str]]
) -> dict[str, list[CardVariable]]:
    """Per task id, one CardVariable per column (name, label), in the columns' order."""
    found = visible_task_variables(tasks, [name for name, _ in columns])
    cards: dict[str, list[CardVariable]] = {}
    for task in tasks:
        seen = found.get(task.id, {})
        cards[task.id] = [
            _shown(label, format_value(seen[name].row.type, seen[name].row.value))
            if name in seen
            else CardVariable(label, MISSING, "", False)
            for name, label in columns
        ]
    return cards
