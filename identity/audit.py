"""Verifying the user operation log's hash chain: intact, or the first entry where it breaks."""

from __future__ import annotations

from dataclasses import dataclass

from engine.models.oplog import (
    GENESIS_HASH,
    HASHED_FIELDS,
    OperationLogChainHead,
    UserOperationLog,
    entry_hash,
)

CHUNK_SIZE = 5000


@dataclass(frozen=True)
class ChainReport:
    intact: bool
    entries: int
    broken_entry_id: int | None = None
    reason: str = ""

    def __str__(self) -> str:
        if self.intact:
            return f"intact ({self.entries} entries)"
        where = f"entry {self.broken_entry_id}" if self.broken_entry_id else "the chain head"
        return f"broken at {where}: {self.reason}"


def verify_chain() -> ChainReport:
    """Walk the log in id order and recompute every hash; one pass, flat memory.

    The head is read first and only entries up to its last id are checked: rows and head are
    committed together under the head lock, so entries appended meanwhile are simply newer.
    """
    head = OperationLogChainHead.objects.filter(pk=1).first()
    last_id = head.last_entry_id if head else None
    rows = UserOperationLog.objects.order_by("id")
    if last_id is not None:
        rows = rows.filter(id__lte=last_id)
    columns = ("id", "previous_hash", "hash", *HASHED_FIELDS)
    previous, count = GENESIS_HASH, 0
    for values in rows.values_list(*columns).iterator(chunk_size=CHUNK_SIZE):
        entry_id, stored_previous, stored_hash = values[0], values[1], values[2]
        fields = dict(zip(HASHED_FIELDS, values[3:], strict=True))
        if stored_previous != previous:
            return ChainReport(
                False, count, entry_id,
                "its previous hash does not match the entry before it "
                "(an entry before it was removed or altered)",
            )
        if entry_hash(fields, previous) != stored_hash:
            return ChainReport(False, count, entry_id, "its content does not match its hash")
        previous, count = stored_hash, count + 1
    expected_length = head.length if head else 0
    expected_hash = head.last_hash if head else GENESIS_HASH
    if previous != expected_hash or count != expected_length:
        return ChainReport(
            False, count, None,
            f"the head records {expected_length} entries ending in {expected_hash[:12]}…, "
            f"the table holds {count} ending in {previous[:12]}… (entries at the end were "
            "removed or added around the log)",
        )
    return ChainReport(True, count)
