"""How long finished batches stay in history (Camunda's batchOperationHistoryTimeToLive and
batchOperationsForHistoryCleanup): a default number of days for every type and per-type
overrides, read from settings; the history cleanup removes what has outlived them, and the
cleanable batch report counts it beforehand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet

from batches.models import Batch


def time_to_live(batch_type: str) -> int | None:
    """Days a finished batch of this type stays in history; None: for ever."""
    days = _by_type().get(batch_type, settings.LEGATO_BATCH_HISTORY_TIME_TO_LIVE_DAYS)
    return days if days and days > 0 else None


def _by_type() -> dict[str, int]:
    """LEGATO_BATCH_HISTORY_TIME_TO_LIVE_BY_TYPE: `type=days,type=days`."""
    found: dict[str, int] = {}
    for part in settings.LEGATO_BATCH_HISTORY_TIME_TO_LIVE_BY_TYPE.split(","):
        name, _, days = part.partition("=")
        if name.strip() and days.strip().isdigit():
            found[name.strip()] = int(days)
    return found


def expired_batches(now: datetime) -> QuerySet[Batch]:
    """Finished batches whose removal time has come at `now`, or, without one, whose time
    to live has run out."""
    by_time_to_live = Q(pk__in=[])
    for batch_type in Batch.objects.filter(ended__isnull=False).values_list(
        "type", flat=True
    ).distinct():
        days = time_to_live(batch_type)
        if days is not None:
            by_time_to_live |= Q(type=batch_type, ended__lte=now - timedelta(days=days))
    condition = Q(removal_time__lte=now) | (Q(removal_time__isnull=True) & by_time_to_live)
    return Batch.objects.filter(condition, ended__isnull=False)


def calculated_removal_time(batch: Batch) -> datetime | None:
    """Camunda's calculated removal time of a batch: its end plus its type's time to live
    (none while it runs, or for a type kept for ever)."""
    days = time_to_live(batch.type)
    if batch.ended is None or days is None:
        return None
    return batch.ended + timedelta(days=days)


@dataclass(frozen=True)
class CleanableBatches:
    """One line of the cleanable batch report."""

    batch_type: str
    history_time_to_live: int | None
    finished: int
    cleanable: int


def cleanable_report(finished: QuerySet[Batch], now: datetime) -> list[CleanableBatches]:
    """Per batch type with finished batches among `finished`: how many, and how many the
    cleanup would remove at `now`."""
    expired = set(expired_batches(now).values_list("pk", flat=True))
    counts: dict[str, list[int]] = {}
    for pk, batch_type in finished.filter(ended__isnull=False).values_list("pk", "type"):
        entry = counts.setdefault(batch_type, [0, 0])
        entry[0] += 1
        entry[1] += pk in expired
    return [
        CleanableBatches(batch_type, time_to_live(batch_type), total, cleanable)
        for batch_type, (total, cleanable) in sorted(counts.items())
    ]
