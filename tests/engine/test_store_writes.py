"""How the store writes a command: few round trips, durations without read-backs, and a lost
race that still changes nothing when the version check travels with the other writes."""

from contextlib import nullcontext
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from engine.models import (
    HistoricActivityInstance,
    HistoricProcessInstance,
    HistoricTaskInstance,
    HistoricVariableInstance,
    Job,
    ProcessInstance,
    Task,
    VariableInstance,
)
from engine.runtime.errors import ConcurrentModification
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from engine.store.rows import batched_writes, fetch_one, write
from tests.factories import bpmn_document, one_task_bpmn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


@pytest.fixture
def invoice() -> None:
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> list:
    now = [timezone.now().replace(microsecond=0)]
    monkeypatch.setattr(rt, "clock", lambda: now[0])
    return now


def test_durations_come_from_the_start_times_the_state_carries(invoice, frozen_clock):
    started = rt.start_process_instance("invoice")
    task = Task.objects.get(process_instance_id=started.id)
    frozen_clock[0] += timedelta(seconds=42)
    with CaptureQueriesContext(connection) as queries:
        rt.complete_task(task.id, {"approved": True})
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not any("engine_historic" in sql for sql in reads), reads
    assert HistoricTaskInstance.objects.get(pk=task.id).duration_ms == 42_000
    review = HistoricActivityInstance.objects.get(
        process_instance_id=started.id, task_id=task.id
    )
    assert review.duration_ms == 42_000
    assert HistoricProcessInstance.objects.get(pk=started.id).duration_ms == 42_000


ASYNC = bpmn_document("""<bpmn:process id="later" isExecutable="true">
  <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work" />
  <bpmn:userTask id="work" camunda:asyncBefore="true" />
</bpmn:process>""")


def test_a_jobs_create_time_is_the_commands_time(frozen_clock):
    deploy([ResourceInput("later.bpmn", ASYNC)])
    frozen_clock[0] -= timedelta(hours=3)  # the engine's clock, not the wall clock
    started = rt.start_process_instance("later")
    job = Job.objects.get(process_instance_id=started.id)
    assert job.created == frozen_clock[0]
    start = HistoricActivityInstance.objects.get(process_instance_id=started.id, activity_id="s")
    assert start.start_time == job.created


def test_completing_a_task_reads_once_and_writes_in_one_batch(invoice):
    started = rt.start_process_instance("invoice")
    task = Task.objects.get(process_instance_id=started.id)
    with CaptureQueriesContext(connection) as queries:
        rt.complete_task(task.id, {"approved": True})
    sent = _statements(queries)
    # the task with its instance's state in one read ...
    assert "engine_processinstance" in sent[0]
    assert "engine_task" in sent[0]
    assert not any(sql.startswith("SELECT") for sql in sent[1:]), sent
    # ... the version-checked save first, then the rest: on PostgreSQL all in one execute
    assert sent[1].startswith('DELETE FROM "engine_processinstance"')
    if connection.vendor == "postgresql":
        assert len(sent) == 2, sent
        assert 'UPDATE "engine_historictaskinstance"' in sent[1]
    assert not Task.objects.filter(pk=task.id).exists()
    assert HistoricProcessInstance.objects.get(pk=started.id).state == "COMPLETED"


def _statements(queries: CaptureQueriesContext) -> list[str]:
    """What the command sent, without the savepoints of the test's own transaction."""
    bookkeeping = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
    return [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(bookkeeping)]


def test_a_save_that_lost_the_race_is_refused_and_leaves_nothing_behind(invoice):
    started = rt.start_process_instance("invoice")
    task = Task.objects.get(process_instance_id=started.id)
    engine, store = rt.process_engine()

    def complete_after_another_save() -> None:
        with transaction.atomic():
            store.load(started.id)  # this command's view: the current revision
            # ... and another command saves the instance before this one does
            ProcessInstance.objects.filter(pk=started.id).update(revision=F("revision") + 1)
            engine.complete_task(task.id, {"approved": True})

    with pytest.raises(ConcurrentModification):
        complete_after_another_save()
    assert Task.objects.filter(pk=task.id).exists()
    assert HistoricTaskInstance.objects.get(pk=task.id).end_time is None
    assert HistoricProcessInstance.objects.get(pk=started.id).state == "ACTIVE"


def test_a_command_with_more_rows_than_one_statement_takes_writes_them_all(invoice):
    # 500 variables: more rows than one INSERT carries (the store splits at 2,000 parameters)
    variables = {f"v{i}": i for i in range(500)}
    started = rt.start_process_instance("invoice", variables=variables)
    stored = dict(
        VariableInstance.objects.filter(process_instance_id=started.id).values_list(
            "name", "long_value"
        )
    )
    assert stored == variables
    task = Task.objects.get(process_instance_id=started.id)
    rt.complete_task(task.id)
    assert not VariableInstance.objects.filter(process_instance_id=started.id).exists()
    assert HistoricVariableInstance.objects.filter(process_instance_id=started.id).count() == 500


def test_an_instance_that_ends_bare_sends_no_purge_of_variables_or_incident_history(invoice):
    # No variable in its stored state, no open incident: nothing of either to clean up.
    started = rt.start_process_instance("invoice")
    task = Task.objects.get(process_instance_id=started.id)
    with CaptureQueriesContext(connection) as queries:
        rt.complete_task(task.id, {"approved": True})
    sent = " ".join(_statements(queries))
    assert "engine_variableinstance" not in sent
    assert "engine_historicincident" not in sent
    assert 'DELETE FROM "engine_incident"' in sent  # whether one is open is what it answers
    assert HistoricVariableInstance.objects.get(process_instance_id=started.id).name == "approved"
    assert not VariableInstance.objects.filter(process_instance_id=started.id).exists()


def test_an_instance_that_ends_with_variables_set_by_an_earlier_command_purges_them(invoice):
    started = rt.start_process_instance("invoice")
    task = Task.objects.get(process_instance_id=started.id)
    rt.set_variables(started.id, {"amount": 7})
    rt.complete_task(task.id)
    assert not VariableInstance.objects.filter(process_instance_id=started.id).exists()
    assert HistoricVariableInstance.objects.get(process_instance_id=started.id).name == "amount"


def test_a_held_write_that_fails_raises_the_orm_error_and_the_command_changes_nothing(invoice):
    # On SQLite held writes bypass Django's cursor: its errors must still be Django's.
    started = rt.start_process_instance("invoice")
    table = ProcessInstance._meta.db_table

    def change_then_duplicate() -> None:
        with transaction.atomic(), batched_writes():
            write(f"UPDATE {table} SET business_key = %s WHERE id = %s", ["changed", started.id])
            write(f"INSERT INTO {table} SELECT * FROM {table} WHERE id = %s", [started.id])

    with pytest.raises(IntegrityError):
        change_then_duplicate()
    assert ProcessInstance.objects.get(pk=started.id).business_key is None


@pytest.mark.parametrize("watched", [False, True], ids=["straight-to-driver", "django-cursor"])
def test_a_read_in_a_command_sees_the_writes_held_before_it(invoice, watched):
    # On SQLite an unwatched read bypasses Django's cursor, and with it the batch's wrapper
    # that sends held writes first: the read must send them itself.
    started = rt.start_process_instance("invoice")
    table = ProcessInstance._meta.db_table
    watching = CaptureQueriesContext(connection) if watched else nullcontext()
    with watching, transaction.atomic(), batched_writes():
        write(f"UPDATE {table} SET business_key = %s WHERE id = %s", ["changed", started.id])
        row = fetch_one(f"SELECT business_key FROM {table} WHERE id = %s", [started.id])
    assert row == ("changed",)
    assert fetch_one(f"SELECT business_key FROM {table} WHERE id = %s", ["nobody"]) is None


@pytest.mark.parametrize("watched", [False, True], ids=["straight-to-driver", "django-cursor"])
def test_held_writes_store_every_value_as_given(invoice, watched):
    # Unwatched on PostgreSQL the store binds a batch's values into its text itself: quotes,
    # backslashes, percent signs and placeholders in a value must arrive as they were.
    started = rt.start_process_instance("invoice")
    table = ProcessInstance._meta.db_table
    key = "O'Hara \\ 100% %s %(x)s ; -- ✓ \"quoted\""
    watching = CaptureQueriesContext(connection) if watched else nullcontext()
    with watching, transaction.atomic(), batched_writes():
        write(f"UPDATE {table} SET business_key = %s WHERE id = %s", [key, started.id])
        write(f"UPDATE {table} SET start_user_id = %s WHERE id = %s", [None, started.id])
    stored = ProcessInstance.objects.get(pk=started.id)
    assert (stored.business_key, stored.start_user_id) == (key, None)
