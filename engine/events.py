"""Live updates: domain events published to Channels groups after a command commits.

Payloads are built here only. Every message carries the sequence number of its group, so a
browser that sees a gap (channel layers drop messages when a consumer lags) re-reads what it
shows. Publishing runs on one long-lived event loop in a helper thread: `async_to_sync` per
message would open a loop and a Redis connection each time (a few hundred per second); and
what waits is sent together, one message per group (see `Publisher`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any, Literal, TypedDict

from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

log = logging.getLogger("legato.events")

EventType = Literal[
    "instance.started",
    "instance.ended",
    "activity.changed",
    "task.created",
    "task.assigned",
    "task.completed",
    "task.deleted",
    "variables.changed",  # of an instance with open tasks, to the people who may see them
    "incident.raised",
    "incident.resolved",
    "job.failed",
    "deployment.created",
]


class LiveEvent(TypedDict, total=False):
    type: EventType
    group: str  # the channel group it came through; `seq` counts per group
    seq: int
    processDefinitionId: str
    processDefinitionKey: str
    processInstanceId: str
    activityId: str
    taskId: str
    parentTaskId: str  # of a subtask only
    assignee: str | None
    candidateGroups: list[str]
    candidateUsers: list[str]
    incidentId: str
    incidentType: str


COCKPIT_GROUP = "cockpit"
_GROUP_NAME = re.compile(r"[A-Za-z0-9._-]{1,99}")


def definition_group(key: str) -> str | None:
    """The group for one process definition key's instance events; None when Channels cannot
    name it (group names allow only ASCII letters, digits, `.`, `_`, `-`)."""
    name = f"cockpit.definition.{key}"
    return name if _GROUP_NAME.fullmatch(name) else None


def instance_groups(definition_key: str | None, tenant_id: str | None = None) -> list[str]:
    """Where an event about an instance goes: operators who may read every instance listen on
    `cockpit`; those who may read only some definitions listen on their definitions' groups;
    both also within the instance's tenant (`audiences`)."""
    groups = [COCKPIT_GROUP]
    named = definition_group(definition_key) if definition_key else None
    if named:
        groups.append(named)
    return audiences(groups, tenant_id)


def within_tenant(group: str, tenant_id: str | None) -> str | None:
    """The group as heard by users the tenant check applies to, for data of `tenant_id`:
    `cockpit.definition.k` becomes `cockpit.shared.definition.k` for data of no tenant and
    `cockpit.tenant.<digest>.definition.k` for a tenant's. A digest of fixed length, since a
    tenant id may hold characters a group name cannot, and no tenant id can then reach into
    the rest of another group's name. None when the name would be too long."""
    scope = "shared"
    if tenant_id is not None:
        scope = "tenant." + hashlib.sha256(tenant_id.encode()).hexdigest()[:16]
    application, _, rest = group.partition(".")
    name = f"{application}.{scope}.{rest}" if rest else f"{application}.{scope}"
    return name if _GROUP_NAME.fullmatch(name) else None


def audiences(groups: Iterable[str], tenant_id: str | None) -> list[str]:
    """Each group for users who see every tenant (administrators: they join it as named), and
    the same within the data's tenant for everyone else (cockpit/consumers.py joins those for
    no tenant and for each of the user's tenants): a user never hears another tenant's data."""
    named = list(groups)
    return named + [g for group in named if (g := within_tenant(group, tenant_id))]


def event(kind: EventType, **fields: Any) -> LiveEvent:
    payload: dict[str, Any] = {"type": kind, **fields}
    return payload  # type: ignore[return-value]


class _Sequences:
    """Per-group sequence numbers: in Redis when it is there (shared by all nodes), else here."""

    def __init__(self) -> None:
        self._local: defaultdict[str, int] = defaultdict(int)
        self._redis: Any = None

    async def take(self, wanted: dict[str, int]) -> dict[str, int]:
        """Reserve `wanted[group]` numbers for each group; returns the last one of each."""
        if not settings.REDIS_URL:
            for group, count in wanted.items():
                self._local[group] += count
            return {group: self._local[group] for group in wanted}
        if self._redis is None:
            from redis.asyncio import Redis

            self._redis = Redis.from_url(settings.REDIS_URL)
        async with self._redis.pipeline(transaction=False) as pipe:
            for group, count in wanted.items():
                pipe.incrby(f"{settings.CHANNEL_LAYER_PREFIX}:seq:{group}", count)
            lasts = await pipe.execute()
        return {group: int(last) for group, last in zip(wanted, lasts, strict=True)}

    async def heads(self, layer: Any, groups: list[str]) -> dict[str, int]:
        """The last number taken in each group (0 for none), read on the caller's loop: a
        socket tells its browser, which sees a gap when it has not heard that far."""
        if not settings.REDIS_URL:
            return {group: self._local[group] for group in groups}
        if not groups:
            return {}
        keys = [f"{settings.CHANNEL_LAYER_PREFIX}:seq:{group}" for group in groups]
        if hasattr(layer, "connection"):
            # channels_redis keeps a connection per event loop, on the same server (settings
            # point both at REDIS_URL).
            values = await layer.connection(0).mget(keys)
        else:
            from redis.asyncio import Redis

            async with Redis.from_url(settings.REDIS_URL) as redis:
                values = await redis.mget(keys)
        return {group: int(value or 0) for group, value in zip(groups, values, strict=True)}


Delivery = tuple[list[str], LiveEvent]  # the groups an event goes to, and the event
MAX_WAITING = 10_000  # events queued for sending; beyond, the oldest are dropped
# A drain first waits this long for more: under load each sends the events of many commands.
GATHER_SECONDS = 0.02


class Publisher:
    """Sends group messages from one event loop, one batch at a time.

    With channels_redis that is a loop of its own in a helper thread. The in-memory layer's
    queues belong to the server's loop, so there the consumers attach that loop and messages
    are sent on it; with no consumer attached yet nobody listens, and nothing is sent.

    Events wait in an outbox; one drain at a time, GATHER_SECONDS after the first event,
    sends everything waiting as one message per group that someone listens to (consumers
    forward its events one by one), after one round trip that numbers them all. A message per
    event and group cost several Redis round trips each, and the Python of the publisher's
    thread held the GIL while the command's thread waited for it after each SQLite call:
    publishing took longer than the command. Sent concurrently, they also ran out of
    connections under load.
    When more than MAX_WAITING events wait (Redis slower than the commands, or away), the
    oldest are dropped, and their numbers stay unused: the browsers see the gap and re-read.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server_loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._sequences = _Sequences()
        self._outbox: list[Delivery] = []
        self._dropped: Counter[str] = Counter()  # per group, numbers to leave unused
        self._notices: set[tuple[str, str]] = set()  # (group, message type), see `notify`
        self._draining: concurrent.futures.Future[None] | None = None
        self._draining_on: asyncio.AbstractEventLoop | None = None

    def attach_server_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._server_loop = loop

    async def heads(self, layer: Any, groups: list[str]) -> dict[str, int]:
        """The last sequence number sent, or about to be, in each group."""
        return await self._sequences.heads(layer, groups)

    def _target_loop(self) -> asyncio.AbstractEventLoop | None:
        if not settings.REDIS_URL:
            return self._server_loop
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="legato-live-publisher", daemon=True
                )
                thread.start()
                self._loop = loop
            return self._loop

    def publish(
        self, groups: Iterable[str], payload: LiveEvent
    ) -> concurrent.futures.Future[None] | None:
        """Queue one event for each group (see `publish_all`)."""
        return self.publish_all([(list(groups), payload)])

    def publish_all(
        self, deliveries: Iterable[Delivery]
    ) -> concurrent.futures.Future[None] | None:
        """Queue events, in order; returns a future done once they have been sent (None when
        nobody can be listening)."""
        return self._queue(deliveries, ())

    def notify(
        self, groups: Iterable[str], message_type: str
    ) -> concurrent.futures.Future[None] | None:
        """Queue a `{"type": message_type}` message for the consumers in each group: a word to
        the sockets themselves (identity/live_access.py), not an event for the browser, so it
        takes no sequence number. The same word to one group, repeated while a batch gathers,
        is sent once."""
        return self._queue((), [(group, message_type) for group in groups])

    def _queue(
        self, deliveries: Iterable[Delivery], notices: Iterable[tuple[str, str]]
    ) -> concurrent.futures.Future[None] | None:
        loop = self._target_loop()
        if loop is None or loop.is_closed():
            return None
        with self._lock:
            self._outbox.extend(deliveries)
            self._notices.update(notices)
            overflow = len(self._outbox) - MAX_WAITING
            if overflow > 0:
                self._drop(self._outbox[:overflow])
                del self._outbox[:overflow]
            # A drain left on another loop (the in-memory layer's server loop, replaced) is
            # not waited for: it may never run.
            if self._draining is None or self._draining_on is not loop:
                self._draining = asyncio.run_coroutine_threadsafe(self._drain(), loop)
                self._draining.add_done_callback(_log_failure)
                self._draining_on = loop
            return self._draining

    def settle(self, timeout: float = 5) -> None:
        """Wait until what is queued has been sent: a drain fetches its channel layer when it
        starts, so one still running would send later events to a layer since replaced."""
        with self._lock:
            draining = self._draining
        if draining is not None:
            concurrent.futures.wait([draining], timeout=timeout)

    def _current(self, loop: asyncio.AbstractEventLoop) -> bool:
        return self._draining is not None and self._draining_on is loop

    def _drop(self, deliveries: list[Delivery]) -> None:
        for groups, _ in deliveries:
            self._dropped.update(groups)

    async def _drain(self) -> None:
        layer = get_channel_layer()
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(GATHER_SECONDS)
            with self._lock:
                if not self._current(loop):
                    return  # superseded by a drain on another loop
                waiting, self._outbox = self._outbox, []
                dropped, self._dropped = self._dropped, Counter()
                notices, self._notices = self._notices, set()
                if not waiting and not notices:
                    self._draining = None
                    return
            try:
                if waiting or dropped:
                    await self._send(layer, waiting, dropped)
                    waiting, dropped = [], Counter()  # sent: a failure below drops none
                if notices:
                    await _send_notices(layer, notices)
            except BaseException:
                with self._lock:
                    self._drop(waiting)
                    self._dropped.update(dropped)
                    # An access change must not be lost: the next batch sends it again.
                    self._notices.update(notices)
                    if self._current(loop):
                        self._draining = None  # the next publish starts a new drain
                raise

    async def _send(self, layer: Any, waiting: list[Delivery], dropped: Counter[str]) -> None:
        by_group: dict[str, list[LiveEvent]] = defaultdict(list)
        for groups, payload in waiting:
            for group in groups:
                by_group[group].append(payload)
        # A group whose only events were dropped still gets their numbers taken: the gap.
        named = [*by_group, *(group for group in dropped if group not in by_group)]
        listened = await _listened(layer, named)
        if not listened:
            return
        lasts = await self._sequences.take(
            {group: len(by_group.get(group, ())) + dropped[group] for group in listened}
        )
        for group in listened:
            events = by_group.get(group)
            if not events:
                continue
            first = lasts[group] - len(events) + 1
            messages = [
                dict(payload, group=group, seq=first + n) for n, payload in enumerate(events)
            ]
            await layer.group_send(group, {"type": "live.events", "events": messages})


async def _listened(layer: Any, groups: list[str]) -> list[str]:
    """The groups someone listens to, asked of channels_redis's group sets in one round trip:
    `group_send` spends two on a group nobody listens to, and most groups have nobody (a
    definition's, a candidate group's when its people are away). Nobody numbers a group's
    events before joining it (the socket's hello starts the count), so unheard ones are not
    numbered either. The in-memory layer, and Redis spread over several hosts, send to all."""
    group_key = getattr(layer, "_group_key", None)
    if group_key is None or len(getattr(layer, "hosts", ())) != 1:
        return groups
    expired = int(time.time()) - layer.group_expiry
    async with layer.connection(0).pipeline(transaction=False) as pipe:
        for group in groups:
            pipe.zremrangebyscore(group_key(group), min=0, max=expired)
            pipe.zcard(group_key(group))
        answers = await pipe.execute()
    return [group for group, members in zip(groups, answers[1::2], strict=True) if members]


async def _send_notices(layer: Any, notices: set[tuple[str, str]]) -> None:
    listened = set(await _listened(layer, sorted({group for group, _ in notices})))
    for group, message_type in sorted(notices):
        if group in listened:
            await layer.group_send(group, {"type": message_type})


def _log_failure(future: Any) -> None:
    if future.exception() is not None:
        log.warning("live events not delivered: %s", future.exception())


publisher = Publisher()


def publish_on_commit(groups: Iterable[str], payload: LiveEvent) -> None:
    """Publish once the current transaction commits (never for a rolled-back command)."""
    targets = list(groups)
    transaction.on_commit(lambda: publisher.publish(targets, payload))
