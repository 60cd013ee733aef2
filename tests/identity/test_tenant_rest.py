"""/engine-rest/tenant as Camunda 7 shapes it: list, count, one, create, update, delete,
memberships, OPTIONS; errors, authorization and the operation log."""

import pytest
from django.contrib.auth.models import Group, User

from engine.models import UserOperationLog
from identity.models import Authorization, Tenant, TenantMembership
from identity.resources import Permission, Resource
from tests.identity.factories import GRANT, REVOKE, make_user, rule
from tests.identity.test_rest import basic

pytestmark = pytest.mark.django_db
JSON = "application/json"
BASE = "/engine-rest/tenant"


def tenants(*pairs: tuple[str, str]) -> None:
    for tenant_id, name in pairs:
        Tenant.objects.create(id=tenant_id, name=name)


def log(entity_type: str) -> list[tuple[str, str, str | None, str | None]]:
    return list(
        UserOperationLog.objects.filter(entity_type=entity_type).order_by("id")
        .values_list("operation_type", "property", "org_value", "new_value")
    )


def test_create_then_get_list_and_count_have_camunda_shapes(client, root):
    response = client.post(f"{BASE}/create", {"id": "acme", "name": "Acme Inc"},
                           content_type=JSON, **root)
    assert response.status_code == 204
    assert client.get(f"{BASE}/acme", **root).json() == {"id": "acme", "name": "Acme Inc"}
    assert client.get(BASE, **root).json() == [{"id": "acme", "name": "Acme Inc"}]
    assert client.get(f"{BASE}/count", **root).json() == {"count": 1}
    assert log("Tenant") == [("Create", "tenantId", None, "acme")]


def test_list_filters_sorting_and_paging(client, root):
    tenants(("a", "Zeta"), ("b", "Alpha"), ("c", "Alphabet"))
    ids = lambda query: [t["id"] for t in client.get(f"{BASE}?{query}", **root).json()]  # noqa: E731
    assert ids("") == ["a", "b", "c"]
    assert ids("sortBy=name&sortOrder=asc") == ["b", "c", "a"]
    assert ids("sortBy=id&sortOrder=desc") == ["c", "b", "a"]
    assert ids("nameLike=Alpha%25") == ["b", "c"]
    assert ids("name=Zeta") == ["a"]
    assert ids("id=b") == ["b"]
    assert ids("idIn=a,c") == ["a", "c"]
    assert ids("firstResult=1&maxResults=1") == ["b"]
    assert client.get(f"{BASE}/count?nameLike=Alpha%25", **root).json() == {"count": 2}


def test_member_filters_including_the_groups_of_a_user(client, root):
    tenants(("t1", ""), ("t2", ""), ("t3", ""))
    make_user("john", "sales")
    TenantMembership.objects.create(tenant_id="t1", user=User.objects.get(username="john"))
    TenantMembership.objects.create(tenant_id="t2", group=Group.objects.get(name="sales"))
    ids = lambda query: [t["id"] for t in client.get(f"{BASE}?{query}", **root).json()]  # noqa: E731
    assert ids("userMember=john") == ["t1"]
    assert ids("userMember=john&includingGroupsOfUser=true") == ["t1", "t2"]
    assert ids("groupMember=sales") == ["t2"]
    assert client.get(f"{BASE}/count?userMember=john&includingGroupsOfUser=true",
                      **root).json() == {"count": 2}


@pytest.mark.parametrize(("query", "message"), [
    ("sortBy=type&sortOrder=asc", "Cannot set query parameter 'sortBy' to value 'type'"),
    ("sortBy=id", "Only a single sorting parameter specified. sortBy and sortOrder required"),
    ("maxResults=many", "Cannot set query parameter 'maxResults' to value 'many'"),
    ("includingGroupsOfUser=yes",
     "Cannot set query parameter 'includingGroupsOfUser' to value 'yes'"),
])
def test_bad_list_parameters_are_a_400_naming_them(client, root, query, message):
    response = client.get(f"{BASE}?{query}", **root)
    assert response.status_code == 400
    assert response.json() == {"type": "InvalidRequestException", "message": message, "code": None}


def test_a_name_is_null_when_none_was_given(client, root):
    client.post(f"{BASE}/create", {"id": "bare"}, content_type=JSON, **root)
    assert client.get(f"{BASE}/bare", **root).json() == {"id": "bare", "name": None}


def test_update_changes_the_name_and_logs_before_and_after(client, root):
    tenants(("acme", "Acme"))
    response = client.put(f"{BASE}/acme", {"id": "acme", "name": "Acme Ltd"},
                          content_type=JSON, **root)
    assert response.status_code == 204
    assert Tenant.objects.get(pk="acme").name == "Acme Ltd"
    assert log("Tenant") == [("Update", "name", "Acme", "Acme Ltd"),
                             ("Update", "tenantId", None, "acme")]


def test_update_refuses_a_new_id_and_changes_nothing(client, root):
    tenants(("acme", "Acme"))
    response = client.put(f"{BASE}/acme", {"id": "other", "name": "X"},
                          content_type=JSON, **root)
    assert response.status_code == 400
    assert response.json() == {"type": "InvalidRequestException",
                               "message": "The id of a tenant cannot be changed", "code": None}
    assert Tenant.objects.get(pk="acme").name == "Acme"
    assert log("Tenant") == []


@pytest.mark.parametrize(("method", "path"), [
    ("get", "nobody"), ("put", "nobody"), ("delete", "nobody"),
    ("put", "nobody/user-members/root"), ("delete", "nobody/group-members/g"),
])
def test_an_unknown_tenant_is_a_camunda_404(client, root, method, path):
    response = getattr(client, method)(f"{BASE}/{path}", {"name": "x"}, content_type=JSON, **root)
    assert response.status_code == 404
    assert response.json() == {"type": "InvalidRequestException",
                               "message": "Tenant with id nobody does not exist", "code": None}


def test_an_unknown_user_or_group_in_a_membership_is_a_404(client, root):
    tenants(("acme", ""))
    user = client.put(f"{BASE}/acme/user-members/ghost", **root)
    group = client.put(f"{BASE}/acme/group-members/ghosts", **root)
    assert (user.status_code, group.status_code) == (404, 404)
    assert user.json()["message"] == "User with id ghost does not exist"
    assert group.json()["message"] == "Group with id ghosts does not exist"
    assert not TenantMembership.objects.exists()


def test_a_duplicate_id_is_a_400_and_the_first_tenant_stays(client, root):
    tenants(("acme", "Acme"))
    response = client.post(f"{BASE}/create", {"id": "acme", "name": "Other"},
                           content_type=JSON, **root)
    assert response.status_code == 400
    assert response.json() == {"type": "InvalidRequestException",
                               "message": "A tenant with id 'acme' already exists", "code": None}
    assert Tenant.objects.get(pk="acme").name == "Acme"
    assert log("Tenant") == []


@pytest.mark.parametrize("payload", [{}, {"name": "no id"}, {"id": "bad id!"}, {"id": "*"}])
def test_a_missing_or_invalid_id_is_a_400(client, root, payload):
    response = client.post(f"{BASE}/create", payload, content_type=JSON, **root)
    assert response.status_code == 400
    assert set(response.json()) == {"type", "message", "code"}
    assert not Tenant.objects.exists()


def test_user_and_group_memberships_are_created_logged_and_removed(client, root):
    tenants(("acme", ""))
    make_user("john", "sales")
    assert client.put(f"{BASE}/acme/user-members/john", **root).status_code == 204
    assert client.put(f"{BASE}/acme/group-members/sales", **root).status_code == 204
    assert client.put(f"{BASE}/acme/user-members/john", **root).status_code == 204  # again
    assert TenantMembership.objects.count() == 2
    assert log("TenantMembership") == [
        ("Create", "userId", None, "john"), ("Create", "tenantId", None, "acme"),
        ("Create", "groupId", None, "sales"), ("Create", "tenantId", None, "acme"),
    ]
    assert client.delete(f"{BASE}/acme/user-members/john", **root).status_code == 204
    assert client.delete(f"{BASE}/acme/group-members/sales", **root).status_code == 204
    assert not TenantMembership.objects.exists()
    assert log("TenantMembership")[4:] == [
        ("Delete", "userId", "john", None), ("Delete", "tenantId", "acme", None),
        ("Delete", "groupId", "sales", None), ("Delete", "tenantId", "acme", None),
    ]


def test_members_may_read_their_tenant_as_camundas_default_grant_gives(client, root):
    tenants(("acme", "Acme"), ("other", ""))
    make_user("john", "sales")
    make_user("eve", "sales")
    client.put(f"{BASE}/acme/user-members/john", **root)
    client.put(f"{BASE}/other/group-members/sales", **root)
    assert [t["id"] for t in client.get(BASE, **basic("john")).json()] == ["acme", "other"]
    assert [t["id"] for t in client.get(BASE, **basic("eve")).json()] == ["other"]
    client.delete(f"{BASE}/acme/user-members/john", **root)
    assert not Authorization.objects.filter(user_id="john", resource_type=Resource.TENANT).exists()
    assert client.get(f"{BASE}/acme", **basic("john")).status_code == 403


def test_deleting_a_tenant_removes_its_memberships_and_rules(client, root):
    tenants(("acme", ""))
    make_user("john", "sales")
    client.put(f"{BASE}/acme/user-members/john", **root)
    client.put(f"{BASE}/acme/group-members/sales", **root)
    assert client.delete(f"{BASE}/acme", **root).status_code == 204
    assert not Tenant.objects.exists()
    assert not TenantMembership.objects.exists()
    assert not Authorization.objects.filter(resource_type=Resource.TENANT).exists()
    assert log("Tenant")[-1] == ("Delete", "tenantId", "acme", None)


def test_deleting_a_user_or_group_removes_their_tenant_memberships(client, root):
    tenants(("acme", ""))
    make_user("john", "sales")
    client.put(f"{BASE}/acme/user-members/john", **root)
    client.put(f"{BASE}/acme/group-members/sales", **root)
    assert client.delete("/engine-rest/user/john", **root).status_code == 204
    assert list(TenantMembership.objects.values_list("group__name", flat=True)) == ["sales"]
    assert client.delete("/engine-rest/group/sales", **root).status_code == 204
    assert not TenantMembership.objects.exists()
    assert Tenant.objects.filter(pk="acme").exists()


def test_users_and_groups_can_be_listed_by_tenant(client, root):
    tenants(("acme", ""))
    make_user("john", "sales")
    make_user("eve", "ops")
    client.put(f"{BASE}/acme/user-members/john", **root)
    client.put(f"{BASE}/acme/group-members/ops", **root)
    users = client.get("/engine-rest/user?memberOfTenant=acme", **root).json()
    groups = client.get("/engine-rest/group?memberOfTenant=acme", **root).json()
    assert [u["id"] for u in users] == ["john"]
    assert [g["id"] for g in groups] == ["ops"]
    assert client.get("/engine-rest/user/count?memberOfTenant=acme", **root).json() == {"count": 1}


@pytest.mark.parametrize(("method", "path", "payload", "missing"), [
    ("post", "create", {"id": "t2"}, "'CREATE' permission on resource '*' of type 'Tenant'"),
    ("put", "acme", {"name": "x"}, "'UPDATE' permission on resource 'acme' of type 'Tenant'"),
    ("delete", "acme", None, "'DELETE' permission on resource 'acme' of type 'Tenant'"),
    ("get", "acme", None, "'READ' permission on resource 'acme' of type 'Tenant'"),
    ("put", "acme/user-members/mary", None,
     "'CREATE' permission on resource 'acme' of type 'Tenant membership'"),
    ("delete", "acme/group-members/sales", None,
     "'DELETE' permission on resource 'acme' of type 'Tenant membership'"),
])
def test_a_user_without_permission_gets_403_and_nothing_changes(client, mary, method, path,
                                                                payload, missing):
    tenants(("acme", "Acme"))
    Group.objects.create(name="sales")
    kwargs = {"data": payload, "content_type": JSON} if payload else {}
    response = getattr(client, method)(f"{BASE}/{path}", **kwargs, **mary)
    assert response.status_code == 403
    body = response.json()
    (single,) = body["missingAuthorizations"]
    assert body == {
        "type": "AuthorizationException",
        "message": f"The user with id 'mary' does not have {missing}.",
        "code": 0,
        "userId": "mary",
        "resourceName": single["resourceName"],
        "resourceId": single["resourceId"],
        "permissionName": single["permissionName"],
        "missingAuthorizations": [single],
    }
    assert missing == (f"'{single['permissionName']}' permission on resource "
                       f"'{single['resourceId']}' of type '{single['resourceName']}'")
    assert list(Tenant.objects.values_list("id", "name")) == [("acme", "Acme")]
    assert not TenantMembership.objects.exists()
    assert UserOperationLog.objects.count() == 0


def test_list_and_count_hold_only_readable_tenants(client, mary):
    tenants(("a", ""), ("b", ""), ("c", ""))
    assert client.get(BASE, **mary).json() == []
    rule(GRANT, Resource.TENANT, "*", Permission.READ, user="mary")
    rule(REVOKE, Resource.TENANT, "b", Permission.READ, user="mary")
    assert [t["id"] for t in client.get(BASE, **mary).json()] == ["a", "c"]
    assert client.get(f"{BASE}/count", **mary).json() == {"count": 2}


def test_granted_permissions_allow_the_changes(client, mary):
    tenants(("acme", ""))
    make_user("john")
    rule(GRANT, Resource.TENANT, "*", Permission.CREATE, user="mary")
    rule(GRANT, Resource.TENANT, "acme", Permission.UPDATE, user="mary")
    rule(GRANT, Resource.TENANT_MEMBERSHIP, "acme", Permission.ALL, user="mary")
    assert client.post(f"{BASE}/create", {"id": "t2"}, content_type=JSON, **mary).status_code == 204
    assert client.put(f"{BASE}/acme", {"name": "A"}, content_type=JSON, **mary).status_code == 204
    assert client.put(f"{BASE}/acme/user-members/john", **mary).status_code == 204
    assert client.delete(f"{BASE}/acme/user-members/john", **mary).status_code == 204
    # create 1 entry, update 2 (name, tenantId), each membership change 2 (userId, tenantId)
    assert UserOperationLog.objects.filter(user_id="mary").count() == 7


def test_options_list_the_links_the_caller_may_follow(client, root, mary):
    host = "http://testserver/engine-rest/tenant"
    assert client.options(BASE, **root).json() == {"links": [
        {"method": "GET", "href": host, "rel": "list"},
        {"method": "GET", "href": f"{host}/count", "rel": "count"},
        {"method": "POST", "href": f"{host}/create", "rel": "create"},
    ]}
    assert client.options(f"{BASE}/acme", **root).json() == {"links": [
        {"method": "GET", "href": f"{host}/acme", "rel": "self"},
        {"method": "DELETE", "href": f"{host}/acme", "rel": "delete"},
        {"method": "PUT", "href": f"{host}/acme", "rel": "update"},
    ]}
    assert client.options(f"{BASE}/acme/user-members", **root).json() == {"links": [
        {"method": "GET", "href": f"{host}/acme/user-members", "rel": "self"},
        {"method": "DELETE", "href": f"{host}/acme/user-members", "rel": "delete"},
        {"method": "PUT", "href": f"{host}/acme/user-members", "rel": "create"},
    ]}
    assert [link["rel"] for link in client.options(BASE, **mary).json()["links"]] == [
        "list", "count"]
    assert [link["rel"] for link in
            client.options(f"{BASE}/acme/group-members", **mary).json()["links"]] == ["self"]
    rule(GRANT, Resource.TENANT, "acme", Permission.UPDATE, user="mary")
    assert [link["rel"] for link in client.options(f"{BASE}/acme", **mary).json()["links"]] == [
        "self", "update"]


def test_joining_adds_read_to_a_rule_the_member_already_has_on_the_tenant(client, root):
    tenants(("acme", ""))
    make_user("john")
    rule(GRANT, Resource.TENANT, "acme", Permission.UPDATE, user="john")
    client.put(f"{BASE}/acme/user-members/john", **root)
    granted = Authorization.objects.get(user_id="john", resource_type=Resource.TENANT)
    assert granted.permissions == [Permission.UPDATE, Permission.READ]
