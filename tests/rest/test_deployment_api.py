"""/engine-rest/deployment: the Modeler's deploy, lists, resources, delete, errors."""

from __future__ import annotations

import re

import pytest

from engine.models import Deployment, ProcessDefinition, ProcessInstance
from engine.services import ResourceInput, deploy
from tests.conformance.conftest import MODELS
from tests.factories import bpmn_document, one_task_bpmn
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

CAMUNDA_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$")
DEPLOYMENT_FIELDS = ["links", "id", "name", "source", "deploymentTime", "tenantId"]
BAD_BPMN = bpmn_document(
    """<bpmn:process id="bad" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="flow" sourceRef="start" targetRef="nowhere" />
</bpmn:process>"""
)


def test_a_modeler_deployment_answers_the_deployment_with_its_definitions(modeler_deploy):
    response = modeler_deploy({"invoice.bpmn": one_task_bpmn(name="Invoice")})
    assert response.status_code == 200
    body = response.json()
    assert list(body) == DEPLOYMENT_FIELDS + [
        "deployedProcessDefinitions",
        "deployedCaseDefinitions",
        "deployedDecisionDefinitions",
        "deployedDecisionRequirementsDefinitions",
    ]
    assert (body["name"], body["source"], body["tenantId"]) == (
        "invoice",
        "Camunda Modeler",
        None,
    )
    assert CAMUNDA_DATE.match(body["deploymentTime"])
    assert body["links"] == [
        {
            "method": "GET",
            "href": f"http://testserver{BASE}/deployment/{body['id']}",
            "rel": "self",
        }
    ]
    (definition,) = body["deployedProcessDefinitions"].values()
    assert (definition["key"], definition["name"], definition["version"]) == (
        "invoice",
        "Invoice",
        1,
    )
    assert definition["resource"] == "invoice.bpmn"
    assert definition["deploymentId"] == body["id"]
    assert body["deployedCaseDefinitions"] is None
    assert body["deployedDecisionDefinitions"] is None


def test_a_decision_file_answers_its_decision_definitions(modeler_deploy):
    dish = (MODELS / "dish-decision.dmn").read_bytes()
    body = modeler_deploy({"dish.dmn": dish}, name="dinner").json()
    assert body["deployedProcessDefinitions"] is None
    (decision,) = body["deployedDecisionDefinitions"].values()
    assert decision == {
        "id": decision["id"],
        "key": "decision",
        "category": "http://camunda.org/schema/1.0/dmn",  # the definitions' namespace
        "name": "Dish",
        "version": 1,
        "resource": "dish.dmn",
        "deploymentId": body["id"],
        "decisionRequirementsDefinitionId": None,
        "decisionRequirementsDefinitionKey": None,
        "tenantId": None,
        "versionTag": None,
        "historyTimeToLive": 180,
    }
    assert decision["id"].startswith("decision:1:")


def test_the_resource_name_is_the_file_parts_filename(modeler_deploy, api):
    body = modeler_deploy({"billing-v2.bpmn": one_task_bpmn()}).json()
    resources = api.get(f"{BASE}/deployment/{body['id']}/resources").json()
    assert [r["name"] for r in resources] == ["billing-v2.bpmn"]


def test_several_files_deploy_together(modeler_deploy):
    body = modeler_deploy({"a.bpmn": one_task_bpmn("a"), "b.bpmn": one_task_bpmn("b")}).json()
    keys = sorted(d["key"] for d in body["deployedProcessDefinitions"].values())
    assert keys == ["a", "b"]


def test_duplicate_filtering_returns_the_old_deployment_without_definitions(modeler_deploy):
    first = modeler_deploy().json()
    again = modeler_deploy()
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["deployedProcessDefinitions"] is None
    assert Deployment.objects.count() == 1


def test_deploy_changed_only_deploys_nothing_for_an_unchanged_file(modeler_deploy):
    first = modeler_deploy(duplicate_filtering=False, changed_only=True).json()
    again = modeler_deploy(duplicate_filtering=False, changed_only=True).json()
    assert again["id"] == first["id"]
    assert again["deployedProcessDefinitions"] is None


def test_without_duplicate_filtering_the_same_file_is_a_new_version(modeler_deploy):
    modeler_deploy(duplicate_filtering=False)
    body = modeler_deploy(duplicate_filtering=False).json()
    (definition,) = body["deployedProcessDefinitions"].values()
    assert definition["version"] == 2


def test_a_tenant_id_part_deploys_for_that_tenant(modeler_deploy):
    body = modeler_deploy(**{"tenant-id": "acme"}).json()
    assert body["tenantId"] == "acme"
    assert next(iter(body["deployedProcessDefinitions"].values()))["tenantId"] == "acme"


def test_a_refused_file_is_a_parse_exception_naming_line_and_element(modeler_deploy):
    response = modeler_deploy({"bad.bpmn": BAD_BPMN})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "ParseException"
    assert "targets unknown element 'nowhere'" in body["message"]
    assert body["details"] == {
        "bad.bpmn": {
            "errors": [
                {
                    "message": "sequence flow 'flow' targets unknown element 'nowhere'",
                    "line": 5,
                    "column": 0,
                    "mainElementId": "flow",
                    "elementIds": ["flow"],
                }
            ],
            "warnings": [],
        }
    }
    assert Deployment.objects.count() == 0


def test_a_file_that_is_not_xml_is_refused_with_its_line(modeler_deploy):
    response = modeler_deploy({"broken.bpmn": b"<not xml"})
    assert response.status_code == 400
    (error,) = response.json()["details"]["broken.bpmn"]["errors"]
    assert error["line"] == 1
    assert error["mainElementId"] is None


def test_a_deployment_without_files_is_a_400(modeler_deploy):
    response = modeler_deploy({})
    assert response.status_code == 400
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "No deployment resources contained in the form upload.",
        "code": None,
    }


def test_an_activation_time_in_the_past_deploys_active_definitions(modeler_deploy):
    response = modeler_deploy(**{"deployment-activation-time": "2020-01-01T00:00:00.000+0000"})
    assert response.status_code == 200
    (definition,) = response.json()["deployedProcessDefinitions"].values()
    assert definition["suspended"] is False


def test_a_malformed_activation_time_is_a_400_naming_the_part(modeler_deploy):
    response = modeler_deploy(**{"deployment-activation-time": "tomorrow"})
    assert response.status_code == 400
    assert "deployment-activation-time" in response.json()["message"]


def test_creating_a_deployment_needs_credentials(client):
    response = client.post(f"{BASE}/deployment/create", {})
    assert response.status_code == 401
    assert response.json()["type"] == "AuthenticationException"


def test_a_browser_session_needs_the_csrf_token_to_deploy(demo_user):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(demo_user)
    response = browser.post(f"{BASE}/deployment/create", {"deployment-name": "x"})
    assert response.status_code == 403


# --- GET /deployment --------------------------------------------------------------------------


@pytest.fixture
def three_deployments():
    rows = []
    for name, source, tenant in [
        ("alpha", "cli", None),
        ("beta", "", "acme"),
        ("gamma", "ui", None),
    ]:
        result = deploy(
            [ResourceInput(f"{name}.bpmn", one_task_bpmn(name))],
            name=name,
            source=source,
            tenant_id=tenant,
        )
        rows.append(result.deployment)
    return rows


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["name"] for row in response.json()]


def test_the_deployment_list_has_every_camunda_field(api, three_deployments):
    body = api.get(f"{BASE}/deployment").json()
    assert [list(row) for row in body] == [DEPLOYMENT_FIELDS] * 3
    assert all(row["links"] == [] for row in body)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name=beta", ["beta"]),
        ("nameLike=%25a", ["alpha", "beta", "gamma"]),
        ("nameLike=g%25", ["gamma"]),
        ("source=cli", ["alpha"]),
        ("withoutSource=true", ["beta"]),
        ("tenantIdIn=acme", ["beta"]),
        ("withoutTenantId=true", ["alpha", "gamma"]),
        ("tenantIdIn=acme&includeDeploymentsWithoutTenantId=true", ["alpha", "beta", "gamma"]),
    ],
)
def test_deployments_filter_as_camunda_does(api, three_deployments, query, expected):
    assert names(api.get(f"{BASE}/deployment?{query}&sortBy=name&sortOrder=asc")) == expected


def test_deployments_filter_by_id(api, three_deployments):
    assert names(api.get(f"{BASE}/deployment?id={three_deployments[1].id}")) == ["beta"]


def test_deployments_filter_by_time_before_and_after(api, three_deployments):
    Deployment.objects.filter(name="alpha").update(deployment_time="2020-01-01T00:00:00Z")
    before = api.get(f"{BASE}/deployment?before=2021-01-01T00:00:00.000%2B0000")
    after = api.get(
        f"{BASE}/deployment?after=2021-01-01T00:00:00.000%2B0000&sortBy=name&sortOrder=asc"
    )
    assert names(before) == ["alpha"]
    assert names(after) == ["beta", "gamma"]


def test_deployments_sort_and_page(api, three_deployments):
    response = api.get(f"{BASE}/deployment?sortBy=name&sortOrder=desc&firstResult=1&maxResults=1")
    assert names(response) == ["beta"]


def test_deployments_count_with_the_same_filters(api, three_deployments):
    assert api.get(f"{BASE}/deployment/count?withoutTenantId=true").json() == {"count": 2}


@pytest.mark.parametrize(
    "query",
    [
        "sortBy=colour&sortOrder=asc",
        "sortBy=name",
        "after=yesterday",
        "withoutSource=yes",
        "maxResults=many",
    ],
)
def test_a_bad_deployment_query_is_a_400_invalid_request(api, query):
    response = api.get(f"{BASE}/deployment?{query}")
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"


def test_listing_deployments_needs_credentials(client):
    assert client.get(f"{BASE}/deployment").status_code == 401


# --- one deployment and its resources ----------------------------------------------------------


def test_one_deployment_by_id(api, three_deployments):
    row = three_deployments[0]
    body = api.get(f"{BASE}/deployment/{row.id}").json()
    assert (body["id"], body["name"], body["source"]) == (row.id, "alpha", "cli")


def test_an_unknown_deployment_is_a_404_invalid_request(api):
    response = api.get(f"{BASE}/deployment/nope")
    assert response.status_code == 404
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "Deployment with id 'nope' does not exist",
        "code": None,
    }


def test_resources_of_a_deployment_and_one_resource(api, modeler_deploy):
    body = modeler_deploy({"a.bpmn": one_task_bpmn("a"), "b.bpmn": one_task_bpmn("b")}).json()
    resources = api.get(f"{BASE}/deployment/{body['id']}/resources").json()
    assert [list(r) for r in resources] == [["id", "name", "deploymentId"]] * 2
    first = resources[0]
    one = api.get(f"{BASE}/deployment/{body['id']}/resources/{first['id']}").json()
    assert one == {"id": first["id"], "name": "a.bpmn", "deploymentId": body["id"]}


def test_resource_data_is_the_deployed_bytes_as_xml(api, modeler_deploy):
    xml = one_task_bpmn()
    body = modeler_deploy({"invoice.bpmn": xml}).json()
    (resource,) = api.get(f"{BASE}/deployment/{body['id']}/resources").json()
    response = api.get(f"{BASE}/deployment/{body['id']}/resources/{resource['id']}/data")
    assert response.status_code == 200
    assert response.content == xml
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"] == 'attachment; filename="invoice.bpmn"'


def test_resources_of_an_unknown_deployment_are_a_404(api):
    response = api.get(f"{BASE}/deployment/nope/resources")
    assert response.status_code == 404
    assert (
        response.json()["message"] == "Deployment resources for deployment id 'nope' do not exist."
    )


def test_an_unknown_resource_and_its_data_are_404(api, three_deployments):
    deployment_id = three_deployments[0].id
    for suffix in ("", "/data"):
        response = api.get(f"{BASE}/deployment/{deployment_id}/resources/nope{suffix}")
        assert response.status_code == 404
        assert response.json()["type"] == "InvalidRequestException"


# --- DELETE ------------------------------------------------------------------------------------


def test_deleting_a_deployment_is_204_and_removes_its_definitions(api, three_deployments):
    row = three_deployments[0]
    response = api.delete(f"{BASE}/deployment/{row.id}")
    assert response.status_code == 204
    assert not Deployment.objects.filter(pk=row.id).exists()
    assert not ProcessDefinition.objects.filter(deployment_id=row.id).exists()


def test_deleting_an_unknown_deployment_is_a_404(api):
    response = api.delete(f"{BASE}/deployment/nope?cascade=true")
    assert response.status_code == 404
    assert response.json()["type"] == "InvalidRequestException"


def test_deleting_a_deployment_with_running_instances_without_cascade_is_a_500(
    api, three_deployments
):
    definition = ProcessDefinition.objects.get(key="alpha")
    ProcessInstance.objects.create(
        id="pi-1", process_definition=definition, state={}, start_time="2026-01-01T00:00:00Z"
    )
    response = api.delete(f"{BASE}/deployment/{definition.deployment_id}")
    assert response.status_code == 500
    assert response.json()["type"] == "DeletionFailedException"
    assert "dependening process instances" in response.json()["message"]
    assert response.json()["code"] == 0


def test_a_malformed_cascade_is_a_400(api, three_deployments):
    response = api.delete(f"{BASE}/deployment/{three_deployments[0].id}?cascade=sure")
    assert response.status_code == 400
    assert Deployment.objects.filter(pk=three_deployments[0].id).exists()


_LISTENED = """<bpmn:process id="listened" isExecutable="true">
  <bpmn:extensionElements>
    <camunda:executionListener event="end" expression="${execution.setVariable('ended', true)}" />
  </bpmn:extensionElements>
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
  <bpmn:userTask id="wait" />
  <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""


@pytest.mark.parametrize(
    ("route", "skip", "listener_ran"),
    [
        ("deployment/{deployment}", "false", True),
        ("deployment/{deployment}", "true", False),
        ("process-definition/{definition}", "true", False),
        ("process-definition/key/listened", "true", False),
        ("process-definition/key/listened", "false", True),
    ],
)
def test_a_cascading_delete_runs_the_instances_end_listeners_unless_skipped(
    api, route, skip, listener_ran
):
    from engine.models import HistoricVariableInstance
    from engine.services.runtime import start_process_instance

    result = deploy([ResourceInput("listened.bpmn", bpmn_document(_LISTENED))])
    definition = result.process_definitions[0]
    instance = start_process_instance("listened").id
    path = route.format(deployment=result.deployment.id, definition=definition.id)
    response = api.delete(f"{BASE}/{path}?cascade=true&skipCustomListeners={skip}")
    assert response.status_code == 204
    assert not ProcessInstance.objects.filter(pk=instance).exists()
    ran = HistoricVariableInstance.objects.filter(process_instance_id=instance, name="ended")
    assert ran.exists() is listener_ran
