"""`/filter`: Camunda's saved task filters over the Tasklist's filters, as a client sees them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, User

from engine.models import ProcessInstance, Task, UserOperationLog
from engine.rest import openapi
from engine.services import runtime
from identity.presets import apply_preset
from identity.resources import Permission, Resource
from tasklist import filters
from tasklist.lists import ListParams, base_tasks, list_entries
from tests.identity.factories import GRANT, make_user, rule
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import assert_forbidden, basic_client, grant
from tests.tasklist.conftest import deploy_demo, login, start_kyc

pytestmark = pytest.mark.django_db

PROPERTIES = {
    "color": "#3e4d2f",
    "description": "Reviews waiting for my groups",
    "priority": 5,
    "refresh": True,
    "showUndefinedVariable": False,
    "variables": [{"name": "customerName", "label": "Customer"}],
}


@pytest.fixture
def people(demo_user):
    """alice and bob in compliance (alice may create filters), mallory in sales; two KYC
    reviews offered to compliance, KYC-A and KYC-B."""
    deploy_demo()
    make_user("alice", "compliance")
    make_user("bob", "compliance")
    make_user("mallory", "sales")
    grant("alice", Resource.FILTER, "*", Permission.CREATE)
    start_kyc(business_key="KYC-A")
    start_kyc("Grace Hopper", business_key="KYC-B")


def create(client, query=None, **fields):
    body = {"resourceType": "Task", "name": "Reviews", "query": query or {}, **fields}
    return client.post(f"{BASE}/filter/create", body, content_type="application/json")


def task_of(business_key: str) -> Task:
    instance = ProcessInstance.objects.get(business_key=business_key)
    return Task.objects.get(process_instance_id=instance.id)


def test_a_filter_round_trips_through_create_get_update_and_delete(people):
    alice = basic_client("alice")
    query = {"candidateGroupsExpression": "${currentUserGroups()}", "nameLike": "Review%"}
    created = create(alice, query, properties=PROPERTIES)
    assert created.status_code == 200, created.content
    dto = created.json()
    assert isinstance(dto["id"], str)
    assert dto == {
        "id": dto["id"], "resourceType": "Task", "name": "Reviews", "owner": "alice",
        "query": query, "properties": PROPERTIES, "itemCount": None,
    }
    assert alice.get(f"{BASE}/filter/{dto['id']}").json() == dto
    changed = {**PROPERTIES, "color": "#ff0000", "priority": -1}
    updated = alice.put(
        f"{BASE}/filter/{dto['id']}",
        {"resourceType": "Task", "name": "Mine", "query": {"assignee": "bob"},
         "properties": changed},
        content_type="application/json",
    )
    assert updated.status_code == 204, updated.content
    again = alice.get(f"{BASE}/filter/{dto['id']}").json()
    assert (again["name"], again["query"], again["properties"]) == (
        "Mine", {"assignee": "bob"}, changed
    )
    assert alice.delete(f"{BASE}/filter/{dto['id']}").status_code == 204
    assert alice.get(f"{BASE}/filter/{dto['id']}").status_code == 404


def test_filter_changes_are_in_the_user_operation_log(people):
    alice = basic_client("alice")
    filter_id = create(alice).json()["id"]
    body = {"resourceType": "Task", "name": "Renamed", "query": {}}
    alice.put(f"{BASE}/filter/{filter_id}", body, content_type="application/json")
    alice.delete(f"{BASE}/filter/{filter_id}")
    rows = UserOperationLog.objects.filter(entity_type="Filter").order_by("id")
    assert {(r.operation_type, r.user_id) for r in rows} == {
        ("Create", "alice"), ("Update", "alice"), ("Delete", "alice")
    }
    renamed = rows.get(operation_type="Update", property="name")
    assert (renamed.org_value, renamed.new_value) == ("Reviews", "Renamed")


def test_the_filter_list_finds_by_each_parameter_sorts_and_pages(api, people):
    for name, owner in (("Alpha", "alice"), ("Beta", "bob"), ("Gamma", "alice")):
        filters.create_filter("demo", name=name, owner=owner, query={})
    url = f"{BASE}/filter"

    def names(**params):
        response = api.get(url, params)
        assert response.status_code == 200, response.content
        return [f["name"] for f in response.json()]

    beta = filters.readable_filters("demo").get(name="Beta")
    assert names(filterId=str(beta.pk)) == ["Beta"]
    assert names(filterId="nope") == []
    assert len(names(resourceType="Task")) == 3
    assert names(resourceType="Case") == []
    assert names(name="Gamma") == ["Gamma"]
    assert names(nameLike="%a") == ["Alpha", "Beta", "Gamma"]
    assert names(nameLike="B%") == ["Beta"]
    assert names(owner="alice", sortBy="name", sortOrder="desc") == ["Gamma", "Alpha"]
    assert names(sortBy="owner", sortOrder="asc")[-1] == "Beta"
    assert names(sortBy="filterId", sortOrder="asc", firstResult=1, maxResults=1) == ["Beta"]
    assert api.get(f"{url}/count", {"owner": "alice"}).json() == {"count": 2}
    assert api.get(f"{url}/count").json() == {"count": 3}


def test_item_count_is_the_number_of_tasks_the_filter_finds_for_the_caller(api, people):
    saved = filters.create_filter("demo", name="KYC", query={"candidate_group": "compliance"})
    listed = api.get(f"{BASE}/filter", {"itemCount": "true"}).json()
    assert [f["itemCount"] for f in listed] == [2]
    assert api.get(f"{BASE}/filter/{saved.pk}", {"itemCount": "true"}).json()["itemCount"] == 2
    assert api.get(f"{BASE}/filter/{saved.pk}").json()["itemCount"] is None
    saved.shares.create(user_id="mallory")
    # mallory reads the filter but none of its tasks.
    mallory = basic_client("mallory")
    assert mallory.get(f"{BASE}/filter", {"itemCount": "true"}).json()[0]["itemCount"] == 0


def make_tasklist_user(username: str):
    """The Django user, allowed into the Tasklist (Application ACCESS)."""
    grant(username, Resource.APPLICATION, "tasklist", Permission.ACCESS)
    return User.objects.get(username=username)


def test_a_filter_saved_in_the_tasklist_shows_over_rest_with_its_camunda_query(people):
    saving = {"name": "KYC A", "list": "group", "q": "KYC-A", "shared_groups": "compliance"}
    login(make_tasklist_user("alice")).post("/tasklist/filters/", saving)
    listed = basic_client("bob").get(f"{BASE}/filter").json()
    assert [(f["name"], f["owner"], f["query"]) for f in listed] == [
        ("KYC A", "alice", {"candidateUserExpression": "${currentUser()}", "search": "KYC-A"})
    ]
    tasks = basic_client("bob").get(f"{BASE}/filter/{listed[0]['id']}/list").json()
    assert [t["id"] for t in tasks] == [task_of("KYC-A").id]


def test_a_filter_created_over_rest_applies_in_the_tasklist(people):
    query = {
        "candidateGroupsExpression": "${currentUserGroups()}",
        "processInstanceBusinessKey": "KYC-B",
    }
    filter_id = create(basic_client("alice"), query, name="Grace").json()["id"]
    alice = make_tasklist_user("alice")
    counts = {e.key: (e.label, e.count) for e in list_entries(alice)}
    assert counts[f"filter-{filter_id}"] == ("Grace", 1)
    page = login(alice).get(f"/tasklist/?list=filter-{filter_id}").content.decode()
    assert "KYC-B" in page
    assert "KYC-A" not in page


def test_list_count_and_single_result_follow_the_current_user(api, people):
    runtime.claim_task(task_of("KYC-A").id, "bob")
    saved = filters.create_filter(
        "demo", name="Assigned to me", query={"assignee": "${currentUser()}"}
    )
    saved.shares.create(group_id="compliance")
    bob, alice = basic_client("bob"), basic_client("alice")
    url = f"{BASE}/filter/{saved.pk}"
    for method in ("get", "post"):
        listed = getattr(bob, method)(f"{url}/list", content_type="application/json").json()
        assert [t["id"] for t in listed] == [task_of("KYC-A").id]
        assert listed[0]["assignee"] == "bob"
        assert getattr(bob, method)(f"{url}/count").json() == {"count": 1}
        assert getattr(alice, method)(f"{url}/count").json() == {"count": 0}
        single = getattr(bob, method)(f"{url}/singleResult", content_type="application/json")
        assert single.json()["id"] == task_of("KYC-A").id
        assert getattr(alice, method)(f"{url}/singleResult").status_code == 204


def test_single_result_refuses_a_filter_that_finds_several_tasks(api, people):
    saved = filters.create_filter("demo", name="All", query={})
    response = api.get(f"{BASE}/filter/{saved.pk}/singleResult")
    assert response.status_code == 400
    assert response.json() == {
        "type": "InvalidRequestException",
        "message": "Filter does not returns a valid single result",
        "code": None,
    }


def test_a_posted_task_query_extends_the_filter_sorts_and_pages(api, people):
    saved = filters.create_filter(
        "demo", name="KYC B", query={"business_key": "KYC-B", "candidate_group": "compliance"}
    )
    url = f"{BASE}/filter/{saved.pk}"
    # The request's business key replaces the filter's, as Camunda's query extension does.
    body = {"processInstanceBusinessKey": "KYC-A"}
    listed = api.post(f"{url}/list", body, content_type="application/json").json()
    assert [t["id"] for t in listed] == [task_of("KYC-A").id]
    assert api.post(f"{url}/count", {}, content_type="application/json").json() == {"count": 1}
    everything = filters.create_filter("demo", name="All", query={})
    body = {"sorting": [{"sortBy": "created", "sortOrder": "desc"}]}
    url = f"{BASE}/filter/{everything.pk}/list"
    newest = api.post(f"{url}?maxResults=1", body, content_type="application/json").json()
    assert [t["id"] for t in newest] == [task_of("KYC-B").id]
    second = api.post(f"{url}?firstResult=1", body, content_type="application/json").json()
    assert [t["id"] for t in second] == [task_of("KYC-A").id]


def test_unsupported_query_keys_and_bad_values_are_refused_with_their_name(api, people):
    refused = {
        "taskVariables": [{"name": "x", "operator": "eq", "value": 1}],
        "assigneeExpression": "${dateTime()}",
        "priority": "high",
        "dueBefore": "tomorrow",
    }
    for key, value in refused.items():
        response = create(api, {key: value})
        assert response.status_code == 400, key
        assert response.json()["type"] == "InvalidRequestException"
        assert f"'{key}'" in response.json()["message"]
    saved = filters.create_filter("demo", name="All", query={})
    extension = {"processInstanceId": "x"}
    for path in ("list", "count", "singleResult"):
        response = api.post(
            f"{BASE}/filter/{saved.pk}/{path}", extension, content_type="application/json"
        )
        assert response.status_code == 400
        assert "'processInstanceId'" in response.json()["message"]


def test_the_empty_lists_camundas_tasklist_sends_ask_for_nothing(api, people):
    webapp = {"processVariables": [], "taskVariables": [], "caseInstanceVariables": [],
              "orQueries": [], "candidateGroup": "compliance"}
    created = create(api, webapp)
    assert created.status_code == 200, created.json()
    assert created.json()["query"] == {"candidateGroup": "compliance"}
    url = f"{BASE}/filter/{created.json()['id']}/count"
    extension = {"processVariables": [], "orQueries": []}
    assert api.post(url, extension, content_type="application/json").json() == {"count": 2}


def test_bad_resource_types_and_malformed_parameters_are_400(api, people):
    assert create(api, resourceType="Case").status_code == 400
    assert create(api, resourceType=None).status_code == 400
    assert create(api, name=None).status_code == 400
    assert create(api, properties={"priority": "high"}).status_code == 400
    saved = filters.create_filter("demo", name="All", query={})
    for params in (
        {"itemCount": "maybe"},
        {"firstResult": "-1"},
        {"sortBy": "created", "sortOrder": "asc"},
        {"sortBy": "name"},
    ):
        response = api.get(f"{BASE}/filter", params)
        assert response.status_code == 400, params
        assert response.json()["type"] == "InvalidRequestException"
    assert api.get(f"{BASE}/filter/{saved.pk}", {"itemCount": "x"}).status_code == 400
    assert api.get(f"{BASE}/filter/{saved.pk}/list", {"maxResults": "x"}).status_code == 400
    body = {"resourceType": "Case", "name": "x", "query": {}}
    put = api.put(f"{BASE}/filter/{saved.pk}", body, content_type="application/json")
    assert put.status_code == 400


def test_without_permission_a_filter_is_invisible_and_refused(people):
    saved = filters.create_filter("alice", name="Private", query={})
    bob = basic_client("bob")
    assert bob.get(f"{BASE}/filter").json() == []
    assert bob.get(f"{BASE}/filter/count").json() == {"count": 0}
    url = f"{BASE}/filter/{saved.pk}"
    for path in ("", "/list", "/count", "/singleResult"):
        assert_forbidden(bob.get(f"{url}{path}"), "bob")
    body = {"resourceType": "Task", "name": "Taken", "query": {}}
    assert_forbidden(bob.put(url, body, content_type="application/json"), "bob")
    assert_forbidden(bob.delete(url), "bob")
    refused = create(bob).json()
    assert refused["missingAuthorizations"] == [
        {"permissionName": "CREATE", "resourceName": "Filter", "resourceId": "*"}
    ]
    assert refused["message"] == (
        "The user with id 'bob' does not have 'CREATE' permission on resource '*' of type "
        "'Filter'."
    )


def test_grants_let_others_read_update_and_delete_a_filter(people):
    saved = filters.create_filter("alice", name="Private", query={})
    url = f"{BASE}/filter/{saved.pk}"
    bob = basic_client("bob")
    granted = rule(GRANT, Resource.FILTER, str(saved.pk), Permission.READ, user="bob")
    assert [f["name"] for f in bob.get(f"{BASE}/filter").json()] == ["Private"]
    body = {"resourceType": "Task", "name": "Shared", "query": {}}
    assert_forbidden(bob.put(url, body, content_type="application/json"), "bob")
    granted.permissions = [Permission.READ, Permission.UPDATE]
    granted.save()
    assert bob.put(url, body, content_type="application/json").status_code == 204
    assert_forbidden(bob.delete(url), "bob")
    granted.permissions = [Permission.DELETE]
    granted.save()
    assert bob.delete(url).status_code == 204


def test_a_share_with_a_group_lets_its_members_read(people):
    saved = filters.create_filter("alice", name="Team", query={}, shared_groups=["compliance"])
    assert basic_client("bob").get(f"{BASE}/filter/{saved.pk}").status_code == 200
    assert basic_client("mallory").get(f"{BASE}/filter/{saved.pk}").status_code == 403


def test_a_filter_lists_only_the_tasks_the_caller_may_read(api, people):
    saved = filters.create_filter("demo", name="Everything", owner="mallory", query={})
    assert basic_client("mallory").get(f"{BASE}/filter/{saved.pk}/list").json() == []
    assert len(api.get(f"{BASE}/filter/{saved.pk}/list").json()) == 2


def test_an_unknown_filter_is_a_404(api, people):
    for path in ("999999", "not-a-number", "999999/list", "999999/count", "999999/singleResult"):
        response = api.get(f"{BASE}/filter/{path}")
        assert response.status_code == 404, path
        assert response.json()["type"] == "InvalidRequestException"
    body = {"resourceType": "Task", "name": "x", "query": {}}
    put = api.put(f"{BASE}/filter/999999", body, content_type="application/json")
    assert put.status_code == 404
    assert api.delete(f"{BASE}/filter/999999").status_code == 404


def test_the_openapi_filter_dto_declares_the_fields_written(api, people):
    dto = create(api).json()
    assert list(openapi.SCHEMAS["FilterDto"]["properties"]) == list(dto)
    paths = openapi.document()["paths"]
    assert {"get", "post"} <= set(paths["/filter/{id}/singleResult"])


def test_business_users_save_filters_and_see_only_their_own_and_shared_ones(people):
    Group.objects.create(name="clerks")
    apply_preset(None, "business-user", "clerks")
    make_user("colin", "clerks")
    make_user("dora", "clerks")
    colin, dora = basic_client("colin"), basic_client("dora")
    assert create(colin, name="Colin's").status_code == 200
    assert dora.get(f"{BASE}/filter").json() == []
    shared = create(colin, name="For clerks").json()
    filters.readable_filters("colin").get(pk=shared["id"]).shares.create(group_id="clerks")
    assert [f["name"] for f in dora.get(f"{BASE}/filter").json()] == ["For clerks"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"assignee": "${currentUser()}"}, 1),
        ({"candidate_group": "compliance"}, 1),
        ({"candidate_user": "${currentUser()}"}, 1),
        ({"candidate_user": "bob"}, 1),
        ({"candidate_groups": "${currentUserGroups()}"}, 1),
        ({"process_definition_key": "kyc_review", "business_key": "KYC-A"}, 1),
        ({"name_like": "Review%", "priority": 50}, 2),
        ({"unassigned": True}, 1),
        ({"due_before": "2999-01-01T00:00:00+00:00", "follow_up_after": "2000-01-01T00:00"}, 1),
        ({"list": "mine"}, 1),
        ({"list": "group", "search": "Grace"}, 1),
    ],
)
def test_a_filter_finds_the_same_tasks_in_the_tasklist_and_over_rest(people, query, found):
    runtime.claim_task(task_of("KYC-A").id, "alice")
    due = datetime(2030, 1, 1, tzinfo=UTC)
    runtime.update_task(task_of("KYC-B").id, user_id="demo", due_date=due, follow_up_date=due)
    saved = filters.create_filter("alice", name="Same", query=query)
    alice = User.objects.get(username="alice")
    in_tasklist = base_tasks(alice, ListParams(list=f"filter-{saved.pk}", filter_id=saved.pk))
    over_rest = basic_client("alice").get(f"{BASE}/filter/{saved.pk}/list").json()
    assert {t["id"] for t in over_rest} == set(in_tasklist.values_list("id", flat=True))
    assert len(over_rest) == found
