"""Query filters of the list resources: variable filters of the history queries (read from the
historic variables, so finished instances count) and POST bodies refused as their GET forms."""

from __future__ import annotations

import pytest

from tests.factories import one_task_bpmn
from tests.rest.conftest import BASE


@pytest.fixture
def instances(api, modeler_deploy):
    """Two invoices: ACME's for 10 (finished, its task had the local `note`) and Globex's for 30
    (running)."""
    assert modeler_deploy({"invoice.bpmn": one_task_bpmn()}).status_code == 200
    ids = {}
    for customer, amount in (("ACME", 10), ("Globex", 30)):
        variables = {"customer": {"value": customer, "type": "String"},
                     "amount": {"value": amount, "type": "Integer"}}
        started = post(api, "process-definition/key/invoice/start", {"variables": variables})
        ids[customer] = started.json()["id"]
    task = api.get(f"{BASE}/task?processInstanceId={ids['ACME']}").json()[0]["id"]
    note = {"modifications": {"note": {"value": "urgent", "type": "String"}}}
    assert post(api, f"task/{task}/localVariables", note).status_code == 204
    assert post(api, f"task/{task}/complete", {}).status_code == 204
    return ids


def post(api, path: str, body):
    return api.post(f"{BASE}/{path}", body, content_type="application/json")


def count(api, path: str) -> int:
    response = api.get(f"{BASE}/{path}")
    assert response.status_code == 200, response.content
    return response.json()["count"]


def test_history_task_filters_match_task_and_process_variables_of_finished_tasks(api, instances):
    assert count(api, "history/task/count") == 2
    assert count(api, "history/task/count?taskVariables=zzz_eq_nonexist") == 0
    assert count(api, "history/task/count?processVariables=zzz_eq_nonexist") == 0
    assert count(api, "history/task/count?taskVariables=note_eq_urgent") == 1
    assert count(api, "history/task/count?processVariables=amount_eq_10") == 1
    rows = api.get(f"{BASE}/history/task?processVariables=amount_gt_5,customer_neq_ACME").json()
    assert [row["processInstanceId"] for row in rows] == [instances["Globex"]]
    body = {"processVariables": [{"name": "amount", "operator": "lteq", "value": 10}],
            "taskVariables": [{"name": "note", "operator": "like", "value": "urg%"}]}
    assert post(api, "history/task/count", body).json() == {"count": 1}
    assert post(api, "history/task/count", {"taskVariables": [
        {"name": "zzz", "operator": "eq", "value": "nonexist"}]}).json() == {"count": 0}


def test_history_process_instances_filter_by_their_variables(api, instances):
    assert count(api, "history/process-instance/count?variables=zzz_eq_x") == 0
    rows = api.get(f"{BASE}/history/process-instance?variables=amount_lt_20").json()
    assert [(row["id"], row["state"]) for row in rows] == [(instances["ACME"], "COMPLETED")]
    posted = post(api, "history/process-instance/count",
                  {"variables": [{"name": "customer", "operator": "like", "value": "%o%"}]})
    assert posted.json() == {"count": 1}
    assert post(api, "history/process-instance/count", {"variables": [
        {"name": "zzz", "operator": "eq", "value": "x"}]}).json() == {"count": 0}


def test_variable_names_and_values_can_be_matched_ignoring_case(api, instances):
    filters = "variables=CUSTOMER_eq_acme"
    assert count(api, f"history/process-instance/count?{filters}") == 0
    both = "&variableNamesIgnoreCase=true&variableValuesIgnoreCase=true"
    assert count(api, f"history/process-instance/count?{filters}{both}") == 1
    assert count(api, f"history/task/count?processVariables=CUSTOMER_like_glo%25{both}") == 1
    assert count(api, f"process-instance/count?{filters.replace('acme', 'globex')}{both}") == 1


def test_a_running_instance_filter_with_like_answers_instead_of_failing(api, instances):
    assert count(api, "process-instance/count?variables=customer_like_Glo%25") == 1
    assert count(api, "task/count?processVariables=customer_like_%25x") == 1


def test_historic_variables_filter_by_value_only_with_a_name(api, instances):
    rows = api.get(f"{BASE}/history/variable-instance?variableName=amount&variableValue=10")
    assert [row["processInstanceId"] for row in rows.json()] == [instances["ACME"]]
    refused = api.get(f"{BASE}/history/variable-instance?variableValue=10")
    assert refused.status_code == 400
    assert "variable name and value are required" in refused.json()["message"]


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("history/task/count", "taskVariables=zzz"),
        ("history/task/count", "processVariables=a_eq_1,b"),
        ("history/process-instance/count", "variables=amount"),
    ],
)
def test_a_malformed_history_variable_filter_is_a_400(api, instances, path, query):
    response = api.get(f"{BASE}/{path}?{query}")
    assert response.status_code == 400
    name, value = query.split("=")
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": f"Cannot set query parameter '{name}' to value '{value}'",
        "code": None,
    }


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("process-instance", {"processInstanceIds": "notalist"},
         "Cannot set query parameter 'processInstanceIds' to value 'notalist'"),
        ("process-instance/count", {"processDefinitionKeyIn": ["a", ["b"]]},
         "Cannot set query parameter 'processDefinitionKeyIn' to value '[\"a\", [\"b\"]]'"),
        ("process-instance", {"firstResult": "x"},
         "Cannot set query parameter 'firstResult' to value 'x'"),
        ("task", {"maxResults": -1}, "Cannot set query parameter 'maxResults' to value '-1'"),
        ("task/count", {"taskIdIn": "x"}, "Cannot set query parameter 'taskIdIn' to value 'x'"),
        ("execution/count", {"businessKey": {"a": 1}},
         "Cannot set query parameter 'businessKey' to value '{\"a\": 1}'"),
        ("history/variable-instance/count", {"processInstanceIdIn": "a,b"},
         "Cannot set query parameter 'processInstanceIdIn' to value 'a,b'"),
        ("task", {"sorting": [{"sortBy": {"name": 1}, "sortOrder": "asc"}]},
         "Cannot set query parameter 'sortBy' to value '{'name': 1}'"),
        ("process-instance", {"sorting": [{"sortBy": "instanceId", "sortOrder": ["asc"]}]},
         "Cannot set query parameter 'sortOrder' to value '['asc']'"),
    ],
)
def test_post_query_bodies_refuse_what_the_get_form_refuses(api, instances, path, body, message):
    response = post(api, path, body)
    assert response.status_code == 400
    assert response.json() == {"type": "InvalidRequestException", "message": message, "code": None}


def test_post_query_bodies_read_well_typed_values_and_paging(api, instances):
    ids = [instances["ACME"], instances["Globex"]]
    body = {"processInstanceIds": ids, "sorting": [{"sortBy": "businessKey", "sortOrder": "asc"}]}
    assert len(post(api, "history/process-instance", body).json()) == 2
    assert len(post(api, "history/process-instance", {**body, "maxResults": 1}).json()) == 1
    # The query string, where Camunda reads paging, wins over the body.
    paged = post(api, "history/process-instance?maxResults=2", {**body, "maxResults": 1})
    assert len(paged.json()) == 2
    assert post(api, "history/task/count", {"taskPriority": "50", "finished": True}).json() == {
        "count": 1}
