"""`/history/detail` answers submitted form fields (Camunda's HistoricFormFieldDto, type
`formField`) beside variable updates, and filters them by `formFields` / `variableUpdates`."""

from __future__ import annotations

import pytest

from tests.factories import bpmn_document, straight_process
from tests.rest.conftest import BASE

COMMON_KEYS = [
    "id", "type", "processDefinitionKey", "processDefinitionId", "processInstanceId",
    "activityInstanceId", "executionId", "caseDefinitionKey", "caseDefinitionId",
    "caseInstanceId", "caseExecutionId", "taskId", "tenantId", "userOperationId", "time",
    "removalTime", "rootProcessInstanceId",
]


def text(value):
    return {"value": value, "type": "String"}


@pytest.fixture
def definition(modeler_deploy, api):
    response = modeler_deploy({"plain.bpmn": bpmn_document(straight_process("plain"))})
    assert response.status_code == 200, response.content
    return api.get(f"{BASE}/process-definition/key/plain").json()


def start_by_form(api, definition, variables):
    response = api.post(f"{BASE}/process-definition/{definition['id']}/submit-form",
                        {"variables": variables}, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def open_task(api, instance_id):
    (task,) = api.get(f"{BASE}/task", {"processInstanceId": instance_id}).json()
    return task


def submit_task_form(api, task_id, variables):
    response = api.post(f"{BASE}/task/{task_id}/submit-form", {"variables": variables},
                        content_type="application/json")
    assert response.status_code == 204, response.content


def details(api, **params):
    response = api.get(f"{BASE}/history/detail", params)
    assert response.status_code == 200, response.content
    return response.json()


def operation_of(api, **params):
    (entry,) = api.get(f"{BASE}/history/user-operation", params).json()
    return entry["operationId"]


def test_a_task_form_submission_lists_its_string_fields_as_form_field_details(api, definition):
    instance = start_by_form(api, definition, {})
    task = open_task(api, instance["id"])
    submit_task_form(api, task["id"], {"comment": text("fine"), "untyped": {"value": "bare"}})
    found = details(api, formFields="true", taskId=task["id"], sortBy="formPropertyId",
                    sortOrder="asc")
    assert [(d["fieldId"], d["fieldValue"]) for d in found] == [
        ("comment", "fine"), ("untyped", "bare")]
    first = found[0]
    assert list(first) == [*COMMON_KEYS, "fieldId", "fieldValue"]
    activity = api.get(f"{BASE}/history/activity-instance",
                       {"activityId": "Task_1", "processInstanceId": instance["id"]}).json()
    assert first["type"] == "formField"
    assert first["processInstanceId"] == first["rootProcessInstanceId"] == instance["id"]
    assert (first["processDefinitionId"], first["processDefinitionKey"]) == (
        definition["id"], "plain")
    assert first["executionId"] == task["executionId"]
    assert first["activityInstanceId"] == activity[0]["id"]
    assert first["userOperationId"] == operation_of(api, taskId=task["id"],
                                                    operationType="Complete")
    one = api.get(f"{BASE}/history/detail/{first['id']}")
    assert one.status_code == 200, one.content
    assert one.json() == first


def test_a_start_form_submission_records_its_fields_on_the_starting_instance(api, definition):
    instance = start_by_form(api, definition, {"comment": text("hello")})
    (field,) = details(api, formFields="true", processInstanceId=instance["id"])
    assert (field["fieldId"], field["fieldValue"], field["taskId"]) == ("comment", "hello", None)
    assert field["executionId"] == field["activityInstanceId"] == instance["id"]
    assert field["userOperationId"] == operation_of(
        api, processInstanceId=instance["id"], operationType="Create")


def test_values_that_are_not_strings_leave_no_form_field(api, definition):
    start_by_form(api, definition, {
        "amount": {"value": 5, "type": "Long"},
        "approved": {"value": True, "type": "Boolean"},
        "nothing": {"value": None, "type": "String"},
        "address": {"value": '{"city": "Bonn"}', "type": "Json"},
        "order": {"value": '{"id": 1}', "type": "Object", "valueInfo": {
            "objectTypeName": "com.acme.Order", "serializationDataFormat": "application/json"}},
    })
    assert details(api, formFields="true") == []
    assert len(details(api)) == 5  # the variable updates only


def test_below_level_audit_a_submission_leaves_no_form_field(api, definition, engine_settings):
    engine_settings(LEGATO_HISTORY_LEVEL="activity")
    instance = start_by_form(api, definition, {"comment": text("x")})
    submit_task_form(api, open_task(api, instance["id"])["id"], {"comment": text("y")})
    assert details(api) == []


def test_form_fields_and_variable_updates_filter_each_other_out(api, definition):
    instance = start_by_form(api, definition, {"comment": text("x")})

    def types(**params):
        return sorted(d["type"] for d in details(api, **params))

    assert types() == ["formField", "variableUpdate"]
    assert types(formFields="true") == ["formField"]
    assert types(variableUpdates="true") == ["variableUpdate"]
    # As Camunda, a given flag applies whatever its value, and `variableUpdates` wins.
    assert types(formFields="false") == ["formField"]
    assert types(formFields="true", variableUpdates="true") == ["variableUpdate"]
    # Form fields have no variable type, variable instance nor initial value.
    assert types(variableTypeIn="String") == ["variableUpdate"]
    assert types(initial="true") == ["variableUpdate"]
    assert types(variableNameLike="COMM%") == ["formField", "variableUpdate"]
    count = api.post(f"{BASE}/history/detail/count", {"formFields": True},
                     content_type="application/json")
    assert count.json() == {"count": 1}
    posted = api.post(f"{BASE}/history/detail", {"variableUpdates": True},
                      content_type="application/json").json()
    assert [d["type"] for d in posted] == ["variableUpdate"]
    (field,) = details(api, formFields="true", processInstanceId=instance["id"])
    assert [d["id"] for d in details(api, userOperationId=field["userOperationId"],
                                     formFields="true")] == [field["id"]]


def test_a_form_fields_data_is_refused_as_no_variable_update(api, definition):
    start_by_form(api, definition, {"comment": text("x")})
    (field,) = details(api, formFields="true")
    response = api.get(f"{BASE}/history/detail/{field['id']}/data")
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert response.json()["message"] == (
        f"Historic detail with Id '{field['id']}' is not a variable update.")


def test_deleting_an_instances_historic_variables_removes_its_form_fields_too(api, definition):
    instance = start_by_form(api, definition, {"comment": text("x")})
    response = api.delete(f"{BASE}/history/process-instance/{instance['id']}/variable-instances")
    assert response.status_code == 204, response.content
    assert details(api, processInstanceId=instance["id"]) == []
