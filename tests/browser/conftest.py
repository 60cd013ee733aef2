"""Browser tests: Playwright for Python drives Debian's Chromium against a live daphne server.

They run in their own pytest invocation (`pytest -m browser`): Playwright's sync API keeps an
event loop in the main thread, which the ORM and pytest-asyncio would otherwise trip over.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-sandbox",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # A conftest hook sees every item of the session: mark only the ones in this folder.
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs the Debian package chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    _wait_for_the_live_server()


def _wait_for_the_live_server(timeout: float = 5.0) -> None:
    """Until the live server has finished what the closed page asked of it. The test's
    teardown then empties the database with one TRUNCATE of every table, which deadlocks with
    a request still reading some of them (seen in CI: "deadlock detected" in the flush)."""
    import time

    from django.db import connection

    if connection.vendor != "postgresql":
        return
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
                )
                (busy,) = cursor.fetchone()
            if not busy:
                return
            time.sleep(0.05)
    except RuntimeError:
        return  # a test without database access has nothing to flush


@pytest.fixture
def screenshot(page: object):
    def take(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def events_lost(settings, channel_prefix):
    """Within it, what this process publishes goes where the live server does not listen: as
    if the channel layer had dropped the messages."""
    import copy
    from contextlib import contextmanager

    @contextmanager
    def lost() -> Iterator[None]:
        saved = settings.CHANNEL_LAYERS, settings.CHANNEL_LAYER_PREFIX
        layers = copy.deepcopy(saved[0])
        layers["default"]["CONFIG"]["prefix"] = f"{channel_prefix}-nobody"
        settings.CHANNEL_LAYERS = layers
        settings.CHANNEL_LAYER_PREFIX = f"{channel_prefix}-nobody"
        try:
            yield
        finally:
            settings.CHANNEL_LAYERS, settings.CHANNEL_LAYER_PREFIX = saved

    return lost
