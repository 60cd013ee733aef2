"""An instance's audit timeline: activities, variable writes, submitted form fields and user
operations, in order.

Everything comes from history tables, so a finished instance shows the same timeline as a
running one. Each source is one query, capped at `LIMIT` rows (the newest are kept).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.models import (
    DetailType,
    HistoricActivityInstance,
    HistoricDetail,
    UserOperationLog,
)

LIMIT = 300


@dataclass(frozen=True)
class TimelineEntry:
    time: datetime
    kind: str  # activity, variable, operation
    title: str
    detail: str = ""
    who: str = ""
    order: int = 0  # ties within one command keep their order of creation


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 120 else text[:117] + "…"


def timeline(instance_id: str) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    activities = HistoricActivityInstance.objects.filter(process_instance_id=instance_id)
    for row in activities.order_by("-sequence_counter")[:LIMIT]:
        name = row.activity_name or row.activity_id
        entries.append(
            TimelineEntry(row.start_time, "activity", f"Entered {name}", row.activity_type,
                          order=row.sequence_counter * 2)
        )
        if row.end_time is not None:
            ended = "Canceled" if row.canceled else "Left"
            entries.append(
                TimelineEntry(row.end_time, "activity", f"{ended} {name}", row.activity_type,
                              order=row.sequence_counter * 2 + 1)
            )
    details = HistoricDetail.objects.filter(process_instance_id=instance_id)
    for detail in details.order_by("-time", "-id")[:LIMIT]:
        if detail.detail_type == DetailType.FORM_FIELD:
            title, text = f"Form field {detail.name} submitted", _value(detail.value)
        elif detail.deleted:
            title, text = f"Variable {detail.name} deleted", ""
        else:
            title = f"Variable {detail.name} set"
            text = f"{detail.type} {_value(detail.value)}"
        entries.append(TimelineEntry(detail.time, "variable", title, text))
    operations = UserOperationLog.objects.filter(process_instance_id=instance_id)
    for op in operations.order_by("-timestamp", "-id")[:LIMIT]:
        change = ""
        if op.property:
            change = f"{op.property}: {op.org_value or '—'} → {op.new_value or '—'}"
        entries.append(
            TimelineEntry(op.timestamp, "operation", f"{op.operation_type} {op.entity_type}",
                          change, who=op.user_id or "engine")
        )
    entries.sort(key=lambda e: (e.time, e.order))
    return entries
