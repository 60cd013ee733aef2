"""The one WebSocket a browser opens for live updates."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from engine.events import publisher

# Close codes for "not authenticated" and "no access to the cockpit or the tasklist"
# (4000-4999 are free for applications).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_NO_APPLICATION_ACCESS = 4403
log = logging.getLogger("legato.events")


def user_group(user_id: int) -> str:
    """The channel group that carries events meant for one user."""
    return f"user.{user_id}"


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Authenticates the browser, joins its groups and forwards typed live messages."""

    groups: list[str] = []

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        # The socket carries cockpit and tasklist events: each only for users of that application.
        apps = await application_ids(user)
        if not apps & {"cockpit", "tasklist"}:
            await self.close(code=CLOSE_NO_APPLICATION_ACCESS)
            return
        # The in-memory layer lives on this loop: events from other threads are sent on it.
        publisher.attach_server_loop(asyncio.get_running_loop())
        self.joined = await live_groups(user, apps)
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        heads = await publisher.heads(self.channel_layer, self.joined)
        await self.send_json(
            {"type": "hello", "user": user.get_username(), "seq": 0, "heads": heads}
        )
        if settings.LEGATO_LIVE_HEARTBEAT_SECONDS > 0:
            self.heartbeat = asyncio.create_task(self.beat())

    async def beat(self) -> None:
        """Tell the browser, now and then, how far each of its groups has been numbered.

        A gap in the numbers shows a lost message only once a later one arrives; a channel
        layer can drop the last one (channels_redis past capacity or expiry, a message lost in
        a reconnect), and the page would show it stale until the next event. The heartbeat
        lets the browser see it within LEGATO_LIVE_HEARTBEAT_SECONDS.
        """
        while True:
            await asyncio.sleep(settings.LEGATO_LIVE_HEARTBEAT_SECONDS)
            try:
                heads = await publisher.heads(self.channel_layer, self.joined)
            except Exception as error:  # Redis away: the next beat tries again
                log.warning("live heartbeat: sequence numbers not read: %s", error)
                continue
            await self.send_json({"type": "heartbeat", "heads": heads})

    async def disconnect(self, code: int) -> None:
        heartbeat = getattr(self, "heartbeat", None)
        if heartbeat is not None:
            heartbeat.cancel()
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def live_event(self, message: dict[str, Any]) -> None:
        """Forward a `{"type": "live.event", "event": {...}}` group message to the browser."""
        await self.send_json(message["event"])

    async def live_events(self, message: dict[str, Any]) -> None:
        """Forward the events of a `{"type": "live.events", "events": [...]}` group message
        (what the publisher had waiting for this group), one frame each, in order."""
        for event in message["events"]:
            await self.send_json(event)


@database_sync_to_async
def application_ids(user: Any) -> frozenset[str]:
    from identity.applications import accessible_applications

    return frozenset(app.id for app in accessible_applications(user))


@database_sync_to_async
def live_groups(user: Any, apps: frozenset[str]) -> list[str]:
    """Every group this user's socket joins.

    The groups of engine data are joined as named by users who see every tenant; everyone
    else joins them within no tenant and within each of their tenants (engine.events.audiences),
    so the tenant check that hides other tenants' pages hides their live events too.
    """
    from batches.runner import BATCH_GROUP
    from engine.events import within_tenant
    from identity.authorization import is_authorized
    from identity.resources import Permission, Resource
    from identity.tenancy import tenants_of

    data = []
    if "cockpit" in apps:
        data += cockpit_groups(user)
    if "tasklist" in apps:
        data += tasklist_groups(user)
    tenants = tenants_of(user)
    if tenants is not None:
        scopes = [None, *sorted(tenants)]
        data = [g for group in data for tenant in scopes if (g := within_tenant(group, tenant))]
    groups = [user_group(user.pk), *data]
    if "cockpit" in apps and is_authorized(user, Permission.READ, Resource.BATCH):
        groups.append(BATCH_GROUP)  # batches belong to no tenant
    return groups


def cockpit_groups(user: Any) -> list[str]:
    """The cockpit's groups of instance events this user may listen to.

    `cockpit` carries instance and incident events of every definition, so only users who may
    read every process instance join it; the others join `cockpit.definition.<key>` for each
    definition whose instances they may read.
    """
    from cockpit.permissions import may_read_all_instances
    from engine.events import COCKPIT_GROUP, definition_group
    from engine.models import ProcessDefinition
    from identity.authorization import readable_ids
    from identity.resources import Permission, Resource

    if may_read_all_instances(user):
        return [COCKPIT_GROUP]
    readable = readable_ids(user, Resource.PROCESS_DEFINITION, Permission.READ_INSTANCE)
    # Keys named by the user's rules, deployed or not yet: a process deployed after the page
    # opened is heard too. "All but some" needs the deployed keys to list them.
    keys = set(readable.ids)
    if readable.all:
        keys |= set(
            ProcessDefinition.objects.filter(readable.q("key")).values_list("key", flat=True)
        )
    return [g for key in sorted(keys) if (g := definition_group(key))]


def tasklist_groups(user: Any) -> list[str]:
    """The task groups post-commit publishes to: the user's own and one per Django group.

    Channels group names allow only ASCII letters, digits, `-`, `_` and `.` (under 100 chars);
    a Django group named otherwise cannot be listened to, and its tasks arrive on a reload.
    """
    import re

    names = [f"tasks.user.{user.get_username()}"]
    names += [f"tasks.group.{g}" for g in user.groups.values_list("name", flat=True)]
    return [n for n in names if re.fullmatch(r"[A-Za-z0-9._-]{1,99}", n)]
