"""/engine-rest/openapi.json describes exactly the routes of engine/rest/urls.py,
engine/rest/external_task_urls.py and identity/rest_urls.py, and what the views answer
validates against it."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern
from jsonschema import Draft202012Validator
from rest_framework.views import APIView

from engine.models import Deployment, ExternalTask
from engine.rest import external_task_urls, openapi, serializers, urls
from engine.rest.deployments import RESERVED_PARTS
from engine.services import ResourceInput, deploy
from engine.services.runtime import start_process_instance
from identity import rest_urls
from identity.models import Authorization, GroupProfile, Tenant
from identity.rest.authorizations import authorization_dto
from identity.rest.tenants import tenant_dto
from identity.rest.users import group_dto, user_dto
from tests.factories import bpmn_document, one_task_bpmn
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_migration_api import deploy_versions, instruction, start

HTTP_METHODS = {"get", "post", "put", "delete", "patch"}


def served() -> dict[str, set[str]]:
    """OpenAPI path -> methods its view answers, for every route but the catch-all 404."""
    routes: dict[str, set[str]] = {}
    patterns = [*external_task_urls.urlpatterns, *urls.urlpatterns, *rest_urls.urlpatterns]
    for pattern in patterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name == "rest-unknown":
            continue
        view = getattr(pattern.callback, "view_class", None)
        if view is None:  # an async worker endpoint: its decorator names its methods
            methods = {m.lower() for m in pattern.callback.http_methods}
        else:
            methods = {m for m in HTTP_METHODS if hasattr(view, m)}
            if view.options is not APIView.options:  # Camunda's resource options, not DRF's
                methods.add("options")
        routes.setdefault(openapi.openapi_path(str(pattern.pattern)), set()).update(methods)
    return routes


def test_every_served_route_and_method_is_documented_and_nothing_else():
    documented = {path: set(item) for path, item in openapi.document()["paths"].items()}
    assert documented == served()


def test_every_operation_of_camundas_rest_api_is_served():
    # The operations of Camunda 7.24's OpenAPI templates (method, path with {} for each
    # parameter): a client written against Camunda finds each of them here.
    listed = (Path(__file__).parent / "camunda_operations.txt").read_text().splitlines()
    camunda = {tuple(line.split(" ", 1)) for line in listed if line and not line.startswith("#")}
    ours = {
        (method.upper(), re.sub(r"\{[^}]*\}", "{}", path))
        for path, methods in served().items()
        for method in methods
    }
    assert len(camunda) > 380
    assert sorted(camunda - ours) == []


def test_paths_use_camundas_parameter_names():
    paths = openapi.document()["paths"]
    assert "/deployment/{id}/resources/{resourceId}/data" in paths
    assert "/process-definition/key/{key}/tenant-id/{tenant-id}/xml" in paths
    assert {"/user/{id}/profile", "/group/{id}/members/{userId}", "/authorization/{id}",
            "/tenant/{id}/group-members/{groupId}"} <= set(paths)


def test_tenant_operations_carry_camundas_names_and_options():
    paths = openapi.document()["paths"]
    assert paths["/tenant/{id}/user-members/{userId}"]["put"]["operationId"] == (
        "createUserMembership")
    assert paths["/tenant"]["options"]["operationId"] == "availableTenantResourceOperations"
    names = {p["name"] for p in paths["/tenant"]["get"]["parameters"]}
    assert {"userMember", "groupMember", "includingGroupsOfUser", "nameLike"} <= names


def test_list_operations_document_their_filters_sorting_and_paging():
    operation = openapi.document()["paths"]["/process-definition"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"keyLike", "latestVersion", "sortBy", "sortOrder", "firstResult", "maxResults"} <= names
    sort_by = next(p for p in operation["parameters"] if p["name"] == "sortBy")
    assert "deployTime" in sort_by["schema"]["enum"]


def test_post_query_bodies_document_their_filters_with_json_types():
    paths = openapi.document()["paths"]
    body = paths["/history/task/count"]["post"]["requestBody"]["content"]["application/json"]
    properties = body["schema"]["properties"]
    assert properties["taskVariables"]["items"] == {
        "$ref": "#/components/schemas/VariableQueryParameterDto"}
    assert properties["activityInstanceIdIn"]["type"] == "array"
    assert properties["taskPriority"]["type"] == "integer"
    history_get = {p["name"] for p in paths["/history/process-instance"]["get"]["parameters"]}
    assert {"variables", "variableNamesIgnoreCase", "variableValuesIgnoreCase"} <= history_get


def test_every_multipart_option_of_deployment_create_is_documented():
    properties = openapi.SCHEMAS["MultiFormDeploymentDto"]["properties"]
    assert set(RESERVED_PARTS) <= set(properties)


@pytest.mark.django_db
def test_documented_dto_fields_are_the_fields_the_views_write():
    result = deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    deployment = Deployment.objects.get(pk=result.deployment.id)
    written = {
        "ProcessDefinitionDto": serializers.process_definition_dto(result.process_definitions[0]),
        "DeploymentDto": serializers.deployment_dto(deployment),
        "DeploymentWithDefinitionsDto": serializers.deployment_with_definitions_dto(
            deployment, result.process_definitions, []
        ),
        "DeploymentResourceDto": serializers.resource_dto(deployment.resources.get()),
        "CountResultDto": serializers.count_dto(1),
        "TenantDto": tenant_dto(Tenant(id="acme", name="Acme")),
        "UserProfileDto": user_dto(User(username="john", first_name="John")),
        "GroupDto": group_dto(GroupProfile.objects.create(
            group=Group.objects.create(name="sales"), name="Sales").group),
        "AuthorizationDto": authorization_dto(Authorization(
            type=1, user_id="john", resource_type=6, resource_id="invoice",
            permissions=["READ"])),
    }
    for name, dto in written.items():
        assert list(openapi.SCHEMAS[name]["properties"]) == list(dto), name


def test_the_document_is_served_to_an_authenticated_client(api):
    response = api.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    body = response.json()
    assert body["openapi"].startswith("3.")
    assert body["servers"] == [{"url": "http://testserver/engine-rest"}]


def test_the_document_needs_credentials(client, db):
    assert client.get(f"{BASE}/openapi.json").status_code == 401


def test_identity_operations_carry_camundas_ids_and_the_views_parameters():
    paths = openapi.document()["paths"]
    assert {method: op["operationId"] for method, op in paths["/group/{id}"].items()} == {
        "get": "getGroup", "put": "updateGroup", "delete": "deleteGroup",
        "options": "availableGroupInstanceOperations"}
    assert paths["/user/{id}/credentials"]["put"]["operationId"] == "updateCredentials"
    assert paths["/identity/groups"]["get"]["operationId"] == "getGroupInfo"
    users = paths["/user"]["get"]
    assert users["operationId"] == "getUsers"
    assert {p["name"] for p in users["parameters"]} == {
        "id", "idIn", "firstName", "firstNameLike", "lastName", "lastNameLike", "email",
        "emailLike", "memberOfGroup", "memberOfTenant", "sortBy", "sortOrder", "firstResult",
        "maxResults"}
    sort_by = next(p for p in users["parameters"] if p["name"] == "sortBy")
    assert sort_by["schema"]["enum"] == ["userId", "firstName", "lastName", "email"]
    check = paths["/authorization/check"]["get"]
    assert check["operationId"] == "isUserAuthorized"
    assert [p["name"] for p in check["parameters"]] == [
        "permissionName", "resourceName", "resourceType", "resourceId", "userId"]
    resource_type = next(p for p in check["parameters"] if p["name"] == "resourceType")
    assert resource_type["schema"]["type"] == "integer"
    create = paths["/user/create"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/UserDto"}
    assert set(create["responses"]) == {"204", "400", "401", "403"}
    assert set(openapi.SCHEMAS["UserDto"]["properties"]) == {"profile", "credentials"}
    export = paths["/history/export"]["get"]
    assert set(export["responses"]["200"]["content"]) == {"text/csv", "application/x-ndjson"}


# What a REST client relies on: every body the views answer validates against the schema the
# document declares for that operation and status, and the documented request bodies are
# accepted. OpenAPI 3.0 schemas become JSON Schema here; objects are closed (a field the view
# answers but the document does not declare fails) and, in 2xx answers, every declared field
# must be answered.


def _json_schema(schema: dict[str, Any], answered: bool) -> dict[str, Any]:
    converted = dict(schema)
    if "properties" in schema:
        converted["properties"] = {
            name: _json_schema(field, answered) for name, field in schema["properties"].items()
        }
        converted.setdefault("additionalProperties", False)
        if answered:
            converted["required"] = list(schema["properties"])
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            converted[key] = _json_schema(schema[key], answered)
    if converted.pop("nullable", False) and "type" in converted:
        converted["type"] = [converted["type"], "null"]
    return converted


def _validate(instance: Any, schema: Any, answered: bool) -> None:
    components = openapi.document()["components"]["schemas"]
    root = {
        **_json_schema(schema, answered),
        "components": {"schemas": {
            name: _json_schema(s, answered) for name, s in components.items()}},
    }
    Draft202012Validator(root).validate(instance)


def _call(api, method: str, template: str, status: int, body: Any = None, query: str = "",
          **ids: str) -> Any:
    """Send one documented operation (`template` as in the document, `ids` its path
    parameters); its body must match the operation's requestBody, the answer the operation's
    response for `status`."""
    operation = openapi.document()["paths"][template][method]
    if body is not None:
        _validate(body, operation["requestBody"]["content"]["application/json"]["schema"],
                  answered=False)
    kwargs = {"content_type": "application/json"} if body is not None else {}
    path = template.format(**ids) + (f"?{query}" if query else "")
    response = getattr(api, method)(f"{BASE}{path}", body, **kwargs)
    assert response.status_code == status, (path, response.content)
    documented = operation["responses"][str(status)]
    if "content" not in documented:
        assert not response.content
        return None
    if response.streaming:
        assert response["Content-Type"].split(";")[0] in documented["content"]
        return b"".join(response.streaming_content)
    _validate(response.json(), documented["content"]["application/json"]["schema"],
              answered=status < 400)
    return response.json()


@pytest.mark.django_db
def test_identity_answers_validate_against_the_document(api):
    john, sales = {"id": "john"}, {"id": "sales"}
    _call(api, "post", "/user/create", 204, {
        "profile": {"id": "john", "firstName": "John", "lastName": "Doe",
                    "email": "john@example.org"},
        "credentials": {"password": "john-pass-123"},
    })
    users = _call(api, "get", "/user", 200, query="firstNameLike=%25oh%25&sortBy=email"
                  "&sortOrder=desc")
    assert [u["id"] for u in users] == ["john"]
    assert _call(api, "get", "/user/count", 200, query="idIn=john,demo") == {"count": 2}
    _call(api, "put", "/user/{id}/profile", 204,
          {"id": "john", "firstName": "Jo", "lastName": None, "email": "jo@example.org"}, **john)
    assert _call(api, "get", "/user/{id}/profile", 200, **john)["firstName"] == "Jo"
    _call(api, "put", "/user/{id}/credentials", 204,
          {"password": "new-pass-4567", "authenticatedUserPassword": "demo"}, **john)
    _call(api, "post", "/group/create", 204, {"id": "sales", "name": "Sales", "type": "WF"})
    _call(api, "put", "/group/{id}", 204, {"id": "sales", "name": "Sales team", "type": None},
          **sales)
    _call(api, "put", "/group/{id}/members/{userId}", 204, id="sales", userId="john")
    assert _call(api, "get", "/group/{id}", 200, **sales)["name"] == "Sales team"
    groups = _call(api, "get", "/group", 200, query="member=john&sortBy=name&sortOrder=asc")
    assert [g["id"] for g in groups] == ["sales"]
    assert _call(api, "get", "/group/count", 200, query="type=WF") == {"count": 1}
    info = _call(api, "get", "/identity/groups", 200, query="userId=john")
    assert info["groupUsers"][0]["displayName"] == "Jo"
    verified = _call(api, "post", "/identity/verify", 200,
                     {"username": "john", "password": "new-pass-4567"})
    assert verified["authenticated"] is True

    rule = _call(api, "post", "/authorization/create", 200, {
        "type": 1, "permissions": ["READ"], "userId": "john", "groupId": None,
        "resourceType": 6, "resourceId": "invoice",
    })
    one = {"id": rule["id"]}
    assert _call(api, "get", "/authorization/{id}", 200, **one) == rule
    assert rule in _call(api, "get", "/authorization", 200,
                         query="userIdIn=john&type=1&sortBy=resourceId&sortOrder=asc")
    _call(api, "put", "/authorization/{id}", 204, {
        "permissions": ["READ", "UPDATE"], "userId": "john", "groupId": None,
        "resourceType": 6, "resourceId": "invoice",
    }, **one)
    count = _call(api, "get", "/authorization/count", 200,
                  query="resourceType=6&resourceId=invoice")
    assert count == {"count": 1}
    check = _call(api, "get", "/authorization/check", 200, query="permissionName=UPDATE"
                  "&resourceType=6&resourceId=invoice&userId=john")
    assert check["authorized"] is True

    _call(api, "get", "/user/{id}/profile", 404, id="nobody")
    _call(api, "get", "/group", 400, query="sortBy=member&sortOrder=asc")
    _call(api, "get", "/authorization", 400, query="type=grant")
    _call(api, "get", "/authorization/check", 400, query="permissionName=READ")
    _call(api, "post", "/authorization/create", 400, {"type": 1, "permissions": ["READ"]})
    _call(api, "get", "/history/export", 400, query="kind=nothing")
    assert _call(api, "get", "/history/export", 200, query="kind=task").startswith(b"id,")

    _call(api, "delete", "/authorization/{id}", 204, **one)
    _call(api, "delete", "/group/{id}/members/{userId}", 204, id="sales", userId="john")
    _call(api, "delete", "/group/{id}", 204, **sales)
    _call(api, "post", "/user/{id}/unlock", 204, **john)
    _call(api, "delete", "/user/{id}", 204, **john)


_SAMPLES = {"integer": "1", "boolean": "true", "date-time": "2026-01-01T00:00:00.000+0000"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/user", "/user/count", "/group", "/group/count",
                                  "/authorization", "/authorization/count"])
def test_every_documented_parameter_of_the_identity_lists_is_parsed(api, path):
    for parameter in openapi.document()["paths"][path]["get"]["parameters"]:
        name, schema = parameter["name"], parameter["schema"]
        if name in ("sortBy", "sortOrder"):
            continue
        value = _SAMPLES.get(schema.get("format") or schema["type"], "a,b")
        assert api.get(f"{BASE}{path}", {name: value}).status_code == 200, name
        if schema["type"] == "integer":
            assert api.get(f"{BASE}{path}", {name: "x"}).status_code == 400, name
    sort_by = next((p for p in openapi.document()["paths"][path]["get"]["parameters"]
                    if p["name"] == "sortBy"), None)
    for value in sort_by["schema"]["enum"] if sort_by else ():
        query = {"sortBy": value, "sortOrder": "desc"}
        assert api.get(f"{BASE}{path}", query).status_code == 200, value


_EXTERNAL = """<bpmn:process id="mailing" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="send" />
  <bpmn:serviceTask id="send" camunda:type="external" camunda:topic="mail" />
  <bpmn:sequenceFlow id="f2" sourceRef="send" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""


@pytest.mark.django_db(transaction=True)
def test_external_task_answers_validate_against_the_document(api):
    deploy([ResourceInput("mailing.bpmn", bpmn_document(_EXTERNAL))])
    start_process_instance("mailing", variables={"to": "ann@example.org"})
    fetch = {"workerId": "w1", "maxTasks": 5, "asyncResponseTimeout": 0,
             "topics": [{"topicName": "mail", "lockDuration": 60_000, "variables": ["to"]}]}
    [locked] = _call(api, "post", "/external-task/fetchAndLock", 200, fetch)
    assert locked["variables"]["to"]["value"] == "ann@example.org"
    task = {"id": locked["id"]}
    assert _call(api, "get", "/external-task/{id}", 200, **task)["workerId"] == "w1"
    assert [t["id"] for t in _call(api, "get", "/external-task", 200,
                                   query="topicName=mail&locked=true")] == [locked["id"]]
    assert _call(api, "get", "/external-task/count", 200, query="workerId=w1") == {"count": 1}
    assert _call(api, "get", "/external-task/topic-names", 200) == ["mail"]
    _call(api, "post", "/external-task/{id}/extendLock", 204,
          {"workerId": "w1", "newDuration": 120_000}, **task)
    _call(api, "post", "/external-task/{id}/failure", 204,
          {"workerId": "w1", "errorMessage": "SMTP down", "errorDetails": "421 try later",
           "retries": 2, "retryTimeout": 0}, **task)
    details = api.get(f"{BASE}/external-task/{locked['id']}/errorDetails")
    documented = openapi.document()["paths"]["/external-task/{id}/errorDetails"]["get"]
    assert details["Content-Type"].split(";")[0] in documented["responses"]["200"]["content"]
    assert details.content == b"421 try later"
    _call(api, "put", "/external-task/{id}/priority", 204, {"priority": 7}, **task)
    _call(api, "put", "/external-task/{id}/retries", 204, {"retries": 3}, **task)
    _call(api, "put", "/external-task/retries", 204,
          {"retries": 4, "externalTaskIds": [locked["id"]]})
    [again] = _call(api, "post", "/external-task/fetchAndLock", 200, fetch)
    _call(api, "post", "/external-task/{id}/unlock", 204, **task)
    [again] = _call(api, "post", "/external-task/fetchAndLock", 200, fetch)
    _call(api, "post", "/external-task/{id}/complete", 204, {"workerId": "w1"}, **task)
    _call(api, "get", "/external-task/{id}", 404, **task)
    _call(api, "post", "/external-task/{id}/bpmnError", 404,
          {"workerId": "w1", "errorCode": "bounced"}, **task)
    _call(api, "get", "/external-task", 400, query="priorityHigherThanOrEquals=high")


@pytest.mark.django_db
def test_the_external_task_retries_batch_answers_validate_against_the_document(api):
    # Not in the test above: a batch starts on commit, which these tests never reach.
    deploy([ResourceInput("mailing.bpmn", bpmn_document(_EXTERNAL))])
    start_process_instance("mailing")
    [task_id] = ExternalTask.objects.values_list("id", flat=True)
    batch = _call(api, "post", "/external-task/retries-async", 200,
                  {"retries": 5, "externalTaskIds": [task_id]})
    assert batch["type"] == "set-external-task-retries"
    assert batch["totalJobs"] == 1


@pytest.mark.django_db
def test_a_403_and_a_plan_that_does_not_fit_validate_against_their_documented_errors(
    api, modeler_deploy
):
    # Both extend ExceptionDto with fields of their own (AuthorizationExceptionDto,
    # MigrationPlanValidationExceptionDto); the document names each where it is answered.
    deployment = deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))]).deployment
    make_user("mallory")
    token = base64.b64encode(b"mallory:s3cret-pass-9").decode()
    mallory = Client(HTTP_AUTHORIZATION=f"Basic {token}")
    refused = _call(mallory, "get", "/deployment/{id}", 403, id=deployment.id)
    assert refused["permissionName"] == "READ"
    v1, v2 = deploy_versions(modeler_deploy)
    plan = {"sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2,
            "instructions": [instruction("work", "nope")]}
    execution = {"migrationPlan": plan, "processInstanceIds": [start(api, v1)]}
    for path in ("/migration/execute", "/migration/executeAsync"):
        invalid = _call(api, "post", path, 400, execution)
        assert invalid["validationReport"]["instructionReports"]
