"""Camunda's Application ACCESS decides who may open the cockpit, the tasklist and admin."""

import pytest
from django.contrib.auth.models import Group

from identity.presets import apply_preset
from identity.resources import Permission, Resource
from tests.identity.factories import GRANT, REVOKE, grant_applications, make_user, rule

pytestmark = pytest.mark.django_db

COCKPIT_PAGES = ["/cockpit/", "/cockpit/processes/", "/cockpit/deployments/", "/audit/"]
TASKLIST_PAGES = ["/tasklist/", "/tasklist/start/"]
ADMIN_PAGES = ["/admin/", "/admin/users/", "/admin/users/new/"]


def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", COCKPIT_PAGES + TASKLIST_PAGES + ADMIN_PAGES)
def test_a_user_without_grants_gets_the_no_access_page_on_every_application(client, url):
    response = logged_in(client, make_user("nobody")).get(url)
    assert response.status_code == 403
    body = response.content.decode()
    assert "No access to the" in body
    assert "needs ACCESS permission on Application" in body
    assert "You may not use any application yet" in body


def test_a_user_without_grants_is_not_shown_the_deployment_upload_form(client):
    body = logged_in(client, make_user("nobody")).get("/cockpit/deployments/").content.decode()
    assert "Deploy BPMN files" not in body


@pytest.mark.parametrize("url", ["/account/password/", "/engine-rest/engine"])
def test_pages_outside_the_applications_stay_open_to_a_user_without_grants(client, url):
    assert logged_in(client, make_user("nobody")).get(url).status_code == 200


def test_after_logging_in_a_user_without_grants_is_told_there_is_no_access(client):
    make_user("nobody", password="s3cret-pass-9")
    response = client.post(
        "/login/?next=/cockpit/", {"username": "nobody", "password": "s3cret-pass-9"}, follow=True
    )
    assert response.status_code == 403
    assert "No access to the Cockpit" in response.content.decode()
    assert client.post("/logout/").status_code == 302


def test_logging_in_lands_on_the_first_application_the_user_may_open(client):
    grant_applications("tess", "tasklist")
    make_user("tess", password="s3cret-pass-9")
    assert client.get("/")["Location"] == "/login/?next=/"
    response = client.post(
        "/login/?next=/", {"username": "tess", "password": "s3cret-pass-9"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/tasklist/"
    assert response.status_code == 200
    client.post("/logout/")
    make_user("nobody", password="s3cret-pass-9")
    response = client.post("/login/", {"username": "nobody", "password": "s3cret-pass-9"})
    assert client.get(response["Location"]).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/cockpit/deployments/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/cockpit/deployments/"


def test_a_user_with_tasklist_access_only_reaches_the_tasklist_and_not_the_cockpit(client):
    grant_applications("tess", "tasklist")
    client = logged_in(client, make_user("tess"))
    for url in TASKLIST_PAGES:
        assert client.get(url).status_code == 200
    for url in COCKPIT_PAGES + ADMIN_PAGES:
        assert client.get(url).status_code == 403
    body = client.get("/cockpit/").content.decode()
    assert "No access to the Cockpit" in body
    assert '<a href="/tasklist/">Tasklist</a>' in body
    assert 'href="/admin/"' not in body
    assert 'href="/cockpit/"' not in body


def test_the_business_user_preset_opens_the_tasklist_to_the_groups_members(client):
    Group.objects.create(name="clerks")
    apply_preset(None, "business-user", "clerks")
    client = logged_in(client, make_user("colin", "clerks"))
    assert client.get("/tasklist/").status_code == 200
    assert client.get("/cockpit/").status_code == 403


def test_a_user_revoke_beats_the_groups_access_grant(client):
    rule(GRANT, Resource.APPLICATION, "cockpit", Permission.ACCESS, group="ops")
    rule(REVOKE, Resource.APPLICATION, "cockpit", Permission.ACCESS, user="olga")
    client = logged_in(client, make_user("olga", "ops"))
    assert client.get("/cockpit/").status_code == 403


def test_members_of_the_admin_group_reach_every_application(client, settings):
    client = logged_in(client, make_user("root", settings.LEGATO_ADMIN_GROUP))
    for url in COCKPIT_PAGES + TASKLIST_PAGES + ADMIN_PAGES:
        assert client.get(url).status_code == 200, url


def test_the_demo_user_reaches_every_application(client, demo_user):
    client = logged_in(client, demo_user)
    for url in COCKPIT_PAGES + TASKLIST_PAGES + ADMIN_PAGES:
        assert client.get(url).status_code == 200, url


def test_the_navigation_links_only_the_applications_the_user_may_open(client):
    grant_applications("carl", "cockpit")
    body = logged_in(client, make_user("carl")).get("/account/password/").content.decode()
    assert 'href="/cockpit/"' in body
    assert 'href="/audit/"' in body
    assert 'href="/tasklist/"' not in body
    assert 'href="/admin/"' not in body
