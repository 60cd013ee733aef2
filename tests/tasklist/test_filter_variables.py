"""A saved filter's variable columns (Camunda's filter `properties.variables`): the task cards
show them, the sort control sorts by them, and the filter forms save them."""

import html
import re
from datetime import UTC, datetime

import pytest

from engine.models import Task
from engine.runtime.values import TypedValue
from engine.services import runtime
from tasklist.models import TaskFilter
from tests.tasklist.conftest import login
from tests.tasklist.test_start_and_filters import grant_filter_create

pytestmark = pytest.mark.django_db

COLUMNS = [
    {"name": "amount", "label": "Amount"},
    {"name": "customerName", "label": "Customer"},
    {"name": "dueOn", "label": "Due on"},
]


def start(business_key: str, **variables) -> Task:
    started = runtime.start_process_instance(
        "kyc_review", variables={"customerName": "Ada", **variables}, business_key=business_key
    )
    return Task.objects.get(process_instance_id=started.id)


def filter_of(owner: str = "alice", columns=COLUMNS) -> TaskFilter:
    return TaskFilter.objects.create(
        name="Reviews", owner=owner, query={"list": "group"},
        properties={"variables": columns},
    )


def cards(body: str) -> dict[str, dict[str, tuple[str, str | None]]]:
    """business key -> {label: (text, title)} of each card on the page."""
    found = {}
    for card in re.findall(r'<li class="task-card.*?</li>', body, re.S):
        key = re.search(r'class="business-key">([^<]*)<', card).group(1)
        found[key] = {
            html.unescape(label): (html.unescape(text), html.unescape(title) if title else None)
            for label, title, text in re.findall(
                r'<dt>([^<]*)</dt> <dd(?: title="([^"]*)")?>([^<]*)</dd>', card
            )
        }
    return found


def test_cards_show_each_filter_variable_by_its_label_nearest_scope_first(demo, alice):
    due = datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    first = start("K-1", amount=120, dueOn=due)
    start("K-2")
    runtime.set_task_variables(first.id, {"customerName": "Grace"}, local=True)
    saved = filter_of()
    body = login(alice).get(f"/tasklist/?list=filter-{saved.pk}").content.decode()
    shown = cards(body)
    assert shown["K-1"] == {
        "Amount": ("120", None),
        "Customer": ("Grace", None),  # the task's own value hides the instance's
        "Due on": ("2026-03-04 09:30", None),  # the cards' date format (UTC here)
    }
    # A variable the task does not see is a dash, with a tooltip saying so.
    assert shown["K-2"]["Amount"] == ("—", "Not set")
    assert shown["K-2"]["Customer"] == ("Ada", None)


def test_a_long_value_is_cut_short_with_the_whole_value_in_its_tooltip(demo, alice):
    note = "word " * 30
    start("K-1", note=note)
    saved = filter_of(columns=[{"name": "note", "label": "Note"}, {"name": "flag"}])
    body = login(alice).get(f"/tasklist/?list=filter-{saved.pk}").content.decode()
    text, title = cards(body)["K-1"]["Note"]
    assert title == note.strip()
    assert len(text) <= 60
    assert text.endswith("…")
    assert note.startswith(text[:-1])
    assert cards(body)["K-1"]["flag"] == ("—", "Not set")  # no label: the name is shown


def test_a_list_without_variable_columns_shows_no_variables(demo, alice):
    start("K-1", amount=5)
    body = login(alice).get("/tasklist/?list=group").content.decode()
    assert "card-variables" not in body


def test_the_cards_cost_as_many_statements_for_one_task_as_for_many(
    demo, alice, django_assert_max_num_queries
):
    saved = filter_of()
    client = login(alice)
    start("K-0", amount=1)
    url = f"/tasklist/?list=filter-{saved.pk}"
    with django_assert_max_num_queries(25) as few:
        client.get(url, HTTP_HX_REQUEST="true")
    for n in range(1, 12):
        task = start(f"K-{n}", amount=n)
        runtime.set_task_variables(task.id, {"customerName": f"C{n}"}, local=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, HTTP_HX_REQUEST="true")
    shown = cards(response.content.decode())
    assert len(shown) == 12
    assert shown["K-7"]["Customer"] == ("C7", None)


def order(client, saved, direction: str) -> list[str]:
    url = f"/tasklist/?list=filter-{saved.pk}&sort=var:amount&order={direction}"
    return list(cards(client.get(url).content.decode()))


def test_sorting_by_a_long_variable_is_numeric_with_tasks_without_it_last(demo, alice):
    for key, amount in (("K-9", 9), ("K-100", 100), ("K-none", None), ("K-10", 10)):
        extra = {} if amount is None else {"amount": TypedValue("Long", amount)}
        start(key, **extra)
    saved = filter_of()
    client = login(alice)
    assert order(client, saved, "desc") == ["K-100", "K-10", "K-9", "K-none"]
    assert order(client, saved, "asc") == ["K-9", "K-10", "K-100", "K-none"]
    page = client.get(f"/tasklist/?list=filter-{saved.pk}").content.decode()
    assert '<option value="var:amount" >Amount</option>' in page


def test_a_variable_sort_outside_the_filters_columns_sorts_by_creation(demo, alice):
    start("K-1", amount=1)
    start("K-2", amount=2)
    saved = filter_of(columns=[{"name": "customerName", "label": "Customer"}])
    body = login(alice).get(f"/tasklist/?list=filter-{saved.pk}&sort=var:amount&order=asc")
    assert list(cards(body.content.decode())) == ["K-1", "K-2"]


def test_saving_a_view_stores_its_variable_columns_in_camundas_shape(demo, alice):
    grant_filter_create("alice")
    page = login(alice).get("/tasklist/").content.decode()
    assert "Variables on the task cards" in page
    response = login(alice).post(
        "/tasklist/filters/",
        {
            "name": "Amounts",
            "list": "group",
            "variable_name": ["amount", "", "customerName"],
            "variable_label": ["Amount", "ignored", ""],
        },
    )
    saved = TaskFilter.objects.get()
    assert response["Location"] == f"/tasklist/?list=filter-{saved.pk}"
    assert saved.properties == {
        "variables": [
            {"name": "amount", "label": "Amount"},
            {"name": "customerName", "label": "customerName"},
        ]
    }


def test_the_owner_edits_the_card_variables_and_a_reader_may_not(demo, alice, bob):
    saved = filter_of()
    saved.shares.create(group_id="compliance")
    assert "Variables on this filter" not in login(bob).get(
        f"/tasklist/?list=filter-{saved.pk}"
    ).content.decode()
    refused = login(bob).post(
        f"/tasklist/filters/{saved.pk}/variables/", {"variable_name": ["x"]}, follow=True
    )
    assert "permission" in html.unescape(refused.content.decode())
    saved.refresh_from_db()
    assert saved.properties["variables"] == COLUMNS
    page = login(alice).get(f"/tasklist/?list=filter-{saved.pk}").content.decode()
    assert 'value="customerName"' in page  # the form shows the columns to change
    login(alice).post(
        f"/tasklist/filters/{saved.pk}/variables/",
        {"variable_name": ["amount", "risk"], "variable_label": ["Sum", "Risk"]},
    )
    saved.refresh_from_db()
    assert saved.properties["variables"] == [
        {"name": "amount", "label": "Sum"}, {"name": "risk", "label": "Risk"},
    ]


def test_a_variable_named_twice_is_refused_and_changes_nothing(demo, alice):
    saved = filter_of()
    response = login(alice).post(
        f"/tasklist/filters/{saved.pk}/variables/",
        {"variable_name": ["amount", "amount"], "variable_label": ["A", "B"]},
        follow=True,
    )
    assert "names the variable &#x27;amount&#x27; a second time" in response.content.decode()
    saved.refresh_from_db()
    assert saved.properties["variables"] == COLUMNS


def test_sorting_by_a_variable_uses_the_value_the_card_shows(demo, alice):
    start("K-1", amount=1)
    second = start("K-2", amount=2)
    runtime.set_task_variables(second.id, {"amount": 0}, local=True)  # hides the instance's 2
    saved = filter_of()
    assert order(login(alice), saved, "asc") == ["K-2", "K-1"]


def test_a_subtask_card_shows_its_own_then_its_parents_variables(demo, alice):
    from engine.services import standalone_tasks

    parent = start("K-1", amount=70)
    runtime.set_task_variables(parent.id, {"note": "parent's"}, local=True)
    standalone_tasks.create_task(task_id="sub-1", name="Check", assignee="alice",
                                 parent_task_id=parent.id)
    runtime.set_task_variables("sub-1", {"customerName": "own"}, local=True)
    saved = TaskFilter.objects.create(
        name="Mine", owner="alice", query={"list": "mine"},
        properties={"variables": COLUMNS + [{"name": "note", "label": "Note"}]},
    )
    body = login(alice).get(f"/tasklist/?list=filter-{saved.pk}").content.decode()
    card = re.search(r'<li class="task-card[^"]*" data-task-id="sub-1">.*?</li>', body, re.S)
    shown = dict(re.findall(r"<dt>([^<]*)</dt> <dd[^>]*>([^<]*)</dd>", card.group(0)))
    assert shown == {"Amount": "70", "Customer": "own", "Due on": "—", "Note": "parent&#x27;s"}
