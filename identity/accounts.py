"""Users, groups and memberships: one service per change, checked and written to the log.

Each function takes the acting user first (see identity.authorization for who may be None),
checks Camunda's permission for the change, and logs it (category Admin) in its transaction.
Errors are engine errors, so pages and REST report them the same way.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction

from engine.errors import AuthorizationError, BadRequestError, NotFoundError
from engine.models.oplog import Category, EntityType, OperationType
from engine.services.limits import check_fits
from engine.services.oplog import OperationLog
from identity.authorization import Actor, identity_of, require
from identity.live_access import access_changed
from identity.models import Authorization, AuthorizationType, GroupProfile
from identity.resources import ANY, Permission, Resource

PROFILE_FIELDS = {"first_name": "firstName", "last_name": "lastName", "email": "email"}


def actor_id(actor: Actor) -> str | None:
    identity = identity_of(actor)
    return identity.user_id if identity else None


def _log(actor: Actor, operation: str, entity: str) -> OperationLog:
    return OperationLog(actor_id(actor), operation, entity, category=Category.ADMIN)


def get_user(user_id: str) -> User:
    user = User.objects.filter(username=user_id).first()
    if user is None:
        raise NotFoundError(f"User with id {user_id} does not exist")
    return user


def get_group(group_id: str) -> Group:
    group = Group.objects.filter(name=group_id).first()
    if group is None:
        raise NotFoundError(f"Group with id {group_id} does not exist")
    return group


def check_id(kind: str, value: object) -> None:
    # Camunda's default resourceWhitelistPattern: letters, digits, _ and - (plus @ . for users).
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-@.")
    if (
        not isinstance(value, str) or not value or value == ANY or not set(value) <= allowed
        or len(value) > 150
    ):
        raise BadRequestError(
            f"{kind} id '{value}' is not valid: use letters, digits, '_', '-', '@' or '.'"
        )


def _validate_password(password: object, user: User | None = None) -> None:
    if not isinstance(password, str):
        raise BadRequestError("Password is not valid: a password is text")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise BadRequestError("Password is not valid: " + " ".join(error.messages)) from None


@transaction.atomic
def create_user(
    actor: Actor,
    user_id: str,
    password: str,
    *,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    require(actor, Permission.CREATE, Resource.USER)
    check_id("User", user_id)
    check_fits(User, PROFILE_FIELDS, first_name=first_name, last_name=last_name, email=email)
    if User.objects.filter(username=user_id).exists():
        raise BadRequestError(f"A user with id '{user_id}' already exists")
    user = User(username=user_id, first_name=first_name, last_name=last_name, email=email)
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    # Camunda's DefaultAuthorizationProvider.newUser: a new user may do everything to itself.
    Authorization.objects.create(
        type=AuthorizationType.GRANT, user_id=user_id, resource_type=Resource.USER,
        resource_id=user_id, permissions=[Permission.ALL],
    )
    _log(actor, OperationType.CREATE, EntityType.USER).add("userId", new_value=user_id).save()
    return user


@transaction.atomic
def update_profile(actor: Actor, user_id: str, **profile: str) -> User:
    """Change first name, last name and/or e-mail (keyword names as the User model's fields)."""
    require(actor, Permission.UPDATE, Resource.USER, user_id)
    user = get_user(user_id)
    log = _log(actor, OperationType.UPDATE, EntityType.USER)
    for field, value in profile.items():
        if field not in PROFILE_FIELDS:
            raise BadRequestError(f"Unknown profile field '{field}'")
        check_fits(User, PROFILE_FIELDS, **{field: value})
        before = getattr(user, field)
        if before != value:
            setattr(user, field, value)
            log.add(PROFILE_FIELDS[field], org_value=before, new_value=value)
    user.save(update_fields=list(profile))
    log.add("userId", new_value=user_id).save()
    return user


@transaction.atomic
def set_password(actor: Actor, user_id: str, password: str, actor_password: str | None) -> None:
    """Change a password; the acting user confirms with their own password, as in Camunda
    (`authenticatedUserPassword`), so a stolen session alone cannot take over accounts."""
    require(actor, Permission.UPDATE, Resource.USER, user_id)
    identity = identity_of(actor)
    if identity is not None:
        me = User.objects.filter(username=identity.user_id).first()
        if me is None or not actor_password or not me.check_password(actor_password):
            # Camunda's UserResourceImpl.updateCredentials: a 400, not a missing permission
            raise BadRequestError("The given authenticated user password is not valid.")
    user = get_user(user_id)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    access_changed(users=[user_id])  # the user's other sessions end, as in Django
    _log(actor, OperationType.UPDATE, EntityType.USER).add(
        "password", new_value="changed"
    ).add("userId", new_value=user_id).save()


@transaction.atomic
def set_own_password(user_id: str, password: str) -> None:
    """The caller has checked the user's current password; logged as done by that user."""
    user = get_user(user_id)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    access_changed(users=[user_id])
    _log(user_id, OperationType.UPDATE, EntityType.USER).add(
        "password", new_value="changed"
    ).add("userId", new_value=user_id).save()


@transaction.atomic
def delete_user(actor: Actor, user_id: str) -> None:
    require(actor, Permission.DELETE, Resource.USER, user_id)
    user = get_user(user_id)
    access_changed(users=[user_id])  # named while the user still exists
    # As Camunda's DeleteUserCmd: the user's own rules and the rules about the user go too.
    Authorization.objects.filter(user_id=user_id).delete()
    Authorization.objects.filter(resource_type=Resource.USER, resource_id=user_id).delete()
    user.delete()
    _log(actor, OperationType.DELETE, EntityType.USER).add("userId", org_value=user_id).save()


@transaction.atomic
def unlock_user(actor: Actor, user_id: str) -> None:
    """Let a user locked by failed logins try again (identity/lockout.py); only members of
    the administrators' group may, as in Camunda."""
    from identity.authorization import is_admin
    from identity.lockout import unlock

    if not is_admin(actor):
        raise AuthorizationError(
            f"Only administrators may unlock users: {actor_id(actor)} is not one",
            user_id=actor_id(actor) or "",
        )
    unlock(get_user(user_id))
    _log(actor, "Unlock", EntityType.USER).add("userId", new_value=user_id).save()


@transaction.atomic
def create_group(actor: Actor, group_id: str, name: str = "", group_type: str = "") -> Group:
    require(actor, Permission.CREATE, Resource.GROUP)
    check_id("Group", group_id)
    check_fits(GroupProfile, name=name, type=group_type)
    if Group.objects.filter(name=group_id).exists():
        raise BadRequestError(f"A group with id '{group_id}' already exists")
    group = Group.objects.create(name=group_id)
    GroupProfile.objects.create(group=group, name=name, type=group_type)
    # Camunda's DefaultAuthorizationProvider.newGroup: members may read their group.
    Authorization.objects.create(
        type=AuthorizationType.GRANT, group_id=group_id, resource_type=Resource.GROUP,
        resource_id=group_id, permissions=[Permission.READ],
    )
    _log(actor, OperationType.CREATE, EntityType.GROUP).add("groupId", new_value=group_id).save()
    return group


@transaction.atomic
def update_group(actor: Actor, group_id: str, *, name: str, group_type: str | None = None) -> None:
    require(actor, Permission.UPDATE, Resource.GROUP, group_id)
    check_fits(GroupProfile, name=name, type=group_type)
    group = get_group(group_id)
    profile, _ = GroupProfile.objects.get_or_create(group=group)
    log = _log(actor, OperationType.UPDATE, EntityType.GROUP)
    if profile.name != name:
        log.add("name", org_value=profile.name, new_value=name)
        profile.name = name
    if group_type is not None and profile.type != group_type:
        log.add("type", org_value=profile.type, new_value=group_type)
        profile.type = group_type
    profile.save()
    log.add("groupId", new_value=group_id).save()


@transaction.atomic
def delete_group(actor: Actor, group_id: str) -> None:
    require(actor, Permission.DELETE, Resource.GROUP, group_id)
    group = get_group(group_id)
    access_changed(groups=[group_id])  # its members, named before they leave it
    Authorization.objects.filter(group_id=group_id).delete()
    Authorization.objects.filter(resource_type=Resource.GROUP, resource_id=group_id).delete()
    group.delete()
    _log(actor, OperationType.DELETE, EntityType.GROUP).add("groupId", org_value=group_id).save()


@transaction.atomic
def add_member(actor: Actor, group_id: str, user_id: str) -> None:
    require(actor, Permission.CREATE, Resource.GROUP_MEMBERSHIP, group_id)
    group, user = get_group(group_id), get_user(user_id)
    if user.groups.filter(pk=group.pk).exists():
        return  # Camunda answers 204 for an existing membership as well
    user.groups.add(group)
    access_changed(users=[user_id])
    _log(actor, OperationType.CREATE, EntityType.GROUP_MEMBERSHIP).add(
        "userId", new_value=user_id
    ).add("groupId", new_value=group_id).save()


@transaction.atomic
def remove_member(actor: Actor, group_id: str, user_id: str) -> None:
    require(actor, Permission.DELETE, Resource.GROUP_MEMBERSHIP, group_id)
    group, user = get_group(group_id), get_user(user_id)
    if not user.groups.filter(pk=group.pk).exists():
        return
    user.groups.remove(group)
    access_changed(users=[user_id])
    _log(actor, OperationType.DELETE, EntityType.GROUP_MEMBERSHIP).add(
        "userId", org_value=user_id
    ).add("groupId", org_value=group_id).save()


def log_login(user: User) -> None:
    """A person logged in to the web apps (Legato-specific: Camunda does not log logins)."""
    OperationLog(user.username, OperationType.LOGIN, EntityType.USER, category=Category.ADMIN).add(
        "userId", new_value=user.username
    ).save()
