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

# No metrics reporter thread in the servers and workers the tests start (the test process
# stops its own, tests/conftest.py): a live server lives for the whole session, and its flush
# every LEGATO_METRICS_FLUSH_SECONDS, or at its exit, would commit meter rows under tests that
# count them. Metric tests flush by hand.
LEGATO_METRICS_FLUSH_SECONDS = 0
