"""The external task query's definition, tenant and process variable filters: the list, the
count and the `externalTaskQuery` of the retries operations."""

from __future__ import annotations

import time

import pytest

from batches.models import Batch
from engine.models import ExternalTask
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document
from tests.rest.conftest import BASE

# The list views run their queries in a thread pool: the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)
URL = f"{BASE}/external-task"


def _process(key: str, name: str, extra: str = "") -> bytes:
    return bpmn_document(f"""<bpmn:process id="{key}" name="{name}" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ext" />
  <bpmn:serviceTask id="ext" camunda:type="external" camunda:topic="work">{extra}</bpmn:serviceTask>
  <bpmn:sequenceFlow id="f2" sourceRef="ext" targetRef="end" /><bpmn:endEvent id="end" />
</bpmn:process>""")


# `region` exists only in the external task's own scope (an input mapping).
REGIONAL = """<bpmn:extensionElements><camunda:inputOutput>
  <camunda:inputParameter name="region">north</camunda:inputParameter>
</camunda:inputOutput></bpmn:extensionElements>"""


@pytest.fixture
def tasks(demo_user):
    """alpha (no tenant): Ada 10, bob 30; beta (tenant acme): ada 20; gamma: a regional one."""
    deploy([ResourceInput("alpha.bpmn", _process("alpha", "Alpha Billing"))])
    beta = deploy([ResourceInput("beta.bpmn", _process("beta", "Beta Shipping"))],
                  tenant_id="acme")
    deploy([ResourceInput("gamma.bpmn", _process("gamma", "Gamma", REGIONAL))])
    rt.start_process_instance("alpha", variables={"customer": "Ada", "amount": 10})
    rt.start_process_instance("alpha", variables={"customer": "bob", "amount": 30})
    rt.start_process_instance(
        definition_id=beta.process_definitions[0].id,
        variables={"customer": "ada", "amount": 20},
    )
    rt.start_process_instance("gamma")
    return {row.id: row.process_definition_key for row in ExternalTask.objects.all()}


def keys(api, **params):
    response = api.get(URL, params)
    assert response.status_code == 200, response.content
    return sorted(task["processDefinitionKey"] for task in response.json())


def count(api, **params):
    return api.get(f"{URL}/count", params).json()["count"]


def post_keys(api, body):
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 200, response.content
    return sorted(task["processDefinitionKey"] for task in response.json())


def test_definition_key_filters_keep_only_tasks_of_those_definitions(api, tasks):
    assert keys(api, processDefinitionKey="beta") == ["beta"]
    assert keys(api, processDefinitionKeyIn="alpha,nothing") == ["alpha", "alpha"]
    assert count(api, processDefinitionKey="nothing") == 0
    assert post_keys(api, {"processDefinitionKeyIn": ["beta", "gamma"]}) == ["beta", "gamma"]


def test_definition_name_filters_match_the_name_exactly_or_with_like(api, tasks):
    assert keys(api, processDefinitionName="Beta Shipping") == ["beta"]
    assert count(api, processDefinitionName="Beta") == 0
    assert keys(api, processDefinitionNameLike="%a B%") == ["alpha", "alpha"]
    assert count(api, processDefinitionNameLike="%billing%") == 0  # LIKE minds the case


def test_tenant_filter_keeps_only_tasks_of_those_tenants(api, tasks):
    assert keys(api, tenantIdIn="acme") == ["beta"]
    assert count(api, tenantIdIn="other") == 0
    assert post_keys(api, {"tenantIdIn": ["acme", "other"]}) == ["beta"]


def test_process_variables_filter_by_value_in_both_forms(api, tasks):
    assert count(api, processVariables="customer_eq_Ada") == 1
    assert count(api, processVariables="amount_gt_15") == 2
    assert count(api, processVariables="amount_gt_15,customer_eq_bob") == 1
    body = {"processVariables": [{"name": "amount", "operator": "lteq", "value": 20}]}
    assert post_keys(api, body) == ["alpha", "beta"]


def test_ignore_case_flags_widen_names_and_string_values(api, tasks):
    assert count(api, processVariables="customer_eq_ada") == 1
    assert count(api, processVariables="customer_eq_ada", variableValuesIgnoreCase="true") == 2
    assert count(api, processVariables="CUSTOMER_eq_bob") == 0
    assert count(api, processVariables="CUSTOMER_eq_bob", variableNamesIgnoreCase="true") == 1


def test_a_variable_of_the_tasks_own_scope_counts_as_camundas_mapping_does(api, tasks):
    # ExternalTask.xml: any variable of the instance that is no task's (TASK_ID_ is null).
    assert keys(api, processVariables="region_eq_north") == ["gamma"]


@pytest.mark.parametrize("value", ["customer", "customer_notLike_A%"])
def test_a_malformed_or_unsupported_process_variables_filter_is_a_400(api, tasks, value):
    response = api.get(URL, {"processVariables": value})
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"


def test_retries_by_query_change_only_the_tasks_the_new_filters_select(api, tasks):
    body = {"externalTaskQuery": {"processDefinitionKey": "beta"}, "retries": 7}
    response = api.put(f"{URL}/retries", body, content_type="application/json")
    assert response.status_code == 204, response.content
    retries = {tasks[row.id]: row.retries for row in ExternalTask.objects.all()}
    assert retries == {"alpha": None, "beta": 7, "gamma": None}


def test_an_async_retries_batch_targets_only_tasks_matching_the_variables(
    api, tasks, settings
):
    # The batch runs in this process (a thread after the commit), as under `make run`: the
    # test needs no Celery worker.
    settings.LEGATO_JOB_EXECUTOR_IN_PROCESS = True
    query = {"processVariables": [{"name": "customer", "operator": "eq", "value": "bob"}]}
    body = {"externalTaskQuery": query, "retries": 2}
    response = api.post(f"{URL}/retries-async", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["totalJobs"] == 1
    batch = Batch.objects.get(pk=response.json()["id"])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not batch.finished:
        time.sleep(0.1)
        batch.refresh_from_db()
    assert batch.done == 1
    retries = [task.retries for task in ExternalTask.objects.all()]
    assert (retries.count(2), retries.count(None)) == (1, 3)
