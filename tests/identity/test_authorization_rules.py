import pytest
from django.contrib.auth.models import Group

from engine.errors import AuthorizationError
from identity.authorization import (
    Check,
    Identity,
    TaskInvolvement,
    identity_of,
    is_authorized,
    is_authorized_any,
    is_task_authorized,
    readable_ids,
    require,
)
from identity.resources import ANY, Permission, Resource
from tests.identity.factories import GLOBAL, GRANT, REVOKE, make_user, rule

pytestmark = pytest.mark.django_db

READ = Permission.READ
PD = Resource.PROCESS_DEFINITION


def test_nobody_is_authorized_without_a_rule():
    assert not is_authorized(make_user("mary"), READ, PD, "invoice")


def test_a_user_grant_on_one_id_allows_that_id_only():
    mary = make_user("mary")
    rule(GRANT, PD, "invoice", READ, user="mary")
    assert is_authorized(mary, READ, PD, "invoice")
    assert not is_authorized(mary, READ, PD, "payroll")
    assert not is_authorized(mary, Permission.UPDATE, PD, "invoice")


def test_a_grant_on_star_covers_every_id():
    mary = make_user("mary")
    rule(GRANT, PD, ANY, READ, user="mary")
    assert is_authorized(mary, READ, PD, "anything")
    assert is_authorized(mary, READ, PD, ANY)


def test_all_names_every_permission_and_none_names_nothing():
    mary = make_user("mary")
    rule(GRANT, PD, "invoice", Permission.ALL, user="mary")
    rule(GRANT, PD, "payroll", Permission.NONE, user="mary")
    assert is_authorized(mary, Permission.DELETE_HISTORY, PD, "invoice")
    assert not is_authorized(mary, READ, PD, "payroll")


def test_a_global_rule_applies_to_every_user():
    rule(GLOBAL, PD, ANY, READ)
    assert is_authorized(make_user("mary"), READ, PD, "invoice")


def test_a_group_grant_beats_the_global_rule_and_a_group_revoke_beats_the_global_rule():
    rule(GLOBAL, PD, ANY, READ)
    rule(REVOKE, PD, "invoice", READ, group="sales")
    mary, john = make_user("mary", "sales"), make_user("john")
    assert not is_authorized(mary, READ, PD, "invoice")
    assert is_authorized(john, READ, PD, "invoice")


def test_a_user_grant_beats_a_group_revoke():
    rule(REVOKE, PD, ANY, READ, group="sales")
    rule(GRANT, PD, "invoice", READ, user="mary")
    mary = make_user("mary", "sales")
    assert is_authorized(mary, READ, PD, "invoice")
    assert not is_authorized(mary, READ, PD, "payroll")


def test_a_user_revoke_beats_a_group_grant():
    rule(GRANT, PD, ANY, READ, group="sales")
    rule(REVOKE, PD, "payroll", READ, user="mary")
    mary = make_user("mary", "sales")
    assert is_authorized(mary, READ, PD, "invoice")
    assert not is_authorized(mary, READ, PD, "payroll")


def test_revoke_beats_grant_from_two_groups_at_the_same_level():
    rule(GRANT, PD, "invoice", READ, group="sales")
    rule(REVOKE, PD, "invoice", READ, group="interns")
    assert not is_authorized(make_user("mary", "sales", "interns"), READ, PD, "invoice")


def test_a_rule_on_the_id_beats_a_rule_on_star_at_the_same_level():
    rule(REVOKE, PD, ANY, READ, user="mary")
    rule(GRANT, PD, "invoice", READ, user="mary")
    mary = make_user("mary")
    assert is_authorized(mary, READ, PD, "invoice")
    assert not is_authorized(mary, READ, PD, "payroll")


def test_members_of_the_admin_group_may_do_everything(settings):
    admin = make_user("root", settings.LEGATO_ADMIN_GROUP)
    rule(REVOKE, PD, ANY, Permission.ALL, user="root")
    assert is_authorized(admin, Permission.DELETE, Resource.USER, "anyone")


def test_the_engine_itself_is_never_checked():
    assert is_authorized(None, Permission.DELETE, Resource.DEPLOYMENT, "d1")


def test_a_user_id_string_resolves_its_groups():
    make_user("mary", "sales")
    rule(GRANT, PD, ANY, READ, group="sales")
    assert is_authorized("mary", READ, PD, "invoice")
    assert identity_of("mary") == Identity("mary", frozenset({"sales"}), False)


def test_rules_of_other_resource_types_do_not_count():
    rule(GRANT, Resource.PROCESS_INSTANCE, ANY, READ, user="mary")
    assert not is_authorized(make_user("mary"), READ, PD, "invoice")


def test_require_raises_an_authorization_error_naming_what_is_missing():
    mary = make_user("mary")
    with pytest.raises(AuthorizationError) as raised:
        require(mary, Permission.DELETE, Resource.DEPLOYMENT, "d1")
    assert raised.value.camunda_type == "AuthorizationException"
    assert "'DELETE' permission on resource 'd1' of type 'Deployment'" in str(raised.value)
    assert raised.value.missing == [
        {"permissionName": "DELETE", "resourceName": "Deployment", "resourceId": "d1"}
    ]


def test_any_of_several_checks_is_enough():
    rule(GRANT, PD, "invoice", Permission.READ_INSTANCE, user="mary")
    mary = make_user("mary")
    checks = [Check(READ, Resource.PROCESS_INSTANCE, "pi-1"),
              Check(Permission.READ_INSTANCE, PD, "invoice")]
    assert is_authorized_any(mary, checks)
    assert not is_authorized_any(mary, checks[:1])


def test_readable_ids_lists_granted_ids_when_star_is_not_granted():
    rule(GRANT, PD, "invoice", READ, user="mary")
    rule(GRANT, PD, "payroll", READ, group="sales")
    ids = readable_ids(make_user("mary", "sales"), PD)
    assert not ids.all
    assert ids.ids == {"invoice", "payroll"}


def test_readable_ids_means_all_but_the_revoked_when_star_is_granted():
    rule(GLOBAL, PD, ANY, READ)
    rule(REVOKE, PD, "payroll", READ, user="mary")
    ids = readable_ids(make_user("mary"), PD)
    assert ids.all
    assert ids.excluded == {"payroll"}
    assert ids.allows("invoice")
    assert not ids.allows("payroll")


def test_readable_ids_filters_a_queryset():
    for name in ["a", "b", "c"]:
        Group.objects.create(name=name)
    rule(GRANT, Resource.GROUP, "b", READ, user="mary")
    mary = make_user("mary")
    names = Group.objects.filter(readable_ids(mary, Resource.GROUP).q("name"))
    assert list(names.values_list("name", flat=True)) == ["b"]


def test_readable_ids_of_an_admin_is_everything(settings):
    assert readable_ids(make_user("root", settings.LEGATO_ADMIN_GROUP), PD).all


def test_assignee_and_candidates_get_read_and_update_on_their_task():
    mary, john, eve = make_user("mary"), make_user("john", "sales"), make_user("eve")
    involvement = TaskInvolvement(assignee="mary", candidate_groups=frozenset({"sales"}))
    for person in (mary, john):
        assert is_task_authorized(person, READ, "t1", involvement)
        assert is_task_authorized(person, Permission.UPDATE, "t1", involvement)
        assert not is_task_authorized(person, Permission.DELETE, "t1", involvement)
    assert not is_task_authorized(eve, READ, "t1", involvement)


def test_the_default_task_permission_can_be_task_work(settings):
    settings.LEGATO_DEFAULT_TASK_PERMISSION = Permission.TASK_WORK
    mary = make_user("mary")
    involvement = TaskInvolvement(candidate_users=frozenset({"mary"}))
    assert is_task_authorized(mary, Permission.TASK_WORK, "t1", involvement)
    assert not is_task_authorized(mary, Permission.UPDATE, "t1", involvement)


def test_a_user_revoke_on_the_task_beats_the_default_grant_of_a_candidate():
    rule(REVOKE, Resource.TASK, "t1", READ, user="mary")
    involvement = TaskInvolvement(candidate_users=frozenset({"mary"}))
    assert not is_task_authorized(make_user("mary"), READ, "t1", involvement)


def test_read_task_on_the_process_definition_allows_reading_its_tasks():
    rule(GRANT, PD, "invoice", Permission.READ_TASK, user="mary")
    mary = make_user("mary")
    assert is_task_authorized(mary, READ, "t1", TaskInvolvement(), "invoice")
    assert not is_task_authorized(mary, READ, "t1", TaskInvolvement(), "payroll")
    assert not is_task_authorized(mary, Permission.UPDATE, "t1", TaskInvolvement(), "invoice")
