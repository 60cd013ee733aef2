"""Camunda's web applications as Legato's pages, and who may open them.

Camunda 7 with authorization enabled lets a user into Cockpit, Tasklist or Admin only with
ACCESS on the Application resource of that name (members of camunda-admin pass every check,
and so into every application). Legato checks this once per request, in
`ApplicationAccessMiddleware`, for every page under an application's paths, so no view can
forget it. The login page, logout, one's own password, static files and `/engine-rest` (which
checks its own resources) belong to no application and are not gated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from identity.authorization import Actor, readable_ids
from identity.resources import Permission, Resource


@dataclass(frozen=True)
class Application:
    """One web application: its Application resource id, its name and where it lives."""

    id: str
    label: str
    url_name: str
    path_prefixes: tuple[str, ...]


APPLICATIONS: tuple[Application, ...] = (
    # The audit pages read history and the operation log, which Camunda shows in Cockpit; the
    # auditor preset grants cockpit ACCESS for them.
    Application("cockpit", "Cockpit", "cockpit:dashboard", ("/cockpit/", "/audit/")),
    Application("tasklist", "Tasklist", "tasklist:tasks", ("/tasklist/",)),
    Application("admin", "Admin", "admin-home", ("/admin/",)),
)
_REQUEST_ATTR = "_legato_applications"


def application_of(path: str) -> Application | None:
    """The application a URL path belongs to, or None for pages every user may open."""
    return next(
        (app for app in APPLICATIONS if path.startswith(app.path_prefixes)), None
    )


def accessible_applications(actor: Actor) -> tuple[Application, ...]:
    """The applications the actor holds ACCESS on (all of them for camunda-admin): 1 query."""
    access = readable_ids(actor, Resource.APPLICATION, Permission.ACCESS)
    return tuple(app for app in APPLICATIONS if access.allows(app.id))


def applications_of_request(request: HttpRequest) -> tuple[Application, ...]:
    """`accessible_applications` of the request's user, read once per request."""
    if not request.user.is_authenticated:
        return ()
    cached = getattr(request, _REQUEST_ATTR, None)
    if cached is None:
        cached = accessible_applications(request.user)
        setattr(request, _REQUEST_ATTR, cached)
    return cached


def no_access(request: HttpRequest, app: Application | None) -> HttpResponse:
    """The 403 page: which application is closed and which ones the user may open instead."""
    context = {"application": app, "applications": applications_of_request(request)}
    return render(request, "identity/no_access.html", context, status=403)


def home(request: HttpRequest) -> HttpResponse:
    """`/` and where a login without `next` lands: the first application the user may open
    (a tasklist-only user goes to the tasklist, not to a closed cockpit)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    apps = applications_of_request(request)
    if not apps:
        return no_access(request, APPLICATIONS[0])
    return redirect(apps[0].url_name)


class ApplicationAccessMiddleware:
    """Anonymous users go to the login page; users without ACCESS get the 403 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        app = application_of(request.path_info)
        if app is not None:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if app not in applications_of_request(request):
                return no_access(request, app)
        return self.get_response(request)


def applications(request: HttpRequest) -> dict[str, object]:
    """Template context: the applications the navigation may link to."""
    apps = applications_of_request(request)
    return {"applications": apps, "application_ids": frozenset(app.id for app in apps)}
