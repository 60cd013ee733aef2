"""A saved filter's stored sorting (Camunda's query `sorting`): its list shows that order when
the URL picks no sort, the sort control shows it, a sort picked in the URL overrides it, and
"Save this sort on the filter" keeps the picked sort in Camunda's shape."""

import html
import re

import pytest

from engine.models import Execution, Task
from engine.rest.filter_query import stored_sorting
from engine.runtime.values import TypedValue
from engine.services import ResourceInput, deploy, runtime
from identity.models import Authorization, AuthorizationType
from identity.resources import Permission, Resource
from tasklist.models import TaskFilter
from tests.factories import bpmn_document
from tests.tasklist.conftest import login
from tests.tasklist.test_filter_variables import COLUMNS, cards, start

pytestmark = pytest.mark.django_db

BY_AMOUNT = [
    {
        "sortBy": "processVariable",
        "sortOrder": "asc",
        "parameters": {"variable": "amount", "type": "Long"},
    }
]


def filter_of(sorting, columns=COLUMNS) -> TaskFilter:
    saved = TaskFilter.objects.create(
        name="Reviews", owner="alice", query={"list": "group", "sorting": sorting},
        properties={"variables": columns},
    )
    saved.shares.create(group_id="compliance")
    return saved


def amounts(*pairs: tuple[str, int | None]) -> None:
    for key, amount in pairs:
        start(key, **({} if amount is None else {"amount": TypedValue("Long", amount)}))


def page(client, saved: TaskFilter, query: str = "") -> str:
    return client.get(f"/tasklist/?list=filter-{saved.pk}{query}").content.decode()


def control(body: str) -> tuple[str, str]:
    """(label of the sort, label of the order) the sort control shows selected."""

    def selected(select_id: str) -> str:
        select = re.search(rf'<select id="{select_id}".*?</select>', body, re.S).group(0)
        return html.unescape(re.search(r"<option [^>]*selected>([^<]*)<", select).group(1))

    return selected("task-sort"), selected("task-order")


def test_without_a_sort_in_the_url_the_list_shows_the_filters_stored_order(demo, alice):
    amounts(("K-100", 100), ("K-none", None), ("K-9", 9), ("K-10", 10))
    saved = filter_of(BY_AMOUNT)
    body = page(login(alice), saved)
    assert list(cards(body)) == ["K-9", "K-10", "K-100", "K-none"]
    assert control(body) == ("Amount", "oldest / lowest first")
    # The next page keeps it: the URL still picks no sort.
    assert "sort=" not in re.sub(r"<select.*?</select>", "", body, flags=re.S)


def test_a_sort_picked_in_the_url_overrides_the_stored_one(demo, alice):
    amounts(("K-2", 2), ("K-1", 1), ("K-3", 3))
    saved = filter_of(BY_AMOUNT)
    client = login(alice)
    newest = page(client, saved, "&sort=created&order=desc")
    assert list(cards(newest)) == ["K-3", "K-1", "K-2"]
    assert control(newest) == ("Created", "newest / highest first")
    highest = page(client, saved, "&sort=var:amount&order=desc")
    assert list(cards(highest)) == ["K-3", "K-2", "K-1"]


def test_a_stored_sorting_the_control_cannot_show_is_the_filters_order(demo, alice):
    for key, amount, priority in (("A", 1, 50), ("B", 5, 80), ("C", 9, 50), ("D", 3, 80)):
        task = start(key, amount=TypedValue("Long", amount))
        runtime.update_task(task.id, priority=priority)
    several = [{"sortBy": "priority", "sortOrder": "desc"}, *BY_AMOUNT]
    saved = filter_of(several)
    client = login(alice)
    body = page(client, saved)
    assert list(cards(body)) == ["D", "B", "A", "C"]
    assert control(body) == ("Filter's order", "as the filter orders")
    # Picking another sort overrides it; the control keeps offering the filter's order.
    by_amount = page(client, saved, "&sort=var:amount&order=asc")
    assert list(cards(by_amount)) == ["A", "D", "B", "C"]
    assert control(by_amount) == ("Amount", "oldest / lowest first")
    assert "Filter's order" in html.unescape(by_amount)
    assert list(cards(page(client, saved, "&sort=created&order=asc"))) == ["A", "B", "C", "D"]
    again = page(client, saved, "&sort=filter&order=asc")  # the order select cannot turn it
    assert list(cards(again)) == ["D", "B", "A", "C"]
    assert control(again)[0] == "Filter's order"


def test_a_stored_variable_sort_off_the_cards_is_the_filters_order(demo, alice):
    amounts(("K-2", 2), ("K-1", 1))
    saved = filter_of(BY_AMOUNT, columns=[{"name": "customerName", "label": "Customer"}])
    body = page(login(alice), saved)
    assert list(cards(body)) == ["K-1", "K-2"]
    assert control(body)[0] == "Filter's order"


def test_saving_the_sort_writes_camundas_shape_and_the_list_then_shows_it(demo, alice):
    amounts(("K-1", 1), ("K-3", 3), ("K-2", 2))
    saved = filter_of([])
    client = login(alice)
    assert "Save this sort on the filter" not in page(client, saved)  # no sort picked
    picked = page(client, saved, "&sort=var:amount&order=desc")
    assert "Save this sort on the filter" in picked
    response = client.post(
        f"/tasklist/filters/{saved.pk}/sorting/", {"sort": "var:amount", "order": "desc"}
    )
    assert response["Location"] == f"/tasklist/?list=filter-{saved.pk}"
    saved.refresh_from_db()
    expected = [
        {
            "sortBy": "processVariable",
            "sortOrder": "desc",
            "parameters": {"variable": "amount", "type": "Long"},
        }
    ]
    assert saved.query == {"list": "group", "sorting": expected}
    assert stored_sorting(saved.query["sorting"]) == expected  # what REST /filter accepts
    body = page(client, saved)
    assert list(cards(body)) == ["K-3", "K-2", "K-1"]
    assert control(body) == ("Amount", "newest / highest first")
    assert "Save this sort on the filter" not in body  # it is the filter's now
    client.post(f"/tasklist/filters/{saved.pk}/sorting/", {"sort": "due", "order": "asc"})
    saved.refresh_from_db()
    assert saved.query["sorting"] == [{"sortBy": "dueDate", "sortOrder": "asc"}]


def test_a_variable_without_values_cannot_be_saved_and_nothing_changes(demo, alice):
    start("K-1")
    saved = filter_of(BY_AMOUNT)
    response = login(alice).post(
        f"/tasklist/filters/{saved.pk}/sorting/",
        {"sort": "var:dueOn", "order": "asc"},
        follow=True,
    )
    assert "has a value of “Due on” to sort by yet" in html.unescape(response.content.decode())
    saved.refresh_from_db()
    assert saved.query["sorting"] == BY_AMOUNT


def test_a_reader_without_update_is_not_offered_the_save_and_is_refused(demo, alice, bob):
    amounts(("K-1", 1))
    saved = filter_of(BY_AMOUNT)
    client = login(bob)
    assert "Save this sort on the filter" not in page(client, saved, "&sort=created")
    refused = client.post(
        f"/tasklist/filters/{saved.pk}/sorting/", {"sort": "created", "order": "desc"},
        follow=True,
    )
    assert "permission" in html.unescape(refused.content.decode())
    saved.refresh_from_db()
    assert saved.query["sorting"] == BY_AMOUNT
    Authorization.objects.create(
        type=AuthorizationType.GRANT, user_id="bob", resource_type=Resource.FILTER,
        resource_id=str(saved.pk), permissions=[Permission.UPDATE],
    )
    assert "Save this sort on the filter" in page(client, saved, "&sort=created")


# A review inside an embedded sub-process, offered to the compliance group.
NESTED = """<bpmn:process id="nested_review" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="sub" />
  <bpmn:subProcess id="sub">
    <bpmn:startEvent id="ss" /><bpmn:sequenceFlow id="sf1" sourceRef="ss" targetRef="t" />
    <bpmn:userTask id="t" name="Review" camunda:candidateGroups="compliance" />
    <bpmn:sequenceFlow id="sf2" sourceRef="t" targetRef="se" /><bpmn:endEvent id="se" />
  </bpmn:subProcess>
  <bpmn:sequenceFlow id="f2" sourceRef="sub" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>"""


def test_a_value_on_an_embedded_sub_process_scope_sorts_as_its_card_shows_it(demo, alice):
    deploy([ResourceInput("nested.bpmn", bpmn_document(NESTED))])
    for key, on_instance, on_sub in (("N-1", 1, 30), ("N-2", 20, None), ("N-3", 3, 10)):
        started = runtime.start_process_instance(
            "nested_review", business_key=key, variables={"amount": on_instance}
        )
        if on_sub is not None:
            scope = Execution.objects.get(process_instance_id=started.id, activity_id="sub")
            runtime.set_variables(scope.id, {"amount": on_sub}, local=True)
    assert Task.objects.count() == 3
    saved = filter_of([])
    body = page(login(alice), saved, "&sort=var:amount&order=asc")
    shown = cards(body)
    assert list(shown) == ["N-3", "N-2", "N-1"]
    assert [shown[key]["Amount"][0] for key in shown] == ["10", "20", "30"]
