"""Filters of `/batch` and `/decision-definition` that Camunda documents and Legato used to
ignore without a word (the list came back unfiltered)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from batches.models import Batch
from engine.models import Deployment
from engine.rest.dates import format_date
from engine.services import ResourceInput, deploy
from tests.engine.test_decisions import DISH
from tests.rest.batch_helpers import start_instances
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db


def deletion_batch(api) -> str:
    body = {"processInstanceIds": start_instances(1)}
    response = api.post(f"{BASE}/process-instance/delete", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["id"]


def ids(api, path: str, **params) -> set[str]:
    return {row["id"] for row in api.get(f"{BASE}/{path}", params).json()}


def test_batches_are_filtered_by_creator_start_and_failures(api):
    old, new = deletion_batch(api), deletion_batch(api)
    Batch.objects.filter(pk=old).update(created=datetime(2020, 1, 1, tzinfo=UTC), failed=2)
    middle = format_date(datetime(2021, 1, 1, tzinfo=UTC))
    for path in ("batch", "batch/statistics"):
        assert ids(api, path) == {old, new}
        assert ids(api, path, startedBefore=middle) == {old}
        assert ids(api, path, startedAfter=middle) == {new}
        assert ids(api, path, createdBy="demo") == {old, new}
        assert ids(api, path, createdBy="mary") == set()
        assert ids(api, path, withFailures="true") == {old}
        assert ids(api, path, withoutFailures="true") == {new}
    assert api.get(f"{BASE}/batch/count", {"startedAfter": middle}).json() == {"count": 1}
    refused = api.get(f"{BASE}/batch", {"startedBefore": "yesterday"})
    assert refused.status_code == 400


def test_decision_definitions_are_filtered_by_deployment_time(api):
    first = deploy([ResourceInput("dish.dmn", DISH)], name="one")
    second = deploy([ResourceInput("dish.dmn", DISH.replace(b'name="Dish"', b'name="Dish 2"'))],
                    name="two")
    at = datetime(2022, 5, 1, 12, 0, tzinfo=UTC)
    Deployment.objects.filter(pk=first.deployment.id).update(deployment_time=at)
    [old] = first.decision_definitions
    [new] = second.decision_definitions
    assert ids(api, "decision-definition") == {old.id, new.id}
    after = format_date(at + timedelta(days=1))
    assert ids(api, "decision-definition", deployedAfter=after) == {new.id}
    assert ids(api, "decision-definition", deployedAt=format_date(at)) == {old.id}
    count = api.get(f"{BASE}/decision-definition/count", {"deployedAfter": after}).json()
    assert count == {"count": 1}
