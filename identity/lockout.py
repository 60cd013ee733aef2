"""Failed logins slow down and finally lock an account (Camunda's login delay and
loginMaxAttempts): after the n-th failure in a row the user must wait
min(base * factor^(n-1), max) seconds before the next try, and after the last allowed
attempt the account stays locked until an administrator unlocks it. A successful login
clears the count. It guards every password check that goes through Django's `authenticate`:
the login page, HTTP Basic on `/engine-rest`, `/identity/verify`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db.models import F
from django.utils import timezone

from identity.models import LoginAttempts


def is_locked(user: User, now: datetime | None = None) -> bool:
    """Whether a login of `user` is refused now, whatever the password."""
    state = LoginAttempts.objects.filter(user=user).first()
    if state is None:
        return False
    if state.attempts >= settings.LEGATO_LOGIN_MAX_ATTEMPTS:
        return True
    return state.locked_until is not None and state.locked_until > (now or timezone.now())


def permanently_locked(user: User) -> bool:
    return LoginAttempts.objects.filter(
        user=user, attempts__gte=settings.LEGATO_LOGIN_MAX_ATTEMPTS
    ).exists()


def unlock(user: User) -> None:
    LoginAttempts.objects.filter(user=user).delete()


class LockoutBackend(ModelBackend):
    """Django's model backend behind the lock: a locked user is refused before the password
    is looked at, a wrong password counts."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = User.objects.filter(username=username).first() if username else None
        now = timezone.now()
        if user is not None and is_locked(user, now):
            return None
        found = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            return found
        if found is None:
            _count_failure(user, now)
        else:
            LoginAttempts.objects.filter(user=user).delete()
        return found


def _count_failure(user: User, now: datetime) -> None:
    state, _ = LoginAttempts.objects.get_or_create(user=user)
    LoginAttempts.objects.filter(pk=state.pk).update(attempts=F("attempts") + 1)
    state.refresh_from_db()
    seconds = min(
        settings.LEGATO_LOGIN_DELAY_BASE_SECONDS
        * settings.LEGATO_LOGIN_DELAY_FACTOR ** (state.attempts - 1),
        settings.LEGATO_LOGIN_DELAY_MAX_SECONDS,
    )
    LoginAttempts.objects.filter(pk=state.pk).update(locked_until=now + timedelta(seconds=seconds))
