"""Export of history and the audit trail for auditors: CSV or JSON Lines, streamed.

Memory stays flat: rows come from a server-side cursor (`values_list().iterator()`) inside one
transaction, are encoded a chunk at a time and handed to the response as they are produced.
Under ASGI, Django would drain a synchronous iterator into a list before sending, so there the
rows are produced in a helper thread into a small bounded queue that an async iterator drains.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connections, models, transaction
from django.db.models import Q
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from engine.errors import BadRequestError
from engine.models import (
    DetailType,
    HistoricActivityInstance,
    HistoricDetail,
    HistoricIdentityLinkLog,
    HistoricIncident,
    HistoricProcessInstance,
    HistoricTaskInstance,
    ProcessDefinition,
)
from engine.models.oplog import Category, EntityType, OperationType, UserOperationLog
from engine.services.oplog import OperationLog
from identity.authorization import Actor, IdFilter, identity_of, readable_ids
from identity.resources import Permission, Resource

FORMATS = ("csv", "jsonl")


@dataclass(frozen=True)
class Kind:
    """One exportable table and the columns the filters use (None: no such column)."""

    model: type[models.Model]
    time_field: str
    user_field: str | None
    instance_field: str
    definition_field: str  # "key" (process_definition_key), "id" or "" (via the instance)
    rows: Q = field(default_factory=Q)  # which rows of the table: details are of two kinds


KINDS: dict[str, Kind] = {
    "process-instance": Kind(HistoricProcessInstance, "start_time", "start_user_id", "id", "key"),
    "activity-instance": Kind(
        HistoricActivityInstance, "start_time", "assignee", "process_instance_id", "id"
    ),
    "task": Kind(HistoricTaskInstance, "start_time", "assignee", "process_instance_id", "id"),
    "variable-update": Kind(
        HistoricDetail, "time", None, "process_instance_id", "",
        Q(detail_type=DetailType.VARIABLE_UPDATE),
    ),
    "form-field": Kind(
        HistoricDetail, "time", None, "process_instance_id", "",
        Q(detail_type=DetailType.FORM_FIELD),
    ),
    "incident": Kind(HistoricIncident, "create_time", None, "process_instance_id", "id"),
    "identity-link": Kind(
        HistoricIdentityLinkLog, "timestamp", "assigner_id", "process_instance_id", "key"
    ),
    "user-operation": Kind(UserOperationLog, "timestamp", "user_id", "process_instance_id", "key"),
}


@dataclass(frozen=True)
class ExportFilter:
    after: datetime | None = None
    before: datetime | None = None
    process_definition_key: str | None = None
    process_instance_id: str | None = None
    user_id: str | None = None

    def as_text(self) -> str:
        parts = [f"{f.name}={getattr(self, f.name)}" for f in fields(self) if getattr(self, f.name)]
        return ", ".join(parts) or "none"


def columns(kind: Kind) -> list[str]:
    return [f.attname for f in kind.model._meta.concrete_fields]


def header(name: str) -> str:
    """Camunda's REST spelling of a column: process_instance_id -> processInstanceId."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def export_queryset(actor: Actor, kind_name: str, flt: ExportFilter) -> models.QuerySet:
    """The rows of one kind that match the filter and that the actor may read, in id order."""
    kind = _kind(kind_name)
    query = kind.model.objects.filter(kind.rows)
    if flt.after:
        query = query.filter(**{f"{kind.time_field}__gte": flt.after})
    if flt.before:
        query = query.filter(**{f"{kind.time_field}__lt": flt.before})
    if flt.process_instance_id:
        query = query.filter(**{kind.instance_field: flt.process_instance_id})
    if flt.user_id:
        query = query.filter(_user_q(kind, flt.user_id))
    if flt.process_definition_key:
        query = query.filter(_definition_q(kind, IdFilter(False, frozenset(
            {flt.process_definition_key}))))
    return query.filter(_readable_q(actor, kind_name, kind)).order_by("pk")


def _kind(kind_name: str) -> Kind:
    if kind_name not in KINDS:
        raise BadRequestError(
            f"Cannot export '{kind_name}': choose one of {', '.join(KINDS)}"
        )
    return KINDS[kind_name]


def _user_q(kind: Kind, user_id: str) -> Q:
    if kind.user_field:
        return Q(**{kind.user_field: user_id})
    if kind.model is HistoricDetail:
        # A detail carries the operation that wrote it; the operation names the user.
        operations = UserOperationLog.objects.filter(user_id=user_id).values("operation_id")
        return Q(user_operation_id__in=operations)
    return Q()  # incidents belong to nobody: the user filter does not narrow them


def _definition_q(kind: Kind, keys: IdFilter) -> Q:
    """Rows whose process definition key passes `keys`."""
    if kind.definition_field == "key":
        return keys.q("process_definition_key")
    definitions = ProcessDefinition.objects.filter(keys.q("key")).values("id")
    if kind.definition_field == "id":
        return Q(process_definition_id__in=definitions)
    instances = HistoricProcessInstance.objects.filter(
        process_definition_id__in=definitions
    ).values("id")
    return Q(process_instance_id__in=instances)


def _readable_q(actor: Actor, kind_name: str, kind: Kind) -> Q:
    """Camunda's history read rules: READ_HISTORY on the process definition; operation log
    entries also by READ on their category (Operator, Admin, TaskWorker)."""
    keys = readable_ids(actor, Resource.PROCESS_DEFINITION, Permission.READ_HISTORY)
    by_key = Q() if keys.all and not keys.excluded else _definition_q(kind, keys)
    if kind_name != "user-operation":
        return by_key
    categories = readable_ids(actor, Resource.OPERATION_LOG_CATEGORY)
    if categories.all and not categories.excluded:
        return Q()
    with_key = Q(process_definition_key__isnull=False) & by_key
    return categories.q("category") | with_key


def may_export(actor: Actor) -> bool:
    """Whether the actor may read any history at all (gates the auditor page and REST)."""
    identity = identity_of(actor)
    if identity is None or identity.admin:
        return True
    keys = readable_ids(actor, Resource.PROCESS_DEFINITION, Permission.READ_HISTORY)
    categories = readable_ids(actor, Resource.OPERATION_LOG_CATEGORY)
    return keys.all or bool(keys.ids) or categories.all or bool(categories.ids)


# What a spreadsheet opening the CSV reads as the start of a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)  # a negative number is a number, not a formula
    text = (
        json.dumps(value, separators=(",", ":"), sort_keys=True)
        if isinstance(value, dict | list)
        else str(value)
    )
    # Texts come from users (business keys, names, variable values, annotations): one that a
    # spreadsheet would run as a formula gets a leading apostrophe, which the spreadsheet
    # shows as text. The jsonl export carries every value unchanged.
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def encode(queryset: models.QuerySet, names: list[str], fmt: str) -> Iterator[bytes]:
    """Encode rows chunk by chunk; each yielded piece holds up to `chunk` rows."""
    chunk = settings.LEGATO_EXPORT_CHUNK_SIZE
    heads = [header(name) for name in names]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if fmt == "csv":
        writer.writerow(heads)
    pending = 0
    # One transaction: on PostgreSQL the cursor then streams instead of being materialized.
    with transaction.atomic():
        for row in queryset.values_list(*names).iterator(chunk_size=chunk):
            if fmt == "csv":
                writer.writerow([_cell(v) for v in row])
            else:
                record = {h: _json(v) for h, v in zip(heads, row, strict=True)}
                buffer.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            pending += 1
            if pending >= chunk:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
                pending = 0
    if buffer.tell():
        yield buffer.getvalue().encode()


def export_response(
    request: HttpRequest, actor: Actor, kind_name: str, fmt: str, flt: ExportFilter
) -> StreamingHttpResponse:
    """Log the export (who, what, which filter), then stream the file."""
    if fmt not in FORMATS:
        raise BadRequestError(f"Cannot export as '{fmt}': choose csv or jsonl")
    kind = _kind(kind_name)
    queryset = export_queryset(actor, kind_name, flt)
    if kind.model is UserOperationLog:
        # The export's own log entry comes after what it exports: pin the end of the trail.
        last = UserOperationLog.objects.order_by("-id").values_list("id", flat=True).first()
        queryset = queryset.filter(id__lte=last or 0)
    identity = identity_of(actor)
    OperationLog(
        identity.user_id if identity else None, OperationType.EXPORT, EntityType.HISTORY,
        category=Category.OPERATOR,
    ).add("kind", new_value=kind_name).add("format", new_value=fmt).add(
        "filter", new_value=flt.as_text(), process_instance_id=flt.process_instance_id,
        process_definition_key=flt.process_definition_key,
    ).save()
    names = columns(kind)

    def produce() -> Iterator[bytes]:
        return encode(queryset, names, fmt)

    body: Iterator[bytes] | AsyncIterator[bytes] = (
        _from_thread(produce) if isinstance(request, ASGIRequest) else produce()
    )
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
    response = StreamingHttpResponse(body, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="legato-{kind_name}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


_END = object()


def _from_thread(produce: Callable[[], Iterator[bytes]]) -> AsyncIterator[bytes]:
    """Run the producer in its own thread (with its own database connection) and hand its
    chunks to the event loop through a queue of a few chunks: back-pressure keeps memory flat,
    and a client that goes away stops the producer."""

    async def iterate() -> AsyncIterator[bytes]:
        chunks: queue.Queue[Any] = queue.Queue(maxsize=4)
        stop = threading.Event()

        def put(item: Any) -> bool:
            while not stop.is_set():
                try:
                    chunks.put(item, timeout=0.5)
                    return True
                except queue.Full:
                    continue
            return False

        def run() -> None:
            try:
                for chunk in produce():
                    if not put(chunk):
                        return
                put(_END)
            except BaseException as error:  # handed to the response, which fails loudly
                put(error)
            finally:
                connections.close_all()  # this thread's connections only

        threading.Thread(target=run, name="legato-export", daemon=True).start()
        loop = asyncio.get_running_loop()
        try:
            while True:
                item = await loop.run_in_executor(None, chunks.get)
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()

    return iterate()
