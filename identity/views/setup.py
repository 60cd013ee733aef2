"""The initial setup page (/setup/): create the first administrator, then log in as it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from engine.errors import AuthorizationError, BadRequestError
from identity.accounts import log_login
from identity.forms import UserCreateForm
from identity.setup import create_first_admin, needs_setup


def initial_setup(request: HttpRequest) -> HttpResponse:
    if not needs_setup():
        return redirect("login")
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = create_first_admin(
                data["user_id"], data["password"], first_name=data["first_name"],
                last_name=data["last_name"], email=data["email"],
            )
        except AuthorizationError:
            return redirect("login")
        except BadRequestError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="identity.lockout.LockoutBackend")
            log_login(user)
            messages.success(request, f"{user.username} is the first administrator.")
            return redirect("admin-home")
    return render(request, "identity/setup.html", {"form": form})
