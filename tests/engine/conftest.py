"""Users the engine tests act as: admins (who may do everything) and one outsider."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.engine.schema import migrate_to_latest

ADMINS = ("demo", "kermit", "gonzo")


@pytest.fixture
def engine_users(db: None, settings: Any) -> dict[str, Any]:
    from django.contrib.auth.models import Group, User

    admin_group, _ = Group.objects.get_or_create(name=settings.LEGATO_ADMIN_GROUP)
    users = {}
    for name in ADMINS:
        users[name], _ = User.objects.get_or_create(username=name)
        users[name].groups.add(admin_group)
    users["outsider"], _ = User.objects.get_or_create(username="outsider")
    return users


@pytest.fixture
def at_latest_afterwards() -> Iterator[None]:
    """A migration test leaves the latest schema behind, whatever happened in it: the other
    tests need it."""
    yield
    migrate_to_latest()
