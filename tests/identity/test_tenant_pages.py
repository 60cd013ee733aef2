"""The Admin Tenants section, and the tenants shown on the user and group pages."""

import pytest
from django.contrib.auth.models import Group

from identity.models import Tenant, TenantMembership
from identity.resources import Permission, Resource
from tests.identity.factories import GRANT, make_user, rule
from tests.identity.test_admin_pages import app_user, last_ops

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, settings):
    client.force_login(make_user("root", settings.LEGATO_ADMIN_GROUP))
    return client


@pytest.fixture
def plain_client(client):
    client.force_login(app_user("mary"))
    return client


def members(tenant_id: str) -> set[str]:
    rows = TenantMembership.objects.filter(tenant_id=tenant_id)
    return {m.user.username if m.user else f"group {m.group.name}" for m in rows}


def test_the_tenant_list_shows_tenants_with_their_member_counts(admin_client):
    Tenant.objects.create(id="acme", name="Acme Inc")
    TenantMembership.objects.create(tenant_id="acme", user=make_user("john"))
    page = admin_client.get("/admin/tenants/").content.decode()
    assert 'href="/admin/tenants/acme/"' in page
    assert "Acme Inc" in page
    assert "<td>1</td>" in page
    assert 'href="/admin/tenants/new/"' in page
    assert "A user sees and acts on the engine data of the tenants they belong to" in page


def test_the_admin_home_and_navigation_link_the_tenants(admin_client):
    home = admin_client.get("/admin/").content.decode()
    assert home.count('href="/admin/tenants/"') == 2  # navigation and card
    page = admin_client.get("/admin/tenants/").content.decode()
    assert 'href="/admin/tenants/" aria-current="page"' in page


def test_admin_creates_a_tenant_and_lands_on_its_page(admin_client):
    response = admin_client.post("/admin/tenants/new/", {"tenant_id": "acme", "name": "Acme"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/tenants/acme/"
    assert Tenant.objects.get(pk="acme").name == "Acme"
    assert last_ops("Tenant") == [("Create", "tenantId", None, "acme")]


def test_creating_a_tenant_twice_or_with_a_bad_id_says_why(admin_client):
    Tenant.objects.create(id="acme")
    twice = admin_client.post("/admin/tenants/new/", {"tenant_id": "acme"})
    bad = admin_client.post("/admin/tenants/new/", {"tenant_id": "a b"})
    assert "A tenant with id &#x27;acme&#x27; already exists" in twice.content.decode()
    assert "is not valid" in bad.content.decode()
    assert list(Tenant.objects.values_list("id", flat=True)) == ["acme"]


def test_admin_edits_the_name_and_old_and_new_values_are_logged(admin_client):
    Tenant.objects.create(id="acme", name="Acme")
    response = admin_client.post("/admin/tenants/acme/", {"name": "Acme Ltd"})
    assert response.status_code == 302
    assert Tenant.objects.get(pk="acme").name == "Acme Ltd"
    assert ("Update", "name", "Acme", "Acme Ltd") in last_ops("Tenant")


def test_deleting_asks_first_then_removes_the_tenant_and_its_memberships(admin_client):
    Tenant.objects.create(id="acme")
    TenantMembership.objects.create(tenant_id="acme", user=make_user("john"))
    confirm = admin_client.get("/admin/tenants/acme/delete/")
    assert "Delete tenant acme?" in confirm.content.decode()
    assert Tenant.objects.filter(pk="acme").exists()
    response = admin_client.post("/admin/tenants/acme/delete/")
    assert response["Location"] == "/admin/tenants/"
    assert not Tenant.objects.exists()
    assert not TenantMembership.objects.exists()
    assert last_ops("Tenant")[-1] == ("Delete", "tenantId", "acme", None)


def test_admin_adds_and_removes_users_and_groups_on_the_tenant_page(admin_client):
    Tenant.objects.create(id="acme")
    make_user("john", "sales")
    admin_client.post("/admin/tenants/acme/users/", {"member": "john"})
    admin_client.post("/admin/tenants/acme/groups/", {"member": "sales"})
    assert members("acme") == {"john", "group sales"}
    page = admin_client.get("/admin/tenants/acme/").content.decode()
    assert 'href="/admin/users/john/"' in page
    assert 'href="/admin/groups/sales/"' in page
    admin_client.post("/admin/tenants/acme/users/john/remove/")
    response = admin_client.post("/admin/tenants/acme/groups/sales/remove/")
    assert response["Location"] == "/admin/tenants/acme/"
    assert members("acme") == set()
    assert [op[0] for op in last_ops("TenantMembership")] == ["Create"] * 4 + ["Delete"] * 4


def test_adding_an_unknown_user_says_so_on_the_page(admin_client):
    Tenant.objects.create(id="acme")
    response = admin_client.post("/admin/tenants/acme/users/", {"member": "ghost"}, follow=True)
    assert "User with id ghost does not exist" in response.content.decode()
    assert members("acme") == set()


def test_the_user_page_shows_its_tenants_and_adds_and_removes_them(admin_client):
    Tenant.objects.create(id="acme", name="Acme")
    make_user("john")
    response = admin_client.post("/admin/users/john/tenants/", {"tenant": "acme",
                                                                "back": "member"})
    assert response["Location"] == "/admin/users/john/"
    page = admin_client.get("/admin/users/john/").content.decode()
    assert 'href="/admin/tenants/acme/"' in page
    response = admin_client.post("/admin/tenants/acme/users/john/remove/", {"back": "member"})
    assert response["Location"] == "/admin/users/john/"
    assert "Not a member of any tenant." in admin_client.get("/admin/users/john/").content.decode()


def test_the_group_page_shows_its_tenants(admin_client):
    Tenant.objects.create(id="acme")
    Group.objects.create(name="sales")
    response = admin_client.post("/admin/groups/sales/tenants/", {"tenant": "acme",
                                                                  "back": "member"})
    assert response["Location"] == "/admin/groups/sales/"
    assert members("acme") == {"group sales"}
    page = admin_client.get("/admin/groups/sales/").content.decode()
    assert 'href="/admin/tenants/acme/"' in page


@pytest.mark.parametrize("url", ["/admin/tenants/", "/admin/tenants/new/",
                                 "/admin/tenants/acme/", "/admin/tenants/acme/delete/"])
def test_a_user_without_permissions_is_refused_the_tenant_pages(plain_client, url):
    Tenant.objects.create(id="acme")
    response = plain_client.get(url)
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


@pytest.mark.parametrize(("url", "data"), [
    ("/admin/tenants/new/", {"tenant_id": "t2"}),
    ("/admin/tenants/acme/", {"name": "Changed"}),
    ("/admin/tenants/acme/delete/", {}),
    ("/admin/tenants/acme/users/", {"member": "mary"}),
])
def test_a_user_without_permissions_changes_nothing(plain_client, url, data):
    Tenant.objects.create(id="acme", name="Acme")
    assert plain_client.post(url, data).status_code == 403
    assert list(Tenant.objects.values_list("id", "name")) == [("acme", "Acme")]
    assert not TenantMembership.objects.exists()


def test_a_reader_sees_only_granted_tenants_without_edit_controls(plain_client):
    Tenant.objects.create(id="acme", name="Acme")
    Tenant.objects.create(id="other")
    rule(GRANT, Resource.TENANT, "acme", Permission.READ, user="mary")
    listing = plain_client.get("/admin/tenants/").content.decode()
    assert "acme" in listing
    assert "other" not in listing
    assert "New tenant" not in listing
    page = plain_client.get("/admin/tenants/acme/").content.decode()
    assert "Save tenant" not in page
    assert "Delete tenant" not in page
    assert "Add user" not in page
    assert plain_client.get("/admin/").status_code == 200


def test_adding_a_tenant_with_no_id_from_a_members_page_says_so_there(admin_client):
    make_user("john")
    response = admin_client.post("/admin/users/john/tenants/", {"tenant": ""})
    assert (response.status_code, response.url) == (302, "/admin/users/john/")
    assert not TenantMembership.objects.exists()
