"""Variable values no Camunda type can hold answer 400 InvalidRequestException naming the
variable, whatever the resource, and change nothing."""

from __future__ import annotations

import pytest

from engine.models import ProcessInstance
from tests.rest.conftest import BASE

BEYOND_LONG = 99999999999999999999999


@pytest.fixture
def invoice(modeler_deploy):
    assert modeler_deploy().status_code == 200


def post_raw(api, path: str, body: str):
    """A body as written: Python's json module would not write `1e999` or an exact big int."""
    return api.post(f"{BASE}{path}", body, content_type="application/json")


def refused(response, *words: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["type"] == "InvalidRequestException"
    assert all(word in body["message"] for word in words), body["message"]


def running(api) -> str:
    return post_raw(api, "/process-definition/key/invoice/start", "{}").json()["id"]


@pytest.mark.parametrize(
    ("variable", "words"),
    [
        (f'{{"value": {BEYOND_LONG}}}', ("'big'", "out of range for Long")),
        ('{"value": 1e999}', ("'big'", "not a finite number")),
        (f'{{"value": 1{"0" * 400}, "type": "Double"}}', ("'big'", "out of range for Double")),
        ('{"value": "{\\"a\\": 1e999}", "type": "Json"}', ("'big'", "not valid JSON")),
        ('{"value": "[NaN]", "type": "Json"}', ("'big'", "not valid JSON")),
        (
            '{"value": "{\\"a\\": -Infinity}", "type": "Object", '
            '"valueInfo": {"serializationDataFormat": "application/json"}}',
            ("'big'", "not valid JSON"),
        ),
    ],
)
def test_a_start_with_a_value_no_type_holds_is_a_400_and_starts_nothing(
    api, invoice, variable, words
):
    response = post_raw(
        api, "/process-definition/key/invoice/start", f'{{"variables": {{"big": {variable}}}}}'
    )
    refused(response, *words)
    assert not ProcessInstance.objects.exists()


def test_setting_one_variable_beyond_a_long_is_a_400(api, invoice):
    url = f"/process-instance/{running(api)}/variables/big"
    response = api.put(
        f"{BASE}{url}", f'{{"value": {BEYOND_LONG}}}', content_type="application/json"
    )
    refused(response, "'big'", "out of range for Long")
    assert api.get(f"{BASE}{url}").status_code == 404


def test_modifications_with_json_holding_nan_are_a_400_and_change_nothing(api, invoice):
    url = f"/process-instance/{running(api)}/variables"
    response = post_raw(
        api,
        url,
        '{"modifications": {"ok": {"value": 1}, "j": {"value": "{\\"n\\": NaN}", "type": "Json"}}}',
    )
    refused(response, "'j'", "not valid JSON")
    assert api.get(f"{BASE}{url}").json() == {}


@pytest.mark.parametrize(
    "kind", ["Long", "Integer", "Short", "Double", "Boolean", "Date", "String"]
)
def test_a_typed_null_is_kept_with_its_type(api, invoice, kind):
    instance = running(api)
    path = f"{BASE}/process-instance/{instance}/variables/maybe"
    body = {"value": None, "type": kind}
    assert api.put(path, body, content_type="application/json").status_code == 204
    assert api.get(path).json() == {"value": None, "type": kind, "valueInfo": {}}
    [historic] = api.get(f"{BASE}/history/variable-instance?variableName=maybe").json()
    assert (historic["type"], historic["value"]) == (kind, None)
