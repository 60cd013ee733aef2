"""Users the engine tests act as: admins (who may do everything) and one outsider."""

from __future__ import annotations

from typing import Any

import pytest

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
