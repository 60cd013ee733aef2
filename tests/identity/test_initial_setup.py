"""The initial setup (Camunda's webapps have it): with no administrator, /setup/ creates the
first one, a member of camunda-admin, logged in at once; afterwards it is closed."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from identity.setup import create_first_admin, needs_setup

pytestmark = pytest.mark.django_db
SETUP = reverse("initial-setup")
ADMIN = {
    "user_id": "ops", "first_name": "Olga", "last_name": "Ops", "email": "ops@example.com",
    "password": "a long enough secret 1", "password_again": "a long enough secret 1",
}


def test_the_first_administrator_is_created_and_logged_in(client):
    assert needs_setup()
    assert 'data-testid="setup-link"' in client.get(reverse("login")).content.decode()
    assert client.get(SETUP).status_code == 200
    response = client.post(SETUP, ADMIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin-home")
    user = User.objects.get(username="ops")
    assert user.groups.filter(name=settings.LEGATO_ADMIN_GROUP).exists()
    assert (user.first_name, user.email) == ("Olga", "ops@example.com")
    assert client.get(reverse("admin-home")).status_code == 200  # logged in, an admin
    assert not needs_setup()


def test_once_an_administrator_exists_the_setup_is_closed(client, demo_user):
    assert not needs_setup()
    assert client.get(SETUP)["Location"] == reverse("login")
    assert client.post(SETUP, ADMIN)["Location"] == reverse("login")
    assert not User.objects.filter(username="ops").exists()
    assert 'data-testid="setup-link"' not in client.get(reverse("login")).content.decode()
    from engine.errors import AuthorizationError

    with pytest.raises(AuthorizationError, match="an administrator exists"):
        create_first_admin("late", "a long enough secret 1")


def test_a_refused_password_or_id_says_why_and_creates_nothing(client):
    weak = {**ADMIN, "password": "pw", "password_again": "pw"}
    page = client.post(SETUP, weak).content.decode()
    assert "Password is not valid" in page
    different = {**ADMIN, "password_again": "something else"}
    assert "The two passwords differ." in client.post(SETUP, different).content.decode()
    assert not User.objects.exists()
    assert needs_setup()
