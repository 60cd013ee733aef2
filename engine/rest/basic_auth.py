"""HTTP Basic authentication for `/engine-rest` with verified credentials remembered briefly.

External-task workers and REST clients send the password with every request; hashing it
each time (PBKDF2, hundreds of milliseconds) would cap a worker at a few requests a second.
A verified username/password pair is remembered, as a SHA-256 and never in clear, for
`LEGATO_REST_AUTH_CACHE_SECONDS`; a changed password takes effect when the entry ends, a
deactivated or deleted user at once (the user row is read on every request).
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed

# credentials hash -> (user pk, expiry); the user row is read per request, so a deactivated or
# deleted user is refused at once, and group changes apply at once.
_cache: dict[str, tuple[int, float]] = {}
_lock = threading.Lock()
CACHE_LIMIT = 1024


def verify_credentials(request: Any, username: str, password: str) -> Any:
    """The active user with these credentials, or None."""
    key = hashlib.sha256(f"{username}:{password}".encode()).hexdigest()
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached[1] > now:
        user = get_user_model().objects.filter(
            pk=cached[0], username=username, is_active=True
        ).first()
        if user is not None:
            return user
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        return None
    with _lock:
        if len(_cache) >= CACHE_LIMIT:
            _cache.clear()
        _cache[key] = (user.pk, now + settings.LEGATO_REST_AUTH_CACHE_SECONDS)
    return user


class CachedBasicAuthentication(BasicAuthentication):
    """DRF's Basic authentication over `verify_credentials`."""

    def authenticate_credentials(
        self, userid: str, password: str, request: Any = None
    ) -> tuple[Any, None]:
        user = verify_credentials(request, userid, password)
        if user is None:
            raise AuthenticationFailed("Invalid username/password.")
        return user, None
