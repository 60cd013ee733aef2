"""Execution metrics on the real database: counted in memory from committed commands and the
job executor, written by a flush, summed and bucketed as Camunda's metrics query does."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from engine.jobs.executor import JobExecutorThread
from engine.metrics import names, queries, reporter
from engine.metrics.meters import meters
from engine.models import MeterLog, Task, TaskMeterLog
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.conformance.conftest import MODELS
from tests.factories import bpmn_document, one_task_bpmn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users", "no_counts")]

DISH = (MODELS / "dish-decision.dmn").read_bytes()
DISH_ELEMENTS = (2 + 1) * 6  # (inputs + outputs) x rules of the dish table

DINNER = bpmn_document("""<bpmn:process id="dinner" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="plan" />
  <bpmn:businessRuleTask id="plan" camunda:decisionRef="decision"
      camunda:mapDecisionResult="singleEntry" camunda:resultVariable="dish" />
  <bpmn:sequenceFlow id="f2" sourceRef="plan" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>""")

ASYNC = bpmn_document("""<bpmn:process id="later" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
  <bpmn:serviceTask id="t" camunda:asyncBefore="true" camunda:expression="${ok}" />
  <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />
</bpmn:process>""")


@pytest.fixture
def no_counts():
    """Counts are per process: start each test from none."""
    meters.reset()
    yield
    meters.reset()


@pytest.fixture
def committed(django_capture_on_commit_callbacks, settings):
    """Run a command and its after-commit hand-over, as a real commit would (new jobs wake
    an in-process executor, of which there is none here: nothing goes to a broker)."""
    settings.LEGATO_JOB_EXECUTOR_IN_PROCESS = True

    def run(command, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return command(*args, **kwargs)

    return run


def test_a_straight_through_instance_counts_its_flow_nodes_and_one_root_start(committed):
    deploy([ResourceInput("dinner.bpmn", DINNER), ResourceInput("dish.dmn", DISH)])
    committed(rt.start_process_instance, "dinner", variables={"season": "Fall", "guestCount": 2})
    assert not MeterLog.objects.exists()  # nothing written by the command itself

    assert reporter.flush() > 0

    rows = dict(MeterLog.objects.values_list("name", "value"))
    assert rows == {
        names.ROOT_PROCESS_INSTANCE_START: 1,
        names.ACTIVITY_INSTANCE_START: 3,
        names.ACTIVITY_INSTANCE_END: 3,
        names.EXECUTED_DECISION_INSTANCES: 1,
        names.EXECUTED_DECISION_ELEMENTS: DISH_ELEMENTS,
    }
    assert set(MeterLog.objects.values_list("reporter", flat=True)) == {reporter.reporter_id()}
    assert queries.sum_metric("flow-node-instances") == 3
    assert queries.sum_metric("process-instances") == 1


def test_a_command_that_rolls_back_counts_nothing(committed):
    deploy([ResourceInput("chain.bpmn", bpmn_document(
        '<bpmn:process id="broken" isExecutable="true"><bpmn:startEvent id="s" />'
        '<bpmn:sequenceFlow id="f" sourceRef="s" targetRef="t" />'
        '<bpmn:serviceTask id="t" camunda:expression="${missing}" /></bpmn:process>'
    ))])
    with pytest.raises(Exception, match="missing"):
        committed(rt.start_process_instance, "broken")
    assert reporter.flush() == 0


def test_below_history_level_activity_the_metrics_still_count(committed, engine_settings):
    engine_settings(LEGATO_HISTORY_LEVEL="none")
    deploy([ResourceInput("dinner.bpmn", DINNER), ResourceInput("dish.dmn", DISH)])
    committed(rt.start_process_instance, "dinner", variables={"season": "Fall", "guestCount": 2})
    assert queries.sum_metric(names.ACTIVITY_INSTANCE_START) == 3
    assert queries.sum_metric(names.ACTIVITY_INSTANCE_END) == 3
    assert queries.sum_metric(names.EXECUTED_DECISION_ELEMENTS) == DISH_ELEMENTS
    assert queries.sum_metric(names.ROOT_PROCESS_INSTANCE_START) == 1


def test_jobs_count_acquisition_success_and_failure(committed):
    deploy([ResourceInput("later.bpmn", ASYNC)])
    committed(rt.start_process_instance, "later", variables={"ok": 1})
    committed(rt.start_process_instance, "later")  # ${ok} cannot resolve: the job fails
    executor = JobExecutorThread()
    with_callbacks = committed(executor.run_once)
    assert with_callbacks
    reporter.flush()
    assert queries.sum_metric(names.JOB_ACQUISITION_ATTEMPT) == 1
    assert queries.sum_metric(names.JOB_ACQUIRED_SUCCESS) == 2
    assert queries.sum_metric(names.JOB_SUCCESSFUL) == 1
    assert queries.sum_metric(names.JOB_FAILED) == 1


def test_sums_respect_the_dates_and_add_what_is_not_flushed_yet(committed):
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    committed(rt.start_process_instance, "invoice")
    reporter.flush(datetime(2026, 1, 10, tzinfo=UTC))
    committed(rt.start_process_instance, "invoice")
    reporter.flush(datetime(2026, 2, 10, tzinfo=UTC))
    committed(rt.start_process_instance, "invoice")  # not flushed

    start = names.ROOT_PROCESS_INSTANCE_START
    jan, feb = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    assert queries.sum_metric(start, jan, feb) == 1
    assert queries.sum_metric(start, feb, datetime(2026, 3, 1, tzinfo=UTC)) == 1
    assert queries.sum_metric(start) == 3  # open end: this process's unflushed count too
    assert queries.sum_metric("no-such-metric") == 0


def test_intervals_bucket_by_seconds_newest_first_per_reporter():
    def row(name, value, when, who="a"):
        MeterLog.objects.create(name=name, value=value, reporter=who, timestamp=when,
                                milliseconds=int(when.timestamp() * 1000))

    base = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    row(names.ACTIVITY_INSTANCE_START, 2, base + timedelta(minutes=1))
    row(names.ACTIVITY_INSTANCE_START, 3, base + timedelta(minutes=14))
    row(names.ACTIVITY_INSTANCE_START, 5, base + timedelta(minutes=16))
    row(names.ACTIVITY_INSTANCE_START, 7, base + timedelta(minutes=16), who="b")
    end = base + timedelta(hours=1)

    values = queries.interval_values(name="flow-node-instances", end=end)
    assert [(v.timestamp, v.reporter, v.value) for v in values] == [
        (base + timedelta(minutes=15), "a", 5),
        (base + timedelta(minutes=15), "b", 7),
        (base, "a", 5),
    ]
    assert {v.name for v in values} == {"flow-node-instances"}  # the name asked for
    hourly = queries.interval_values(interval=3600, aggregate_by_reporter=True, end=end)
    assert [(v.timestamp, v.name, v.reporter, v.value) for v in hourly] == [
        (base, names.ACTIVITY_INSTANCE_START, None, 17)
    ]
    assert len(queries.interval_values(end=end, offset=1, limit=1)) == 1


def test_task_users_are_counted_distinct_from_hashes(committed):
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    for assignee in ("kermit", "gonzo", "kermit"):
        started = committed(rt.start_process_instance, "invoice")
        task = Task.objects.get(process_instance_id=started.id)
        committed(rt.set_assignee, task.id, assignee, user_id="demo")
    reporter.flush()
    assert queries.sum_metric("task-users") == 2
    assert queries.sum_metric(names.UNIQUE_TASK_WORKERS) == 2
    # kermit's second assignment adds a row only in another minute than his first
    assert TaskMeterLog.objects.values("assignee_hash").distinct().count() == 2
    assert queries.delete_task_metrics() in (2, 3)
    assert queries.sum_metric("task-users") == 0


def test_a_failed_flush_keeps_the_counts_for_the_next(monkeypatch):
    meters.mark(names.JOB_SUCCESSFUL, 4)

    def broken(*args, **kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(MeterLog.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        reporter.flush()
    monkeypatch.undo()
    reporter.flush()
    assert MeterLog.objects.get(name=names.JOB_SUCCESSFUL).value == 4


def test_the_history_cleanup_removes_meter_rows_past_their_time_to_live(settings):
    from identity.cleanup import cleanup_history

    settings.LEGATO_METRICS_TIME_TO_LIVE_DAYS = 30
    now = datetime(2026, 6, 1, tzinfo=UTC)
    for days in (40, 10):
        when = now - timedelta(days=days)
        MeterLog.objects.create(name=names.JOB_FAILED, value=1, reporter="a", timestamp=when,
                                milliseconds=int(when.timestamp() * 1000))
        TaskMeterLog.objects.create(assignee_hash=days, timestamp=when)
    run = cleanup_history(now, ignore_window=True)
    assert run.rows_removed == {"meter_log": 1, "task_meter_log": 1}
    assert MeterLog.objects.count() == TaskMeterLog.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_reporter_thread_flushes_every_interval(settings):
    settings.LEGATO_METRICS_FLUSH_SECONDS = 1
    meters.reset()  # only what this test counts
    thread = reporter.start_metrics_reporter()
    assert thread is not None
    try:
        meters.mark(names.JOB_SUCCESSFUL, 2)
        deadline = time.monotonic() + 15  # one interval, on a machine that may be busy
        while not MeterLog.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert MeterLog.objects.get(name=names.JOB_SUCCESSFUL).value == 2
        assert reporter.start_metrics_reporter() is thread  # once per process
    finally:
        thread.stop()
        thread.join(timeout=5)


@pytest.mark.parametrize("level", ["full", "none"])
def test_a_decision_graph_counts_every_decision_it_evaluated(committed, engine_settings, level):
    from engine.dmn import parse_dmn
    from tests.engine.test_decision_requirements import (
        DECISIONS,
        DINNER_DRD,
        WINTER_WEEKEND,
        planner,
    )

    engine_settings(LEGATO_HISTORY_LEVEL=level)
    deploy([ResourceInput("planner.bpmn", planner("menu")),
            ResourceInput("dinner.dmn", DINNER_DRD)])
    committed(rt.start_process_instance, "planner", variables=WINTER_WEEKEND)
    tables = [d.table for d in parse_dmn(DINNER_DRD).decisions if d.table is not None]
    elements = sum((len(t.inputs) + len(t.outputs)) * len(t.rules) for t in tables)
    # `menu` and what it requires, `dish` (required twice) once; the literal has no elements
    assert queries.sum_metric(names.EXECUTED_DECISION_INSTANCES) == len(DECISIONS)
    assert queries.sum_metric(names.EXECUTED_DECISION_ELEMENTS) == elements > 0
