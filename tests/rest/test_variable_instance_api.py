"""`/variable-instance`: variables of running instances across instances, as Camunda's
VariableInstanceRestService answers them, showing only what the caller may read."""

from __future__ import annotations

import base64

import pytest

from engine.models import VariableInstance
from engine.services import ResourceInput, deploy
from identity.resources import Permission, Resource
from tests.factories import one_task_bpmn
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant

URL = f"{BASE}/variable-instance"
PDF = b"%PDF-1.4 \x00\xff"


def post(api, path: str, body):
    return api.post(f"{BASE}/{path}", body, content_type="application/json")


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()]


@pytest.fixture
def instances(api, demo_user):
    """An invoice of ACME (amount 10, a scan, an address object), one of Globex (amount 30)
    and a finished one, whose variables are gone."""
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))], name="invoice")
    ids = {}
    acme = {
        "customer": {"value": "ACME", "type": "String"},
        "amount": {"value": 10, "type": "Integer"},
        "scan": {"value": base64.b64encode(PDF).decode(), "type": "Bytes"},
        "address": {"value": '{"city":"Bonn"}', "type": "Object",
                    "valueInfo": {"objectTypeName": "com.acme.Address",
                                  "serializationDataFormat": "application/json"}},
    }
    globex = {"customer": {"value": "Globex"}, "amount": {"value": 30}}
    done = {"customer": {"value": "Done"}}
    for name, variables in (("ACME", acme), ("Globex", globex), ("Done", done)):
        started = post(api, "process-definition/key/invoice/start", {"variables": variables})
        ids[name] = started.json()["id"]
    task = api.get(f"{BASE}/task?processInstanceId={ids['Done']}").json()[0]["id"]
    assert post(api, f"task/{task}/complete", {}).status_code == 204
    return ids


def variable_id(instance_id: str, name: str) -> str:
    return VariableInstance.objects.get(process_instance_id=instance_id, name=name).id


def test_the_list_shows_the_variables_of_running_instances_as_camunda_does(api, instances):
    rows = api.get(f"{URL}?variableName=amount&sortBy=variableName&sortOrder=asc").json()
    by_instance = {row["processInstanceId"]: row for row in rows}
    assert set(by_instance) == {instances["ACME"], instances["Globex"]}
    acme = by_instance[instances["ACME"]]
    assert acme == {
        "id": variable_id(instances["ACME"], "amount"),
        "name": "amount",
        "type": "Integer",
        "value": 10,
        "valueInfo": {},
        "processDefinitionId": acme["processDefinitionId"],
        "processInstanceId": instances["ACME"],
        "executionId": instances["ACME"],
        "caseInstanceId": None,
        "caseExecutionId": None,
        "taskId": None,
        "batchId": None,
        "activityInstanceId": instances["ACME"],
        "tenantId": None,
        "errorMessage": None,
    }
    assert acme["processDefinitionId"].startswith("invoice:1:")
    assert api.get(f"{URL}/count").json() == {"count": 6}
    assert "Done" not in [row["value"] for row in api.get(URL).json()]


def test_filters_sorting_and_paging_in_the_get_and_post_forms(api, instances):
    acme = instances["ACME"]
    assert names(api.get(f"{URL}?processInstanceIdIn={acme}&variableNameLike=%25s%25"
                         "&sortBy=variableName&sortOrder=desc")) == [
        "scan", "customer", "address"]
    assert names(api.get(f"{URL}?variableValues=amount_gt_20")) == ["amount"]
    assert names(api.get(f"{URL}?variableValues=CUSTOMER_eq_acme&variableNamesIgnoreCase=true"
                         "&variableValuesIgnoreCase=true")) == ["customer"]
    assert names(api.get(f"{URL}?activityInstanceIdIn={acme}&sortBy=variableType"
                         "&sortOrder=asc&firstResult=1&maxResults=2")) == ["amount", "address"]
    assert names(api.get(f"{URL}?executionIdIn={acme}&variableName=customer")) == ["customer"]
    assert api.get(f"{URL}/count?withoutTenantId=true").json() == {"count": 6}
    assert api.get(f"{URL}/count?tenantIdIn=other").json() == {"count": 0}
    assert api.get(f"{URL}/count?taskIdIn=any").json() == {"count": 0}
    body = {"variableValues": [{"name": "customer", "operator": "like", "value": "Glo%"}],
            "processInstanceIdIn": [instances["Globex"]]}
    assert [row["value"] for row in post(api, "variable-instance", body).json()] == ["Globex"]
    assert post(api, "variable-instance/count", body).json() == {"count": 1}
    sorted_body = {"processInstanceIdIn": [acme],
                   "sorting": [{"sortBy": "variableName", "sortOrder": "asc"}]}
    assert names(post(api, "variable-instance?maxResults=2", sorted_body)) == [
        "address", "amount"]


@pytest.mark.parametrize(
    ("query", "name", "value"),
    [("variableValues=amount", "variableValues", "amount"),
     ("sortBy=createTime&sortOrder=asc", "sortBy", "createTime"),
     ("processInstanceIdIn=x&withoutTenantId=maybe", "withoutTenantId", "maybe")],
)
def test_a_malformed_filter_is_a_400_naming_it(api, instances, query, name, value):
    response = api.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert response.json() == {"type": "InvalidRequestException",
                               "message": f"Cannot set query parameter '{name}' to value '{value}'",
                               "code": None}


def test_object_values_keep_their_class_and_may_stay_serialized(api, instances):
    address = variable_id(instances["ACME"], "address")
    one = api.get(f"{URL}/{address}").json()
    assert (one["type"], one["value"]) == ("Object", {"city": "Bonn"})
    assert one["valueInfo"] == {"objectTypeName": "com.acme.Address",
                                "serializationDataFormat": "application/json"}
    listed = api.get(f"{URL}?variableName=address&deserializeValues=false").json()
    assert listed[0]["value"] == '{"city":"Bonn"}'
    # One variable's resource calls it deserializeValue, as Camunda's.
    assert api.get(f"{URL}/{address}?deserializeValue=false").json()["value"] == (
        '{"city":"Bonn"}')
    refused = api.get(f"{URL}/{address}?deserializeValue=perhaps")
    assert refused.status_code == 400
    assert "deserializeValue'" in refused.json()["message"]
    instance = instances["ACME"]
    single = api.get(f"{BASE}/process-instance/{instance}/variables/address?deserializeValue=false")
    assert single.json()["value"] == '{"city":"Bonn"}'
    assert api.get(f"{BASE}/process-instance/{instance}/variables/address").json()["value"] == {
        "city": "Bonn"}


def test_the_data_of_a_bytes_variable_is_its_bytes_and_other_types_are_a_400(api, instances):
    scan = api.get(f"{URL}/{variable_id(instances['ACME'], 'scan')}/data")
    assert scan.status_code == 200
    assert scan["Content-Type"] == "application/octet-stream"
    assert scan.content == PDF
    amount = variable_id(instances["ACME"], "amount")
    response = api.get(f"{URL}/{amount}/data")
    assert response.status_code == 400
    assert response.json() == {"type": "InvalidRequestException",
                               "message": f"Value of variable with id {amount} is not a "
                                          "binary value.", "code": None}


def test_an_unknown_variable_is_a_404_in_camundas_words(api, instances):
    for path in ("nope", "nope/data"):
        response = api.get(f"{URL}/{path}")
        assert response.status_code == 404
        assert response.json() == {"type": "InvalidRequestException",
                                   "message": "Variable instance with Id 'nope' does not exist.",
                                   "code": None}


@pytest.mark.django_db
def test_a_user_sees_only_variables_of_instances_they_may_read(api, instances):
    make_user("clerk")
    clerk = basic_client("clerk")
    assert clerk.get(URL).json() == []
    assert clerk.get(f"{URL}/count").json() == {"count": 0}
    grant("clerk", Resource.PROCESS_INSTANCE, instances["Globex"], Permission.READ)
    assert {row["processInstanceId"] for row in clerk.get(URL).json()} == {instances["Globex"]}
    assert post(clerk, "variable-instance/count", {}).json() == {"count": 2}
    hidden = variable_id(instances["ACME"], "scan")
    for path in (hidden, f"{hidden}/data"):
        assert_forbidden(clerk.get(f"{URL}/{path}"), "clerk")
    grant("clerk", Resource.PROCESS_DEFINITION, "invoice", Permission.READ_INSTANCE)
    assert clerk.get(f"{URL}/count").json() == {"count": 6}
    assert clerk.get(f"{URL}/{hidden}/data").content == PDF


def test_the_historic_variable_list_also_keeps_objects_serialized_when_asked(api, instances):
    rows = api.get(f"{BASE}/history/variable-instance?variableName=address"
                   "&deserializeValues=false").json()
    assert [row["value"] for row in rows] == ['{"city":"Bonn"}']
