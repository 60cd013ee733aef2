"""Camunda REST API under load (issue 6): requests per second and p99 latency of starting an
instance, listing tasks with 10,000 open tasks, and fetch-and-lock + complete, each with
4 concurrent clients against daphne, next to a trivial endpoint of the same server
(`GET /engine-rest/engine`) measured in the same run."""

from __future__ import annotations

import base64
import http.client
import json
import os
import threading
import time
from collections.abc import Callable

import seed
from common import report

CLIENTS = 4
REQUESTS = 60  # per client and endpoint
OPEN_TASKS = 10_000
AUTH = "Basic " + base64.b64encode(b"admin:admin").decode()
EXTERNAL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://bench">
  <bpmn:process id="restWork" isExecutable="true">
    <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="w" />
    <bpmn:serviceTask id="w" camunda:type="external" camunda:topic="rest-bench" />
    <bpmn:sequenceFlow id="f2" sourceRef="w" targetRef="e" /><bpmn:endEvent id="e" />
  </bpmn:process>
</bpmn:definitions>"""

Call = Callable[[http.client.HTTPConnection, int], None]


def call(connection: http.client.HTTPConnection, method: str, path: str, body: object = None):  # type: ignore[no-untyped-def]
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": AUTH, "Content-Type": "application/json"}
    connection.request(method, path, body=data, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    if response.status >= 400:
        raise RuntimeError(f"{method} {path}: {response.status} {payload[:200]!r}")
    return json.loads(payload) if payload else None


def load(port: int, work: Call) -> tuple[float, float]:
    """Requests per second and p99 seconds of `work` run by CLIENTS threads."""
    latencies: list[float] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for i in range(REQUESTS):
            began = time.perf_counter()
            work(connection, number * REQUESTS + i)
            mine.append(time.perf_counter() - began)
        connection.close()
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return len(latencies) / elapsed, latencies[int(len(latencies) * 0.99) - 1]


def main() -> None:
    with seed.bench_database("rest"):
        seed.create_users()
        templates = seed.seed_templates(line_provisioning=False, finished=False)
        with seed.indexes_built_afterwards():
            seed.clone_instances({templates.running[0]: OPEN_TASKS - 1})
        seed.analyze()
        from engine.services import ResourceInput, deploy
        from engine.services.runtime import start_process_instance
        from tests import live

        deploy([ResourceInput("rest.bpmn", EXTERNAL.encode())])
        for _ in range(CLIENTS * REQUESTS):
            start_process_instance("restWork")
        os.environ.setdefault("LEGATO_CHANNEL_PREFIX", f"bench-rest-{os.getpid()}")
        with live.daphne_server(os.environ["LEGATO_CHANNEL_PREFIX"]) as url:
            port = int(url.rsplit(":", 1)[1])
            warm = http.client.HTTPConnection("127.0.0.1", port)
            call(warm, "GET", "/engine-rest/engine")  # verifies the password once
            baseline = load(port, lambda c, i: call(c, "GET", "/engine-rest/engine"))
            print(f"baseline GET /engine-rest/engine: {baseline[0]:,.0f} req/s, "
                  f"p99 {baseline[1] * 1000:.1f} ms", flush=True)

            def start(c: http.client.HTTPConnection, i: int) -> None:
                body = {"variables": {"customerName": {"value": f"C{i}"}}, "businessKey": f"b{i}"}
                call(c, "POST", "/engine-rest/process-definition/key/kycReview/start", body)

            def task_list(c: http.client.HTTPConnection, i: int) -> None:
                call(c, "GET", "/engine-rest/task?maxResults=50&sortBy=created&sortOrder=desc")

            def fetch_complete(c: http.client.HTTPConnection, i: int) -> None:
                tasks = call(c, "POST", "/engine-rest/external-task/fetchAndLock", {
                    "workerId": f"w{i % CLIENTS}", "maxTasks": 1,
                    "topics": [{"topicName": "rest-bench", "lockDuration": 60000}],
                })
                for task in tasks:
                    call(c, "POST", f"/engine-rest/external-task/{task['id']}/complete",
                         {"workerId": f"w{i % CLIENTS}"})

            for what, work in (
                ("start instance (POST .../key/{key}/start)", start),
                (f"task list, {OPEN_TASKS:,} open tasks (GET /task)", task_list),
                ("fetchAndLock + complete", fetch_complete),
            ):
                rate, p99 = load(port, work)
                report(f"{what}, {CLIENTS} clients", f"{rate:,.0f} req/s", "GET /engine",
                       baseline[0] / rate)
                report("  p99 latency", f"{p99 * 1000:,.0f} ms", "GET /engine p99",
                       p99 / baseline[1])


if __name__ == "__main__":
    main()
