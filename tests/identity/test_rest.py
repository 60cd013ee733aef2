import base64

import pytest
from django.contrib.auth.models import Group, User

from engine.models import UserOperationLog
from identity.models import Authorization
from identity.resources import Permission, Resource
from tests.identity.factories import GRANT, make_user, rule
from tests.identity.history_rows import instance

pytestmark = pytest.mark.django_db
PASSWORD = "s3cret-pass-9"


def basic(username: str, password: str = PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_user_create_list_count_profile_and_delete_have_camunda_shapes(client, root):
    response = client.post("/engine-rest/user/create", {
        "profile": {"id": "john", "firstName": "John", "lastName": "Doe", "email": "j@x.org"},
        "credentials": {"password": "john-pass-123"},
    }, content_type="application/json", **root)
    assert response.status_code == 204
    assert client.get("/engine-rest/user?id=john", **root).json() == [
        {"id": "john", "firstName": "John", "lastName": "Doe", "email": "j@x.org"}
    ]
    assert client.get("/engine-rest/user/count", **root).json() == {"count": 2}
    assert client.get("/engine-rest/user/john/profile", **root).json()["lastName"] == "Doe"
    client.put("/engine-rest/user/john/profile", {"firstName": "Jo"},
               content_type="application/json", **root)
    assert User.objects.get(username="john").first_name == "Jo"
    assert client.delete("/engine-rest/user/john", **root).status_code == 204
    assert not User.objects.filter(username="john").exists()


def test_user_create_with_a_profile_that_is_no_object_is_a_bad_request(client, root):
    response = client.post("/engine-rest/user/create", {
        "profile": "john", "credentials": {"password": "john-pass-123"},
    }, content_type="application/json", **root)
    assert response.status_code == 400
    assert response.json() == {
        "type": "InvalidRequestException", "message": "'profile' must be a JSON object",
        "code": None,
    }
    assert not User.objects.filter(username="john").exists()


@pytest.mark.parametrize(("path", "body", "message"), [
    ("user/create", {"profile": {"id": 7}, "credentials": {"password": "john-pass-123"}},
     "User id '7' is not valid"),
    ("user/create", {"profile": {"id": "7"}, "credentials": {"password": 12345678901}},
     "Password is not valid: a password is text"),
    ("group/create", {"id": 7}, "Group id '7' is not valid"),
])
def test_an_id_or_password_that_is_no_text_is_a_bad_request(client, root, path, body, message):
    response = client.post(f"/engine-rest/{path}", body, content_type="application/json", **root)
    assert response.status_code == 400
    assert response.json()["message"].startswith(message)
    assert not User.objects.filter(username="7").exists()
    assert not Group.objects.filter(name="7").exists()


def test_credentials_change_needs_the_authenticated_users_password(client, root):
    make_user("john")
    bad = client.put("/engine-rest/user/john/credentials", {
        "password": "new-pass-4567", "authenticatedUserPassword": "wrong",
    }, content_type="application/json", **root)
    # Camunda's UserResourceImpl: a 400 InvalidRequestException, not a missing permission
    assert bad.status_code == 400
    assert bad.json()["message"] == "The given authenticated user password is not valid."
    assert not User.objects.get(username="john").check_password("new-pass-4567")
    ok = client.put("/engine-rest/user/john/credentials", {
        "password": "new-pass-4567", "authenticatedUserPassword": PASSWORD,
    }, content_type="application/json", **root)
    assert ok.status_code == 204
    assert User.objects.get(username="john").check_password("new-pass-4567")


def test_an_unknown_user_is_a_camunda_404(client, root):
    response = client.get("/engine-rest/user/nobody/profile", **root)
    assert response.status_code == 404
    assert response.json() == {"type": "InvalidRequestException",
                               "message": "User with id nobody does not exist", "code": None}


def test_a_user_without_permission_gets_403_with_authorization_exception(client, mary):
    response = client.post("/engine-rest/group/create", {"id": "sales"},
                           content_type="application/json", **mary)
    assert response.status_code == 403
    assert response.json()["type"] == "AuthorizationException"
    assert "'CREATE' permission" in response.json()["message"]


def test_user_list_is_restricted_to_readable_users(client, mary):
    make_user("john")
    make_user("eve")
    rule(GRANT, Resource.USER, "john", Permission.READ, user="mary")
    assert [u["id"] for u in client.get("/engine-rest/user", **mary).json()] == ["john"]


TOO_LONG = "is too long: 256 characters, at most 255"


@pytest.mark.parametrize(("path", "body", "message"), [
    ("user/create", {"profile": {"id": "7", "firstName": "J" * 151},
                     "credentials": {"password": "john-pass-123"}},
     "firstName is too long: 151 characters, at most 150"),
    ("group/create", {"id": "7", "name": "N" * 256}, f"name {TOO_LONG}"),
    ("group/create", {"id": "7", "type": "T" * 256}, f"type {TOO_LONG}"),
    ("tenant/create", {"id": "7", "name": "N" * 256}, f"name {TOO_LONG}"),
])
def test_a_name_longer_than_its_column_is_a_bad_request_naming_it(
    client, root, path, body, message
):
    # PostgreSQL would refuse the row with a database error naming no field (a 500)
    response = client.post(f"/engine-rest/{path}", body, content_type="application/json", **root)
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert not User.objects.filter(username="7").exists()
    assert not Group.objects.filter(name="7").exists()


def test_a_profile_or_group_update_longer_than_its_column_changes_nothing(client, root):
    make_user("john")
    response = client.put("/engine-rest/user/john/profile", {"email": "j" * 300 + "@x.org"},
                          content_type="application/json", **root)
    assert response.status_code == 400
    assert response.json()["message"].startswith("email is too long: 306 characters")
    assert User.objects.get(username="john").email == ""
    client.post("/engine-rest/group/create", {"id": "sales", "name": "Sales"},
                content_type="application/json", **root)
    response = client.put("/engine-rest/group/sales", {"name": "S" * 256},
                          content_type="application/json", **root)
    assert response.status_code == 400
    assert client.get("/engine-rest/group/sales", **root).json()["name"] == "Sales"


def test_groups_and_members(client, root):
    client.post("/engine-rest/group/create", {"id": "sales", "name": "Sales", "type": "WF"},
                content_type="application/json", **root)
    make_user("john")
    assert client.put("/engine-rest/group/sales/members/john", **root).status_code == 204
    assert client.get("/engine-rest/group?member=john", **root).json() == [
        {"id": "sales", "name": "Sales", "type": "WF"}
    ]
    assert client.get("/engine-rest/group/count", **root).json() == {"count": 2}
    groups = client.get("/engine-rest/identity/groups?userId=john", **root).json()
    assert groups["groups"] == [{"id": "sales", "name": "Sales"}]
    assert [u["id"] for u in groups["groupUsers"]] == ["john"]
    assert client.delete("/engine-rest/group/sales/members/john", **root).status_code == 204
    assert client.delete("/engine-rest/group/sales", **root).status_code == 204
    assert not Group.objects.filter(name="sales").exists()


def test_identity_verify_answers_camundas_authentication_result_with_null_groups_and_tenants(
    client, root
):
    # Camunda's verifyUser checks the password only: its AuthenticationResult keeps tenants
    # and groups null, also for a user in groups (root is an admin).
    ok = client.post("/engine-rest/identity/verify", {"username": "root", "password": PASSWORD},
                     content_type="application/json", **root).json()
    assert ok == {"authenticatedUser": "root", "authenticated": True, "tenants": None,
                  "groups": None}
    bad = client.post("/engine-rest/identity/verify", {"username": "root", "password": "x"},
                      content_type="application/json", **root).json()
    assert bad == {"authenticatedUser": "root", "authenticated": False, "tenants": None,
                   "groups": None}


def test_authorization_create_get_update_delete_and_count(client, root):
    created = client.post("/engine-rest/authorization/create", {
        "type": 1, "permissions": ["READ", "CREATE_INSTANCE"], "userId": "mary",
        "groupId": None, "resourceType": 6, "resourceId": "invoice",
    }, content_type="application/json", **root)
    assert created.status_code == 200
    dto = created.json()
    assert {k: dto[k] for k in ("type", "permissions", "userId", "resourceType", "resourceId")} \
        == {"type": 1, "permissions": ["READ", "CREATE_INSTANCE"], "userId": "mary",
            "resourceType": 6, "resourceId": "invoice"}
    url = f"/engine-rest/authorization/{dto['id']}"
    assert client.get(url, **root).json()["id"] == dto["id"]
    assert client.get("/engine-rest/authorization/count?userIdIn=mary", **root).json() == {
        "count": 1}
    client.put(url, {"permissions": ["READ"], "userId": "mary", "resourceType": 6,
                     "resourceId": "invoice"}, content_type="application/json", **root)
    assert Authorization.objects.get(pk=dto["id"]).permissions == ["READ"]
    assert client.delete(url, **root).status_code == 204
    assert UserOperationLog.objects.filter(entity_type="Authorization").exists()


def test_an_invalid_authorization_is_a_400_in_words(client, root):
    response = client.post("/engine-rest/authorization/create", {
        "type": 0, "permissions": ["READ"], "userId": "mary", "resourceType": 6,
        "resourceId": "*",
    }, content_type="application/json", **root)
    assert response.status_code == 400
    assert response.json()["type"] == "InvalidRequestException"
    assert "global authorization" in response.json()["message"]


@pytest.mark.parametrize("change", [{"permissions": ["READ", 1]}, {"userId": ["mary"]}])
def test_an_authorization_with_names_that_are_no_text_is_a_400(client, root, change):
    response = client.post("/engine-rest/authorization/create", {
        "type": 1, "permissions": ["READ"], "userId": "mary", "resourceType": 6,
        "resourceId": "invoice", **change,
    }, content_type="application/json", **root)
    assert response.status_code == 400
    assert response.json()["message"].startswith("An authorization needs type (0, 1 or 2)")
    assert not Authorization.objects.filter(resource_id="invoice").exists()


def test_authorization_check_answers_for_the_authenticated_user(client, mary):
    rule(GRANT, Resource.PROCESS_DEFINITION, "invoice", Permission.READ, user="mary")
    response = client.get("/engine-rest/authorization/check?permissionName=READ"
                          "&resourceType=6&resourceId=invoice", **mary)
    assert response.json() == {"permissionName": "READ", "resourceName": "Process definition",
                               "resourceId": "invoice", "authorized": True}
    other = client.get("/engine-rest/authorization/check?permissionName=READ&resourceType=6"
                       "&resourceId=invoice&userId=root", **mary)
    assert other.status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("permissionName=NOPE&resourceType=6",
         "The permission 'NOPE' is not valid for 'Process definition' resource type."),
        ("permissionName=READ&resourceType=999",
         "The permission 'READ' is not valid for "),
    ],
)
def test_authorization_check_refuses_a_permission_the_resource_type_has_not(
    client, mary, query, message
):
    # It answered {"authorized": true} for any name (Camunda: a 400 BadUserRequestException).
    response = client.get(f"/engine-rest/authorization/check?{query}", **mary)
    assert response.status_code == 400
    assert response.json()["message"].startswith(message)


def test_history_export_over_rest_streams_and_is_logged(client, root):
    instance("pi-1")
    response = client.get("/engine-rest/history/export?kind=task&format=jsonl", **root)
    assert response.status_code == 200
    assert b"pi-1-t1" in b"".join(response.streaming_content)
    assert UserOperationLog.objects.filter(operation_type="Export", user_id="root").exists()


def test_history_export_over_rest_refuses_a_user_without_history_permission(client, mary):
    response = client.get("/engine-rest/history/export?kind=task", **mary)
    assert response.status_code == 403
    assert response.json()["type"] == "AuthorizationException"


def test_history_export_rejects_a_date_without_zone(client, root):
    response = client.get("/engine-rest/history/export?kind=task&after=2026-01-01T00:00:00",
                          **root)
    assert response.status_code == 400


def test_user_group_and_authorization_lists_sort_as_camunda(client, root):
    for name, last in (("anna", "Zeta"), ("bert", "Alpha")):
        make_user(name)
        User.objects.filter(username=name).update(last_name=last)
    users = client.get("/engine-rest/user?sortBy=lastName&sortOrder=asc&idIn=anna,bert", **root)
    assert [u["id"] for u in users.json()] == ["bert", "anna"]
    users = client.get("/engine-rest/user?sortBy=userId&sortOrder=desc&maxResults=1", **root)
    assert [u["id"] for u in users.json()] == ["root"]
    for group_id, kind in (("g1", "b"), ("g2", "a")):
        client.post("/engine-rest/group/create", {"id": group_id, "type": kind},
                    content_type="application/json", **root)
    groups = client.get("/engine-rest/group?idIn=g1,g2&sortBy=type&sortOrder=asc", **root)
    assert [g["id"] for g in groups.json()] == ["g2", "g1"]
    rule(GRANT, Resource.PROCESS_DEFINITION, "b", Permission.READ, user="anna")
    rule(GRANT, Resource.PROCESS_DEFINITION, "a", Permission.READ, user="anna")
    rules = client.get("/engine-rest/authorization?userIdIn=anna&resourceType=6"
                       "&sortBy=resourceId&sortOrder=desc", **root)
    assert [r["resourceId"] for r in rules.json()] == ["b", "a"]
    alone = client.get("/engine-rest/user?sortOrder=desc", **root)
    assert alone.status_code == 400
    assert alone.json()["message"] == (
        "Only a single sorting parameter specified. sortBy and sortOrder required")
    # An empty parameter is no filter.
    assert client.get("/engine-rest/group?id=&type=", **root).json() == client.get(
        "/engine-rest/group", **root).json()
