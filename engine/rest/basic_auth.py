"""HTTP Basic authentication for `/engine-rest` with verified credentials remembered briefly.

External-task workers and REST clients send the password with every request; hashing it
each time (PBKDF2, hundreds of milliseconds) would cap a worker at a few requests a second.
A verified username/password pair is remembered, as a SHA-256 and never in clear, for
`LEGATO_REST_AUTH_CACHE_SECONDS`; a changed password or a deactivated user takes effect
when the entry ends.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed

_cache: dict[str, tuple[Any, float]] = {}
_lock = threading.Lock()
CACHE_LIMIT = 1024


def verify_credentials(request: Any, username: str, password: str) -> Any:
    """The active user with these credentials, or None."""
    key = hashlib.sha256(f"{username}:{password}".encode()).hexdigest()
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached[1] > now:
        return cached[0]
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        return None
    with _lock:
        if len(_cache) >= CACHE_LIMIT:
            _cache.clear()
        _cache[key] = (user, now + settings.LEGATO_REST_AUTH_CACHE_SECONDS)
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
