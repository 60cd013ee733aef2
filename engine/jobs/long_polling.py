"""Long polling for external tasks without a thread per waiting worker.

A waiting fetch-and-lock request is an asyncio future in a per-event-loop `Hub`; nothing polls
the database while it waits. When a command commits new external tasks, its post-commit
hand-over calls `notify_external_tasks_created({topic: count})`:

- with Redis (several web nodes), the notice goes through the channel layer to a group per
  topic; every web process has ONE channel in the groups of the topics its workers wait on,
  and one task that reads it, so 500 waiting workers cost 500 futures, not 500 connections;
- without Redis (the embedded default: one process), the hubs of this process are woken
  directly with `call_soon_threadsafe`.

A notice for `count` tasks wakes at most `count` waiters of that topic, oldest first, rather
than all of them (one new task would otherwise cost one SELECT per waiting worker). A woken
waiter that finds nothing (another node's worker was faster, or its filters do not match)
passes the wake to the next waiter, at most as many times as there were waiters. A lost
notice loses nothing: the task stays in the database for the next fetch.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.conf import settings

log = logging.getLogger("legato.jobs")
T = TypeVar("T")

MESSAGE_TYPE = "external_task.created"
# channels_redis forgets group members after `group_expiry` (a day); join again well before.
REJOIN_SECONDS = 3600.0


def group_name(topic: str) -> str:
    """Channel group names allow only [a-zA-Z0-9_.-] and < 100 chars; topic names do not."""
    return "ext-task." + hashlib.sha1(topic.encode()).hexdigest()


class Waiter:
    """One waiting fetch: woken when a task of one of its topics may be there."""

    def __init__(self, topics: Sequence[str], loop: asyncio.AbstractEventLoop) -> None:
        self.topics = tuple(dict.fromkeys(topics))
        self.loop = loop
        self.future: asyncio.Future[tuple[str, int]] = loop.create_future()

    def rearm(self) -> None:
        self.future = self.loop.create_future()


class Hub:
    """The waiting workers of one event loop, by topic, oldest first."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiters: dict[str, list[Waiter]] = {}
        self._layer: Any = None
        self._channel: str | None = None
        self._joined: dict[str, float] = {}  # topic -> when its group was joined
        self._listener: asyncio.Task[None] | None = None

    # -- waiting ---------------------------------------------------------------------------

    async def register(self, waiter: Waiter) -> None:
        for topic in waiter.topics:
            self.waiters.setdefault(topic, []).append(waiter)
        if settings.REDIS_URL:
            await self._join(waiter.topics)

    def requeue(self, waiter: Waiter) -> None:
        """Back to the end of its topics' queues with a fresh future (after a wake)."""
        self.unregister(waiter)
        waiter.rearm()
        for topic in waiter.topics:
            self.waiters.setdefault(topic, []).append(waiter)

    def unregister(self, waiter: Waiter) -> None:
        for topic in waiter.topics:
            queue = self.waiters.get(topic)
            if queue is None:
                continue
            with contextlib.suppress(ValueError):
                queue.remove(waiter)
            if not queue:
                del self.waiters[topic]

    def wake(self, topic: str, count: int, hops: int | None = None) -> int:
        """Wake up to `count` waiters of `topic`; returns how many. `hops` bounds how often
        the wake may still be passed on (None: once per current waiter)."""
        queue = self.waiters.get(topic, [])
        budget = len(queue) if hops is None else hops
        woken = 0
        for waiter in list(queue):
            if woken >= count:
                break
            if not waiter.future.done():
                waiter.future.set_result((topic, budget))
                woken += 1
        return woken

    # -- the channel layer (several nodes) -------------------------------------------------

    async def _join(self, topics: Iterable[str]) -> None:
        now = time.monotonic()
        stale = [t for t in topics if now - self._joined.get(t, -REJOIN_SECONDS) >= REJOIN_SECONDS]
        if not stale:
            return
        if self._layer is None:
            from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers

            # A layer object of our own: channels_redis keeps receive state per instance, and
            # this hub's loop may not be the loop the shared instance was first used on.
            self._layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
            self._channel = await self._layer.new_channel("ext-task-hub.")
        for topic in stale:
            await self._layer.group_add(group_name(topic), self._channel)
            self._joined[topic] = now
        if self._listener is None or self._listener.done():
            self._listener = self.loop.create_task(self._listen())

    async def _listen(self) -> None:
        backoff = 0.1
        while True:
            try:
                message = await self._layer.receive(self._channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # Redis away: waiters time out; rejoin when it is back
                log.warning("external task notices unavailable: %s", error)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                self._joined.clear()
                # Still away: the next pass of this loop tries again.
                with contextlib.suppress(Exception):
                    await self._join(list(self.waiters))
                continue
            backoff = 0.1
            if message.get("type") == MESSAGE_TYPE:
                self.wake(str(message["topic"]), int(message.get("count", 1)))

    def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}
_hubs_lock = threading.Lock()


def hub() -> Hub:
    """The hub of the running event loop."""
    loop = asyncio.get_running_loop()
    with _hubs_lock:
        found = _hubs.get(loop)
        if found is None:
            for old in [other for other in _hubs if other.is_closed()]:
                del _hubs[old]
            found = _hubs[loop] = Hub(loop)
        return found


# -- waiting (the async REST view) ------------------------------------------------------------


async def wait_for_external_tasks(topics: Sequence[str], timeout: float) -> bool:
    """Wait until a task of one of `topics` may have been created, at most `timeout` seconds.
    Returns False on timeout."""
    center = hub()
    waiter = Waiter(topics, center.loop)
    await center.register(waiter)
    try:
        await asyncio.wait_for(asyncio.shield(waiter.future), timeout)
        return True
    except TimeoutError:
        return False
    finally:
        center.unregister(waiter)


async def long_poll(
    fetch: Callable[[], Awaitable[list[T]]],
    topics: Sequence[str],
    timeout: float,
    soonest: Callable[[], Awaitable[float | None]] | None = None,
) -> list[T]:
    """Fetch now; if nothing, wait for a notice (or the timeout) and fetch again.

    `soonest` tells in how many seconds a task of these topics becomes available again by
    itself (a lock or a retry timeout expires): no notice is sent for that, so the waiter
    fetches again then.

    The waiter registers (and joins its groups) before the second fetch, so a task committed
    between the first fetch and the registration is found by that fetch, and one committed
    after it sends a notice that reaches the waiter.
    """
    found = await fetch()
    if found or timeout <= 0 or not topics:
        return found
    center = hub()
    deadline = center.loop.time() + timeout
    waiter = Waiter(topics, center.loop)
    await center.register(waiter)
    try:
        found = await fetch()
        # Bounded by the deadline: every pass waits for a notice or the remaining time.
        while not found:
            remaining = deadline - center.loop.time()
            if remaining <= 0:
                break
            wait = remaining
            expiring = await soonest() if soonest is not None else None
            if expiring is not None:
                wait = min(remaining, max(expiring, 0.01))
            try:
                topic, hops = await asyncio.wait_for(asyncio.shield(waiter.future), wait)
            except TimeoutError:
                if wait < remaining:
                    found = await fetch()  # a lock or retry timeout ran out
                    continue
                break
            center.requeue(waiter)
            found = await fetch()
            if not found and hops > 0:
                center.wake(topic, 1, hops - 1)
    finally:
        center.unregister(waiter)
        if waiter.future.done() and not waiter.future.cancelled():
            # Woken while leaving (timeout, found, disconnected): hand the wake on.
            topic, hops = waiter.future.result()
            if hops > 0:
                center.wake(topic, 1, hops - 1)
    return found


# -- notifying (post-commit, any thread) ------------------------------------------------------


class _Sender:
    """Sends notices from one long-lived loop in a helper thread: `async_to_sync` per notice
    would open a loop and a Redis connection each time (STACK pitfall 5). One drain at a time
    sends what waits, a topic's counts added up: a notice each, all in flight at once, ran
    out of Redis connections in a burst (2,900 of 3,000 lost, their workers left waiting)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._layer: Any = None
        self._lock = threading.Lock()
        self._waiting: Counter[str] = Counter()
        self._draining: concurrent.futures.Future[None] | None = None

    def _target(self) -> asyncio.AbstractEventLoop:
        # Called with the lock held.
        if self._loop is None or self._loop.is_closed():
            from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers

            loop = asyncio.new_event_loop()
            threading.Thread(
                target=loop.run_forever, name="legato-ext-task-notices", daemon=True
            ).start()
            self._layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
            self._loop = loop
            self._draining = None  # a drain on the closed loop never runs
        return self._loop

    def send(self, counts: Mapping[str, int]) -> concurrent.futures.Future[None]:
        """Queue the counts; returns a future done once they have been sent."""
        with self._lock:
            loop = self._target()
            self._waiting.update(counts)
            if self._draining is None:
                self._draining = asyncio.run_coroutine_threadsafe(self._drain(loop), loop)
                self._draining.add_done_callback(_log_failure)
            return self._draining

    async def _drain(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            with self._lock:
                if self._loop is not loop:
                    return  # superseded: the new loop's drain sends what waits
                waiting, self._waiting = self._waiting, Counter()
                if not waiting:
                    self._draining = None
                    return
            try:
                for topic, count in waiting.items():
                    await self._layer.group_send(
                        group_name(topic), {"type": MESSAGE_TYPE, "topic": topic, "count": count}
                    )
            except BaseException:
                with self._lock:
                    if self._loop is loop:
                        self._draining = None  # the next notice starts a new drain
                raise


def _log_failure(future: Any) -> None:
    if future.exception() is not None:
        log.warning("external task notice not sent: %s", future.exception())


_sender = _Sender()


def notify_external_tasks_created(counts: Mapping[str, int]) -> Any:
    """Tell waiting workers on every node that tasks of these topics may be fetched.
    Call after commit. Returns a future when the notice goes through Redis (tests wait)."""
    counts = {topic: n for topic, n in counts.items() if n > 0}
    if not counts:
        return None
    if settings.REDIS_URL:
        return _sender.send(counts)
    with _hubs_lock:
        hubs = [(loop, center) for loop, center in _hubs.items() if not loop.is_closed()]
    for loop, center in hubs:
        for topic, count in counts.items():
            # A loop closed meanwhile has nobody waiting on it.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(center.wake, topic, count)
    return None
