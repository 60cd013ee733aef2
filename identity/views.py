from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def admin_home(request: HttpRequest) -> HttpResponse:
    users = User.objects.order_by("username").prefetch_related("groups")
    groups = Group.objects.order_by("name")
    return render(request, "identity/admin_home.html", {"users": users, "groups": groups})
