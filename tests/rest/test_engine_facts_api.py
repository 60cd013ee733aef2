"""`GET /deployment/registered`, `GET|POST /schema/log` and `GET|POST /identity/password-policy`:
what Camunda answers about the engine itself, filled with Legato's facts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

pytestmark = pytest.mark.django_db


def test_no_deployment_is_registered_with_a_process_application(api):
    response = api.get(f"{BASE}/deployment/registered")
    assert (response.status_code, response.json()) == (200, [])


def test_registered_deployments_need_read_on_system():
    make_user("mona")
    client = basic_client("mona")
    assert_forbidden(client.get(f"{BASE}/deployment/registered"), "mona")
    grant("mona", Resource.SYSTEM, "*", Permission.READ)
    assert client.get(f"{BASE}/deployment/registered").json() == []


def test_the_schema_log_lists_the_applied_migrations(api):
    applied = MigrationRecorder(connection).migration_qs
    first = applied.order_by("applied", "pk").first()
    entries = api.get(f"{BASE}/schema/log?sortBy=timestamp&sortOrder=asc").json()
    assert len(entries) == applied.count()
    assert set(entries[0]) == {"id", "timestamp", "version"}
    assert entries[0]["version"] == f"{first.app}.{first.name}"
    one = api.get(f"{BASE}/schema/log", {"version": "engine.0001_initial"}).json()
    assert [entry["version"] for entry in one] == ["engine.0001_initial"]
    posted = api.post(f"{BASE}/schema/log?maxResults=2", {
        "sorting": [{"sortBy": "timestamp", "sortOrder": "desc"}]},
        content_type="application/json")
    assert len(posted.json()) == 2
    assert posted.json()[0]["timestamp"] >= posted.json()[1]["timestamp"]
    assert api.post(f"{BASE}/schema/log", {"version": "nope"},
                    content_type="application/json").json() == []


def test_the_schema_log_refuses_unknown_sorting_and_is_empty_without_read_on_system(api):
    refused = api.get(f"{BASE}/schema/log?sortBy=version&sortOrder=asc")
    assert refused.status_code == 400
    assert refused.json()["type"] == "InvalidRequestException"
    make_user("mona")
    assert basic_client("mona").get(f"{BASE}/schema/log").json() == []


def test_the_password_policy_is_the_configured_validators(api, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
         "OPTIONS": {"min_length": 10}},
    ]
    response = api.get(f"{BASE}/identity/password-policy")
    assert response.json() == {"rules": [
        {"placeholder": "PASSWORD_POLICY_USER_DATA", "parameter": None},
        {"placeholder": "PASSWORD_POLICY_LENGTH", "parameter": {"minLength": "10"}},
    ]}
    checked = api.post(f"{BASE}/identity/password-policy", {
        "password": "johnsmith", "profile": {"id": "john", "firstName": "John",
                                             "lastName": "Smith", "email": "j@x.org"},
    }, content_type="application/json").json()
    assert checked == {"valid": False, "rules": [
        {"placeholder": "PASSWORD_POLICY_USER_DATA", "parameter": None, "valid": False},
        {"placeholder": "PASSWORD_POLICY_LENGTH", "parameter": {"minLength": "10"},
         "valid": False},
    ]}
    good = api.post(f"{BASE}/identity/password-policy", {"password": "Correct-Horse-42"},
                    content_type="application/json").json()
    assert good["valid"] is True
    assert [rule["valid"] for rule in good["rules"]] == [True, True]


def test_a_password_check_without_a_password_is_a_bad_request_and_creates_no_user(api):
    users = User.objects.count()
    response = api.post(f"{BASE}/identity/password-policy", {"profile": {"id": "x"}},
                        content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"type": "InvalidRequestException",
                               "message": "'password' must be a text", "code": None}
    assert User.objects.count() == users


def test_without_validators_the_policy_is_off_and_both_answer_404(api, settings):
    settings.AUTH_PASSWORD_VALIDATORS = []
    assert api.get(f"{BASE}/identity/password-policy").status_code == 404
    response = api.post(f"{BASE}/identity/password-policy", {"password": "x"},
                        content_type="application/json")
    assert response.status_code == 404
