"""What the REST layer answers for the interpreter's refusals (engine.rest.errors), in the
bodies Camunda's ExceptionHandler writes: ExceptionDto `{type, message, code}` and its
AuthorizationException, ParseException and MigrationPlanValidationException subclasses."""

from __future__ import annotations

import base64

import pytest
from django.db import DataError
from django.test import Client

from engine.errors import AuthorizationError
from engine.models import Deployment
from engine.rest.errors import CamundaError, camunda_exception_handler
from engine.runtime.errors import ConcurrentModification, NotFoundError, ProcessEngineError
from engine.runtime.store import MismatchingMessageCorrelation
from engine.services import ResourceInput, deploy
from tests.factories import one_task_bpmn
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_migration_api import deploy_versions, instruction, post, start

EXCEPTION_KEYS = ["type", "message", "code"]
AUTHORIZATION_KEYS = [*EXCEPTION_KEYS, "userId", "resourceName", "resourceId", "permissionName",
                      "missingAuthorizations"]


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            ProcessEngineError("No outgoing sequence flow for gateway 'which'", "which"),
            500,
            {"type": "ProcessEngineException", "code": 0},
        ),
        (
            ConcurrentModification("pi-1", 3),
            500,
            {
                "type": "OptimisticLockingException",
                "code": 1,
                "message": "Process instance 'pi-1' was modified concurrently (expected version 3)",
            },
        ),
        # REST exceptions wrapping the interpreter's refusal carry its code
        (NotFoundError("Task 't-1' does not exist"), 404,
         {"type": "InvalidRequestException", "code": 0}),
        (MismatchingMessageCorrelation("No process definition or execution matches"), 400,
         {"type": "RestException", "code": 0}),
    ],
)
def test_a_refused_command_answers_camundas_status_and_body(error, status, body):
    response = camunda_exception_handler(error, {})
    assert response is not None
    assert response.status_code == status
    assert body.items() <= response.data.items()
    assert response.data["message"] == str(error)


@pytest.mark.parametrize(
    ("error", "message", "code"),
    [
        (DataError("value too long for type character varying(255)\nCONTEXT: ..."),
         "A value cannot be stored: value too long for type character varying(255)", 10_002),
        (OverflowError("Python int too large to convert to SQLite INTEGER"),
         "A value cannot be stored: Python int too large to convert to SQLite INTEGER", 10_002),
        (DataError("invalid input syntax for type uuid"),
         "A value cannot be stored: invalid input syntax for type uuid", 0),
    ],
)
def test_a_value_its_column_cannot_hold_is_a_bad_request_not_a_server_error(error, message, code):
    # what no check refused earlier: the client's input, answered in Camunda's shape with the
    # code Camunda gives the failed write (COLUMN_SIZE_TOO_SMALL when too long or too large)
    response = camunda_exception_handler(error, {})
    assert response is not None
    assert response.status_code == 400
    assert response.data == {"type": "InvalidRequestException", "message": message, "code": code}


def basic_client(username: str, password: str = "s3cret-pass-9") -> Client:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return Client(HTTP_AUTHORIZATION=f"Basic {token}")


# -- ExceptionDto: `code` is always sent ----------------------------------------------------


@pytest.mark.django_db
def test_an_invalid_request_of_the_rest_layer_itself_sends_a_null_code(api):
    unknown = api.get(f"{BASE}/deployment/nope")
    assert unknown.status_code == 404
    assert list(unknown.json()) == EXCEPTION_KEYS
    assert unknown.json() == {"type": "InvalidRequestException",
                              "message": "Deployment with id 'nope' does not exist", "code": None}
    unreadable = api.post(f"{BASE}/message", "{not json", content_type="application/json")
    assert unreadable.status_code == 400
    assert unreadable.json()["code"] is None


def _wrapping(cause: Exception) -> CamundaError:
    """What a view raises when it answers an engine refusal in its own words."""
    try:
        raise cause
    except Exception:
        return CamundaError(500, "RestException", f"Cannot do it: {cause}")


@pytest.mark.parametrize(
    ("cause", "code"),
    [
        (ProcessEngineError("No outgoing sequence flow", "which"), 0),
        (ConcurrentModification("pi-1", 3), 1),
        (ValueError("not an engine refusal"), None),
    ],
)
def test_a_rest_exception_made_from_an_engine_refusal_carries_the_refusals_code(cause, code):
    # Camunda's RestException(status, cause): the body's code is the engine cause's
    response = camunda_exception_handler(_wrapping(cause), {})
    assert response is not None
    assert response.data == {"type": "RestException", "message": f"Cannot do it: {cause}",
                             "code": code}


def test_an_engine_exception_type_named_by_the_rest_layer_carries_code_0():
    response = camunda_exception_handler(CamundaError(500, "ProcessEngineException", "boom"), {})
    assert response is not None
    assert response.data == {"type": "ProcessEngineException", "message": "boom", "code": 0}


@pytest.mark.django_db
def test_the_401_body_stays_legatos_own_without_a_code(client):
    response = client.get(f"{BASE}/deployment")
    assert response.status_code == 401
    assert response.json() == {"type": "AuthenticationException",
                               "message": "Authentication credentials were not provided."}


# -- AuthorizationExceptionDto --------------------------------------------------------------


def test_a_403_names_the_one_missing_authorization_also_in_camundas_deprecated_fields():
    missing = {"permissionName": "READ", "resourceName": "Deployment", "resourceId": "d-1"}
    error = AuthorizationError("The user with id 'mallory' does not have 'READ' ...",
                               user_id="mallory", missing=[missing])
    response = camunda_exception_handler(error, {})
    assert response is not None
    assert response.status_code == 403
    assert list(response.data) == AUTHORIZATION_KEYS
    assert response.data == {
        "type": "AuthorizationException",
        "message": "The user with id 'mallory' does not have 'READ' ...",
        "code": 0,
        "userId": "mallory",
        "resourceName": "Deployment",
        "resourceId": "d-1",
        "permissionName": "READ",
        "missingAuthorizations": [missing],
    }


def test_a_403_missing_several_authorizations_leaves_the_deprecated_fields_null():
    missing = [
        {"permissionName": "READ", "resourceName": "Process instance", "resourceId": "pi-1"},
        {"permissionName": "READ_INSTANCE", "resourceName": "Process definition",
         "resourceId": "invoice"},
    ]
    error = AuthorizationError("...", user_id="mallory", missing=missing)
    response = camunda_exception_handler(error, {})
    assert response is not None
    data = response.data
    assert (data["resourceName"], data["resourceId"], data["permissionName"]) == (None,) * 3
    assert (data["code"], data["userId"], data["missingAuthorizations"]) == (0, "mallory", missing)


@pytest.mark.django_db
def test_a_403_over_http_is_camundas_authorization_exception_dto():
    deployment = deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))]).deployment
    make_user("mallory")
    response = basic_client("mallory").get(f"{BASE}/deployment/{deployment.id}")
    assert response.status_code == 403
    body = response.json()
    assert list(body) == AUTHORIZATION_KEYS
    assert (body["code"], body["userId"]) == (0, "mallory")
    (single,) = body["missingAuthorizations"]
    assert single == {"permissionName": "READ", "resourceName": "Deployment",
                      "resourceId": deployment.id}
    assert [body["resourceName"], body["resourceId"], body["permissionName"]] == [
        "Deployment", deployment.id, "READ"]


@pytest.mark.django_db
def test_a_403_of_the_identity_resources_keeps_the_user_and_what_is_missing():
    # identity.rest converts the engine's AuthorizationError into a CamundaError on its way
    make_user("mallory")
    response = basic_client("mallory").post(f"{BASE}/group/create", {"id": "sales"},
                                            content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    assert list(body) == AUTHORIZATION_KEYS
    assert body["userId"] == "mallory"
    assert body["missingAuthorizations"] == [
        {"permissionName": "CREATE", "resourceName": "Group", "resourceId": "*"}]
    assert (body["permissionName"], body["resourceName"], body["resourceId"]) == (
        "CREATE", "Group", "*")


# -- ParseException and the migration exceptions --------------------------------------------


@pytest.mark.django_db
def test_a_refused_deployment_is_a_parse_exception_with_code_0(modeler_deploy):
    response = modeler_deploy({"bad.bpmn": b"<not bpmn"})
    assert response.status_code == 400
    assert list(response.json()) == [*EXCEPTION_KEYS, "details"]
    assert (response.json()["type"], response.json()["code"]) == ("ParseException", 0)
    assert not Deployment.objects.exists()


@pytest.mark.django_db
def test_a_plan_that_does_not_fit_is_a_migration_plan_validation_exception_with_code_0(
    api, modeler_deploy
):
    v1, v2 = deploy_versions(modeler_deploy)
    instance_id = start(api, v1)
    plan = {"sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2,
            "instructions": [instruction("work", "nope")]}
    for what in ("execute", "executeAsync"):
        response = post(api, what, {"migrationPlan": plan, "processInstanceIds": [instance_id]})
        assert response.status_code == 400
        body = response.json()
        assert list(body) == [*EXCEPTION_KEYS, "validationReport"]
        assert (body["type"], body["code"]) == ("MigrationPlanValidationException", 0)


@pytest.mark.django_db
def test_an_instance_the_plan_cannot_migrate_is_a_validation_exception_with_code_0(
    api, modeler_deploy
):
    v1, v2 = deploy_versions(modeler_deploy)
    instance_id = start(api, v1)
    plan = {"sourceProcessDefinitionId": v1, "targetProcessDefinitionId": v2, "instructions": []}
    response = post(api, "execute", {"migrationPlan": plan, "processInstanceIds": [instance_id]})
    assert response.status_code == 400
    body = response.json()
    assert list(body) == EXCEPTION_KEYS
    assert (body["type"], body["code"]) == ("MigratingProcessInstanceValidationException", 0)
