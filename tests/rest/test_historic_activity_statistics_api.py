"""GET /history/process-definition/{id}/statistics: per activity, from history."""

from __future__ import annotations

import pytest

from engine.models import ProcessDefinition, Task
from engine.services import runtime as rt
from engine.services.external_tasks import TopicRequest, fetch_and_lock, handle_failure
from identity.resources import Permission, Resource
from tests.identity.factories import make_user
from tests.rest.batch_helpers import WORKER, start_instances
from tests.rest.conftest import BASE
from tests.rest.test_modification_api import FIXTURE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

pytestmark = pytest.mark.django_db


def statistics(client, definition_id, **query):
    return client.get(f"{BASE}/history/process-definition/{definition_id}/statistics", query)


@pytest.fixture
def definition_id(modeler_deploy) -> str:
    """Three instances of modification.bpmn: one waits at `first`, one moved on to `second`,
    one cancelled at `first`."""
    assert modeler_deploy({"modification.bpmn": FIXTURE.read_bytes()}).status_code == 200
    ids = [rt.start_process_instance("modification").id for _ in range(3)]
    rt.complete_task(Task.objects.get(process_instance_id=ids[1]).id)
    rt.delete_process_instance(ids[2], "no longer needed")
    return ProcessDefinition.objects.get(key="modification").id


def by_activity(rows):
    return {row["id"]: row for row in rows}


def test_running_instances_per_activity_and_the_rest_on_request(api, definition_id):
    plain = by_activity(statistics(api, definition_id).json())
    assert set(plain) == {"start", "first", "second"}
    assert (plain["first"]["instances"], plain["second"]["instances"]) == (1, 1)
    assert plain["first"]["finished"] == 0  # not asked for
    full = by_activity(
        statistics(api, definition_id, finished="true", canceled="true",
                   completeScope="true").json()
    )
    assert (full["first"]["finished"], full["first"]["canceled"]) == (2, 1)
    assert (full["start"]["instances"], full["start"]["finished"]) == (0, 3)
    assert full["second"]["completeScope"] == 0


def test_sorted_by_activity_id_and_filtered_by_instance(api, definition_id):
    rows = statistics(api, definition_id, sortBy="activityId", sortOrder="desc").json()
    assert [row["id"] for row in rows] == ["start", "second", "first"]
    one = rt.start_process_instance("modification").id
    only = statistics(api, definition_id, processInstanceIdIn=one).json()
    assert [(row["id"], row["instances"]) for row in only] == [("first", 1), ("start", 0)]


def test_incidents_by_state(api, demo_user):
    start_instances(1, "worker", WORKER)
    locked = fetch_and_lock("w", 1, [TopicRequest("work", 60_000)])
    handle_failure(locked[0].row.id, "w", error_message="down", retries=0)
    definition_id = ProcessDefinition.objects.get(key="worker").id
    rows = by_activity(statistics(api, definition_id, incidents="true").json())
    assert (rows["work"]["openIncidents"], rows["work"]["resolvedIncidents"]) == (1, 0)


def test_needs_read_history_and_a_known_definition(api, definition_id):
    assert statistics(api, "nope:1:x").status_code == 404
    make_user("mallory")
    mallory = basic_client("mallory")
    assert_forbidden(statistics(mallory, definition_id), "mallory")
    grant("mallory", Resource.PROCESS_DEFINITION, "modification", Permission.READ_HISTORY)
    assert statistics(mallory, definition_id).status_code == 200
