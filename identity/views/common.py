"""What every identity page shares: turning engine errors into pages with words."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from engine.errors import AuthorizationError, NotFoundError
from identity.authorization import is_authorized
from identity.resources import Resource

View = Callable[..., HttpResponse]


def page(view: View) -> View:
    """Login required; a missing permission is a 403 page and an unknown id a 404 page."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AuthorizationError as error:
            return render(request, "identity/forbidden.html", {"message": str(error)}, status=403)
        except NotFoundError as error:
            return render(request, "identity/not_found.html", {"message": str(error)}, status=404)

    return wrapped


def can(request: HttpRequest, permission: str, resource: Resource, rid: str = "*") -> bool:
    """Whether the page may offer an action (the action itself checks again)."""
    return is_authorized(request.user, permission, resource, rid)
