"""The initial setup, as Camunda's webapps offer it: while no administrator exists (nobody in
the admin group, no superuser), anyone who reaches the server may create the first one, who
is then a member of `camunda-admin`. Once one exists the setup is closed for good."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import Q

from engine.errors import AuthorizationError
from identity import accounts


def needs_setup() -> bool:
    """True while there is no administrator to log in as."""
    admins = Q(is_superuser=True) | Q(groups__name=settings.LEGATO_ADMIN_GROUP)
    return not User.objects.filter(admins, is_active=True).exists()


@transaction.atomic
def create_first_admin(
    user_id: str, password: str, *, first_name: str = "", last_name: str = "", email: str = ""
) -> User:
    """The first administrator; AuthorizationError when one exists already (also when
    another request created it a moment before: the admin group's row is locked)."""
    Group.objects.get_or_create(name=settings.LEGATO_ADMIN_GROUP)
    Group.objects.select_for_update().get(name=settings.LEGATO_ADMIN_GROUP)
    if not needs_setup():
        raise AuthorizationError(
            "The initial setup is done: an administrator exists. Log in, or ask an "
            "administrator for an account."
        )
    user = accounts.create_user(
        None, user_id, password, first_name=first_name, last_name=last_name, email=email
    )
    accounts.add_member(None, settings.LEGATO_ADMIN_GROUP, user_id)
    return user
