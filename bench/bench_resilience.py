"""Resilience: async jobs on 2 Celery workers, timer lag, external tasks over HTTP, long-poll
wake-up, and the memory of one web process holding 500 waiting workers.

Each figure comes with a baseline measured in the same run: a Celery round trip of a no-op
task, a one-job transaction, an HTTP round trip to the same daphne process (a 401 answer:
Basic auth on the DRF endpoints checks the password with PBKDF2 on every call, which would
make any baseline meaningless), the RSS of the idle server.

Needs PostgreSQL and Redis: a database `legato_bench_res_<pid>` is created on
BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432) and dropped at the end; Redis
is REDIS_URL (default redis://127.0.0.1:6379/15) with a channel prefix of this run's own.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import report  # noqa: E402

PG = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = f"legato_bench_res_{os.getpid()}"
os.environ["DATABASE_URL"] = f"{PG}/{DB_NAME}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ["LEGATO_CHANNEL_PREFIX"] = f"bench-res-{os.getpid()}"
os.environ["LEGATO_DEMO"] = "0"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
AUTH = "Basic " + base64.b64encode(b"bench:bench-password-1").decode()
JOBS = int(os.environ.get("BENCH_JOBS", "400"))
WAITERS = int(os.environ.get("BENCH_WAITERS", "500"))

ASYNC_JOB = """<bpmn:process id="async" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
  <bpmn:serviceTask id="work" camunda:asyncBefore="true" camunda:expression="${1}" />
  <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""
TIMER = """<bpmn:process id="nap" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
  <bpmn:intermediateCatchEvent id="wait">
    <bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration>
    </bpmn:timerEventDefinition>
  </bpmn:intermediateCatchEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""
EXTERNAL = """<bpmn:process id="ext" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
  <bpmn:serviceTask id="work" camunda:type="external" camunda:topic="{topic}" />
  <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@contextmanager
def bench_database() -> Iterator[None]:
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def deploy(name: str, xml: str) -> None:
    from engine.services import ResourceInput
    from engine.services import deploy as deploy_resources
    from tests.factories import bpmn_document

    deploy_resources([ResourceInput(f"{name}.bpmn", bpmn_document(xml))])


def wait_for(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# -- 1. async jobs on 2 Celery workers --------------------------------------------------------


def bench_async_jobs() -> None:
    from django.conf import settings

    from config.celery import app
    from engine.models import HistoricActivityInstance, HistoricProcessInstance
    from engine.services import runtime as rt
    from engine.tasks import health_check
    from tests import live

    prefix = os.environ["LEGATO_CHANNEL_PREFIX"]
    queue = f"{prefix}-jobs"
    settings.LEGATO_JOB_QUEUE = queue
    env = {"LEGATO_JOB_QUEUE": queue}
    deploy("async", ASYNC_JOB)
    # The jobs wait in the database and their messages in Redis; the clock starts when the
    # two workers are up.
    ids = [rt.start_process_instance("async").id for _ in range(JOBS)]
    done = HistoricProcessInstance.objects.filter(pk__in=ids, state="COMPLETED")
    with (
        live.celery_worker(prefix, queue, env=env, name="bench-a"),
        live.celery_worker(prefix, queue, env=env, name="bench-b"),
    ):
        began = time.perf_counter()
        wait_for(lambda: done.count() >= JOBS, 120)
        jobs_seconds = (time.perf_counter() - began) / max(done.count(), 1)

        # Baseline: no-op tasks through the same broker and workers.
        began = time.perf_counter()
        results = [health_check.apply_async(queue=queue) for _ in range(JOBS)]
        for result in results:
            result.get(timeout=60)
        noop_seconds = (time.perf_counter() - began) / JOBS

        # Continuation start: from the commit that created the job to the job starting.
        latencies = []
        finished = HistoricProcessInstance.objects.filter(state="COMPLETED")
        for _ in range(50):
            committed = time.time()
            instance = rt.start_process_instance("async").id
            wait_for(lambda i=instance: finished.filter(pk=i).exists(), 10)
            started = HistoricActivityInstance.objects.get(
                process_instance_id=instance, activity_id="work"
            ).start_time.timestamp()
            latencies.append(max(started - committed, 0.0))
        round_trips = []
        for _ in range(50):
            began = time.perf_counter()
            health_check.apply_async(queue=queue).get(timeout=10)
            round_trips.append(time.perf_counter() - began)
    app.control.purge()
    report(
        "async jobs/s, 2 Celery workers",
        f"{1 / jobs_seconds:,.0f} jobs/s",
        "no-op Celery task",
        jobs_seconds / noop_seconds,
    )
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    report(
        "continuation start after commit p50 / p99",
        f"{p50 * 1000:.0f} / {p99 * 1000:.0f} ms",
        "Celery round trip p99",
        p99 / percentile(round_trips, 0.99),
        "p99 < 50 ms",
    )


# -- 2. timer lag -----------------------------------------------------------------------------


def bench_timer_lag() -> None:
    from django.conf import settings

    from engine.jobs import executor as job_executor
    from engine.models import HistoricActivityInstance, HistoricProcessInstance, Job
    from engine.services import runtime as rt

    settings.LEGATO_JOB_EXECUTOR_IN_PROCESS = True
    deploy("nap", TIMER)
    thread = job_executor.JobExecutorThread(idle_wait=5.0)
    job_executor._embedded = thread  # commits wake it, as in the web process
    thread.start()
    try:
        ids = []
        dues = {}
        for _ in range(40):
            instance = rt.start_process_instance("nap").id
            ids.append(instance)
            dues[instance] = Job.objects.get(process_instance_id=instance).due_date
            time.sleep(0.05)
        done = HistoricProcessInstance.objects.filter(pk__in=ids, state="COMPLETED")
        wait_for(lambda: done.count() >= len(ids), 30)
        fired = HistoricActivityInstance.objects.filter(
            process_instance_id__in=ids, activity_id="wait"
        )
        lags = [(f.end_time - dues[f.process_instance_id]).total_seconds() for f in fired]
    finally:
        thread.stop()
        thread.join(timeout=10)
        settings.LEGATO_JOB_EXECUTOR_IN_PROCESS = False
    # Baseline: one job transaction run directly (the floor of firing a due timer).
    instance = rt.start_process_instance("nap").id
    job = Job.objects.get(process_instance_id=instance)
    began = time.perf_counter()
    rt.execute_job(job.id)
    one_job = time.perf_counter() - began
    p50, p99 = percentile(lags, 0.5), percentile(lags, 0.99)
    report(
        "timer firing lag (embedded executor) p50 / p99",
        f"{p50 * 1000:.0f} / {p99 * 1000:.0f} ms",
        "one job transaction",
        p99 / one_job,
        "within 1 s",
    )


# -- HTTP helpers -----------------------------------------------------------------------------


def request(port: int, method: str, path: str, body: object = None, auth: bool = True):  # type: ignore[no-untyped-def]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = AUTH
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def http_round_trip(port: int, count: int = 200) -> list[float]:
    times = []
    for _ in range(count):
        began = time.perf_counter()
        request(port, "GET", "/engine-rest/external-task/count", auth=False)
        times.append(time.perf_counter() - began)
    return times


def fetch_body(topic: str, timeout: int = 0, max_tasks: int = 1) -> dict[str, object]:
    return {
        "workerId": f"w-{threading.get_ident()}",
        "maxTasks": max_tasks,
        "asyncResponseTimeout": timeout,
        "topics": [{"topicName": topic, "lockDuration": 60_000}],
    }


def process_status(pid: int) -> tuple[int, int]:
    """(RSS in KiB, threads) of a process, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["Threads"])


# -- 3, 4, 5: external tasks over HTTP ---------------------------------------------------------


def bench_external_tasks() -> None:
    from django.conf import settings
    from django.contrib.auth.models import Group, User

    from engine.models import ExternalTask
    from engine.services import runtime as rt
    from tests import live

    worker = User.objects.create_user("bench", password="bench-password-1")
    # fetchAndLock hands out only tasks the worker may read and update (authorizations):
    # the bench's worker is an administrator, as a deployment's service account may be.
    worker.groups.add(Group.objects.get_or_create(name=settings.LEGATO_ADMIN_GROUP)[0])
    deploy("ext", EXTERNAL.format(topic="bench"))
    prefix = os.environ["LEGATO_CHANNEL_PREFIX"]
    with live.daphne_server(prefix) as url:
        port = int(url.rsplit(":", 1)[1])
        pid = daphne_pid(port)
        idle_rss, idle_threads = process_status(pid)
        request(port, "GET", "/engine-rest/external-task/count")  # verify the password once
        baseline = http_round_trip(port)

        # 3. fetch-and-lock + complete, 4 workers
        for _ in range(JOBS):
            rt.start_process_instance("ext")
        began = time.perf_counter()
        threads = [threading.Thread(target=work_off, args=(port,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        left = ExternalTask.objects.count()
        per_task = elapsed / max(JOBS - left, 1)
        report(
            "external tasks/s, fetchAndLock+complete, 4 workers",
            f"{1 / per_task:,.0f} tasks/s",
            "HTTP round trip (401)",
            per_task / (statistics.median(baseline) * 2 / 4),
        )

        # 4. wake-up latency of one long-polling worker
        deploy("ext", EXTERNAL.format(topic="wake"))
        wakes = []
        for _ in range(30):
            result: dict[str, float] = {}
            poller = threading.Thread(target=long_poll_once, args=(port, result))
            poller.start()
            time.sleep(0.3)  # the worker is waiting now
            rt.start_process_instance("ext")
            created = time.perf_counter()
            poller.join(timeout=30)
            wakes.append(result.get("answered", created + 30) - created)
        p50, p99 = percentile(wakes, 0.5), percentile(wakes, 0.99)
        report(
            "long-poll wake-up after commit p50 / p99",
            f"{p50 * 1000:.0f} / {p99 * 1000:.0f} ms",
            "HTTP round trip p99",
            p99 / percentile(baseline, 0.99),
            "p99 < 50 ms",
        )

        # 5. memory of one web process holding WAITERS long-polling workers
        held, answered = asyncio.run(hold_waiters(port, pid))
        rss, threads_now = held
        report(
            f"RSS with {WAITERS} waiting workers ({threads_now} threads, idle {idle_threads})",
            f"{rss / 1024:.0f} MiB (+{(rss - idle_rss) / WAITERS:.0f} KiB each)",
            "RSS of the idle server",
            rss / idle_rss,
            f"{WAITERS} held by one process",
        )
        print(f"  {answered} of {WAITERS} waiting workers answered after the timeout", flush=True)


def daphne_pid(port: int) -> int:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.endswith(b"daphne") for part in cmdline) and str(port).encode() in cmdline:
            return int(entry.name)
    raise RuntimeError("daphne process not found")


def work_off(port: int) -> None:
    for _ in range(JOBS):  # bounded: one task per pass at least, or nothing left
        status, data = request(
            port,
            "POST",
            "/engine-rest/external-task/fetchAndLock",
            fetch_body("bench", max_tasks=5),
        )
        tasks = json.loads(data) if status == 200 else []
        if not tasks:
            return
        for task in tasks:
            request(
                port,
                "POST",
                f"/engine-rest/external-task/{task['id']}/complete",
                {"workerId": task["workerId"]},
            )


def long_poll_once(port: int, result: dict[str, float]) -> None:
    status, data = request(
        port, "POST", "/engine-rest/external-task/fetchAndLock", fetch_body("wake", timeout=20_000)
    )
    result["answered"] = time.perf_counter()
    if status == 200 and json.loads(data):
        task = json.loads(data)[0]
        request(
            port,
            "POST",
            f"/engine-rest/external-task/{task['id']}/complete",
            {"workerId": task["workerId"]},
        )


async def hold_waiters(port: int, pid: int) -> tuple[tuple[int, int], int]:
    """Open WAITERS long polls (20 s timeout) on a topic nobody serves; measure the server
    while they all wait; count the answers after the timeout."""
    body = json.dumps(fetch_body("nobody-serves-this", timeout=20_000)).encode()
    head = (
        f"POST /engine-rest/external-task/fetchAndLock HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {AUTH}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()

    async def one() -> bool:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(head + body)
        await writer.drain()
        data = await reader.read()
        writer.close()
        return data.startswith(b"HTTP/1.1 200")

    tasks = []
    for _ in range(WAITERS):
        # A few at a time: daphne's listen backlog (50) would reset a burst of 500 connects.
        tasks.append(asyncio.create_task(one()))
        await asyncio.sleep(0.01)
    await asyncio.sleep(3)  # all connected and waiting by now
    held = process_status(pid)
    answers = await asyncio.gather(*tasks, return_exceptions=True)
    return held, sum(1 for a in answers if a is True)


def main() -> None:
    with bench_database():
        bench_timer_lag()
        bench_async_jobs()
        bench_external_tasks()


if __name__ == "__main__":
    main()
