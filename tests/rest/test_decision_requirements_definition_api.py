"""`/decision-requirements-definition` as Camunda 7's: list and count with filters, sorting
and paging, reads by id and key, the DMN XML, Camunda's 404 bodies and READ checks; the DRD
fields of decision definitions and deployments; DRD evaluations in decision history."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from engine.models import HistoricDecisionInstance
from engine.rest import openapi
from engine.services import ResourceInput, deploy
from identity.resources import Permission, Resource
from tests.engine.test_decision_requirements import DINNER_DRD
from tests.engine.test_decisions import DISH
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

pytestmark = pytest.mark.django_db

DRD = f"{BASE}/decision-requirements-definition"
SCORES = DINNER_DRD.replace(b'id="dinnerDecisions" name="Dinner Decisions"',
                            b'id="scores" name="Scores"')


@pytest.fixture
def drds(demo_user):
    """`dinnerDecisions` in versions 1 and 2, `scores` version 1 of tenant acme."""
    first = deploy([ResourceInput("dinner.dmn", DINNER_DRD)], name="one")
    second = deploy([ResourceInput("dinner.dmn", DINNER_DRD), ResourceInput("dish.dmn", DISH)],
                    name="two")
    third = deploy([ResourceInput("scores.dmn", SCORES)], tenant_id="acme")
    return [result.decision_definitions[0].decision_requirements_definition
            for result in (first, second, third)]


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()]


def test_the_list_answers_camundas_decision_requirements_definition_dtos(api, drds):
    body = api.get(DRD, {"key": "dinnerDecisions", "version": "1"}).json()
    assert body == [{
        "id": drds[0].id, "key": "dinnerDecisions", "name": "Dinner Decisions",
        "category": "http://camunda.org/schema/1.0/dmn", "version": 1,
        "resource": "dinner.dmn", "deploymentId": drds[0].deployment_id, "tenantId": None,
    }]
    assert set(body[0]) == set(openapi.SCHEMAS["DecisionRequirementsDefinitionDto"]["properties"])


@pytest.mark.parametrize(("params", "expected"), [
    ({}, [0, 1, 2]),
    ({"latestVersion": "true"}, [1, 2]),
    ({"key": "dinnerDecisions"}, [0, 1]),
    ({"keyLike": "sc%"}, [2]),
    ({"name": "Scores"}, [2]),
    ({"nameLike": "Dinner%"}, [0, 1]),
    ({"version": "2"}, [1]),
    ({"resourceName": "scores.dmn"}, [2]),
    ({"resourceNameLike": "din%"}, [0, 1]),
    ({"category": "http://camunda.org/schema/1.0/dmn"}, [0, 1, 2]),
    ({"categoryLike": "http://nowhere%"}, []),
    ({"tenantIdIn": "acme"}, [2]),
    ({"withoutTenantId": "true"}, [0, 1]),
    ({"tenantIdIn": "acme", "includeDecisionRequirementsDefinitionsWithoutTenantId": "true"},
     [0, 1, 2]),
])
def test_the_list_filters_as_camunda(api, drds, params, expected):
    found = ids(api.get(DRD, {**params, "sortBy": "id", "sortOrder": "asc"}))
    assert sorted(found) == sorted(drds[i].id for i in expected)
    assert api.get(f"{DRD}/count", params).json() == {"count": len(expected)}


def test_filters_by_id_list_and_deployment_and_sorts_and_pages(api, drds):
    assert ids(api.get(DRD, {"decisionRequirementsDefinitionId": drds[1].id})) == [drds[1].id]
    both = ids(api.get(DRD, {"decisionRequirementsDefinitionIdIn": f"{drds[0].id},{drds[2].id}"}))
    assert sorted(both) == sorted([drds[0].id, drds[2].id])
    assert ids(api.get(DRD, {"deploymentId": drds[2].deployment_id})) == [drds[2].id]
    by_version = ids(api.get(DRD, {"sortBy": "version", "sortOrder": "desc",
                                   "key": "dinnerDecisions"}))
    assert by_version == [drds[1].id, drds[0].id]
    page = ids(api.get(DRD, {"sortBy": "key", "sortOrder": "desc", "maxResults": "1"}))
    assert page == [drds[2].id]
    for sort_by in ("category", "id", "name", "deploymentId", "tenantId"):
        assert len(ids(api.get(DRD, {"sortBy": sort_by, "sortOrder": "asc"}))) == 3
    bad = api.get(DRD, {"sortBy": "resourceName", "sortOrder": "asc"})
    assert (bad.status_code, bad.json()["type"]) == (400, "InvalidRequestException")


def test_reads_by_id_and_key_answer_the_definition_and_its_xml(api, drds):
    assert api.get(f"{DRD}/{drds[0].id}").json()["version"] == 1
    assert api.get(f"{DRD}/key/dinnerDecisions").json()["id"] == drds[1].id
    assert api.get(f"{DRD}/key/scores/tenant-id/acme").json()["id"] == drds[2].id
    xml = api.get(f"{DRD}/key/dinnerDecisions/xml").json()
    assert xml == {"id": drds[1].id, "dmnXml": DINNER_DRD.decode()}
    assert api.get(f"{DRD}/{drds[2].id}/xml").json()["dmnXml"] == SCORES.decode()
    assert api.get(f"{DRD}/key/scores/tenant-id/acme/xml").json()["id"] == drds[2].id


def test_unknown_definitions_are_camundas_404s(api, drds):
    for path in (f"{DRD}/nope", f"{DRD}/nope/xml"):
        assert api.get(path).json() == {
            "type": "InvalidRequestException",
            "message": "no deployed decision requirements definition found with id 'nope'",
            "code": None,
        }
        assert api.get(path).status_code == 404
    by_key = api.get(f"{DRD}/key/nope")
    assert by_key.status_code == 404
    assert by_key.json() == {
        "type": "RestException",
        "message": "No matching decision requirements definition with key: nope and no "
                   "tenant-id",
                   "code": None,
    }
    # `scores` belongs to acme: without a tenant it is not found.
    assert api.get(f"{DRD}/key/scores/xml").status_code == 404
    tenant = api.get(f"{DRD}/key/dinnerDecisions/tenant-id/acme")
    assert tenant.json()["message"].endswith("and tenant-id: acme")


def test_reads_and_lists_need_read_on_the_decision_requirements_definition(drds):
    make_user("mona")
    client = basic_client("mona")
    assert ids(client.get(DRD)) == []
    assert client.get(f"{DRD}/count").json() == {"count": 0}
    for path in (f"{DRD}/{drds[0].id}", f"{DRD}/key/dinnerDecisions", f"{DRD}/{drds[0].id}/xml"):
        assert_forbidden(client.get(path), "mona")
    denied = client.get(f"{DRD}/key/dinnerDecisions").json()["missingAuthorizations"][0]
    assert (denied["permissionName"], denied["resourceName"], denied["resourceId"]) == (
        "READ", "Decision requirements definition", "dinnerDecisions")
    grant("mona", Resource.DECISION_REQUIREMENTS_DEFINITION, "dinnerDecisions", Permission.READ)
    assert sorted(ids(client.get(DRD))) == sorted([drds[0].id, drds[1].id])
    assert client.get(f"{DRD}/key/dinnerDecisions/xml").status_code == 200


def test_decision_definitions_name_their_drd_and_filter_by_it(api, drds):
    dd = f"{BASE}/decision-definition"
    dish = api.get(f"{dd}/key/dish").json()
    assert (dish["decisionRequirementsDefinitionId"],
            dish["decisionRequirementsDefinitionKey"]) == (drds[1].id, "dinnerDecisions")
    single = api.get(f"{dd}/key/decision").json()
    assert single["decisionRequirementsDefinitionId"] is None
    assert len(ids(api.get(dd, {"decisionRequirementsDefinitionId": drds[0].id}))) == 5
    assert len(ids(api.get(dd, {"decisionRequirementsDefinitionKey": "dinnerDecisions"}))) == 10
    assert ids(api.get(dd, {"withoutDecisionRequirementsDefinition": "true"})) == [single["id"]]
    ordered = api.get(dd, {"sortBy": "decisionRequirementsDefinitionKey", "sortOrder": "asc",
                           "withoutTenantId": "true"}).json()
    keys = [row["decisionRequirementsDefinitionKey"] for row in ordered]
    # Where a null sorts is the database's (as in Camunda: last on PostgreSQL, first on H2
    # and SQLite); the keys themselves come in order.
    assert keys.index(None) in (0, len(keys) - 1)
    assert [k for k in keys if k is not None] == ["dinnerDecisions"] * 10


def test_a_deployment_answers_its_decision_requirements_definitions(api, demo_user):
    response = api.post(f"{BASE}/deployment/create",
                        {"deployment-name": "dinner", "dinner.dmn": _upload("dinner.dmn")})
    assert response.status_code == 200, response.content
    body = response.json()
    (drd,) = body["deployedDecisionRequirementsDefinitions"].values()
    assert (drd["key"], drd["version"], drd["resource"]) == ("dinnerDecisions", 1, "dinner.dmn")
    assert {d["decisionRequirementsDefinitionId"]
            for d in body["deployedDecisionDefinitions"].values()} == {drd["id"]}
    assert list(drd) == list(openapi.SCHEMAS["DecisionRequirementsDefinitionDto"]["properties"])


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, DINNER_DRD, content_type="application/octet-stream")


def test_evaluating_the_root_over_rest_records_each_decision_under_its_root(api, drds):
    variables = {"temperature": {"value": 20, "type": "Integer"},
                 "dayType": {"value": "Weekday", "type": "String"},
                 "guestsWithChildren": {"value": False, "type": "Boolean"}}
    response = api.post(f"{BASE}/decision-definition/key/menu/evaluate",
                        {"variables": variables}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == [{"menu": {"type": "String",
                                         "value": "Serve Light Salad and a nice Steak",
                                         "valueInfo": {}}}]
    hi = f"{BASE}/history/decision-instance"
    (root,) = api.get(hi, {"rootDecisionInstancesOnly": "true"}).json()
    assert (root["decisionDefinitionKey"], root["rootDecisionInstanceId"]) == ("menu", None)
    assert (root["decisionRequirementsDefinitionId"],
            root["decisionRequirementsDefinitionKey"]) == (drds[1].id, "dinnerDecisions")
    assert root["userId"] == "demo"
    family = api.get(hi, {"rootDecisionInstanceId": root["id"]}).json()
    assert sorted(row["decisionDefinitionKey"] for row in family) == sorted(
        ["season", "guestCount", "dish", "beverages", "menu"])
    assert {row["rootDecisionInstanceId"] for row in family if row["id"] != root["id"]} == {
        root["id"]}
    assert api.get(f"{hi}/count", {"decisionRequirementsDefinitionId": drds[1].id}).json() == {
        "count": 5}
    assert api.get(f"{hi}/count", {"decisionRequirementsDefinitionKey": "scores"}).json() == {
        "count": 0}
    outputs = api.get(f"{hi}/{root['id']}", {"includeOutputs": "true"}).json()["outputs"]
    assert [(o["variableName"], o["ruleId"], o["ruleOrder"], o["clauseId"]) for o in outputs] == [
        ("menu", None, None, None)]
    assert HistoricDecisionInstance.objects.filter(user_id="demo").count() == 5
