"""A variable has one id everywhere Camunda's clients meet it: its runtime row
(`/variable-instance`), its history row (`/history/variable-instance`) and every update of it
(`/history/detail`'s `variableInstanceId`), so a client can go from one to the others."""

from __future__ import annotations

import pytest

from engine.services import ResourceInput, deploy
from tests.factories import one_task_bpmn
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

# Longer than an execution id and a name fit in 64 characters together.
LONG_NAME = "customerCreditAssessmentApprovalDecisionOutcomeOfTheReview"


def test_a_variable_keeps_one_id_from_its_row_to_its_history_and_updates(api):
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    started = api.post(
        f"{BASE}/process-definition/key/invoice/start",
        {"variables": {"amount": {"value": 100}, LONG_NAME: {"value": "approved"}}},
        content_type="application/json",
    )
    assert started.status_code == 200, started.content
    instance_id = started.json()["id"]
    changed = api.put(
        f"{BASE}/process-instance/{instance_id}/variables/amount",
        {"value": 250, "type": "Integer"},
        content_type="application/json",
    )
    assert changed.status_code == 204

    runtime = api.get(f"{BASE}/variable-instance?processInstanceIdIn={instance_id}").json()
    history = api.get(f"{BASE}/history/variable-instance?processInstanceId={instance_id}").json()
    ids = {v["name"]: v["id"] for v in runtime}
    assert set(ids) == {"amount", LONG_NAME}
    assert {v["name"]: v["id"] for v in history} == ids
    assert len(set(ids.values())) == 2

    details = api.get(f"{BASE}/history/detail?processInstanceId={instance_id}").json()
    assert sorted((d["variableName"], d["value"]) for d in details) == [
        ("amount", 100),
        ("amount", 250),
        (LONG_NAME, "approved"),
    ]
    assert all(d["variableInstanceId"] == ids[d["variableName"]] for d in details)
    amount = api.get(f"{BASE}/history/detail?variableInstanceId={ids['amount']}").json()
    assert sorted(d["value"] for d in amount) == [100, 250]
    one = api.get(f"{BASE}/history/variable-instance/{ids[LONG_NAME]}").json()
    assert (one["name"], one["value"]) == (LONG_NAME, "approved")
