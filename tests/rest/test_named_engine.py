"""Camunda's named-engine paths (`/engine-rest/engine/{name}/...`): the one engine Legato
runs answers as `default` exactly as without the name; another name is Camunda's 400."""

from __future__ import annotations

import pytest

from tests.factories import one_task_bpmn
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db
NAMED = f"{BASE}/engine/default"
JSON = "application/json"


def test_the_engine_list_names_the_default_engine(api):
    assert api.get(f"{BASE}/engine").json() == [{"name": "default"}]


def test_a_named_path_is_the_same_resource(api, modeler_deploy):
    assert modeler_deploy({"invoice.bpmn": one_task_bpmn()}).status_code == 200
    started = api.post(f"{NAMED}/process-definition/key/invoice/start",
                       {"businessKey": "B-1"}, content_type=JSON)
    assert started.status_code == 200, started.content
    instance = started.json()["id"]
    for path, params in (("process-instance", {"businessKey": "B-1"}), ("task", {}),
                         ("history/process-instance", {"processInstanceId": instance})):
        plain = api.get(f"{BASE}/{path}", params).json()
        assert len(plain) == 1
        assert api.get(f"{NAMED}/{path}", params).json() == plain
    (task,) = api.get(f"{NAMED}/task", {"processInstanceId": instance}).json()
    assert api.post(f"{NAMED}/task/{task['id']}/complete", {}, content_type=JSON
                    ).status_code == 204
    assert api.get(f"{BASE}/process-instance/count").json() == {"count": 0}
    assert api.get(f"{NAMED}/version").json() == api.get(f"{BASE}/version").json()


def test_another_engine_name_is_a_400_and_changes_nothing(api, modeler_deploy):
    assert modeler_deploy({"invoice.bpmn": one_task_bpmn()}).status_code == 200
    response = api.post(f"{BASE}/engine/other/process-definition/key/invoice/start", {},
                        content_type=JSON)
    assert (response.status_code, response.json()) == (400, {
        "type": "InvalidRequestException", "message": "No process engine available",
        "code": None})
    assert api.get(f"{BASE}/process-instance/count").json() == {"count": 0}
    # An engine's own path names no resource: Camunda's 404.
    assert api.get(f"{BASE}/engine/default").status_code == 404
