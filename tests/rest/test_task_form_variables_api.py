"""GET /task/{id}/form-variables as Camunda's GetTaskFormVariablesCmd answers: the form's
fields first, then every other variable the task sees (what the Tasklist's generic form
loads), both narrowed by `variableNames`."""

from __future__ import annotations

import pytest

from engine.models import Task
from engine.services import runtime
from tests.rest.conftest import BASE
from tests.tasklist.conftest import deploy_demo
from tests.tasklist.test_generic_form import CHORE

pytestmark = pytest.mark.django_db


def test_a_task_without_fields_answers_the_variables_it_sees(api):
    from engine.services import ResourceInput, deploy

    deploy([ResourceInput("chore.bpmn", CHORE)])
    started = runtime.start_process_instance("chore", variables={"note": "hi", "count": 3})
    task = Task.objects.get(process_instance_id=started.id)
    found = api.get(f"{BASE}/task/{task.id}/form-variables").json()
    assert found == {
        "note": {"type": "String", "value": "hi", "valueInfo": {}},
        "count": {"type": "Integer", "value": 3, "valueInfo": {}},
    }
    only = api.get(f"{BASE}/task/{task.id}/form-variables", {"variableNames": "count"}).json()
    assert set(only) == {"count"}


def test_form_fields_come_first_and_keep_their_types(api, demo_user):
    deploy_demo()
    started = runtime.start_process_instance(
        "kyc_review", variables={"customerName": "Ada", "channel": "web"}
    )
    task = Task.objects.get(process_instance_id=started.id)
    found = api.get(f"{BASE}/task/{task.id}/form-variables").json()
    assert list(found)[:4] == ["customerName", "riskLevel", "riskScore", "approved"]
    assert found["riskLevel"]["type"] == "String"
    assert found["channel"] == {"type": "String", "value": "web", "valueInfo": {}}
