"""Fixtures shared by all tests: real services, live servers, users.

Nothing here imports Django at module level: the pure-core tests run without it.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.fail(
            "REDIS_URL is not set: run the suite with `make test`, which finds or starts Redis"
        )
    return url


@pytest.fixture(scope="session")
def channel_prefix() -> str:
    # xdist workers and parallel runs share one Redis: each gets its own channel-layer prefix.
    return f"legato-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"


@pytest.fixture(scope="session", autouse=True)
def one_channel_prefix(channel_prefix: str) -> Iterator[None]:
    """This process publishes and listens under the prefix its live servers and workers get:
    a test's claim reaches the server's sockets, a worker's notice this process's long polls.
    Set before any test, so that no channel layer was made with another."""
    try:
        from django.conf import settings
    except ImportError:  # the pure-core tests run without Django
        yield
        return
    if not settings.configured:
        yield
        return
    from django.test.utils import override_settings

    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    config = layers["default"].get("CONFIG")
    if config is not None:
        config["prefix"] = channel_prefix
    with override_settings(CHANNEL_LAYER_PREFIX=channel_prefix, CHANNEL_LAYERS=layers):
        yield


@pytest.fixture(scope="session", autouse=True)
def no_metrics_reporter_in_tests() -> Iterator[None]:
    """No reporter thread in the test process (importing config.asgi would start one): a
    flush on its own connection would commit rows under other tests, and one at exit would
    write to the development database. Metric tests flush by hand (tests/engine/test_metrics)."""
    try:
        from django.conf import settings
    except ImportError:
        yield
        return
    if not settings.configured:
        yield
        return
    from django.test.utils import override_settings

    from engine.metrics import reporter
    from engine.metrics.meters import meters

    # A test module importing config.asgi while being collected started one already.
    started = reporter._started
    if started is not None:
        started[1].stop()
        started[1].join(timeout=5)
    meters.reset()
    # Nor the history cleanup job that job executors schedule when they start: tests that
    # run an executor thread count the jobs they made (tests of the cleanup job turn it on).
    with override_settings(LEGATO_METRICS_FLUSH_SECONDS=0, LEGATO_HISTORY_CLEANUP_AUTO=False):
        yield
    meters.reset()  # nothing left for an exit flush


@pytest.fixture(scope="session")
def live_server_url(
    django_db_setup: None, django_db_blocker: object, redis_url: str, channel_prefix: str
) -> Iterator[str]:
    """Legato served by daphne in its own process, on the test database and the real Redis."""
    from tests import live

    with live.daphne_server(channel_prefix) as url:
        yield url


@pytest.fixture
def demo_user(db: None) -> Any:
    # Imported here so that pure-core tests run without Django (`-p no:django`).
    from identity.demo import ensure_demo_user

    return ensure_demo_user()


@pytest.fixture
def engine_settings(settings: Any) -> Iterator[Callable[..., None]]:
    """Change settings the engine's environment is built from: the environment (cached by
    engine.services.environment) is rebuilt with them, and again after the test."""
    from engine.services.environment import environment

    def change(**values: Any) -> None:
        for name, value in values.items():
            setattr(settings, name, value)
        environment.cache_clear()

    yield change
    environment.cache_clear()
