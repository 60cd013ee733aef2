"""OPTIONS /filter and /filter/{id} answer Camunda's ResourceOptionsDto links, by the same
rules the filter services apply (owners may do all, shares grant READ, else authorizations)."""

from __future__ import annotations

import pytest

from identity.resources import Permission, Resource
from tasklist import filters
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db
HOST = "http://testserver/engine-rest/filter"
READING = ["self", "singleResult", "singleResult", "list", "list", "count", "count"]


@pytest.fixture
def people(demo_user):
    make_user("alice", "compliance")
    make_user("bob", "compliance")
    make_user("mallory", "sales")
    grant("alice", Resource.FILTER, "*", Permission.CREATE)


def rels(username: str, path: str) -> list[str]:
    response = basic_client(username).options(f"{BASE}/{path}")
    assert response.status_code == 200
    return [link["rel"] for link in response.json()["links"]]


def test_the_collection_offers_create_only_with_create_on_filter(people):
    assert basic_client("alice").options(f"{BASE}/filter").json() == {"links": [
        {"method": "GET", "href": HOST, "rel": "list"},
        {"method": "GET", "href": f"{HOST}/count", "rel": "count"},
        {"method": "POST", "href": f"{HOST}/create", "rel": "create"},
    ]}
    assert rels("bob", "filter") == ["list", "count"]


def test_the_owner_gets_every_link_of_the_filter(people):
    saved = filters.create_filter("alice", name="Mine", query={})
    links = basic_client("alice").options(f"{BASE}/filter/{saved.pk}").json()["links"]
    one = f"{HOST}/{saved.pk}"
    assert [(link["method"], link["href"]) for link in links] == [
        ("GET", one),
        ("GET", f"{one}/singleResult"), ("POST", f"{one}/singleResult"),
        ("GET", f"{one}/list"), ("POST", f"{one}/list"),
        ("GET", f"{one}/count"), ("POST", f"{one}/count"),
        ("DELETE", one), ("PUT", one),
    ]
    assert [link["rel"] for link in links] == [*READING, "delete", "update"]


def test_a_share_gives_the_reading_links_and_an_authorization_the_others(people):
    saved = filters.create_filter("alice", name="Team", query={}, shared_groups=["compliance"])
    assert rels("bob", f"filter/{saved.pk}") == READING
    assert rels("mallory", f"filter/{saved.pk}") == []
    grant("mallory", Resource.FILTER, str(saved.pk), Permission.UPDATE)
    assert rels("mallory", f"filter/{saved.pk}") == ["update"]


def test_an_unknown_filter_answers_by_the_authorizations_on_its_id(people, api):
    assert rels("bob", "filter/404") == []
    links = api.options(f"{BASE}/filter/404").json()["links"]  # demo, an administrator
    assert [link["rel"] for link in links] == [*READING, "delete", "update"]
