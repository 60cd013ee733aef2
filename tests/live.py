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
        DJANGO_SETTINGS_MODULE="tests.settings",
        LEGATO_CHANNEL_PREFIX=channel_prefix,
        LEGATO_DEMO="0",
        LEGATO_HISTORY_CLEANUP_AUTO="0",  # no job of its own in the tests' job lists
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


@contextmanager
def running(
    cmd: list[str], env: dict[str, str], ready: Callable[[], bool], what: str
) -> Iterator[subprocess.Popen[bytes]]:
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
            yield proc
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
    # Pages hear of a lost message at the socket's next heartbeat: soon, in tests.
    env = dict(server_env(channel_prefix), LEGATO_LIVE_HEARTBEAT_SECONDS="2")
    with running(cmd, env, http_ready(url + "/login/"), "daphne"):
        yield url


@contextmanager
def celery_worker(
    channel_prefix: str,
    queue: str,
    concurrency: int = 1,
    *,
    pool: str = "prefork",
    env: dict[str, str] | None = None,
    name: str | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker process on Redis, consuming its own queue. `env` adds to or
    overrides the environment (REDIS_URL of a private Redis, LEGATO_* settings); the process
    is yielded so that a test can kill it."""
    node = name or queue
    cmd = [
        str(BIN / "celery"),
        "-A",
        "config",
        "worker",
        "--loglevel=INFO",
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "-n",
        f"{node}@%h",
    ]
    full_env = {**server_env(channel_prefix), **(env or {})}

    def ready() -> bool:
        if env and "REDIS_URL" in env:
            # A worker on a broker of its own answers a ping sent through that broker.
            from celery import Celery

            app = Celery(broker=env["REDIS_URL"])
        else:
            from config.celery import app
        try:
            replies = app.control.ping(destination=[f"{node}@{socket.gethostname()}"], timeout=0.5)
        finally:
            if env and "REDIS_URL" in env:
                app.close()
        return bool(replies)

    with running(cmd, full_env, ready, f"celery-{node}") as proc:
        yield proc


@contextmanager
def job_acquisition(
    channel_prefix: str, env: dict[str, str] | None = None, *args: str
) -> Iterator[subprocess.Popen[bytes]]:
    """`manage.py run_job_acquisition` as its own process."""
    cmd = [sys.executable, str(ROOT / "manage.py"), "run_job_acquisition", *args]
    full_env = {**server_env(channel_prefix), **(env or {})}
    with running(cmd, full_env, lambda: True, "job-acquisition") as proc:
        yield proc


class PrivateRedis:
    """A redis-server of the test's own on a free port: stopping it never touches the shared
    one other tests and engineers use."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    redis = PrivateRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()
