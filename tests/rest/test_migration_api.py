"""POST /migration/generate, /validate and /execute with Camunda's JSON."""

from __future__ import annotations

import base64

import pytest
from django.contrib.auth.models import User

from cockpit.queries import activity_counts
from engine.models import ProcessInstance, Task, VariableInstance
from engine.rest import openapi
from tests import migration_models as m
from tests.rest.conftest import BASE


@pytest.fixture
def versions(api, modeler_deploy) -> tuple[str, str]:
    return deploy_versions(modeler_deploy)


def deploy_versions(modeler_deploy) -> tuple[str, str]:
    """Version 1 waits at 'work'; version 2 at 'work', then at 'review'."""
    ids = []
    models = {"v1.bpmn": m.chain(m.USER_TASK), "v2.bpmn": m.chain(m.USER_TASK, m.REVIEW)}
    for name, xml in models.items():
        response = modeler_deploy({name: xml}, name=name)
        assert response.status_code == 200
        (definition,) = response.json()["deployedProcessDefinitions"].values()
        ids.append(definition["id"])
    return ids[0], ids[1]


def post(api, what: str, body):
    return api.post(f"{BASE}/migration/{what}", body, content_type="application/json")


def start(api, definition_id: str) -> str:
    response = post_start(api, definition_id)
    assert response.status_code == 200
    return response.json()["id"]


def post_start(api, definition_id: str):
    return api.post(
        f"{BASE}/process-definition/{definition_id}/start", {}, content_type="application/json"
    )


def instruction(source: str, target: str | None = None, update: bool = False) -> dict:
    return {
        "sourceActivityIds": [source],
        "targetActivityIds": [target or source],
        "updateEventTrigger": update,
    }


def test_generate_answers_a_plan_of_the_equal_ids(api, versions):
    v1, v2 = versions
    response = post(
        api, "generate", {"sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2}
    )
    assert response.status_code == 200
    assert response.json() == {
        "sourceProcessDefinitionId": v1,
        "targetProcessDefinitionId": v2,
        "instructions": [instruction("work")],
        "variables": None,
    }


def test_validate_answers_the_failures_of_each_instruction(api, versions):
    v1, v2 = versions
    plan = {
        "sourceProcessDefinitionId": v1,
        "targetProcessDefinitionId": v2,
        "instructions": [instruction("work"), instruction("work", "nope")],
    }
    response = post(api, "validate", plan)
    assert response.status_code == 200
    twice = "There are multiple mappings for source activity id 'work'"
    assert response.json() == {
        "instructionReports": [
            {"instruction": instruction("work"), "failures": [twice]},
            {
                "instruction": instruction("work", "nope"),
                "failures": ["Target activity 'nope' does not exist", twice],
            },
        ],
        "variableReports": {},
    }
    plan["instructions"] = [instruction("work")]
    assert post(api, "validate", plan).json() == {"instructionReports": [], "variableReports": {}}


def test_execute_migrates_by_ids_and_by_query_and_sets_the_plans_variables(api, versions):
    v1, v2 = versions
    by_id, by_query = start(api, v1), start(api, v1)
    plan = {
        "sourceProcessDefinitionId": v1,
        "targetProcessDefinitionId": v2,
        "instructions": [instruction("work")],
        "variables": {"moved": {"value": True, "type": "Boolean"}},
    }
    response = post(
        api,
        "execute",
        {
            "migrationPlan": plan,
            "processInstanceIds": [by_id],
            "processInstanceQuery": {"processDefinitionId": v1},
            "skipCustomListeners": True,
        },
    )
    assert response.status_code == 204
    assert set(ProcessInstance.objects.values_list("process_definition_id", flat=True)) == {v2}
    assert VariableInstance.objects.filter(name="moved").count() == 2
    # The cockpit's diagram badges count the tokens under their new definition.
    assert activity_counts(v2) == {"work": {"running": 2, "incidents": 0}}
    assert activity_counts(v1) == {}
    task = api.get(f"{BASE}/task", {"processInstanceId": by_query}).json()[0]
    assert (task["processDefinitionId"], task["taskDefinitionKey"]) == (v2, "work")
    completed = api.post(f"{BASE}/task/{task['id']}/complete", {}, content_type="application/json")
    assert completed.status_code == 204
    assert Task.objects.get(process_instance_id=by_query).task_definition_key == "review"


def test_execute_adds_and_removes_sub_processes_the_activity_instance_tree_shows(
    api, modeler_deploy
):
    ids = []
    for name, xml in (
        ("v1.bpmn", m.chain(m.wrap(m.USER_TASK, sub="old"))),
        ("v2.bpmn", m.chain(m.wrap(m.USER_TASK, sub="new"), m.REVIEW)),
    ):
        (definition,) = (
            modeler_deploy({name: xml}, name=name).json()["deployedProcessDefinitions"].values()
        )
        ids.append(definition["id"])
    instance_id = start(api, ids[0])
    plan = {
        "sourceProcessDefinitionId": ids[0],
        "targetProcessDefinitionId": ids[1],
        "instructions": [instruction("work")],
    }
    response = post(api, "execute", {"migrationPlan": plan, "processInstanceIds": [instance_id]})
    assert response.status_code == 204
    tree = api.get(f"{BASE}/process-instance/{instance_id}/activity-instances").json()
    (sub,) = tree["childActivityInstances"]
    assert (sub["activityId"], sub["activityType"]) == ("new", "subProcess")
    assert [child["activityId"] for child in sub["childActivityInstances"]] == ["work"]
    # a mapped sub-process keeps what is inside it: the task cannot leave it
    plan["instructions"] = [instruction("old", "new"), instruction("work", "review")]
    response = post(api, "validate", plan)
    (report,) = response.json()["instructionReports"]
    assert report["failures"] == [
        "The closest mapped ancestor 'old' is mapped to scope 'new' which is not an ancestor "
        "of target scope 'review'"
    ]
    task = api.get(f"{BASE}/task", {"processInstanceId": instance_id}).json()[0]
    completed = api.post(f"{BASE}/task/{task['id']}/complete", {}, content_type="application/json")
    assert completed.status_code == 204
    assert Task.objects.get(process_instance_id=instance_id).task_definition_key == "review"


def test_execute_with_an_unmapped_activity_is_a_400_and_changes_nothing(api, versions):
    v1, v2 = versions
    instance_id = start(api, v1)
    plan = {"sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2, "instructions": []}
    response = post(api, "execute", {"migrationPlan": plan, "processInstanceIds": [instance_id]})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "MigratingProcessInstanceValidationException"
    assert f"Cannot migrate process instance '{instance_id}'" in body["message"]
    assert "(activity 'work'): There is no migration instruction" in body["message"]
    assert ProcessInstance.objects.get(pk=instance_id).process_definition_id == v1
    plan["instructions"] = [instruction("work", "nope")]
    response = post(api, "execute", {"migrationPlan": plan, "processInstanceIds": [instance_id]})
    assert response.status_code == 400
    assert response.json()["type"] == "MigrationPlanValidationException"
    assert "Target activity 'nope' does not exist" in response.json()["message"]
    assert response.json()["validationReport"] == {
        "instructionReports": [
            {
                "instruction": instruction("work", "nope"),
                "failures": ["Target activity 'nope' does not exist"],
            }
        ],
        "variableReports": {},
    }


@pytest.mark.parametrize(
    ("what", "body", "message"),
    [
        ("generate", {}, "'sourceProcessDefinitionId' must be a non-empty string"),
        (
            "generate",
            {"sourceProcessDefinitionId": "x", "targetProcessDefinitionId": "y"},
            "Source process definition with id 'x' does not exist",
        ),
        (
            "validate",
            {"sourceProcessDefinitionId": "V1", "targetProcessDefinitionId": "V2",
             "instructions": [{"sourceActivityIds": ["a", "b"], "targetActivityIds": ["a"]}]},
            "'sourceActivityIds' must be an array of exactly one activity id",
        ),
        (
            "validate",
            {"sourceProcessDefinitionId": "V1", "targetProcessDefinitionId": "V2",
             "instructions": "all"},
            "'instructions' must be an array",
        ),
        ("execute", {"processInstanceIds": []}, "'migrationPlan' must be an object"),
        (
            "execute",
            {"migrationPlan": {"sourceProcessDefinitionId": "V1",
                               "targetProcessDefinitionId": "V2"},
             "processInstanceIds": "all"},
            "'processInstanceIds' must be an array",
        ),
        (
            "execute",
            {"migrationPlan": {"sourceProcessDefinitionId": "V1",
                               "targetProcessDefinitionId": "V2"}},
            "Process instance ids is empty",
        ),
        (
            "execute",
            {"migrationPlan": {"sourceProcessDefinitionId": "V1",
                               "targetProcessDefinitionId": "V2"},
             "processInstanceIds": ["p"], "skipIoMappings": "yes"},
            "'skipIoMappings' must be true or false",
        ),
    ],
)
def test_malformed_requests_are_400_invalid_request(api, versions, what, body, message):
    v1, v2 = versions

    def fill(value):
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        return {"V1": v1, "V2": v2}.get(value, value) if isinstance(value, str) else value

    response = post(api, what, fill(body))
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert message in response.json()["message"]


def test_execute_without_migrate_instance_is_a_403(api, versions, client):
    v1, v2 = versions
    instance_id = start(api, v1)
    User.objects.create_user("mallory", password="pw")
    token = base64.b64encode(b"mallory:pw").decode()
    plan = {
        "sourceProcessDefinitionId": v1,
        "targetProcessDefinitionId": v2,
        "instructions": [instruction("work")],
    }
    response = client.post(
        f"{BASE}/migration/execute",
        {"migrationPlan": plan, "processInstanceIds": [instance_id]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {token}",
    )
    assert response.status_code == 403
    assert response.json()["type"] == "AuthorizationException"
    assert ProcessInstance.objects.get(pk=instance_id).process_definition_id == v1


def test_the_routes_are_documented(api):
    paths = openapi.document()["paths"]
    assert {
        "/migration/generate", "/migration/validate", "/migration/execute",
        "/migration/executeAsync",
    } <= set(paths)
