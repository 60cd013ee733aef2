"""Pages for authorizations: a filtered list, create, edit, delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from engine.errors import BadRequestError
from identity import authorization_admin as admin
from identity.authorization import describe, is_authorized, readable_ids, require
from identity.forms import AuthorizationFilterForm, AuthorizationForm
from identity.models import Authorization
from identity.resources import Permission, Resource
from identity.views.common import page


@page
def authorization_list(request: HttpRequest) -> HttpResponse:
    readable = readable_ids(request.user, Resource.AUTHORIZATION)
    if not (readable.all or readable.ids):
        require(request.user, Permission.READ, Resource.AUTHORIZATION)
    filters = AuthorizationFilterForm(request.GET or None)
    rules = admin.list_authorizations(request.user)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["resource_type"] is not None:
            rules = rules.filter(resource_type=data["resource_type"])
        if data["type"] is not None:
            rules = rules.filter(type=data["type"])
        if data["identity"]:
            rules = rules.filter(Q(user_id=data["identity"]) | Q(group_id=data["identity"]))
    paged = Paginator(rules, 100).get_page(request.GET.get("page"))
    rows = [(rule, describe(rule)) for rule in paged]
    template = (
        "identity/partials/authorization_rows.html" if request.htmx
        else "identity/authorization_list.html"
    )
    return render(request, template, {
        "filters": filters, "rows": rows, "page_obj": paged,
        "can_create": is_authorized(request.user, Permission.CREATE, Resource.AUTHORIZATION),
    })


def _spec(form: AuthorizationForm) -> admin.AuthorizationSpec:
    data = form.cleaned_data
    is_user = data["identity_kind"] == "user"
    return admin.AuthorizationSpec(
        data["type"], data["resource_type"], data["resource_id"].strip(),
        tuple(data["permissions"]),
        user_id=data["identity_id"].strip() if is_user else None,
        group_id=None if is_user else data["identity_id"].strip(),
    )


@page
def authorization_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.CREATE, Resource.AUTHORIZATION)
    form = AuthorizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            admin.create_authorization(request.user, _spec(form))
        except BadRequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The authorization was created.")
            return redirect("authorization-list")
    return render(request, "identity/authorization_form.html", {"form": form, "rule": None})


@page
def authorization_edit(request: HttpRequest, authorization_id: str) -> HttpResponse:
    rule = admin.get_authorization(request.user, authorization_id)
    form = AuthorizationForm(request.POST or None, initial={
        "type": rule.type, "resource_type": rule.resource_type, "resource_id": rule.resource_id,
        "identity_kind": "user" if rule.user_id else "group",
        "identity_id": rule.user_id or rule.group_id, "permissions": rule.permissions,
    })
    form.fields["type"].disabled = True  # Camunda keeps the type of an authorization
    if request.method == "POST" and form.is_valid():
        try:
            admin.update_authorization(request.user, authorization_id, _spec(form))
        except BadRequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The authorization was saved.")
            return redirect("authorization-list")
    return render(request, "identity/authorization_form.html", {
        "form": form, "rule": rule,
        "can_delete": is_authorized(request.user, Permission.DELETE, Resource.AUTHORIZATION,
                                    authorization_id),
    })


@page
def authorization_delete(request: HttpRequest, authorization_id: str) -> HttpResponse:
    rule = admin.get_authorization(request.user, authorization_id)
    if request.method == "POST":
        admin.delete_authorization(request.user, authorization_id)
        messages.success(request, "The authorization was deleted.")
        return redirect("authorization-list")
    return render(request, "identity/confirm_delete.html", {
        "what": f"the authorization “{describe(rule)}”",
        "cancel": "authorization-edit", "cancel_id": authorization_id,
    })


__all__ = ["Authorization"]
