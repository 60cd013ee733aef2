"""/process-instance `rootProcessInstanceId` (GET and POST) and `orQueries` (POST), and the
bulk operations whose `processInstanceQuery` goes through the same filter: a narrowing
criterion must narrow the batch, never be dropped."""

from __future__ import annotations

import pytest

from engine.models import ProcessInstance
from engine.services import ResourceInput, deploy
from engine.services.runtime import start_process_instance
from tests.factories import bpmn_document, one_task_bpmn
from tests.rest.batch_helpers import run_to_end
from tests.rest.conftest import BASE
from tests.rest.test_custom_incidents_api import PARENT

pytestmark = pytest.mark.django_db

GRAND = bpmn_document("""<bpmn:process id="grand" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="call" />
  <bpmn:callActivity id="call" calledElement="parent" />
  <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")


@pytest.fixture
def chain(demo_user) -> dict[str, str]:
    """`grand` calls `parent`, which calls the invoice `child`; `a` and `b` are invoices of
    their own, with business keys A and B and an amount of 5 and 9."""
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    deploy([ResourceInput("parent.bpmn", PARENT)])
    deploy([ResourceInput("grand.bpmn", GRAND)])
    grand = start_process_instance("grand").id
    parent = ProcessInstance.objects.get(super_process_instance_id=grand).id
    child = ProcessInstance.objects.get(super_process_instance_id=parent).id
    a = start_process_instance("invoice", business_key="A", variables={"amount": 5}).id
    b = start_process_instance("invoice", business_key="B", variables={"amount": 9}).id
    return {"grand": grand, "parent": parent, "child": child, "a": a, "b": b}


def listed(api, body: dict) -> list[str]:
    response = api.post(f"{BASE}/process-instance", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json())


def counted(api, body: dict) -> int:
    response = api.post(f"{BASE}/process-instance/count", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["count"]


def ids(chain: dict[str, str], *names: str) -> list[str]:
    return sorted(chain[name] for name in names)


def test_root_process_instance_id_finds_the_whole_call_chain_and_nothing_else(api, chain):
    tree = ids(chain, "grand", "parent", "child")
    got = api.get(f"{BASE}/process-instance", {"rootProcessInstanceId": chain["grand"]})
    assert sorted(row["id"] for row in got.json()) == tree
    assert api.get(f"{BASE}/process-instance/count",
                   {"rootProcessInstanceId": chain["grand"]}).json() == {"count": 3}
    assert listed(api, {"rootProcessInstanceId": chain["grand"]}) == tree
    assert listed(api, {"rootProcessInstanceId": chain["a"]}) == [chain["a"]]
    # A called instance is nobody's root.
    assert listed(api, {"rootProcessInstanceId": chain["parent"]}) == []


def test_or_queries_narrow_the_list_and_the_count(api, chain):
    body = {"processDefinitionKey": "invoice",
            "orQueries": [{"businessKey": "A", "rootProcessInstanceId": chain["grand"]}]}
    assert listed(api, body) == ids(chain, "a", "child")
    assert counted(api, body) == 2
    # Two or-queries must both hold.
    body["orQueries"].append({"businessKeyIn": ["B", "C"], "processInstanceIds": [chain["a"]]})
    assert listed(api, body) == [chain["a"]]
    assert counted(api, {"orQueries": [{"businessKey": "nobody"}]}) == 0


def test_or_query_conditions_of_variables_are_alternatives(api, chain):
    either = [{"name": "amount", "operator": "eq", "value": 5},
              {"name": "amount", "operator": "eq", "value": 9}]
    assert listed(api, {"orQueries": [{"variables": either}]}) == ids(chain, "a", "b")
    # outside an or-query, both conditions must hold
    assert listed(api, {"variables": either}) == []


def test_false_flags_and_modifiers_in_an_or_query_widen_nothing(api, chain):
    assert listed(api, {"orQueries": [{"businessKey": "A", "suspended": False,
                                       "variableNamesIgnoreCase": True}]}) == [chain["a"]]
    upper = [{"name": "AMOUNT", "operator": "eq", "value": 9}]
    assert listed(api, {"orQueries": [{"variables": upper, "businessKey": "A",
                                       "variableNamesIgnoreCase": True}]}) == ids(chain, "a", "b")
    assert listed(api, {"orQueries": [{"variables": upper}]}) == []
    # a case criterion matches nothing, so the other one decides
    assert listed(api, {"orQueries": [{"caseInstanceId": "c", "businessKey": "A"}]}) \
        == [chain["a"]]


@pytest.mark.parametrize(
    ("or_query", "message"),
    [({"orQueries": [{"businessKey": "A"}]}, "nested orQueries"),
     ({"businessKeyNope": "A"}, "'businessKeyNope' is not supported in orQueries")],
)
def test_bad_or_queries_are_refused(api, chain, or_query, message):
    response = api.post(f"{BASE}/process-instance", {"orQueries": [or_query]},
                        content_type="application/json")
    assert response.status_code == 400
    assert message in response.json()["message"]


def test_a_deletion_batch_deletes_only_what_its_or_query_selects(api, chain):
    response = api.post(f"{BASE}/process-instance/delete", {
        "processInstanceQuery": {"processDefinitionKey": "invoice",
                                 "orQueries": [{"businessKeyIn": ["A"]}]},
        "deleteReason": "cleanup",
    }, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["totalJobs"] == 1
    run_to_end(response.json()["id"])
    assert not ProcessInstance.objects.filter(pk=chain["a"]).exists()
    assert ProcessInstance.objects.count() == 4


def test_a_no_match_or_query_selects_no_instance_for_a_batch(api, chain):
    response = api.post(f"{BASE}/process-instance/delete", {
        "processInstanceQuery": {"orQueries": [{"businessKey": "nobody"}]},
    }, content_type="application/json")
    assert response.status_code == 400
    assert ProcessInstance.objects.count() == 5


def test_a_suspension_batch_suspends_only_the_chain_of_its_root(api, chain):
    response = api.post(f"{BASE}/process-instance/suspended-async", {
        "processInstanceQuery": {"rootProcessInstanceId": chain["grand"]}, "suspended": True,
    }, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["totalJobs"] == 3
    run_to_end(response.json()["id"])
    suspended = ProcessInstance.objects.filter(suspended=True).values_list("id", flat=True)
    assert sorted(suspended) == ids(chain, "grand", "parent", "child")
