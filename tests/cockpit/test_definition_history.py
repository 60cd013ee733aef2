"""A definition page's History and Heatmap views: per activity, how many of its instances
finished and were canceled, read from history only when asked for, refused as the page is."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engine.models import HistoricActivityInstance, Task
from engine.services import ResourceInput, deploy
from engine.services.runtime import complete_task, delete_process_instance, start_process_instance
from identity.models import Authorization
from identity.resources import Permission, Resource
from tests.cockpit.conftest import deploy_xml, grant

pytestmark = pytest.mark.django_db
REVIEW = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn" / "cockpit_history.bpmn"


def complete_all(instance_id: str, activity_id: str) -> None:
    for task in Task.objects.filter(process_instance_id=instance_id,
                                    task_definition_key=activity_id):
        complete_task(task.id)


def run_review(definition_id: str, *, until: str) -> str:
    """Start an instance of the review model and run it to `until` (`Vote`, `Check`, the end)."""
    instance = start_process_instance(definition_id=definition_id).id
    if until == "Vote":
        return instance
    complete_all(instance, "Vote")
    if until == "Check":
        return instance
    complete_all(instance, "Check")
    return instance


def history_counts(client, definition, **params):
    return client.get(reverse("cockpit:definition-history-counts", args=[definition.id]), params)


@pytest.fixture
def reviews():
    """Version 1 of `review`: one instance ran to the end, one was deleted in the sub-process,
    one while both votes (a multi-instance task) were open. Version 2 ran once to the end."""
    first = deploy_xml("review", REVIEW.read_bytes())
    run_review(first.id, until="end")
    delete_process_instance(run_review(first.id, until="Check"), "no longer needed")
    delete_process_instance(run_review(first.id, until="Vote"), "withdrawn")
    changed = REVIEW.read_bytes().replace(b'name="Review"', b'name="Review v2"')
    (second,) = deploy([ResourceInput("review.bpmn", changed)], name="review").process_definitions
    run_review(second.id, until="end")
    return first, second


def test_history_counts_finished_and_canceled_instances_per_activity(user_client, reviews):
    first, _ = reviews
    response = history_counts(user_client, first)
    assert response.status_code == 200
    # Vote: 2 votes per instance (a multi-instance task counts its instances, not its body);
    # the third instance's 2 votes were canceled.
    assert response.json() == {
        "counts": {
            "Start_1": {"finished": 3, "canceled": 0},
            "Vote": {"finished": 4, "canceled": 2},
            "Check_scope": {"finished": 1, "canceled": 1},
            "Sub_start": {"finished": 2, "canceled": 0},
            "Check": {"finished": 1, "canceled": 1},
            "Sub_end": {"finished": 1, "canceled": 0},
            "End_1": {"finished": 1, "canceled": 0},
        },
        "max": 6,
    }


def test_another_versions_history_is_not_counted(user_client, reviews):
    _, second = reviews
    counts = history_counts(user_client, second).json()["counts"]
    assert counts["Vote"] == {"finished": 2, "canceled": 0}
    assert counts["Start_1"] == {"finished": 1, "canceled": 0}
    assert all(count["canceled"] == 0 for count in counts.values())


def test_activity_instances_still_running_are_left_to_the_running_view(user_client):
    definition = deploy_xml("review", REVIEW.read_bytes())
    run_review(definition.id, until="Vote")
    assert history_counts(user_client, definition).json() == {
        "counts": {"Start_1": {"finished": 1, "canceled": 0}},
        "max": 1,
    }


def test_the_range_counts_only_activity_instances_started_in_it(user_client):
    definition = deploy_xml("review", REVIEW.read_bytes())
    instance = run_review(definition.id, until="Check")
    # Move the start event's history a day back: only it started before yesterday's end.
    HistoricActivityInstance.objects.filter(
        process_instance_id=instance, activity_id="Start_1"
    ).update(start_time="2026-01-01T10:00:00Z")
    before = history_counts(user_client, definition, started_before="2026-01-02T00:00").json()
    assert before["counts"] == {"Start_1": {"finished": 1, "canceled": 0}}
    after = history_counts(user_client, definition, started_after="2026-01-02").json()
    assert set(after["counts"]) == {"Vote", "Sub_start"}
    assert after["max"] == 2


def test_a_bad_range_is_refused_with_the_reason(user_client):
    definition = deploy_xml("review", REVIEW.read_bytes())
    response = history_counts(user_client, definition, started_after="last tuesday")
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert "Started after" in response.json()["message"]
    backwards = history_counts(
        user_client, definition, started_after="2026-02-01", started_before="2026-01-01"
    )
    assert backwards.status_code == 400
    assert "earlier" in backwards.json()["message"]


def test_the_page_offers_the_views_without_reading_history(user_client, reviews):
    first, _ = reviews
    table = HistoricActivityInstance._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        page = user_client.get(reverse("cockpit:definition", args=[first.id]))
    html = page.content.decode()
    assert 'data-overlay="heatmap" aria-pressed="false"' in html
    assert reverse("cockpit:definition-history-counts", args=[first.id]) in html
    assert not [q for q in queries.captured_queries if table in q["sql"]]


def test_a_user_who_may_not_read_the_definition_is_refused_as_on_the_page(client, operator):
    definition = deploy_xml("review", REVIEW.read_bytes())
    client.force_login(operator)
    page = client.get(reverse("cockpit:definition", args=[definition.id]))
    counts = history_counts(client, definition)
    assert page.status_code == counts.status_code == 403
    assert counts.context["message"] == page.context["message"]
    assert "review" in counts.context["message"]


def test_reading_the_history_needs_read_history_and_the_page_then_offers_no_views(
    client, operator
):
    definition = deploy_xml("review", REVIEW.read_bytes())
    grant(operator, Resource.PROCESS_DEFINITION, "review", Permission.READ,
          Permission.READ_INSTANCE)
    client.force_login(operator)
    page = client.get(reverse("cockpit:definition", args=[definition.id]))
    assert page.status_code == 200
    assert "data-overlay-modes" not in page.content.decode()
    assert history_counts(client, definition).status_code == 403
    Authorization.objects.filter(user_id=operator.username, resource_id="review").update(
        permissions=[Permission.READ, Permission.READ_INSTANCE, Permission.READ_HISTORY]
    )
    assert history_counts(client, definition).status_code == 200


def test_a_definition_of_another_tenant_is_not_found_as_on_the_page(client, operator):
    from tests.identity.factories import join_tenant

    (definition,) = deploy(
        [ResourceInput("review.bpmn", REVIEW.read_bytes())], tenant_id="two"
    ).process_definitions
    grant(operator, Resource.PROCESS_DEFINITION, "*", Permission.READ, Permission.READ_HISTORY)
    join_tenant(operator.username, "one")
    client.force_login(operator)
    page = client.get(reverse("cockpit:definition", args=[definition.id]))
    assert page.status_code == history_counts(client, definition).status_code == 404
