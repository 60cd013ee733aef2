"""The one WebSocket a browser opens for live updates."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from engine.events import publisher
from identity.live_access import EVERYONE_GROUP, user_group

__all__ = ["CLOSE_NO_APPLICATION_ACCESS", "CLOSE_UNAUTHENTICATED", "LiveConsumer", "user_group"]

# Close codes for "not authenticated" and "no access to the cockpit or the tasklist"
# (4000-4999 are free for applications).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_NO_APPLICATION_ACCESS = 4403
log = logging.getLogger("legato.events")


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """Authenticates the browser, joins its groups and forwards typed live messages.

    Its groups follow its user's access while it is open: a change to the user's memberships,
    authorizations or account, or a logout of theirs, sends `access.changed`
    (identity/live_access.py), and the socket re-reads them and re-checks its own session
    (`access_changed`): the sockets of a session logged out close.
    """

    groups: list[str] = []

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        # Listen for access changes before reading the access: one that commits meanwhile is
        # heard, and re-read, once connected.
        self.joined: list[str] = []
        self.listening = [user_group(user.pk), EVERYONE_GROUP]
        for group in self.listening:
            await self.channel_layer.group_add(group, self.channel_name)
        # The socket carries cockpit and tasklist events: each only for users of that application.
        apps = await application_ids(user)
        if not apps & {"cockpit", "tasklist"}:
            await self.refuse(CLOSE_NO_APPLICATION_ACCESS)
            return
        # The in-memory layer lives on this loop: events from other threads are sent on it.
        publisher.attach_server_loop(asyncio.get_running_loop())
        await self.join(await live_groups(user, apps))
        await self.accept()
        await self.hello(user)
        if settings.LEGATO_LIVE_HEARTBEAT_SECONDS > 0:
            self.heartbeat = asyncio.create_task(self.beat())

    async def join(self, groups: list[str]) -> None:
        """Listen to exactly `groups` from now on."""
        for group in groups:
            if group not in self.joined:
                await self.channel_layer.group_add(group, self.channel_name)
        for group in self.joined:
            if group not in groups:
                await self.channel_layer.group_discard(group, self.channel_name)
        self.joined = groups

    async def hello(self, user: Any) -> None:
        """Where each group's numbering stands now: the browser counts from here, and re-reads
        what it shows (after a reconnect, or when its groups changed)."""
        heads = await publisher.heads(self.channel_layer, self.joined)
        await self.send_json(
            {"type": "hello", "user": user.get_username(), "seq": 0, "heads": heads}
        )

    async def access_changed(self, message: dict[str, Any]) -> None:
        """The user's memberships, authorizations or account changed: re-read them as connect
        does. A user signed out (deleted, made inactive, password changed, session ended)
        closes with 4401, one without cockpit and tasklist ACCESS with 4403; otherwise the
        socket leaves the groups it may no longer hear, joins the new ones, and sends a fresh
        hello, so the page re-reads and counts the new groups from their current numbers."""
        user = await signed_in_user(self.scope)
        if user is None:
            await self.refuse(CLOSE_UNAUTHENTICATED)
            return
        apps = await application_ids(user)
        if not apps & {"cockpit", "tasklist"}:
            await self.refuse(CLOSE_NO_APPLICATION_ACCESS)
            return
        groups = await live_groups(user, apps)
        if groups != self.joined:
            await self.join(groups)
            await self.hello(user)

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

    async def refuse(self, code: int) -> None:
        """Close with `code`, hearing nothing more from now on."""
        await self.leave()
        await self.close(code=code)

    async def disconnect(self, code: int) -> None:
        await self.leave()

    async def leave(self) -> None:
        heartbeat = getattr(self, "heartbeat", None)
        if heartbeat is not None:
            heartbeat.cancel()
        for group in [*getattr(self, "listening", []), *getattr(self, "joined", [])]:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.listening, self.joined = [], []

    async def live_event(self, message: dict[str, Any]) -> None:
        """Forward a `{"type": "live.event", "event": {...}}` group message to the browser."""
        if self.joined:
            await self.send_json(message["event"])

    async def live_events(self, message: dict[str, Any]) -> None:
        """Forward the events of a `{"type": "live.events", "events": [...]}` group message
        (what the publisher had waiting for this group), one frame each, in order; not those
        of a group the socket left since they were sent (its user's access changed)."""
        for event in message["events"]:
            if event.get("group") in self.joined:
                await self.send_json(event)


@database_sync_to_async
def signed_in_user(scope: dict[str, Any]) -> Any:
    """The socket's session user as a page request would find it now (Django's
    `auth.get_user`, but reading only): None once the session ended or was flushed, the user
    was deleted or made inactive, or the password changed (the session's hash no longer
    matches: Django signs out the other sessions then, and gives the changing one a new key).
    A login lock (identity/lockout.py) refuses new logins only, as on the pages."""
    from importlib import import_module

    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        load_backend,
    )
    from django.contrib.auth.models import User
    from django.utils.crypto import constant_time_compare

    key = getattr(scope.get("session"), "session_key", None)
    if key is None:
        return None
    session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    backend_path = session.get(BACKEND_SESSION_KEY)
    if SESSION_KEY not in session or backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = load_backend(backend_path).get_user(User._meta.pk.to_python(session[SESSION_KEY]))
    if user is None:
        return None
    stored = session.get(HASH_SESSION_KEY) or ""
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    if not any(constant_time_compare(stored, expected) for expected in hashes):
        return None
    return user


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
