"""Pages for tenants and their user and group members (Camunda Admin's Tenants section)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import Group, User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from engine.errors import BadRequestError, NotFoundError
from identity import tenants
from identity.authorization import readable_ids, require
from identity.forms import TenantForm
from identity.models import Tenant
from identity.resources import Permission, Resource
from identity.views.common import can, page


@page
def tenant_list(request: HttpRequest) -> HttpResponse:
    readable = readable_ids(request.user, Resource.TENANT)
    if not (readable.all or readable.ids):
        require(request.user, Permission.READ, Resource.TENANT)
    rows = Tenant.objects.filter(readable.q("id")).order_by("id")
    return render(request, "identity/tenant_list.html", {
        "tenants": rows.prefetch_related("memberships"),
        "can_create": can(request, Permission.CREATE, Resource.TENANT),
    })


@page
def tenant_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Permission.CREATE, Resource.TENANT)
    form = TenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            tenants.create_tenant(request.user, data["tenant_id"], data["name"])
        except BadRequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Tenant {data['tenant_id']} was created.")
            return redirect("tenant-edit", tenant_id=data["tenant_id"])
    return render(request, "identity/tenant_create.html", {"form": form})


@page
def tenant_edit(request: HttpRequest, tenant_id: str) -> HttpResponse:
    require(request.user, Permission.READ, Resource.TENANT, tenant_id)
    tenant = tenants.get_tenant(tenant_id)
    form = TenantForm(request.POST or None, initial={"tenant_id": tenant.id, "name": tenant.name})
    form.fields["tenant_id"].disabled = True
    if request.method == "POST" and form.is_valid():
        tenants.update_tenant(request.user, tenant_id, name=form.cleaned_data["name"])
        messages.success(request, "The tenant was saved.")
        return redirect("tenant-edit", tenant_id=tenant_id)
    return render(request, "identity/tenant_edit.html", {
        "tenant": tenant, "form": form,
        "users": User.objects.filter(tenant_memberships__tenant=tenant).order_by("username"),
        "groups": Group.objects.filter(tenant_memberships__tenant=tenant).order_by("name"),
        "can_update": can(request, Permission.UPDATE, Resource.TENANT, tenant_id),
        "can_delete": can(request, Permission.DELETE, Resource.TENANT, tenant_id),
        "can_add": can(request, Permission.CREATE, Resource.TENANT_MEMBERSHIP, tenant_id),
        "can_remove": can(request, Permission.DELETE, Resource.TENANT_MEMBERSHIP, tenant_id),
    })


@page
def tenant_delete(request: HttpRequest, tenant_id: str) -> HttpResponse:
    require(request.user, Permission.DELETE, Resource.TENANT, tenant_id)
    tenant = tenants.get_tenant(tenant_id)
    if request.method == "POST":
        tenants.delete_tenant(request.user, tenant_id)
        messages.success(request, f"Tenant {tenant_id} was deleted.")
        return redirect("tenant-list")
    return render(request, "identity/confirm_delete.html", {
        "what": f"tenant {tenant.id}", "cancel": "tenant-edit", "cancel_id": tenant_id,
    })


@page
@require_POST
def tenant_member_add(
    request: HttpRequest, kind: str, tenant_id: str = "", member: str = ""
) -> HttpResponse:
    """Add a user (kind "users") or a group ("groups") to a tenant: from the tenant's page
    (the member id is typed) or from the member's page (the tenant id is typed)."""
    member = member or request.POST.get("member", "").strip()
    tenant_id = tenant_id or request.POST.get("tenant", "").strip()
    add = tenants.add_user_member if kind == "users" else tenants.add_group_member
    try:
        add(request.user, tenant_id, member)
        messages.success(request, f"{member} is now a member of tenant {tenant_id}.")
    except (BadRequestError, NotFoundError) as error:
        messages.error(request, str(error))  # said on the page the form was on
    return _back(request, tenant_id, kind, member)


@page
@require_POST
def tenant_member_remove(
    request: HttpRequest, kind: str, tenant_id: str, member: str
) -> HttpResponse:
    remove = tenants.remove_user_member if kind == "users" else tenants.remove_group_member
    remove(request.user, tenant_id, member)
    messages.success(request, f"{member} is no longer a member of tenant {tenant_id}.")
    return _back(request, tenant_id, kind, member)


def _back(request: HttpRequest, tenant_id: str, kind: str, member: str) -> HttpResponse:
    """To the page the form was on; a post that lacks one of the ids to the other's page."""
    if member and (request.POST.get("back") == "member" or not tenant_id):
        if kind == "users":
            return redirect("user-edit", user_id=member)
        return redirect("group-edit", group_id=member)
    if tenant_id:
        return redirect("tenant-edit", tenant_id=tenant_id)
    return redirect("tenant-list")
