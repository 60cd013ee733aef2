"""Faults with real Celery worker processes on PostgreSQL + Redis: the database is the truth.

A killed worker delays a job by its lock time, never loses or doubles it; many jobs on two
workers (and the acquisition command racing the post-commit dispatch) each run once; a broker
that goes away loses nothing. History counts the runs that committed.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable

import pytest

from engine.models import HistoricActivityInstance, HistoricProcessInstance, Job
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests import live
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

FAULTY = """<bpmn:process id="faulty" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
  <bpmn:serviceTask id="work" camunda:asyncBefore="true" camunda:class="{delegate}" />
  <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""
DELEGATES = {
    "SlowDelegate": "tests.engine.fault_delegates.slow",
    "NoopDelegate": "tests.engine.fault_delegates.noop",
}


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


def completed(ids: list[str]) -> int:
    return HistoricProcessInstance.objects.filter(pk__in=ids, state="COMPLETED").count()


def work_runs(ids: list[str]) -> int:
    """Committed executions of the job's activity (a rolled-back run leaves no row)."""
    return HistoricActivityInstance.objects.filter(
        process_instance_id__in=ids, activity_id="work", end_time__isnull=False
    ).count()


@pytest.fixture
def faulty(tmp_path, settings, channel_prefix, redis_url):
    """Deploys the process; returns (start, env for worker processes, queue)."""
    queue = f"jobs-{channel_prefix}-{time.monotonic_ns()}"
    settings.LEGATO_JOB_QUEUE = queue
    env = {
        "LEGATO_DELEGATES": json.dumps(DELEGATES),
        "LEGATO_JOB_QUEUE": queue,
        "LEGATO_JOB_LOCK_SECONDS": "2",
        "LEGATO_FAULT_DIR": str(tmp_path),
    }

    def use(delegate: str) -> Callable[[], str]:
        deploy([ResourceInput("faulty.bpmn", bpmn_document(FAULTY.format(delegate=delegate)))])
        return lambda: rt.start_process_instance("faulty").id

    return use, env, queue


def test_a_worker_killed_mid_job_runs_the_job_again_after_its_lock_expires(
    faulty, tmp_path, channel_prefix
):
    use, env, queue = faulty
    start = use("SlowDelegate")
    (tmp_path / "slow").write_text("")
    with live.celery_worker(channel_prefix, queue, pool="solo", env=env, name="victim") as worker:
        instance = start()
        wait_until(lambda: any(tmp_path.glob("started-*")), 20, "the job to start")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    job = Job.objects.get(process_instance_id=instance)
    assert job.lock_owner is not None  # claimed by the dead worker, its work rolled back
    assert completed([instance]) == 0

    (tmp_path / "slow").unlink()
    with (
        live.celery_worker(channel_prefix, queue, env=env, name="rescuer"),
        live.job_acquisition(channel_prefix, env, "--idle-wait", "0.2"),
    ):
        wait_until(lambda: completed([instance]) == 1, 30, "the instance to end")
    assert work_runs([instance]) == 1
    assert len(list(tmp_path.glob("started-*"))) == 2  # once killed, once done
    assert not Job.objects.filter(process_instance_id=instance).exists()


def test_a_thousand_async_jobs_on_two_workers_each_run_exactly_once(faulty, channel_prefix):
    use, env, queue = faulty
    env = {**env, "LEGATO_JOB_LOCK_SECONDS": "30"}
    start = use("NoopDelegate")
    # Started before the workers are up (creating is what costs here: ~20 ms an instance);
    # the dispatched messages wait in Redis.
    ids = [start() for _ in range(1000)]
    began = time.monotonic()
    with (
        live.celery_worker(channel_prefix, queue, env=env, name="one"),
        live.celery_worker(channel_prefix, queue, env=env, name="two"),
        # Acquisition races the post-commit dispatch for the same jobs.
        live.job_acquisition(channel_prefix, env, "--idle-wait", "0.2", "--dispatch-grace", "1"),
    ):
        # A bound against hanging, not a speed target (about 25 s here when the host is calm;
        # bench/bench_resilience.py measures the speed).
        wait_until(lambda: completed(ids) == 1000, 180, "1,000 instances to end")
        print(f"1,000 jobs ran {time.monotonic() - began:.1f} s after the workers were started")
    assert work_runs(ids) == 1000
    assert not Job.objects.exists()


def test_jobs_created_while_redis_is_down_run_once_it_is_back(faulty, settings, channel_prefix):
    use, env, queue = faulty
    env = {**env, "LEGATO_JOB_LOCK_SECONDS": "30"}
    start = use("NoopDelegate")
    # This process only writes jobs; the private broker's acquisition command carries them.
    settings.LEGATO_JOB_EXECUTOR_IN_PROCESS = True
    with live.private_redis() as redis:
        private = {**env, "REDIS_URL": redis.url}
        with (
            live.celery_worker(channel_prefix, queue, env=private, name="survivor"),
            live.job_acquisition(
                channel_prefix, private, "--idle-wait", "0.2", "--dispatch-grace", "0"
            ),
        ):
            before = [start() for _ in range(10)]
            wait_until(lambda: completed(before) == 10, 20, "jobs before the outage")
            redis.stop()
            during = [start() for _ in range(30)]
            time.sleep(2)  # acquisition fails meanwhile and must survive it
            assert completed(during) == 0
            redis.start()
            wait_until(lambda: completed(during) == 30, 40, "jobs after the outage")
    assert work_runs(before + during) == 40
    assert not Job.objects.exists()
