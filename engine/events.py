"""Live updates: domain events published to Channels groups after a command commits.

Payloads are built here only. Every message carries the sequence number of its group, so a
browser that sees a gap (channel layers drop messages when a consumer lags) re-reads what it
shows. Publishing runs on one long-lived event loop in a helper thread: `async_to_sync` per
message would open a loop and a Redis connection each time (a few hundred per second).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import threading
from collections import defaultdict
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


def instance_groups(definition_key: str | None) -> list[str]:
    """Where an event about an instance goes: operators who may read every instance listen on
    `cockpit`; those who may read only some definitions listen on their definitions' groups."""
    groups = [COCKPIT_GROUP]
    named = definition_group(definition_key) if definition_key else None
    if named:
        groups.append(named)
    return groups


def event(kind: EventType, **fields: Any) -> LiveEvent:
    payload: dict[str, Any] = {"type": kind, **fields}
    return payload  # type: ignore[return-value]


class _Sequences:
    """Per-group sequence numbers: in Redis when it is there (shared by all nodes), else here."""

    def __init__(self) -> None:
        self._local: defaultdict[str, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )
        self._redis: Any = None

    async def next(self, group: str) -> int:
        if settings.REDIS_URL:
            if self._redis is None:
                from redis.asyncio import Redis

                self._redis = Redis.from_url(settings.REDIS_URL)
            return int(await self._redis.incr(f"{settings.CHANNEL_LAYER_PREFIX}:seq:{group}"))
        return next(self._local[group])


class Publisher:
    """Sends group messages from one event loop.

    With channels_redis that is a loop of its own in a helper thread. The in-memory layer's
    queues belong to the server's loop, so there the consumers attach that loop and messages
    are sent on it; with no consumer attached yet nobody listens, and nothing is sent.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server_loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._sequences = _Sequences()

    def attach_server_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._server_loop = loop

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

    def publish(self, groups: Iterable[str], payload: LiveEvent) -> Any:
        """Queue one event for each group; returns a future the caller may wait on (or None
        when nobody can be listening)."""
        layer = get_channel_layer()
        targets = list(groups)

        async def send() -> None:
            for group in targets:
                message = dict(payload, group=group, seq=await self._sequences.next(group))
                await layer.group_send(group, {"type": "live.event", "event": message})

        loop = self._target_loop()
        if loop is None or loop.is_closed():
            return None
        future = asyncio.run_coroutine_threadsafe(send(), loop)
        future.add_done_callback(_log_failure)
        return future


def _log_failure(future: Any) -> None:
    if future.exception() is not None:
        log.warning("live event not delivered: %s", future.exception())


publisher = Publisher()


def publish_on_commit(groups: Iterable[str], payload: LiveEvent) -> None:
    """Publish once the current transaction commits (never for a rolled-back command)."""
    targets = list(groups)
    transaction.on_commit(lambda: publisher.publish(targets, payload))
