"""The lists: who sees which tasks, counts, search, sort, overdue, and a flat query count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from engine.models import Task
from engine.services import runtime
from identity.demo import ensure_demo_user
from tasklist.lists import ListParams, list_entries, page_of
from tests.tasklist.conftest import login, start_kyc

pytestmark = pytest.mark.django_db


def names(user, **query):
    page = page_of(user, ListParams.from_query(query))
    return None if page is None else [t.process_instance_id for t in page.rows]


def counts(user):
    return {e.key: e.count for e in list_entries(user)}


def test_group_task_is_in_every_members_group_list_and_in_nobody_elses(demo, alice, bob, mallory):
    task = start_kyc()
    assert names(alice, list="group") == [task.process_instance_id]
    assert names(bob, list="group") == [task.process_instance_id]
    assert names(mallory, list="group") == []
    assert counts(alice) == {"mine": 0, "group": 1}


def test_a_claimed_task_moves_to_my_tasks_and_leaves_the_others_group_list(demo, alice, bob):
    task = start_kyc()
    runtime.claim_task(task.id, "alice")
    assert names(alice, list="mine") == [task.process_instance_id]
    assert names(bob, list="group") == []
    assert counts(bob) == {"mine": 0, "group": 0}
    assert counts(alice) == {"mine": 1, "group": 0}


def test_all_tasks_is_only_for_the_admin_group(demo, alice, mallory):
    start_kyc()
    admin = ensure_demo_user()
    assert len(names(admin, list="all")) == 1
    assert "all" in counts(admin)
    assert names(mallory, list="all") is None
    response = login(mallory).get("/tasklist/?list=all")
    assert response.status_code == 403
    assert b"You may not see this list" in response.content


def test_search_finds_by_business_key_variable_value_and_process_name(demo, alice):
    first = start_kyc("Grace Hopper", "KYC-77")
    second = start_kyc("Alan Turing", "KYC-88")
    assert names(alice, list="group", q="KYC-77") == [first.process_instance_id]
    assert names(alice, list="group", q="turing") == [second.process_instance_id]
    assert len(names(alice, list="group", q="KYC review")) == 2
    assert names(alice, list="group", q="nothing like it") == []


def test_sort_by_priority_and_due_date_with_overdue_tasks_marked(demo, alice):
    low, high = start_kyc(business_key="low"), start_kyc(business_key="high")
    runtime.update_task(high.id, priority=90)
    runtime.update_task(low.id, due_date=timezone.now() - timedelta(days=1))
    by_priority = names(alice, list="group", sort="priority", order="desc")
    assert by_priority == [high.process_instance_id, low.process_instance_id]
    by_due = names(alice, list="group", sort="due")
    assert by_due == [low.process_instance_id, high.process_instance_id]
    page = login(alice).get("/tasklist/?list=group&sort=due").content.decode()
    assert page.count("Overdue") == 1


def test_sort_by_last_update_puts_the_latest_first_and_untouched_tasks_last(demo, alice):
    untouched, older, latest = (start_kyc(business_key=key) for key in ("u", "o", "l"))
    runtime.update_task(older.id, priority=60)
    runtime.update_task(latest.id, priority=70)
    assert names(alice, list="group", sort="lastUpdated") == [
        latest.process_instance_id, older.process_instance_id, untouched.process_instance_id
    ]
    page = login(alice).get("/tasklist/?list=group").content.decode()
    assert "Last updated" in page  # offered by the sort control


def test_the_list_partial_answers_htmx_with_the_list_only(demo, alice):
    start_kyc()
    response = login(alice).get("/tasklist/?list=group&q=KYC", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="task-list"')
    assert "Review customer" in body
    assert response["Vary"].count("HX-Request") == 1


def test_empty_lists_say_what_to_do(demo, alice):
    body = login(alice).get("/tasklist/?list=mine").content.decode()
    assert "You have no tasks." in body
    body = login(alice).get("/tasklist/?list=group").content.decode()
    assert "Nothing to pick up." in body


def test_group_list_query_count_does_not_grow_with_the_number_of_tasks(
    demo, alice, django_assert_max_num_queries
):
    client = login(alice)
    start_kyc()
    with django_assert_max_num_queries(20) as few:
        client.get("/tasklist/?list=group", HTTP_HX_REQUEST="true")
    for n in range(12):
        start_kyc(business_key=f"K-{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/tasklist/?list=group", HTTP_HX_REQUEST="true")
    assert response.content.decode().count("data-task-id=") == 13
    assert Task.objects.count() == 13


def _count_statements(queries) -> int:
    return sum(1 for q in queries.captured_queries if "COUNT(*)" in q["sql"])


def test_the_page_counts_each_list_once_and_the_side_bar_keeps_whole_list_counts(
    demo, alice, django_assert_max_num_queries
):
    start_kyc(business_key="KYC-1")
    start_kyc(business_key="KYC-2")
    client = login(alice)
    with django_assert_max_num_queries(30) as whole:
        body = client.get("/tasklist/?list=group").content.decode()
    # "mine" and "group" in the side bar; the page's total is the group list's count
    assert _count_statements(whole) == 2
    assert 'data-testid="count-group" aria-label="2 tasks">2<' in body
    with django_assert_max_num_queries(30) as searched:
        body = client.get("/tasklist/?list=group&q=KYC-1").content.decode()
    # a search narrows the page, not the side bar: the group list is counted on its own
    assert _count_statements(searched) == 3
    assert 'data-testid="count-group" aria-label="2 tasks">2<' in body
    assert body.count("data-task-id=") == 1
