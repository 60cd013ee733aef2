"""Sorting tasks by a variable (Camunda's `sorting: [{sortBy: "processVariable", parameters:
{variable, type}, sortOrder}]`) in POST /task and in a filter's stored query, and a filter's
`properties.variables` checked for Camunda's shape."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.models import Task
from engine.runtime.values import TypedValue
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import one_task_bpmn
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

HAL = "application/hal+json"


@pytest.fixture
def invoices(demo_user) -> dict[str, Task]:
    """Invoice tasks by business key, each instance with a Long `amount` (one without), a
    String `vendor` and a Date `received`."""
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    found = {}
    for key, amount, vendor, day in (
        ("nine", 9, "beta", 3), ("hundred", 100, "Alpha", 1), ("none", None, None, None),
        ("ten", 10, "gamma", 2),
    ):
        variables = {}
        if amount is not None:
            variables["amount"] = TypedValue("Long", amount)
            variables["vendor"] = vendor
            variables["received"] = datetime(2026, 1, day, tzinfo=UTC)
        started = rt.start_process_instance("invoice", variables=variables, business_key=key)
        found[key] = Task.objects.get(process_instance_id=started.id)
    return found


def keys_of(tasks: dict[str, Task], body: list[dict]) -> list[str]:
    by_id = {task.id: key for key, task in tasks.items()}
    return [by_id[dto["id"]] for dto in body]


def sorted_keys(api, invoices, sort_by, variable, type_name, order="asc"):
    sorting = [{"sortBy": sort_by, "sortOrder": order,
                "parameters": {"variable": variable, "type": type_name}}]
    response = api.post(f"{BASE}/task", {"sorting": sorting}, content_type="application/json")
    assert response.status_code == 200, response.content
    return keys_of(invoices, response.json())


def test_a_long_process_variable_sorts_numerically_with_tasks_without_it_last(api, invoices):
    assert sorted_keys(api, invoices, "processVariable", "amount", "Long") == [
        "nine", "ten", "hundred", "none"]
    assert sorted_keys(api, invoices, "processVariable", "amount", "Long", "desc") == [
        "hundred", "ten", "nine", "none"]


def test_strings_sort_ignoring_case_and_dates_as_dates(api, invoices):
    assert sorted_keys(api, invoices, "processVariable", "vendor", "String") == [
        "hundred", "nine", "ten", "none"]
    assert sorted_keys(api, invoices, "processVariable", "received", "date", "desc") == [
        "nine", "ten", "hundred", "none"]


def test_the_type_must_match_the_variables_as_in_camunda(api, invoices):
    # `amount` is a Long: sorting it as an Integer finds no such variable anywhere.
    keys = sorted_keys(api, invoices, "processVariable", "amount", "Integer")
    assert sorted(keys) == sorted(invoices)


def test_task_and_execution_variables_sort_by_their_own_scope(api, invoices):
    rt.set_task_variables(invoices["none"].id, {"rank": 1}, local=True)
    rt.set_task_variables(invoices["ten"].id, {"rank": 2}, local=True)
    assert sorted_keys(api, invoices, "taskVariable", "rank", "Integer", "desc")[:2] == [
        "ten", "none"]
    # The instance's own variables are no task's local ones.
    assert len(sorted_keys(api, invoices, "taskVariable", "amount", "Long")) == 4
    assert sorted_keys(api, invoices, "executionVariable", "amount", "Long")[:3] == [
        "nine", "ten", "hundred"]  # a lone token: its execution is the instance


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"sortBy": "processVariable", "sortOrder": "asc"},
         "Sorting by 'processVariable' needs 'parameters'"),
        ({"sortBy": "processVariable", "sortOrder": "asc", "parameters": {"type": "Long"}},
         "Sorting by 'processVariable' needs the parameter 'variable'"),
        ({"sortBy": "taskVariable", "sortOrder": "asc", "parameters": {"variable": "amount"}},
         "Sorting by 'taskVariable' needs the parameter 'type'"),
        ({"sortBy": "processVariable", "sortOrder": "asc",
          "parameters": {"variable": "amount", "type": "Json"}},
         "Cannot sort by 'processVariable' of type 'Json'"),
        ({"sortBy": "processVariable", "sortOrder": "up",
          "parameters": {"variable": "amount", "type": "Long"}},
         "Cannot set query parameter 'sortOrder' to value 'up'"),
        ({"sortBy": "caseInstanceVariable", "sortOrder": "asc"},
         "Cannot set query parameter 'sortBy' to value 'caseInstanceVariable'"),
    ],
)
def test_a_variable_sorting_that_cannot_apply_is_a_400_naming_the_problem(
    api, invoices, entry, message
):
    response = api.post(f"{BASE}/task", {"sorting": [entry]}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "InvalidRequestException"
    assert body["message"].startswith(message)


def test_get_cannot_sort_by_a_variable(api, invoices):
    response = api.get(f"{BASE}/task?sortBy=processVariable&sortOrder=asc")
    assert response.status_code == 400
    assert "needs parameters" in response.json()["message"]


def create_filter(api, query=None, properties=None):
    body = {"resourceType": "Task", "name": "Invoices", "query": query or {},
            "properties": properties or {}}
    return api.post(f"{BASE}/filter/create", body, content_type="application/json")


def test_a_filters_stored_sorting_orders_its_list_before_the_requests(api, invoices):
    sorting = [{"sortBy": "processVariable", "sortOrder": "desc",
                "parameters": {"variable": "amount", "type": "Long"}}]
    created = create_filter(api, {"sorting": sorting})
    assert created.status_code == 200, created.content
    assert created.json()["query"] == {"sorting": sorting}
    url = f"{BASE}/filter/{created.json()['id']}/list"
    assert keys_of(invoices, api.get(url).json()) == ["hundred", "ten", "nine", "none"]
    # The request's sorting comes after the filter's: it only breaks the filter's ties.
    posted = api.post(url, {"sorting": [{"sortBy": "created", "sortOrder": "asc"}]},
                      content_type="application/json")
    assert keys_of(invoices, posted.json()) == ["hundred", "ten", "nine", "none"]
    hal = api.get(url, HTTP_ACCEPT=HAL).json()
    assert keys_of(invoices, hal["_embedded"]["task"]) == ["hundred", "ten", "nine", "none"]


def test_a_filter_with_a_sorting_that_cannot_apply_is_refused(api, invoices):
    bad = [{"sortBy": "processVariable", "sortOrder": "asc", "parameters": {"variable": "x"}}]
    response = create_filter(api, {"sorting": bad})
    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "Sorting by 'processVariable' needs the parameter 'type'")
    assert create_filter(api, {"sorting": "amount"}).status_code == 400


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ("amount", "A filter's properties.variables must be a list of {name, label}"),
        (["amount"], "properties.variables[0] must be an object {name, label}"),
        ([{"label": "Amount"}], "properties.variables[0] needs a 'name'"),
        ([{"name": "amount", "label": 5}], "properties.variables[0] has a 'label' that is not"),
        ([{"name": "a", "label": "A"}, {"name": "a", "label": "B"}],
         "properties.variables[1] names the variable 'a' a second time"),
    ],
)
def test_filter_variables_in_another_shape_are_a_400_naming_the_entry(
    api, invoices, variables, message
):
    response = create_filter(api, properties={"variables": variables})
    assert response.status_code == 400
    assert response.json() == {"type": "InvalidRequestException",
                               "message": response.json()["message"], "code": None}
    assert response.json()["message"].startswith(message)
    good = create_filter(api, properties={"variables": [{"name": "amount", "label": "A"}]})
    assert good.status_code == 200
    put = api.put(f"{BASE}/filter/{good.json()['id']}",
                  {"resourceType": "Task", "name": "Invoices", "query": {},
                   "properties": {"variables": variables}}, content_type="application/json")
    assert put.status_code == 400


def test_the_openapi_task_query_names_the_variable_sortings():
    from engine.rest.openapi import document

    schemas = document()["paths"]["/task"]["post"]["requestBody"]["content"]
    entry = schemas["application/json"]["schema"]["properties"]["sorting"]["items"]
    assert "processVariable" in entry["properties"]["sortBy"]["enum"]
    assert "parameters" in entry["properties"]
