"""Real servers for tests: daphne and Celery workers as processes of their own, on the test DB."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_database_url() -> str:
    """DATABASE_URL of the database pytest-django created, for servers in other processes."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def server_env(channel_prefix: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=test_database_url(),
        DJANGO_SETTINGS_MODULE="config.settings",
        LEGATO_CHANNEL_PREFIX=channel_prefix,
        LEGATO_DEMO="0",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@contextmanager
def running(
    cmd: list[str], env: dict[str, str], ready: Callable[[], bool], what: str
) -> Iterator[None]:
    log = (ROOT / "test-artifacts").joinpath(f"{what}-{os.getpid()}.log")
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while not ready():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{what} did not start: {log.read_text()[-3000:]}")
                time.sleep(0.1)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def http_ready(url: str) -> Callable[[], bool]:
    def ready() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    return ready


@contextmanager
def daphne_server(channel_prefix: str) -> Iterator[str]:
    """Serves the ASGI app (HTTP and WebSocket) as `make run` does; yields its base URL."""
    port = free_port()
    cmd = [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
    url = f"http://127.0.0.1:{port}"
    with running(cmd, server_env(channel_prefix), http_ready(url + "/login/"), "daphne"):
        yield url


@contextmanager
def celery_worker(channel_prefix: str, queue: str, concurrency: int = 1) -> Iterator[None]:
    """A real Celery worker process on Redis, consuming its own queue."""
    cmd = [
        str(BIN / "celery"),
        "-A",
        "config",
        "worker",
        "--loglevel=INFO",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"{queue}@%h",
    ]
    marker = {"up": False}

    def ready() -> bool:
        from config.celery import app

        replies = app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=0.5)
        marker["up"] = bool(replies)
        return marker["up"]

    with running(cmd, server_env(channel_prefix), ready, f"celery-{queue}"):
        yield
