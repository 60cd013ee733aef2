"""Errors as pages that say what went wrong, inside the cockpit's layout."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from engine.errors import REFUSED, AuthorizationError, NotFoundError

View = Callable[..., HttpResponse]


def not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "cockpit/not_found.html", {"message": message}, status=404)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "cockpit/forbidden.html", {"message": message}, status=403)


def cockpit_page(view: View) -> View:
    """Login required; a missing permission is a 403 page, an unknown id a 404 page."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AuthorizationError as error:
            return forbidden(request, str(error))
        except NotFoundError as error:
            return not_found(request, str(error))

    return wrapped


def apply_change(request: HttpRequest, change: Callable[[], object], done: str) -> None:
    """Run an engine command for a form post and say how it went: `done`, or why nothing
    changed. A missing permission still ends on the 403 page (`cockpit_page`)."""
    try:
        change()
    except AuthorizationError:
        raise
    except REFUSED as error:
        messages.error(request, f"Nothing changed: {error}")
    else:
        messages.success(request, done)
