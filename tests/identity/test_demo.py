import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command


@pytest.mark.django_db
def test_setup_demo_creates_demo_user_in_admin_group_and_is_idempotent(settings):
    call_command("setup_demo")
    call_command("setup_demo")
    user = authenticate(username="demo", password="demo")
    assert user is not None
    groups = set(user.groups.values_list("name", flat=True))
    # Admin, and a worker in the groups the demo processes offer their tasks to.
    assert groups == {settings.LEGATO_ADMIN_GROUP, "compliance", "warehouse", "provisioning"}


@pytest.mark.django_db
def test_setup_demo_creates_nothing_when_demo_is_off(settings):
    settings.LEGATO_DEMO = False
    call_command("setup_demo")
    assert authenticate(username="demo", password="demo") is None


@pytest.mark.django_db
def test_pages_need_a_login(client):
    for url in ["/cockpit/", "/tasklist/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
