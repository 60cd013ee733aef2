import base64

import pytest


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.mark.django_db
def test_engine_list_without_credentials_is_401_with_a_camunda_error_body(client):
    response = client.get("/engine-rest/engine")
    assert response.status_code == 401
    assert response.json()["type"] == "AuthenticationException"
    assert response.json()["message"]
    assert response["WWW-Authenticate"].startswith("Basic")


def test_engine_list_with_a_wrong_password_is_401(client, demo_user):
    response = client.get("/engine-rest/engine", HTTP_AUTHORIZATION=basic("demo", "wrong"))
    assert response.status_code == 401
    assert response.json()["type"] == "AuthenticationException"


def test_engine_list_with_basic_credentials_names_the_default_engine(client, demo_user):
    response = client.get("/engine-rest/engine", HTTP_AUTHORIZATION=basic("demo", "demo"))
    assert response.status_code == 200
    assert response.json() == [{"name": "default"}]


def test_engine_list_answers_a_logged_in_browser_session(client, demo_user):
    client.force_login(demo_user)
    assert client.get("/engine-rest/engine").json() == [{"name": "default"}]


def test_unknown_rest_path_is_a_camunda_shaped_404(client, demo_user):
    response = client.get("/engine-rest/no-such-thing", HTTP_AUTHORIZATION=basic("demo", "demo"))
    assert response.status_code == 404
    assert response.json() == {
        "type": "RestException",
        "message": "No resource at /engine-rest/no-such-thing",
        "code": None,
    }


def test_verified_basic_credentials_are_remembered_but_a_wrong_password_never(
    client, demo_user, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.LEGATO_REST_AUTH_CACHE_SECONDS = 60
    assert (
        client.get("/engine-rest/engine", HTTP_AUTHORIZATION=basic("demo", "demo")).status_code
        == 200
    )
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/engine-rest/engine", HTTP_AUTHORIZATION=basic("demo", "demo"))
    assert again.status_code == 200
    # The user row is read again by its id, not looked up by name to check the password.
    user_reads = [q["sql"] for q in queries.captured_queries if 'FROM "auth_user"' in q["sql"]]
    assert len(user_reads) == 1
    assert '"auth_user"."id" =' in user_reads[0]
    wrong = client.get("/engine-rest/engine", HTTP_AUTHORIZATION=basic("demo", "nope"))
    assert wrong.status_code == 401
