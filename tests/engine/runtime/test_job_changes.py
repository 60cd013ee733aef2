"""DeleteJob and RecalculateJobDueDate on the pure core (straight and through JSON): the job
leaves the state and its token keeps waiting; a timer's due date is evaluated again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.runtime import commands as cmd
from engine.runtime import effects as fx
from engine.runtime.engine import ProcessEngine
from engine.runtime.env import CountingIds, Environment
from engine.runtime.errors import NotFoundError, ProcessEngineError
from engine.runtime.memory import InMemoryStore
from tests.engine.runtime.conftest import FIXTURES, START


def test_deleting_a_boundary_timer_job_leaves_the_task_waiting(scenario):
    run = scenario("boundary_timer_cycle").start()
    [job] = run.state.jobs.values()
    effects = run.send(cmd.DeleteJob(job.id))
    assert [type(e) for e in effects] == [fx.JobRemoved]
    assert run.state.jobs == {}
    assert run.task_names() == ["Work"]
    with pytest.raises(NotFoundError):
        run.send(cmd.DeleteJob(job.id))


def test_recalculating_counts_a_cycle_from_now_or_from_a_given_base(scenario):
    run = scenario("boundary_timer_cycle").start()
    [job] = run.state.jobs.values()
    assert job.due == START + timedelta(hours=1)
    run.later(timedelta(minutes=20))
    [changed] = run.send(cmd.RecalculateJobDueDate(job.id))
    assert changed == fx.JobDueDateChanged(job.id, START + timedelta(hours=1, minutes=20))
    assert run.state.jobs[job.id].due == changed.due
    assert run.state.jobs[job.id].repeat == job.repeat  # the cycle left to run stays
    base = START - timedelta(hours=5)
    [again] = run.send(cmd.RecalculateJobDueDate(job.id, base))
    assert again.due == base + timedelta(hours=1)


def test_only_timer_jobs_are_recalculated(scenario):
    run = scenario("async").start()
    [job] = run.state.jobs.values()
    with pytest.raises(ProcessEngineError, match="Only timer jobs can be recalculated"):
        run.send(cmd.RecalculateJobDueDate(job.id))


def test_the_in_memory_store_follows_both_commands():
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    store = InMemoryStore()
    engine = ProcessEngine(store, Environment(new_id=CountingIds()), clock=lambda: now)
    engine.deploy({"t.bpmn": (FIXTURES / "boundary_timer_cycle.bpmn").read_bytes()})
    engine.start_process_instance("boundaryTimerCycle")
    [job_id] = store.jobs
    now += timedelta(minutes=10)
    engine.change_job(job_id, cmd.RecalculateJobDueDate(job_id))
    assert store.jobs[job_id].due == now + timedelta(hours=1)
    engine.change_job(job_id, cmd.DeleteJob(job_id))
    assert store.jobs == {}
