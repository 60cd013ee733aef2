"""/engine-rest/openapi.json describes exactly the routes of engine/rest/urls.py and the
/tenant routes of identity/rest_urls.py."""

from __future__ import annotations

import pytest
from django.urls import URLPattern
from rest_framework.views import APIView

from engine.models import Deployment
from engine.rest import openapi, serializers, urls
from engine.rest.deployments import RESERVED_PARTS
from engine.services import ResourceInput, deploy
from identity import rest_urls
from identity.models import Tenant
from identity.rest.tenants import tenant_dto
from tests.factories import one_task_bpmn
from tests.rest.conftest import BASE

HTTP_METHODS = {"get", "post", "put", "delete", "patch"}


def served() -> dict[str, set[str]]:
    """OpenAPI path -> methods its view answers, for every route but the catch-all 404."""
    routes: dict[str, set[str]] = {}
    tenant_routes = [p for p in rest_urls.urlpatterns if str(p.pattern).startswith("tenant")]
    for pattern in [*urls.urlpatterns, *tenant_routes]:
        assert isinstance(pattern, URLPattern)
        if pattern.name == "rest-unknown":
            continue
        view = pattern.callback.view_class
        methods = {m for m in HTTP_METHODS if hasattr(view, m)}
        if view.options is not APIView.options:  # Camunda's resource options, not DRF's
            methods.add("options")
        routes.setdefault(openapi.openapi_path(str(pattern.pattern)), set()).update(methods)
    return routes


def test_every_served_route_and_method_is_documented_and_nothing_else():
    documented = {path: set(item) for path, item in openapi.document()["paths"].items()}
    assert documented == served()


def test_paths_use_camundas_parameter_names():
    paths = openapi.document()["paths"]
    assert "/deployment/{id}/resources/{resourceId}/data" in paths
    assert "/process-definition/key/{key}/tenant-id/{tenant-id}/xml" in paths


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
