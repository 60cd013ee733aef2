import pytest
from django.contrib.auth.models import Group, User

from engine.models import UserOperationLog
from identity.models import Authorization
from identity.resources import Permission, Resource
from tests.identity.factories import GRANT, grant_applications, make_user, rule

pytestmark = pytest.mark.django_db

PASSWORD = "s3cret-pass-9"


def app_user(username):
    """A user who may open Admin and the audit pages, with no permission inside them yet."""
    grant_applications(username, "admin", "cockpit")
    return make_user(username)


@pytest.fixture
def admin_client(client, settings):
    client.force_login(make_user("root", settings.LEGATO_ADMIN_GROUP))
    return client


@pytest.fixture
def plain_client(client):
    client.force_login(app_user("mary"))
    return client


def last_ops(entity_type):
    return list(
        UserOperationLog.objects.filter(entity_type=entity_type)
        .order_by("id").values_list("operation_type", "property", "org_value", "new_value")
    )


@pytest.mark.parametrize("url", [
    "/admin/", "/admin/users/", "/admin/users/new/", "/admin/groups/", "/admin/groups/new/",
    "/admin/authorizations/", "/admin/authorizations/new/", "/audit/",
    "/admin/system/execution-metrics/",
])
def test_a_user_without_permissions_is_refused_every_admin_page_in_words(plain_client, url):
    response = plain_client.get(url)
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


@pytest.mark.parametrize("url", [
    "/admin/", "/admin/users/", "/admin/users/new/", "/admin/groups/", "/admin/groups/new/",
    "/admin/authorizations/", "/admin/authorizations/new/", "/audit/", "/account/password/",
    "/admin/system/execution-metrics/",
])
def test_an_admin_sees_every_admin_page(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_a_user_with_read_on_users_sees_only_the_users_granted(client):
    rule(GRANT, Resource.USER, "john", Permission.READ, user="mary")
    make_user("john")
    make_user("eve")
    client.force_login(app_user("mary"))
    page = client.get("/admin/users/").content.decode()
    assert "john" in page
    assert "eve" not in page
    assert client.get("/admin/").status_code == 200


def test_admin_creates_a_user_and_the_creation_is_logged(admin_client):
    response = admin_client.post("/admin/users/new/", {
        "user_id": "john", "first_name": "John", "last_name": "Doe", "email": "j@example.com",
        "password": PASSWORD, "password_again": PASSWORD,
    })
    assert response.status_code == 302
    john = User.objects.get(username="john")
    assert john.check_password(PASSWORD)
    assert last_ops("User") == [("Create", "userId", None, "john")]
    assert UserOperationLog.objects.get(entity_type="User").category == "Admin"
    assert UserOperationLog.objects.get(entity_type="User").user_id == "root"


def test_creating_a_user_with_a_short_password_says_why(admin_client):
    response = admin_client.post("/admin/users/new/", {
        "user_id": "john", "password": "abc", "password_again": "abc",
    })
    assert response.status_code == 200
    assert "Password is not valid" in response.content.decode()
    assert not User.objects.filter(username="john").exists()


def test_creating_a_user_twice_says_it_exists(admin_client):
    make_user("john")
    response = admin_client.post("/admin/users/new/", {
        "user_id": "john", "password": PASSWORD, "password_again": PASSWORD,
    })
    assert "already exists" in response.content.decode()


def test_admin_edits_a_profile_and_old_and_new_values_are_logged(admin_client):
    make_user("john")
    admin_client.post("/admin/users/john/", {"first_name": "Johnny", "last_name": "", "email": ""})
    assert User.objects.get(username="john").first_name == "Johnny"
    assert ("Update", "firstName", "John", "Johnny") in last_ops("User")


def test_admin_changes_a_password_after_confirming_their_own(admin_client):
    make_user("john")
    admin_client.post("/admin/users/john/password/", {
        "new_password": "another-pass-7", "new_password_again": "another-pass-7",
        "my_password": "wrong",
    })
    assert User.objects.get(username="john").check_password(PASSWORD)
    admin_client.post("/admin/users/john/password/", {
        "new_password": "another-pass-7", "new_password_again": "another-pass-7",
        "my_password": PASSWORD,
    })
    assert User.objects.get(username="john").check_password("another-pass-7")
    assert ("Update", "password", None, "changed") in last_ops("User")


def test_a_user_changes_their_own_password_without_any_authorization(client):
    client.force_login(make_user("mary"))
    response = client.post("/account/password/", {
        "new_password": "another-pass-7", "new_password_again": "another-pass-7",
        "my_password": PASSWORD,
    })
    assert response.status_code == 302
    assert User.objects.get(username="mary").check_password("another-pass-7")
    assert client.get("/account/password/").status_code == 200  # still logged in


def test_a_wrong_current_password_is_refused_in_words(client):
    client.force_login(make_user("mary"))
    response = client.post("/account/password/", {
        "new_password": "another-pass-7", "new_password_again": "another-pass-7",
        "my_password": "nope",
    })
    assert "current password is not correct" in response.content.decode()


def test_admin_deletes_a_user_after_confirming(admin_client):
    make_user("john")
    assert "Delete user john?" in admin_client.get("/admin/users/john/delete/").content.decode()
    admin_client.post("/admin/users/john/delete/")
    assert not User.objects.filter(username="john").exists()
    assert ("Delete", "userId", "john", None) in last_ops("User")


def test_a_user_without_delete_permission_cannot_delete(client):
    make_user("john")
    rule(GRANT, Resource.USER, "john", Permission.READ, user="mary")
    client.force_login(app_user("mary"))
    assert client.post("/admin/users/john/delete/").status_code == 403
    assert User.objects.filter(username="john").exists()


def test_admin_creates_edits_and_deletes_a_group(admin_client):
    admin_client.post("/admin/groups/new/", {"group_id": "sales", "name": "Sales", "type": "WF"})
    assert Group.objects.get(name="sales").profile.name == "Sales"
    admin_client.post("/admin/groups/sales/", {"name": "Sales EU", "type": "WF"})
    assert Group.objects.get(name="sales").profile.name == "Sales EU"
    admin_client.post("/admin/groups/sales/delete/")
    assert not Group.objects.filter(name="sales").exists()
    assert [op[:2] for op in last_ops("Group")] == [
        ("Create", "groupId"), ("Update", "name"), ("Update", "groupId"), ("Delete", "groupId"),
    ]


def test_admin_adds_and_removes_a_membership_and_both_are_logged(admin_client):
    make_user("john")
    Group.objects.create(name="sales")
    admin_client.post("/admin/users/john/groups/", {"member": "sales"})
    assert list(User.objects.get(username="john").groups.values_list("name", flat=True)) == [
        "sales"
    ]
    admin_client.post("/admin/groups/sales/members/john/remove/", {"back": "group"})
    assert not User.objects.get(username="john").groups.exists()
    assert last_ops("GroupMembership") == [
        ("Create", "userId", None, "john"), ("Create", "groupId", None, "sales"),
        ("Delete", "userId", "john", None), ("Delete", "groupId", "sales", None),
    ]


def test_adding_to_an_unknown_group_says_so(admin_client):
    make_user("john")
    response = admin_client.post("/admin/users/john/groups/", {"member": "nope"}, follow=True)
    assert "Group with id nope does not exist" in response.content.decode()


def test_adding_a_member_with_no_id_says_so_on_the_page_it_was_posted_from(admin_client):
    Group.objects.create(name="sales")
    response = admin_client.post("/admin/groups/sales/members/", {"member": ""})
    assert (response.status_code, response.url) == (302, "/admin/groups/sales/")
    page = admin_client.get(response.url).content.decode()
    assert "User with id  does not exist" in page
    assert not Group.objects.get(name="sales").user_set.exists()


def test_membership_needs_create_permission_on_group_membership(client):
    make_user("john")
    Group.objects.create(name="sales")
    client.force_login(app_user("mary"))
    assert client.post("/admin/groups/sales/members/", {"member": "john"}).status_code == 403
    rule(GRANT, Resource.GROUP_MEMBERSHIP, "sales", Permission.CREATE, user="mary")
    client.post("/admin/groups/sales/members/", {"member": "john"})
    assert User.objects.get(username="john").groups.filter(name="sales").exists()


def test_admin_creates_edits_and_deletes_an_authorization(admin_client):
    admin_client.post("/admin/authorizations/new/", {
        "type": 1, "resource_type": 6, "resource_id": "invoice", "identity_kind": "group",
        "identity_id": "sales", "permissions": ["READ", "CREATE_INSTANCE"],
    })
    created = Authorization.objects.get(group_id="sales")
    assert created.permissions == ["READ", "CREATE_INSTANCE"]
    admin_client.post(f"/admin/authorizations/{created.pk}/", {
        "type": 1, "resource_type": 6, "resource_id": "invoice", "identity_kind": "group",
        "identity_id": "sales", "permissions": ["READ"],
    })
    assert Authorization.objects.get(pk=created.pk).permissions == ["READ"]
    admin_client.post(f"/admin/authorizations/{created.pk}/delete/")
    assert not Authorization.objects.filter(pk=created.pk).exists()
    ops = last_ops("Authorization")
    assert ("Create", "permissions", None, "READ,CREATE_INSTANCE") in ops
    assert ("Update", "permissions", "READ,CREATE_INSTANCE", "READ") in ops
    assert ("Delete", "resourceId", "invoice", None) in ops


def test_an_authorization_with_a_permission_the_resource_lacks_is_refused_in_words(admin_client):
    response = admin_client.post("/admin/authorizations/new/", {
        "type": 1, "resource_type": 9, "resource_id": "*", "identity_kind": "user",
        "identity_id": "mary", "permissions": ["TASK_WORK"],
    })
    assert "TASK_WORK cannot be used for resource type Deployment" in response.content.decode()


def test_the_authorization_list_filters_by_resource_type_and_identity(admin_client):
    rule(GRANT, Resource.TASK, "*", Permission.READ, group="sales")
    rule(GRANT, Resource.DEPLOYMENT, "*", Permission.READ, user="mary")
    page = admin_client.get("/admin/authorizations/?resource_type=7").content.decode()
    assert "group sales" in page
    assert "user mary" not in page
    page = admin_client.get("/admin/authorizations/?identity=mary").content.decode()
    assert "user mary" in page
    assert "group sales" not in page


def test_a_login_is_written_to_the_operation_log(client):
    make_user("mary")
    client.post("/login/", {"username": "mary", "password": PASSWORD})
    assert UserOperationLog.objects.filter(operation_type="Login", user_id="mary").count() == 1
