"""The cleanable history reports: per definition, finished instances in history and how many
the history cleanup would remove now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engine.models import HistoricProcessInstance, ProcessDefinition
from engine.services.runtime import delete_process_instance
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.batch_helpers import start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db

URL = f"{BASE}/history/process-definition/cleanable-process-instance-report"


@pytest.fixture
def history(demo_user):
    """invoice (TTL 5 days): one finished 10 days ago, one today, one running; payroll: none
    finished."""
    ids = start_instances(3)
    start_instances(1, "payroll")
    for instance_id in ids[:2]:
        delete_process_instance(instance_id, "done")
    HistoricProcessInstance.objects.filter(pk=ids[0]).update(
        end_time=timezone.now() - timedelta(days=10)
    )
    ProcessDefinition.objects.filter(key="invoice").update(history_time_to_live=5)
    return ids


def test_each_definition_shows_finished_and_cleanable_counts(api, history):
    rows = api.get(URL).json()
    assert [(r["processDefinitionKey"], r["historyTimeToLive"], r["finishedProcessInstanceCount"],
             r["cleanableProcessInstanceCount"]) for r in rows] == [
        ("invoice", 5, 2, 1), ("payroll", None, 0, 0)
    ]
    assert rows[0]["processDefinitionVersion"] == 1
    compact = api.get(URL, {"compact": "true"}).json()
    assert [r["processDefinitionKey"] for r in compact] == ["invoice"]
    assert api.get(f"{URL}/count", {"processDefinitionKeyIn": "payroll"}).json() == {"count": 1}
    by_finished = api.get(URL, {"sortBy": "finished", "sortOrder": "desc"}).json()
    assert by_finished[0]["processDefinitionKey"] == "invoice"


def test_a_removal_time_counts_like_the_cleanup_counts_it(api, history):
    HistoricProcessInstance.objects.filter(pk=history[1]).update(
        removal_time=timezone.now() - timedelta(minutes=1)
    )
    invoice = api.get(URL, {"processDefinitionKeyIn": "invoice"}).json()[0]
    assert invoice["cleanableProcessInstanceCount"] == 2


def test_only_definitions_with_read_and_read_history_are_listed(history):
    make_user("mallory")
    grant("mallory", Resource.PROCESS_DEFINITION, "*", Permission.READ)
    grant("mallory", Resource.PROCESS_DEFINITION, "payroll", Permission.READ_HISTORY)
    rows = basic_client("mallory").get(URL).json()
    assert [r["processDefinitionKey"] for r in rows] == ["payroll"]


def test_decision_definitions_count_their_evaluations(api, demo_user):
    from engine.models import DecisionDefinition, Deployment, HistoricDecisionInstance

    deployment = Deployment.objects.create(id="d-1", name="dish", deployment_time=timezone.now())
    DecisionDefinition.objects.create(id="dish:1:x", key="dish", version=1, name="Dish",
                                      deployment=deployment, resource_name="dish.dmn",
                                      history_time_to_live=1)
    for days in (3, 0):
        HistoricDecisionInstance.objects.create(
            id=f"d{days}", decision_definition_id="dish:1:x", decision_definition_key="dish",
            evaluation_time=timezone.now() - timedelta(days=days),
        )
    rows = api.get(f"{BASE}/history/decision-definition/cleanable-decision-instance-report") \
        .json()
    assert [(r["decisionDefinitionKey"], r["finishedDecisionInstanceCount"],
             r["cleanableDecisionInstanceCount"]) for r in rows] == [("dish", 2, 1)]


def test_finished_batches_outlive_their_time_to_live_in_the_report_and_the_cleanup(
    api, demo_user, settings
):
    from batches.models import Batch, BatchState
    from identity.cleanup import cleanup_history

    settings.LEGATO_BATCH_HISTORY_TIME_TO_LIVE_DAYS = 5
    settings.LEGATO_BATCH_HISTORY_TIME_TO_LIVE_BY_TYPE = "set-job-retries=1"
    now = timezone.now()

    def batch(kind: str, days_ago: int | None) -> Batch:
        ended = None if days_ago is None else now - timedelta(days=days_ago)
        state = BatchState.RUNNING if ended is None else BatchState.COMPLETED
        return Batch.objects.create(type=kind, state=state, created_by="demo", ended=ended)

    old_deletion = batch("instance-deletion", 10)
    batch("instance-deletion", 2)
    batch("instance-deletion", None)  # still running: not in the report
    batch("set-job-retries", 2)
    url = f"{BASE}/history/batch/cleanable-batch-report"
    report = api.get(f"{url}?sortBy=finished&sortOrder=desc").json()
    assert report == [
        {"batchType": "instance-deletion", "historyTimeToLive": 5,
         "finishedBatchesCount": 2, "cleanableBatchesCount": 1},
        {"batchType": "set-job-retries", "historyTimeToLive": 1,
         "finishedBatchesCount": 1, "cleanableBatchesCount": 1},
    ]
    assert api.get(f"{url}/count").json() == {"count": 2}
    run = cleanup_history(ignore_window=True)
    assert run.rows_removed["batch"] == 2
    assert not Batch.objects.filter(pk=old_deletion.pk).exists()
    assert Batch.objects.count() == 2
    settings.LEGATO_BATCH_HISTORY_TIME_TO_LIVE_DAYS = 0  # kept for ever
    assert api.get(url).json()[0]["historyTimeToLive"] is None
