"""Failed logins slow an account down and finally lock it until an administrator unlocks it
(Camunda's login delay and loginMaxAttempts), on the login page and on /engine-rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from engine.models import UserOperationLog
from identity.models import LoginAttempts
from tests.identity.factories import make_user
from tests.rest.test_read_authorization import PASSWORD, basic_client

pytestmark = pytest.mark.django_db


def log_in(client: Client, password: str) -> bool:
    response = client.post("/login/", {"username": "mary", "password": password})
    return response.status_code == 302


def test_a_failure_makes_the_next_try_wait_and_a_success_clears_the_count(client):
    make_user("mary")
    before = timezone.now()
    assert not log_in(client, "wrong")
    after = timezone.now()
    state = LoginAttempts.objects.get(user__username="mary")
    assert state.attempts == 1
    # 3 s from the failure, however long the login itself took
    assert before + timedelta(seconds=3) <= state.locked_until <= after + timedelta(seconds=3)
    assert not log_in(client, PASSWORD)  # the right password, but too soon
    # the page says why a right password can be refused (as generic as for a wrong one)
    refused = client.post("/login/", {"username": "mary", "password": PASSWORD})
    assert "a correct password given too soon is refused too" in refused.content.decode()
    assert not log_in(client, "wrong again")
    assert LoginAttempts.objects.get(user__username="mary").attempts == 1  # waits do not count
    LoginAttempts.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    before = timezone.now()
    assert not log_in(client, "wrong again")
    state = LoginAttempts.objects.get(user__username="mary")
    assert state.attempts == 2
    assert state.locked_until >= before + timedelta(seconds=6)  # 3 s x 2
    LoginAttempts.objects.update(locked_until=None)
    assert log_in(client, PASSWORD)
    assert not LoginAttempts.objects.exists()


def test_the_last_attempt_locks_until_an_administrator_unlocks(client, settings):
    settings.LEGATO_LOGIN_DELAY_BASE_SECONDS = 0
    settings.LEGATO_LOGIN_MAX_ATTEMPTS = 3
    make_user("mary")
    make_user("root", settings.LEGATO_ADMIN_GROUP)
    for _ in range(3):
        assert not log_in(client, "wrong")
    assert not log_in(client, PASSWORD)
    assert basic_client("mary").get("/engine-rest/engine").status_code == 401
    admin = Client()
    admin.force_login(make_user("admin2", settings.LEGATO_ADMIN_GROUP))
    page = admin.get("/admin/users/mary/").content.decode()
    assert "The account is locked" in page
    admin.post("/admin/users/mary/unlock/")
    assert log_in(client, PASSWORD)
    entry = UserOperationLog.objects.get(operation_type="Unlock")
    assert (entry.entity_type, entry.new_value, entry.user_id) == ("User", "mary", "admin2")


def test_unlocking_over_rest_is_for_administrators_only(settings):
    settings.LEGATO_LOGIN_DELAY_BASE_SECONDS = 0
    settings.LEGATO_LOGIN_MAX_ATTEMPTS = 1
    make_user("mary")
    make_user("john")
    make_user("root", settings.LEGATO_ADMIN_GROUP)
    assert not log_in(Client(), "wrong")
    assert basic_client("john").post("/engine-rest/user/mary/unlock").status_code == 403
    assert basic_client("root").post("/engine-rest/user/mary/unlock").status_code == 204
    assert basic_client("root").post("/engine-rest/user/nobody/unlock").status_code == 404
    assert basic_client("mary").get("/engine-rest/engine").status_code == 200
