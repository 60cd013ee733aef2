"""Open live sockets follow their users' access.

A socket's channel groups follow from its user's memberships (groups, tenants) and
authorizations (cockpit/consumers.py: live_groups). The identity services that change these,
or the user itself (password, deletion), call `access_changed` inside their transaction,
naming whom the change concerns; once it commits, the publisher sends an `access.changed`
message to each of those users' own channel group (to every socket for a global rule), so
sockets in every web process re-read their user's access from the database, join and leave
groups, or close. Members of a group are resolved at the call, before a removal or a deletion
forgets them.

Logging out is told the same way (`signed_out`): every socket of the user re-checks its own
session, so the tabs of the ended session close and those of the user's other sessions (another
browser) stay.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q

# The message a socket handles by re-reading its user's access (LiveConsumer.access_changed).
ACCESS_CHANGED = "access.changed"
# Every socket listens here too: a global rule concerns every user.
EVERYONE_GROUP = "live.everyone"


def user_group(user_id: int) -> str:
    """The channel group that carries events and access changes meant for one user."""
    return f"user.{user_id}"


def access_changed(
    *, users: Iterable[str] = (), groups: Iterable[str] = (), everyone: bool = False
) -> None:
    """After the current transaction commits, make the open sockets of these users (by user
    id), of the members of these groups (by group id), or of everyone, re-read their access.
    Nothing is sent when the transaction rolls back."""
    from engine.events import publisher

    if everyone:
        targets = [EVERYONE_GROUP]
    else:
        user_ids, group_ids = set(users), set(groups)
        if not user_ids and not group_ids:
            return
        who = Q(username__in=user_ids) | Q(groups__name__in=group_ids)
        pks = User.objects.filter(who).values_list("pk", flat=True).distinct()
        targets = [user_group(pk) for pk in sorted(pks)]
        if not targets:
            return
    transaction.on_commit(lambda: publisher.notify(targets, ACCESS_CHANGED))


def signed_out(user_id: int) -> None:
    """The user (by primary key) ended one of their sessions: after commit, their open sockets
    re-check their sessions (LiveConsumer.access_changed), and those of the ended one close."""
    from engine.events import publisher

    transaction.on_commit(lambda: publisher.notify([user_group(user_id)], ACCESS_CHANGED))


def rule_changed(user_id: str | None, group_id: str | None) -> None:
    """An authorization of this user or group (user id `*`: a global one) was created,
    changed or deleted."""
    from identity.resources import ANY

    if user_id == ANY:
        access_changed(everyone=True)
    else:
        access_changed(users=[user_id] if user_id else [], groups=[group_id] if group_id else [])
