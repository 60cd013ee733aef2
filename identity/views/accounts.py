"""Pages for users, groups, memberships and one's own password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import Group, User
from django.contrib.auth.views import LoginView, LogoutView
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from engine.errors import AuthorizationError, BadRequestError, NotFoundError
from identity import accounts, live_access
from identity.authorization import is_admin, readable_ids, require
from identity.forms import GroupForm, MemberForm, PasswordForm, ProfileForm, UserCreateForm
from identity.lockout import permanently_locked
from identity.models import GroupProfile, Tenant
from identity.resources import Permission, Resource
from identity.views.common import can, page


class LegatoLoginView(LoginView):
    """Django's login view that also writes the login to the user operation log, and that
    points to the initial setup while no administrator exists."""

    template_name = "identity/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        from identity.setup import needs_setup

        return {**super().get_context_data(**kwargs), "needs_setup": needs_setup()}

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        accounts.log_login(form.get_user())
        return response


class LegatoLogoutView(LogoutView):
    """Django's logout view that also closes the live sockets of the ended session (the user's
    other tabs), in every web process; the user's other sessions keep theirs."""

    def post(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        user = request.user
        response = super().post(request, *args, **kwargs)
        if user.is_authenticated:
            live_access.signed_out(user.pk)
        return response


@page
def admin_home(request: HttpRequest) -> HttpResponse:
    sections = {
        "users": readable_ids(request.user, Resource.USER),
        "groups": readable_ids(request.user, Resource.GROUP),
        "tenants": readable_ids(request.user, Resource.TENANT),
        "authorizations": readable_ids(request.user, Resource.AUTHORIZATION),
    }
    visible = {name: ids.all or bool(ids.ids) for name, ids in sections.items()}
    visible["system"] = can(request, Permission.READ, Resource.SYSTEM)
    if not any(visible.values()):
        raise AuthorizationError(
            "You may not see users, groups, tenants, authorizations or the system. Ask an "
            "administrator for READ permission on one of them."
        )
    return render(request, "identity/admin_home.html", {"visible": visible})


@page
def user_list(request: HttpRequest) -> HttpResponse:
    readable = readable_ids(request.user, Resource.USER)
    if not (readable.all or readable.ids):
        require(request.user, Permission.READ, Resource.USER)
    users = User.objects.filter(readable.q("username")).order_by("username")
    search = request.GET.get("q", "").strip()
    if search:
        users = users.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search)
            | Q(last_name__icontains=search) | Q(email__icontains=search)
        )
    return render(request, "identity/user_list.html", {
        "users": users.prefetch_related("groups"), "search": search,
        "can_create": can(request, Permission.CREATE, Resource.USER),
    })


@page
def user_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.CREATE, Resource.USER)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accounts.create_user(
                request.user, data["user_id"], data["password"], first_name=data["first_name"],
                last_name=data["last_name"], email=data["email"],
            )
        except BadRequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"User {data['user_id']} was created.")
            return redirect("user-edit", user_id=data["user_id"])
    return render(request, "identity/user_create.html", {"form": form})


@page
def user_edit(request: HttpRequest, user_id: str) -> HttpResponse:
    require(request.user, Permission.READ, Resource.USER, user_id)
    user = accounts.get_user(user_id)
    form = ProfileForm(request.POST or None, initial={
        "first_name": user.first_name, "last_name": user.last_name, "email": user.email,
    })
    if request.method == "POST" and form.is_valid():
        accounts.update_profile(request.user, user_id, **form.cleaned_data)
        messages.success(request, "The profile was saved.")
        return redirect("user-edit", user_id=user_id)
    return render(request, "identity/user_edit.html", {
        "subject": user, "form": form, "password_form": PasswordForm(),
        "member_form": MemberForm(),
        "groups": user.groups.order_by("name"),
        "tenants": Tenant.objects.filter(memberships__user=user).order_by("id"),
        "can_update": can(request, Permission.UPDATE, Resource.USER, user_id),
        "can_delete": can(request, Permission.DELETE, Resource.USER, user_id),
        "is_me": user.pk == request.user.pk,
        "failed_logins": getattr(getattr(user, "login_attempts", None), "attempts", 0),
        "locked": permanently_locked(user),
        "can_unlock": is_admin(request.user),
    })


@page
@require_POST
def user_unlock(request: HttpRequest, user_id: str) -> HttpResponse:
    accounts.unlock_user(request.user, user_id)
    messages.success(request, f"{user_id} may log in again.")
    return redirect("user-edit", user_id=user_id)


@page
@require_POST
def user_password(request: HttpRequest, user_id: str) -> HttpResponse:
    form = PasswordForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            accounts.set_password(request.user, user_id, data["new_password"], data["my_password"])
        except (BadRequestError, AuthorizationError) as error:
            messages.error(request, str(error))
        else:
            if user_id == request.user.get_username():
                request.user.refresh_from_db()
                update_session_auth_hash(request, request.user)  # stay logged in
            messages.success(request, "The password was changed.")
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("user-edit", user_id=user_id)


@page
def user_delete(request: HttpRequest, user_id: str) -> HttpResponse:
    require(request.user, Permission.DELETE, Resource.USER, user_id)
    user = accounts.get_user(user_id)
    if request.method == "POST":
        accounts.delete_user(request.user, user_id)
        messages.success(request, f"User {user_id} was deleted.")
        return redirect("user-list")
    return render(request, "identity/confirm_delete.html", {
        "what": f"user {user.username}", "cancel": "user-edit", "cancel_id": user_id,
    })


@page
def own_password(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        me = request.user.get_username()
        try:
            if not request.user.check_password(data["my_password"]):
                raise AuthorizationError("Your current password is not correct.")
            # One's own password needs no UPDATE rule (Camunda grants every new user ALL on
            # itself, but users made outside the admin pages lack that rule): the service runs
            # unchecked, the password above proves who it is, and the log names the user.
            accounts.set_own_password(me, data["new_password"])
        except (BadRequestError, AuthorizationError) as error:
            form.add_error(None, str(error))
        else:
            request.user.refresh_from_db()
            update_session_auth_hash(request, request.user)
            messages.success(request, "Your password was changed.")
            return redirect("own-password")
    return render(request, "identity/own_password.html", {"form": form})


@page
@require_POST
def membership_add(request: HttpRequest, user_id: str = "", group_id: str = "") -> HttpResponse:
    form = MemberForm(request.POST)
    member = form.data.get("member", "").strip()
    user_id, group_id = user_id or member, group_id or member
    try:
        accounts.add_member(request.user, group_id, user_id)
        messages.success(request, f"{user_id} is now a member of {group_id}.")
    except (BadRequestError, NotFoundError) as error:
        messages.error(request, str(error))  # said on the page the form was on
    return _back(request, user_id, group_id)


@page
@require_POST
def membership_remove(request: HttpRequest, user_id: str, group_id: str) -> HttpResponse:
    accounts.remove_member(request.user, group_id, user_id)
    messages.success(request, f"{user_id} is no longer a member of {group_id}.")
    return _back(request, user_id, group_id)


def _back(request: HttpRequest, user_id: str, group_id: str) -> HttpResponse:
    """To the page the form was on; a post that lacks one of the ids to the other's page."""
    if group_id and (request.POST.get("back") == "group" or not user_id):
        return redirect("group-edit", group_id=group_id)
    if user_id:
        return redirect("user-edit", user_id=user_id)
    return redirect("user-list")


@page
def group_list(request: HttpRequest) -> HttpResponse:
    readable = readable_ids(request.user, Resource.GROUP)
    if not (readable.all or readable.ids):
        require(request.user, Permission.READ, Resource.GROUP)
    groups = Group.objects.filter(readable.q("name")).order_by("name")
    return render(request, "identity/group_list.html", {
        "groups": groups.select_related("profile").prefetch_related("user_set"),
        "can_create": can(request, Permission.CREATE, Resource.GROUP),
    })


@page
def group_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.CREATE, Resource.GROUP)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accounts.create_group(request.user, data["group_id"], data["name"], data["type"])
        except BadRequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Group {data['group_id']} was created.")
            return redirect("group-edit", group_id=data["group_id"])
    return render(request, "identity/group_create.html", {"form": form})


@page
def group_edit(request: HttpRequest, group_id: str) -> HttpResponse:
    require(request.user, Permission.READ, Resource.GROUP, group_id)
    group = accounts.get_group(group_id)
    profile = GroupProfile.objects.filter(group=group).first()
    form = GroupForm(request.POST or None, initial={
        "group_id": group.name, "name": profile.name if profile else "",
        "type": profile.type if profile else "",
    })
    form.fields["group_id"].disabled = True
    if request.method == "POST" and form.is_valid():
        accounts.update_group(request.user, group_id, name=form.cleaned_data["name"],
                              group_type=form.cleaned_data["type"])
        messages.success(request, "The group was saved.")
        return redirect("group-edit", group_id=group_id)
    return render(request, "identity/group_edit.html", {
        "group": group, "form": form, "member_form": MemberForm(),
        "members": group.user_set.order_by("username"),
        "tenants": Tenant.objects.filter(memberships__group=group).order_by("id"),
        "can_update": can(request, Permission.UPDATE, Resource.GROUP, group_id),
        "can_delete": can(request, Permission.DELETE, Resource.GROUP, group_id),
        "can_add": can(request, Permission.CREATE, Resource.GROUP_MEMBERSHIP, group_id),
        "can_remove": can(request, Permission.DELETE, Resource.GROUP_MEMBERSHIP, group_id),
    })


@page
def group_delete(request: HttpRequest, group_id: str) -> HttpResponse:
    require(request.user, Permission.DELETE, Resource.GROUP, group_id)
    group = accounts.get_group(group_id)
    if request.method == "POST":
        accounts.delete_group(request.user, group_id)
        messages.success(request, f"Group {group_id} was deleted.")
        return redirect("group-list")
    return render(request, "identity/confirm_delete.html", {
        "what": f"group {group.name}", "cancel": "group-edit", "cancel_id": group_id,
    })
