"""`/decision-definition` as Camunda 7's: list and count with filters and sorting, reads by
id and key, the DMN XML, and evaluation with typed variables, which records a historic
decision instance; Camunda's 404, 400 and 500 bodies; READ and CREATE_INSTANCE checks."""

from __future__ import annotations

import pytest

from engine.models import HistoricDecisionInstance
from engine.services import ResourceInput, deploy
from identity.models import Authorization
from identity.resources import Permission, Resource
from tests.engine.dmn.support import table_xml
from tests.engine.test_decisions import DISH
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

pytestmark = pytest.mark.django_db

DD = f"{BASE}/decision-definition"
SPRING_6 = {"season": {"value": "Spring", "type": "String"},
            "guestCount": {"value": 6, "type": "Integer"}}


def dish_v2() -> bytes:
    return DISH.replace(b'name="Dish"', b'name="Dish of the day"').replace(
        b'id="decision"', b'id="decision" camunda:versionTag="v2"', 1)


@pytest.fixture
def dishes(demo_user):
    """`decision` in versions 1 and 2 and the one-rule table `d` (key `d`, version 1)."""
    first = deploy([ResourceInput("dish.dmn", DISH)], name="one")
    second = deploy([ResourceInput("dish.dmn", dish_v2()),
                     ResourceInput("points.dmn", table_xml([("r", ["-"], ["1"])]))], name="two")
    return first.decision_definitions[0], *second.decision_definitions


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()]


def test_the_list_answers_camundas_decision_definition_dtos(api, dishes):
    body = api.get(DD, {"key": "decision", "version": "1"}).json()
    assert body == [{
        "id": dishes[0].id, "key": "decision", "category": "http://camunda.org/schema/1.0/dmn",
        "name": "Dish", "version": 1, "resource": "dish.dmn",
        "deploymentId": dishes[0].deployment_id, "decisionRequirementsDefinitionId": None,
        "decisionRequirementsDefinitionKey": None, "tenantId": None, "versionTag": None,
        "historyTimeToLive": 180,
    }]


@pytest.mark.parametrize(("params", "expected"), [
    ({"latestVersion": "true"}, [1, 2]),
    ({"key": "decision"}, [0, 1]),
    ({"keyLike": "dec%"}, [0, 1]),
    ({"nameLike": "%of the day"}, [1]),
    ({"name": "Decision"}, [2]),
    ({"versionTag": "v2"}, [1]),
    ({"versionTagLike": "v%"}, [1]),
    ({"resourceName": "points.dmn"}, [2]),
    ({"resourceNameLike": "dish%"}, [0, 1]),
    ({"category": "http://example.com"}, [2]),
    ({"categoryLike": "http://camunda%"}, [0, 1]),
    ({"version": "2"}, [1]),
    ({"withoutTenantId": "true", "key": "d"}, [2]),
    ({"tenantIdIn": "acme"}, []),
    ({"tenantIdIn": "acme", "includeDecisionDefinitionsWithoutTenantId": "true", "key": "d"},
     [2]),
])
def test_the_list_filters_as_camunda(api, dishes, params, expected):
    found = ids(api.get(DD, {**params, "sortBy": "id", "sortOrder": "asc"}))
    assert sorted(found) == sorted(dishes[i].id for i in expected)
    count = api.get(f"{DD}/count", params).json()
    assert count == {"count": len(expected)}


def test_filters_by_id_list_and_deployment(api, dishes):
    assert ids(api.get(DD, {"decisionDefinitionId": dishes[2].id})) == [dishes[2].id]
    both = ids(api.get(DD, {"decisionDefinitionIdIn": f"{dishes[0].id},{dishes[2].id}"}))
    assert sorted(both) == sorted([dishes[0].id, dishes[2].id])
    assert len(ids(api.get(DD, {"deploymentId": dishes[1].deployment_id}))) == 2


def test_the_list_sorts_and_pages(api, dishes):
    by_version = ids(api.get(DD, {"sortBy": "version", "sortOrder": "desc", "key": "decision"}))
    assert by_version == [dishes[1].id, dishes[0].id]
    by_key = ids(api.get(DD, {"sortBy": "key", "sortOrder": "desc", "maxResults": "1",
                              "firstResult": "2"}))
    assert by_key == [dishes[2].id]
    for sort_by in ("category", "decisionRequirementsDefinitionKey", "id", "name",
                    "deploymentId", "tenantId", "versionTag"):
        assert len(ids(api.get(DD, {"sortBy": sort_by, "sortOrder": "asc"}))) == 3


def test_a_bad_sort_or_parameter_is_a_400_invalid_request(api, dishes):
    response = api.get(DD, {"sortBy": "deployTime", "sortOrder": "asc"})
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert api.get(f"{DD}/count", {"version": "one"}).status_code == 400


def test_reads_by_id_and_by_key_answer_the_definition_and_its_xml(api, dishes):
    assert api.get(f"{DD}/{dishes[0].id}").json()["version"] == 1
    assert api.get(f"{DD}/key/decision").json()["id"] == dishes[1].id
    xml = api.get(f"{DD}/key/decision/xml").json()
    assert xml["id"] == dishes[1].id
    assert 'camunda:versionTag="v2"' in xml["dmnXml"]
    assert api.get(f"{DD}/{dishes[0].id}/xml").json()["dmnXml"] == DISH.decode()


def test_unknown_definitions_are_camundas_404s(api, dishes):
    response = api.get(f"{DD}/nope")
    assert response.status_code == 404
    assert response.json()["type"] == "InvalidRequestException"
    assert "nope" in response.json()["message"]
    by_key = api.get(f"{DD}/key/nope")
    assert by_key.status_code == 404
    assert by_key.json() == {
        "type": "RestException",
        "message": "No matching decision definition with key: nope and no tenant-id",
        "code": None,
    }
    tenant = api.get(f"{DD}/key/decision/tenant-id/acme/xml")
    assert tenant.status_code == 404
    assert tenant.json()["message"].endswith("and tenant-id: acme")
    assert api.get(f"{DD}/nope/xml").json() == {
        "type": "InvalidRequestException", "message": "No matching definition with id nope",
        "code": None}


def test_evaluate_answers_the_typed_result_list_and_records_a_decision_instance(api, dishes):
    response = api.post(f"{DD}/key/decision/evaluate", {"variables": SPRING_6},
                        content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == [{"desiredDish": {"type": "String", "value": "Steak",
                                                "valueInfo": {}}}]
    instance = HistoricDecisionInstance.objects.get()
    assert instance.decision_definition_id == dishes[1].id
    assert (instance.process_instance_id, instance.user_id) == (None, "demo")
    assert [i.value for i in instance.inputs.all()] == ["Spring", 6]


def test_evaluate_by_id_answers_the_kept_rules_outputs(api, dishes):
    variables = {"season": {"value": "Summer"}, "guestCount": {"value": 3}}
    response = api.post(f"{DD}/{dishes[0].id}/evaluate", {"variables": variables},
                        content_type="application/json")
    assert response.json() == [{"desiredDish": {"type": "String",
                                                "value": "Light Salad and a nice Steak",
                                                "valueInfo": {}}}]
    one = api.post(f"{DD}/{dishes[2].id}/evaluate", {"variables": {"x": {"value": None}}},
                   content_type="application/json")
    assert one.json() == [{"result": {"type": "Integer", "value": 1, "valueInfo": {}}}]


def test_an_evaluation_that_fails_is_a_500_rest_exception_and_records_nothing(api, dishes):
    response = api.post(f"{DD}/{dishes[0].id}/evaluate",
                        {"variables": {"season": {"value": "Fall", "type": "String"}}},
                        content_type="application/json")
    assert response.status_code == 500
    body = response.json()
    assert body["type"] == "RestException"
    assert body["message"].startswith(f"Cannot evaluate decision {dishes[0].id}: ")
    assert "guestCount" in body["message"]
    assert not HistoricDecisionInstance.objects.exists()


def test_evaluate_refuses_bad_variables_and_unknown_definitions(api, dishes):
    bad = api.post(f"{DD}/key/decision/evaluate",
                   {"variables": {"guestCount": {"value": "many", "type": "Integer"}}},
                   content_type="application/json")
    assert bad.status_code == 400
    assert bad.json()["type"] == "InvalidRequestException"
    unknown = api.post(f"{DD}/nope/evaluate", {}, content_type="application/json")
    assert unknown.status_code == 404
    assert unknown.json()["message"].startswith("Cannot evaluate decision nope: ")
    assert api.post(f"{DD}/key/nope/evaluate", {},
                    content_type="application/json").status_code == 404


def test_lists_hold_only_readable_decision_definitions(dishes):
    make_user("mona")
    client = basic_client("mona")
    assert ids(client.get(DD)) == []
    assert client.get(f"{DD}/count").json() == {"count": 0}
    grant("mona", Resource.DECISION_DEFINITION, "d", Permission.READ)
    assert ids(client.get(DD)) == [dishes[2].id]


def test_reading_or_evaluating_without_permission_is_a_403(dishes):
    make_user("mona")
    client = basic_client("mona")
    for path in (f"{DD}/{dishes[0].id}", f"{DD}/key/decision", f"{DD}/key/decision/xml"):
        assert_forbidden(client.get(path), "mona")
    grant("mona", Resource.DECISION_DEFINITION, "decision", Permission.READ)
    assert client.get(f"{DD}/key/decision").status_code == 200
    evaluate = client.post(f"{DD}/key/decision/evaluate", {"variables": SPRING_6},
                           content_type="application/json")
    assert_forbidden(evaluate, "mona")
    assert evaluate.json()["missingAuthorizations"][0]["permissionName"] == "CREATE_INSTANCE"
    Authorization.objects.filter(user_id="mona").update(
        permissions=[Permission.READ, Permission.CREATE_INSTANCE])
    evaluate = client.post(f"{DD}/key/decision/evaluate", {"variables": SPRING_6},
                           content_type="application/json")
    assert evaluate.status_code == 200


def test_a_table_of_feel_functions_evaluates_over_a_json_variable(api, demo_user):
    # what a table migrated from Camunda 7.13+ (FEEL engine) writes: aggregates, filters,
    # `in` and `for` over the items of a JSON variable
    table = table_xml(
        [("big", ["> 100"],
          ['"review"', 'string join(for i in items[price > 100] return i.name, ", ")']),
         ("small", ["<= 100"], ['"auto"', '""'])],
        inputs=(("sum(items.price)", "number"),),
        outputs=(("route", "string"), ("why", "string")),
    )
    deploy([ResourceInput("orders.dmn", table)])
    items = '[{"name": "pen", "price": 5}, {"name": "desk", "price": 150}]'
    response = api.post(f"{DD}/key/d/evaluate",
                        {"variables": {"items": {"value": items, "type": "Json"}}},
                        content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == [{
        "route": {"type": "String", "value": "review", "valueInfo": {}},
        "why": {"type": "String", "value": "desk", "valueInfo": {}},
    }]


def test_durations_and_times_leave_a_decision_as_their_iso_texts(api, demo_user):
    table = table_xml(
        [("adult", ['>= duration("P18Y")'], ['duration("P1DT2H")', 'time("09:30:00")']),
         ("minor", ['< duration("P18Y")'], ['duration("P1Y2M")', "null"])],
        inputs=(('years and months duration(date(born), date("2026-03-14"))', None),),
        outputs=(("grace", None), ("opens", None)),
    )
    deploy([ResourceInput("age.dmn", table)])

    def evaluate(born: str) -> dict:
        response = api.post(f"{DD}/key/d/evaluate",
                            {"variables": {"born": {"value": born, "type": "String"}}},
                            content_type="application/json")
        assert response.status_code == 200, response.content
        return {name: (v["type"], v["value"]) for name, v in response.json()[0].items()}

    assert evaluate("2008-03-14") == {"grace": ("String", "P1DT2H"),
                                      "opens": ("String", "09:30:00")}
    assert evaluate("2008-03-15") == {"grace": ("String", "P1Y2M"), "opens": ("Null", None)}
    recorded = sorted(
        ([i.value for i in instance.inputs.all()],
         {o.variable_name: o.value for o in instance.outputs.all()})
        for instance in HistoricDecisionInstance.objects.all()
    )
    assert recorded == [(["P17Y11M"], {"grace": "P1Y2M", "opens": None}),
                        (["P18Y"], {"grace": "P1DT2H", "opens": "09:30:00"})]
