"""`/history/decision-instance` as Camunda 7's: list and count with filters and sorting, one
by id, inputs and outputs only when asked for, READ_HISTORY on the decision definition."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from engine.models import HistoricDecisionInstance
from engine.rest import openapi
from engine.services import runtime as rt
from identity.resources import Permission, Resource
from tests.engine.test_decisions import DISH, SINGLE_DISH, deploy_dinner
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_decision_definition_api import SPRING_6
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

pytestmark = pytest.mark.django_db

HI = f"{BASE}/history/decision-instance"


@pytest.fixture
def evaluated(api):
    """Two evaluations by the dinner process (Fall, then Spring) and one over REST."""
    deployed = deploy_dinner(DISH, **SINGLE_DISH)
    fall = rt.start_process_instance("dinner", variables={"season": "Fall", "guestCount": 2})
    spring = rt.start_process_instance("dinner", variables={"season": "Spring", "guestCount": 3})
    api.post(f"{BASE}/decision-definition/key/decision/evaluate", {"variables": SPRING_6},
             content_type="application/json")
    rows = {row.process_instance_id: row for row in HistoricDecisionInstance.objects.all()}
    # Distinct whole-second evaluation times, in the order the evaluations happened.
    base = timezone.now().replace(microsecond=0) - timedelta(minutes=10)
    for offset, instance_id in enumerate((fall.id, spring.id, None)):
        rows[instance_id].evaluation_time = base + timedelta(minutes=offset)
        rows[instance_id].save()
    return deployed, fall, spring, rows


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()]


def test_one_instance_answers_camundas_dto_without_inputs_and_outputs(api, evaluated):
    deployed, fall, _, rows = evaluated
    body = api.get(f"{HI}/{rows[fall.id].id}").json()
    assert body["decisionDefinitionId"] == deployed.decision_definitions[0].id
    assert (body["decisionDefinitionKey"], body["decisionDefinitionName"]) == ("decision", "Dish")
    assert body["processInstanceId"] == body["rootProcessInstanceId"] == fall.id
    assert body["processDefinitionKey"] == "dinner"
    assert body["activityId"] == "plan"
    assert body["activityInstanceId"].startswith("plan:")
    assert (body["inputs"], body["outputs"], body["userId"]) == (None, None, None)
    assert body["evaluationTime"].endswith("+0000")
    assert set(body) == set(openapi.SCHEMAS["HistoricDecisionInstanceDto"]["properties"])


def test_inputs_and_outputs_come_when_asked_for(api, evaluated):
    _, fall, _, rows = evaluated
    body = api.get(f"{HI}/{rows[fall.id].id}",
                   {"includeInputs": "true", "includeOutputs": "true"}).json()
    season, guests = body["inputs"]
    assert (season["clauseId"], season["clauseName"], season["type"], season["value"]) == (
        "input1", "Season", "String", "Fall")
    assert (guests["type"], guests["value"]) == ("Integer", 2)
    (dish,) = body["outputs"]
    assert dish["ruleId"] == "row-950612891-1"
    assert (dish["ruleOrder"], dish["variableName"], dish["value"]) == (1, "desiredDish",
                                                                        "Spareribs")
    assert (dish["clauseId"], dish["clauseName"]) == ("output1", "Dish")
    assert set(season) == set(openapi.SCHEMAS["HistoricDecisionInputInstanceDto"]["properties"])
    assert set(dish) == set(openapi.SCHEMAS["HistoricDecisionOutputInstanceDto"]["properties"])
    listed = api.get(HI, {"includeOutputs": "true", "processInstanceId": fall.id}).json()
    assert listed[0]["inputs"] is None
    assert listed[0]["outputs"][0]["value"] == "Spareribs"


def test_the_rest_evaluation_has_its_user_and_no_process(api, evaluated):
    rest = evaluated[3][None]
    body = api.get(f"{HI}/{rest.id}").json()
    assert (body["userId"], body["processInstanceId"], body["activityId"]) == ("demo", None, None)


def test_the_list_filters_as_camunda(api, evaluated):
    deployed, fall, spring, rows = evaluated
    definition = deployed.decision_definitions[0].id
    process_definition = deployed.process_definitions[0].id
    fall_id, spring_id, rest_id = rows[fall.id].id, rows[spring.id].id, rows[None].id
    cases = [
        ({"decisionInstanceId": fall_id}, {fall_id}),
        ({"decisionInstanceIdIn": f"{fall_id},{rest_id}"}, {fall_id, rest_id}),
        ({"decisionDefinitionId": definition}, {fall_id, spring_id, rest_id}),
        ({"decisionDefinitionIdIn": f"{definition},x"}, {fall_id, spring_id, rest_id}),
        ({"decisionDefinitionKey": "other"}, set()),
        ({"decisionDefinitionKeyIn": "decision,other"}, {fall_id, spring_id, rest_id}),
        ({"decisionDefinitionName": "Dish"}, {fall_id, spring_id, rest_id}),
        ({"processDefinitionId": process_definition}, {fall_id, spring_id}),
        ({"processDefinitionKey": "dinner"}, {fall_id, spring_id}),
        ({"processInstanceId": spring.id}, {spring_id}),
        ({"activityIdIn": "plan,other"}, {fall_id, spring_id}),
        ({"activityInstanceIdIn": rows[spring.id].activity_instance_id}, {spring_id}),
        ({"evaluatedBefore": _date(rows[spring.id])}, {fall_id, spring_id}),
        ({"evaluatedAfter": _date(rows[spring.id])}, {spring_id, rest_id}),
        ({"tenantIdIn": "acme"}, set()),
        ({"withoutTenantId": "true"}, {fall_id, spring_id, rest_id}),
        ({"rootDecisionInstanceId": fall_id}, {fall_id}),
        ({"caseInstanceId": "c1"}, set()),
        ({"decisionRequirementsDefinitionKey": "drd"}, set()),
        ({"rootDecisionInstancesOnly": "true", "disableBinaryFetching": "true",
          "disableCustomObjectDeserialization": "true"}, {fall_id, spring_id, rest_id}),
    ]
    for params, expected in cases:
        assert set(ids(api.get(HI, params))) == expected, params
        assert api.get(f"{HI}/count", params).json() == {"count": len(expected)}, params


def _date(row: HistoricDecisionInstance) -> str:
    return row.evaluation_time.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def test_the_list_sorts_by_evaluation_time_and_pages(api, evaluated):
    _, fall, spring, rows = evaluated
    newest_first = ids(api.get(HI, {"sortBy": "evaluationTime", "sortOrder": "desc"}))
    assert newest_first == [rows[None].id, rows[spring.id].id, rows[fall.id].id]
    page = ids(api.get(HI, {"sortBy": "evaluationTime", "sortOrder": "asc",
                            "firstResult": "1", "maxResults": "1"}))
    assert page == [rows[spring.id].id]
    assert len(ids(api.get(HI, {"sortBy": "tenantId", "sortOrder": "asc"}))) == 3
    assert api.get(HI, {"sortBy": "activityId", "sortOrder": "asc"}).status_code == 400
    assert api.get(HI, {"evaluatedAfter": "yesterday"}).status_code == 400


def test_an_unknown_instance_is_a_404(api, evaluated):
    response = api.get(f"{HI}/nope")
    assert response.status_code == 404
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "Historic decision instance with id 'nope' does not exist",
        "code": None,
    }


def test_only_decisions_with_read_history_are_shown(evaluated):
    _, fall, _, rows = evaluated
    make_user("mona")
    client = basic_client("mona")
    assert ids(client.get(HI)) == []
    assert client.get(f"{HI}/count").json() == {"count": 0}
    assert_forbidden(client.get(f"{HI}/{rows[fall.id].id}"), "mona")
    grant("mona", Resource.DECISION_DEFINITION, "decision", Permission.READ_HISTORY)
    assert len(ids(client.get(HI))) == 3
    assert client.get(f"{HI}/{rows[fall.id].id}").status_code == 200
