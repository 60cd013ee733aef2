"""The settings the test suite runs with: Legato's own, with a fast password hasher first.

PBKDF2 (Django's default, kept for every password a user sets outside the tests) costs
0.4 s per hash on CI's CPU, and nearly every test creates its users anew and signs in with
HTTP Basic: that alone took half of the suite's time. The live servers and Celery workers the
tests start use this module too (tests/live.py), so they read the hashes the tests write.
"""

from django.conf import global_settings

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    *global_settings.PASSWORD_HASHERS,
]
