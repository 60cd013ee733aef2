"""Starting processes from the tasklist, and saved filters shared with a group."""

import html

import pytest
from django.contrib.auth.models import Group

from engine.models import HistoricVariableInstance, ProcessInstance, Task
from engine.queries import get_variables
from identity.demo import ensure_demo_user
from identity.models import Authorization, AuthorizationType
from identity.resources import Permission, Resource
from tasklist.lists import list_entries
from tasklist.models import TaskFilter
from tests.tasklist.conftest import login, make_user, start_kyc

pytestmark = pytest.mark.django_db


def grant_start(group: str, key: str) -> None:
    for resource, resource_id, permissions in (
        (Resource.PROCESS_INSTANCE, "*", [Permission.CREATE]),
        (Resource.PROCESS_DEFINITION, key, [Permission.CREATE_INSTANCE]),
    ):
        Authorization.objects.create(
            type=AuthorizationType.GRANT,
            group_id=group,
            resource_type=resource,
            resource_id=resource_id,
            permissions=permissions,
        )


def test_the_start_page_lists_only_processes_the_user_may_start(demo, alice):
    assert (
        "There is no process you may start."
        in login(alice).get("/tasklist/start/").content.decode()
    )
    grant_start("compliance", "kyc_review")
    body = login(alice).get("/tasklist/start/").content.decode()
    assert "KYC review" in body
    assert "Credit limit" not in body
    admin_page = login(ensure_demo_user()).get("/tasklist/start/").content.decode()
    assert "KYC review" in admin_page
    assert "Credit limit" in admin_page
    url = f"/tasklist/start/{demo['credit_limit'].id}/"
    assert login(alice).get(url).status_code == 403


def test_a_generated_start_form_is_validated_and_starts_with_typed_variables(demo, alice):
    grant_start("compliance", "kyc_review")
    url = f"/tasklist/start/{demo['kyc_review'].id}/"
    client = login(alice)
    assert 'name="requestedLimit" value="1000"' in client.get(url).content.decode()
    refused = client.post(url, {"customerName": "A", "requestedLimit": "-5", "business_key": "K"})
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "Enter at least 2 characters." in body
    assert "Enter 0 or more." in body
    assert not ProcessInstance.objects.exists()
    started = client.post(
        url, {"customerName": "Ada", "requestedLimit": "2500", "business_key": "KYC-9"}
    )
    assert started.status_code == 302
    instance = ProcessInstance.objects.get()
    assert instance.business_key == "KYC-9"
    variables = get_variables(instance.id)
    assert (variables["requestedLimit"].type, variables["requestedLimit"].value) == ("Long", 2500)
    assert Task.objects.get().name == "Review customer"


def test_a_number_beyond_a_long_is_refused_at_its_field_and_starts_nothing(demo, alice):
    grant_start("compliance", "kyc_review")
    url = f"/tasklist/start/{demo['kyc_review'].id}/"
    refused = login(alice).post(
        url, {"customerName": "Ada", "requestedLimit": "99999999999999999999"}
    )
    assert refused.status_code == 422
    assert (
        'id="error-requestedLimit">Enter a whole number from -9223372036854775808 to '
        "9223372036854775807." in refused.content.decode()
    )
    assert not ProcessInstance.objects.exists()


def test_a_camunda_start_form_is_validated_on_the_server(demo):
    client = login(ensure_demo_user())
    url = f"/tasklist/start/{demo['credit_limit'].id}/"
    assert "limitRequest" in client.get(url).content.decode()
    refused = client.post(url, {"data": {"requested": 0}}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"] == {
        "customer": "This field is required.",
        "requested": "Enter 1 or more.",
    }
    done = client.post(
        url,
        {"data": {"customer": "ACME", "requested": 10}, "businessKey": "CL-1"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert ProcessInstance.objects.get().business_key == "CL-1"
    assert HistoricVariableInstance.objects.filter(name="customer", value="ACME").exists()


def test_a_camunda_start_form_with_a_nul_character_is_refused_and_starts_nothing(demo):
    client = login(ensure_demo_user())
    url = f"/tasklist/start/{demo['credit_limit'].id}/"
    body = {"data": {"customer": "ACME", "requested": 10}, "businessKey": "CL\x001"}
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["message"] == (
        "Property 'businessKey' contains a NUL character (U+0000), which cannot be stored"
    )
    assert not ProcessInstance.objects.exists()


def test_a_camunda_form_number_no_variable_can_hold_is_refused_at_its_field(demo):
    client = login(ensure_demo_user())
    url = f"/tasklist/start/{demo['credit_limit'].id}/"
    for number, message in (
        (99999999999999999999999, "Enter a number from -9223372036854775808 to "
                                  "9223372036854775807."),
        ("1e999", "Enter a number."),
    ):
        data = {"customer": "ACME", "requested": number}
        refused = client.post(url, {"data": data}, content_type="application/json")
        assert refused.status_code == 422
        assert refused.json()["errors"] == {"requested": message}
    assert not ProcessInstance.objects.exists()


def grant_filter_create(user: str) -> None:
    Authorization.objects.create(
        type=AuthorizationType.GRANT, user_id=user, resource_type=Resource.FILTER,
        resource_id="*", permissions=[Permission.CREATE],
    )


def test_saving_a_filter_needs_create_on_filters(demo, alice):
    page = login(alice).get("/tasklist/").content.decode()
    assert "Save this view as a filter" not in page  # not offered ...
    saving = {"name": "KYC", "list": "group"}
    response = login(alice).post("/tasklist/filters/", saving, follow=True)
    assert not TaskFilter.objects.exists()  # ... and refused when posted anyway
    assert "does not have 'CREATE' permission" in html.unescape(response.content.decode())
    grant_filter_create("alice")
    assert "Save this view as a filter" in login(alice).get("/tasklist/").content.decode()


def test_a_filter_shared_with_a_group_is_listed_with_its_count_for_its_members(demo, alice, bob):
    make_user("carol", "sales")
    grant_filter_create("alice")
    start_kyc(business_key="KYC-A")
    start_kyc(business_key="KYC-B")
    response = login(alice).post(
        "/tasklist/filters/",
        {
            "name": "KYC A",
            "list": "group",
            "q": "KYC-A",
            "shared_groups": "compliance, ",
        },
    )
    saved = TaskFilter.objects.get()
    assert response["Location"] == f"/tasklist/?list=filter-{saved.pk}"
    assert saved.query == {"list": "group", "search": "KYC-A"}
    bob_lists = {e.key: (e.label, e.count, e.shared) for e in list_entries(bob)}
    assert bob_lists[f"filter-{saved.pk}"] == ("KYC A", 1, True)
    body = login(bob).get(f"/tasklist/?list=filter-{saved.pk}").content.decode()
    assert "KYC-A" in body
    assert "KYC-B" not in body
    carol = Group.objects.get(name="sales").user_set.get()
    assert f"filter-{saved.pk}" not in {e.key for e in list_entries(carol)}
    assert login(carol).get(f"/tasklist/?list=filter-{saved.pk}").status_code == 403


def test_only_the_owner_deletes_a_filter(demo, alice, bob):
    saved = TaskFilter.objects.create(name="mine", owner="alice", query={"list": "all"})
    login(bob).post(f"/tasklist/filters/{saved.pk}/delete/")
    assert TaskFilter.objects.filter(pk=saved.pk).exists()
    login(alice).post(f"/tasklist/filters/{saved.pk}/delete/")
    assert not TaskFilter.objects.filter(pk=saved.pk).exists()


def test_a_filter_with_current_user_criteria_follows_the_viewer(demo, alice, bob):
    from engine.services import runtime

    task = start_kyc()
    runtime.claim_task(task.id, "bob")
    saved = TaskFilter.objects.create(
        name="Assigned to me", owner="alice", query={"list": "all", "assignee": "${currentUser()}"}
    )
    saved.shares.create(group_id="compliance")
    counts = {e.key: e.count for e in list_entries(bob)}
    assert counts[f"filter-{saved.pk}"] == 1
    assert {e.key: e.count for e in list_entries(alice)}[f"filter-{saved.pk}"] == 0
