"""POST /history/process-instance/set-removal-time: when the history of finished instances
is removed, set absolutely, from the definition's time to live, or cleared, in a batch; the
history cleanup honours it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.models import (
    HistoricDecisionInstance,
    HistoricProcessInstance,
    ProcessDefinition,
    UserOperationLog,
)
from identity.cleanup import cleanup_history
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.batch_helpers import run_to_end, start_instances
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db

URL = f"{BASE}/history/process-instance/set-removal-time"
ENDED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def finished(demo_user) -> list[str]:
    """Two ended instances of `invoice` (ended on ENDED) and a running one."""
    from engine.services.runtime import delete_process_instance

    ids = start_instances(3)
    for instance_id in ids[:2]:
        delete_process_instance(instance_id, "done")
    HistoricProcessInstance.objects.filter(pk__in=ids[:2]).update(end_time=ENDED)
    return ids


def set_removal(api, **body):
    return api.post(URL, body, content_type="application/json")


def removal_times(ids):
    return [HistoricProcessInstance.objects.get(pk=i).removal_time for i in ids]


def test_an_absolute_removal_time_is_set_in_a_batch_and_shown(api, finished):
    response = set_removal(api, historicProcessInstanceIds=finished[:1],
                           historicProcessInstanceQuery={"processInstanceId": finished[1]},
                           absoluteRemovalTime="2027-01-01T00:00:00.000+0000")
    assert response.status_code == 200, response.content
    batch = response.json()
    assert (batch["type"], batch["totalJobs"]) == ("process-set-removal-time", 2)
    assert run_to_end(batch["id"]).failed == 0
    when = datetime(2027, 1, 1, tzinfo=UTC)
    assert removal_times(finished) == [when, when, None]
    shown = api.get(f"{BASE}/history/process-instance/{finished[0]}").json()
    assert shown["removalTime"].startswith("2027-01-01T00:00:00")
    logged = dict(UserOperationLog.objects.filter(operation_type="SetRemovalTime")
                  .values_list("property", "new_value"))
    assert logged == {"mode": "ABSOLUTE", "removalTime": "2027-01-01T00:00:00+00:00",
                      "hierarchical": "false", "nrOfInstances": "2", "async": "true"}


def test_calculated_is_end_plus_time_to_live_and_cleared_goes_back_to_it(api, finished):
    ProcessDefinition.objects.filter(key="invoice").update(history_time_to_live=30)
    batch = set_removal(api, historicProcessInstanceIds=finished,
                        calculatedRemovalTime=True).json()
    run_to_end(batch["id"])
    # The running instance has no end to count from.
    assert removal_times(finished) == [ENDED + timedelta(days=30)] * 2 + [None]
    batch = set_removal(api, historicProcessInstanceIds=finished[:1],
                        clearedRemovalTime=True).json()
    run_to_end(batch["id"])
    assert removal_times(finished[:1]) == [None]


def test_the_cleanup_removes_history_whose_removal_time_passed(api, finished):
    # No time to live: only the removal time set makes the first instance go.
    batch = set_removal(api, historicProcessInstanceIds=finished[:1],
                        absoluteRemovalTime="2026-04-01T00:00:00.000+0000").json()
    run_to_end(batch["id"])
    cleanup_history(datetime(2026, 4, 2, tzinfo=UTC), ignore_window=True)
    assert sorted(HistoricProcessInstance.objects.values_list("id", flat=True)) \
        == sorted(finished[1:])


def test_hierarchical_sets_the_roots_time_on_every_called_instance(api, demo_user):
    from engine.services import ResourceInput, deploy
    from engine.services.runtime import start_process_instance
    from tests.rest.test_custom_incidents_api import PARENT

    start_instances(0)  # deploys `invoice`, which the parent calls
    deploy([ResourceInput("parent.bpmn", PARENT)])
    parent = start_process_instance("parent").id
    child = HistoricProcessInstance.objects.get(super_process_instance_id=parent).id
    HistoricDecisionInstance.objects.create(
        id="d-1", decision_definition_id="dish:1:x", decision_definition_key="dish",
        evaluation_time=ENDED, process_instance_id=child,
    )
    batch = set_removal(api, historicProcessInstanceIds=[child], hierarchical=True,
                        absoluteRemovalTime="2030-01-01T00:00:00.000+0000").json()
    run_to_end(batch["id"])
    when = datetime(2030, 1, 1, tzinfo=UTC)
    assert removal_times([parent, child]) == [when, when]
    assert HistoricDecisionInstance.objects.get().removal_time == when


@pytest.mark.parametrize(
    ("body", "words"),
    [({"historicProcessInstanceIds": ["x"]}, "Exactly one of"),
     ({"historicProcessInstanceIds": ["x"], "clearedRemovalTime": True,
       "calculatedRemovalTime": True}, "not 2"),
     ({"historicProcessInstanceIds": ["x"], "absoluteRemovalTime": "soon"},
      "absoluteRemovalTime"),
     ({"clearedRemovalTime": True}, "historicProcessInstanceIds is empty"),
     ({"historicProcessInstanceIds": ["x"], "clearedRemovalTime": "yes"}, "true or false")],
)
def test_bad_requests_are_400_and_make_no_batch(api, body, words):
    from batches.models import Batch

    response = set_removal(api, **body)
    assert response.status_code == 400
    assert words in response.json()["message"]
    assert not Batch.objects.exists()


def test_targets_the_creator_may_not_read_fail_in_the_batch(finished):
    make_user("mallory")
    grant("mallory", Resource.BATCH, "*", Permission.CREATE)
    mallory = basic_client("mallory")
    # The query finds nothing mallory may not read; an id given is tried and refused.
    found = set_removal(mallory, historicProcessInstanceQuery={"processDefinitionKey": "invoice"},
                        clearedRemovalTime=True)
    assert found.status_code == 400
    batch = set_removal(mallory, historicProcessInstanceIds=finished[:1],
                        absoluteRemovalTime="2027-01-01T00:00:00.000+0000").json()
    assert run_to_end(batch["id"]).failed == 1
    assert removal_times(finished[:1]) == [None]
