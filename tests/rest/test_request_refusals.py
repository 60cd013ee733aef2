"""Requests that cannot be stored are refused in words and write nothing: a NUL character
anywhere a value is read from is a 400 naming where it was, not a failed query (PostgreSQL
keeps no NUL in text); a body over LEGATO_MAX_REQUEST_BODY_MB is a 413, a smaller one is read
whole (Django's own limit is 2.5 MB)."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import pytest

from engine.models import ProcessInstance, VariableInstance
from tests.factories import one_task_bpmn

pytestmark = pytest.mark.django_db

BASE = "/engine-rest"


@pytest.fixture
def invoice(modeler_deploy):
    assert modeler_deploy({"invoice.bpmn": one_task_bpmn()}).status_code == 200


def refusal(where: str) -> dict[str, str | None]:
    return {
        "type": "InvalidRequestException",
        "message": f"{where} contains a NUL character (U+0000), which cannot be stored",
        "code": None,
    }


def test_a_query_parameter_with_a_nul_is_refused(api):
    response = api.get(f"{BASE}/task", {"name": "a\x00b"})
    assert response.status_code == 400
    assert response.json() == refusal("Query parameter 'name'")


def test_a_json_value_with_a_nul_is_refused_and_nothing_starts(api, invoice):
    response = api.post(
        f"{BASE}/process-definition/key/invoice/start",
        {"variables": {"note": {"value": "a\x00", "type": "String"}}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == refusal("Property 'variables.note.value'")
    assert not ProcessInstance.objects.exists()


def test_an_escaped_backslash_before_u0000_is_text_and_kept(api, invoice):
    # the JSON text "C:\\u0000" is the characters C, :, \, u, 0, 0, 0, 0: no NUL
    response = api.post(
        f"{BASE}/process-definition/key/invoice/start",
        '{"variables": {"path": {"value": "C:\\\\u0000", "type": "String"}}}',
        content_type="application/json",
    )
    assert response.status_code == 200
    assert VariableInstance.objects.get(name="path").text_value == "C:\\u0000"


def test_a_form_field_with_a_nul_is_refused_outside_the_rest_api_too(client):
    form = "application/x-www-form-urlencoded"
    response = client.post("/login/", "username=demo%00&password=demo", content_type=form)
    assert response.status_code == 400
    assert response.content.decode() == (
        "Form field 'username' contains a NUL character (U+0000), which cannot be stored"
    )


@pytest.mark.django_db(transaction=True)
def test_a_long_polling_fetch_with_a_nul_is_refused(live_server_url, demo_user):
    # fetchAndLock is served in front of Django's middleware (engine/rest/long_poll_asgi.py)
    body = json.dumps({
        "workerId": "w", "maxTasks": 1, "asyncResponseTimeout": 1000,
        "topics": [{"topicName": "label\x00", "lockDuration": 1000}],
    }).encode()
    request = urllib.request.Request(
        f"{live_server_url}{BASE}/external-task/fetchAndLock", data=body, method="POST",
        headers={
            "Authorization": "Basic " + base64.b64encode(b"demo:demo").decode(),
            "Content-Type": "application/json",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 400
    assert json.loads(refused.value.read()) == refusal("Property 'topics.0.topicName'")


def test_a_json_body_beyond_djangos_upload_limit_is_still_read(api, invoice):
    # the checks above read the parsed body, never `request.body` (held to 2.5 MB)
    document = base64.b64encode(b"%PDF" + b"x" * 3_000_000).decode()
    response = api.post(
        f"{BASE}/process-definition/key/invoice/start",
        {"variables": {"scan": {"value": document, "type": "Bytes"}}},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert ProcessInstance.objects.count() == 1


def test_a_body_over_the_configured_limit_is_a_413_in_camundas_shape(api, invoice, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    settings.LEGATO_MAX_REQUEST_BODY_MB = 1
    document = base64.b64encode(b"x" * 1_000_000).decode()
    response = api.post(
        f"{BASE}/process-definition/key/invoice/start",
        {"variables": {"scan": {"value": document, "type": "Bytes"}}},
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json() == {
        "type": "RestException",
        "message": "The request body is larger than 1 MB (LEGATO_MAX_REQUEST_BODY_MB)",
        "code": None,
    }
    assert not ProcessInstance.objects.exists()
