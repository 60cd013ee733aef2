"""OPTIONS on /user, /group, /group/{id}/members and /authorization answer Camunda's
ResourceOptionsDto: the links the caller's permissions allow, not Django REST framework's
description of the view."""

import pytest

from identity.models import Authorization
from identity.resources import Permission, Resource
from tests.identity.factories import GLOBAL, GRANT, rule

pytestmark = pytest.mark.django_db
HOST = "http://testserver/engine-rest"


def rels(client, path: str, credentials: dict[str, str]) -> list[str]:
    response = client.options(f"/engine-rest/{path}", **credentials)
    assert response.status_code == 200
    assert set(response.json()) == {"links"}
    return [link["rel"] for link in response.json()["links"]]


@pytest.mark.parametrize("resource", ["user", "group", "authorization"])
def test_a_collection_lists_list_count_and_create_for_an_administrator(client, root, resource):
    assert client.options(f"/engine-rest/{resource}", **root).json() == {"links": [
        {"method": "GET", "href": f"{HOST}/{resource}", "rel": "list"},
        {"method": "GET", "href": f"{HOST}/{resource}/count", "rel": "count"},
        {"method": "POST", "href": f"{HOST}/{resource}/create", "rel": "create"},
    ]}


@pytest.mark.parametrize(("resource", "type_"), [
    ("user", Resource.USER), ("group", Resource.GROUP), ("authorization", Resource.AUTHORIZATION),
])
def test_create_appears_only_with_create_on_the_resource_type(client, mary, resource, type_):
    assert rels(client, resource, mary) == ["list", "count"]
    rule(GRANT, type_, "*", Permission.CREATE, user="mary")
    assert rels(client, resource, mary) == ["list", "count", "create"]


def test_a_user_links_its_profile_as_self_and_update_and_itself_as_delete(client, root):
    assert client.options("/engine-rest/user/john", **root).json() == {"links": [
        {"method": "GET", "href": f"{HOST}/user/john/profile", "rel": "self"},
        {"method": "DELETE", "href": f"{HOST}/user/john", "rel": "delete"},
        {"method": "PUT", "href": f"{HOST}/user/john/profile", "rel": "update"},
    ]}


def test_instance_links_follow_delete_and_update_on_that_id(client, mary):
    assert rels(client, "user/john", mary) == ["self"]
    rule(GRANT, Resource.USER, "john", Permission.UPDATE, user="mary")
    assert rels(client, "user/john", mary) == ["self", "update"]
    rule(GRANT, Resource.GROUP, "sales", Permission.DELETE, user="mary")
    assert rels(client, "group/sales", mary) == ["self", "delete"]
    assert rels(client, "group/other", mary) == ["self"]


def test_an_authorization_links_itself_by_its_id(client, root, mary):
    saved = rule(GLOBAL, Resource.TASK, "*", Permission.READ)
    href = f"{HOST}/authorization/{saved.pk}"
    assert client.options(f"/engine-rest/authorization/{saved.pk}", **root).json() == {"links": [
        {"method": "GET", "href": href, "rel": "self"},
        {"method": "DELETE", "href": href, "rel": "delete"},
        {"method": "PUT", "href": href, "rel": "update"},
    ]}
    rule(GRANT, Resource.AUTHORIZATION, str(saved.pk), Permission.DELETE, user="mary")
    assert rels(client, f"authorization/{saved.pk}", mary) == ["self", "delete"]
    assert Authorization.objects.filter(pk=saved.pk).exists()


def test_group_members_offer_delete_and_create_by_membership_permissions(client, root, mary):
    href = f"{HOST}/group/sales/members"
    assert client.options("/engine-rest/group/sales/members", **root).json() == {"links": [
        {"method": "DELETE", "href": href, "rel": "delete"},
        {"method": "PUT", "href": href, "rel": "create"},
    ]}
    assert rels(client, "group/sales/members", mary) == []
    rule(GRANT, Resource.GROUP_MEMBERSHIP, "sales", Permission.CREATE, user="mary")
    assert rels(client, "group/sales/members", mary) == ["create"]


def test_ids_are_escaped_in_the_links(client, root):
    links = client.options("/engine-rest/group/a%20b", **root).json()["links"]
    assert links[0]["href"] == f"{HOST}/group/a%20b"


def test_options_still_need_credentials(client, db):
    assert client.options("/engine-rest/user").status_code == 401
