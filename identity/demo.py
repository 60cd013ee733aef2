"""The demo data of the embedded default: user demo/demo in the admin group (as Camunda Run)."""

from django.conf import settings
from django.contrib.auth.models import Group, User

DEMO_USERNAME = "demo"


def ensure_demo_user() -> User:
    """Create the demo user and admin group if missing; an existing user keeps its password."""
    admin_group, _ = Group.objects.get_or_create(name=settings.LEGATO_ADMIN_GROUP)
    user, created = User.objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={"first_name": "Demo", "last_name": "Demo", "email": "demo@example.com"},
    )
    if created:
        user.set_password("demo")
        user.save(update_fields=["password"])
    user.groups.add(admin_group)
    return user
