"""External tasks on the database: fetch-and-lock, complete, failure, BPMN error, locks."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from engine.errors import BadRequestError, NotFoundError
from engine.models import (
    ExternalTask,
    HistoricIncident,
    HistoricProcessInstance,
    Incident,
    ProcessInstance,
    Task,
    UserOperationLog,
    VariableInstance,
)
from engine.queries import external_tasks as xt_reads
from engine.queries import instances as instance_reads
from engine.runtime.values import TypedValue
from engine.services import ResourceInput, deploy
from engine.services import external_tasks as et
from engine.services import runtime as rt
from tests.factories import bpmn_document, external_task_process

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]

PAYMENT = """<bpmn:process id="payment" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="charge" />
  <bpmn:serviceTask id="charge" camunda:type="external" camunda:topic="charge-card"
      camunda:taskPriority="${prio}">
    <bpmn:extensionElements>
      <camunda:properties><camunda:property name="region" value="eu" /></camunda:properties>
    </bpmn:extensionElements>
  </bpmn:serviceTask>
  <bpmn:sequenceFlow id="f2" sourceRef="charge" targetRef="done" />
  <bpmn:userTask id="done" name="Done" />
  <bpmn:sequenceFlow id="f3" sourceRef="done" targetRef="end" />
  <bpmn:endEvent id="end" />
  <bpmn:boundaryEvent id="declined" attachedToRef="charge">
    <bpmn:errorEventDefinition errorRef="Declined" />
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f4" sourceRef="declined" targetRef="refund" />
  <bpmn:userTask id="refund" name="Refund" />
  <bpmn:sequenceFlow id="f5" sourceRef="refund" targetRef="end2" />
  <bpmn:endEvent id="end2" />
</bpmn:process>"""
ERROR = '<bpmn:error id="Declined" errorCode="CARD_DECLINED" />'


def topic(**kwargs):
    return et.TopicRequest(
        topic_name=kwargs.pop("topic_name", "charge-card"),
        lock_duration=kwargs.pop("lock_duration", 10_000),
        **kwargs,
    )


@pytest.fixture
def payment():
    deploy([ResourceInput("payment.bpmn", bpmn_document(PAYMENT, extra=ERROR))])

    def start(prio=0, business_key=None, **variables):
        return rt.start_process_instance(
            "payment", variables={"prio": prio, **variables}, business_key=business_key
        )

    return start


def test_fetch_and_lock_returns_the_task_with_variables_and_locks_it_for_the_worker(payment):
    started = payment(amount=42, business_key="order-1")
    [task] = et.fetch_and_lock("w1", 5, [topic(include_extension_properties=True)])
    row = ExternalTask.objects.get()
    assert task.row.id == row.id
    assert (row.worker_id, row.topic_name, row.business_key) == ("w1", "charge-card", "order-1")
    assert row.lock_expiration_time > timezone.now() + timedelta(seconds=9)
    assert task.variables["amount"] == TypedValue("Integer", 42)
    assert task.extension_properties == {"region": "eu"}
    assert task.row.process_instance_id == started.id
    assert et.fetch_and_lock("w2", 5, [topic()]) == []


def test_named_variables_only_and_an_empty_list_means_none(payment):
    payment(amount=42, note="x")
    [task] = et.fetch_and_lock("w1", 1, [topic(variables=["amount", "missing"])])
    assert set(task.variables) == {"amount"}
    et.unlock(task.row.id)
    [again] = et.fetch_and_lock("w1", 1, [topic(variables=[])])
    assert again.variables == {}


def test_filters_by_business_key_process_variables_and_definition_key(payment):
    payment(business_key="a", region="eu")
    payment(business_key="b", region="us")
    assert et.fetch_and_lock("w", 5, [topic(business_key="zzz")]) == []
    [by_key] = et.fetch_and_lock("w", 5, [topic(business_key="b")])
    assert by_key.row.business_key == "b"
    [by_variable] = et.fetch_and_lock("w", 5, [topic(process_variables={"region": "eu"})])
    assert by_variable.row.business_key == "a"
    assert et.fetch_and_lock("w", 5, [topic(process_definition_key="other")]) == []


def test_use_priority_fetches_the_highest_priority_first(payment):
    payment(prio=1)
    high = payment(prio=9)
    [task] = et.fetch_and_lock("w", 1, [topic()], use_priority=True)
    assert task.row.process_instance_id == high.id


def test_an_expired_lock_makes_the_task_fetchable_by_another_worker(payment):
    payment()
    [task] = et.fetch_and_lock("w1", 1, [topic(lock_duration=1)])
    later = timezone.now() + timedelta(seconds=1)
    [again] = et.fetch_and_lock("w2", 1, [topic()], now=later)
    assert again.row.id == task.row.id
    assert ExternalTask.objects.get().worker_id == "w2"


def test_complete_by_the_lock_owner_moves_the_token_on_with_variables(payment):
    started = payment()
    [task] = et.fetch_and_lock("w1", 1, [topic()])
    et.complete(task.row.id, "w1", {"charged": True}, {"receipt": "r-1"})
    assert not ExternalTask.objects.exists()
    assert Task.objects.get(process_instance_id=started.id).task_definition_key == "done"
    assert ProcessInstance.objects.filter(pk=started.id).exists()


def test_local_variables_of_a_lone_task_with_no_scope_stay_with_the_instance():
    # Camunda sets them on the task's execution, which is the process instance here
    deploy([ResourceInput("ship.bpmn", bpmn_document(external_task_process("ship", "label")))])
    started = rt.start_process_instance("ship")
    [task] = et.fetch_and_lock("w1", 1, [topic(topic_name="label")])
    et.complete(task.row.id, "w1", local_variables={"tracking": "T-1"})
    tracking = VariableInstance.objects.get(name="tracking")
    assert (tracking.process_instance_id, tracking.execution_id) == (started.id, started.id)
    assert instance_reads.get_variables(started.id)["tracking"].value == "T-1"


def test_complete_by_another_worker_is_refused_with_camundas_message(payment):
    payment()
    [task] = et.fetch_and_lock("w1", 1, [topic()])
    with pytest.raises(BadRequestError) as refused:
        et.complete(task.row.id, "w2")
    assert str(refused.value) == (
        f"External Task {task.row.id} cannot be completed by worker 'w2'. "
        "It is locked by worker 'w1'."
    )
    assert ExternalTask.objects.filter(pk=task.row.id).exists()


def test_complete_of_an_unknown_task_is_not_found():
    with pytest.raises(NotFoundError, match="Cannot find external task with id nope"):
        et.complete("nope", "w1")


def test_failure_with_retries_left_hides_the_task_for_the_retry_timeout(payment):
    payment()
    [task] = et.fetch_and_lock("w1", 1, [topic()])
    et.handle_failure(
        task.row.id,
        "w1",
        error_message="card service down",
        error_details="trace...",
        retries=2,
        retry_timeout=60_000,
    )
    row = ExternalTask.objects.get()
    assert (row.retries, row.error_message, row.error_details) == (
        2,
        "card service down",
        "trace...",
    )
    assert et.fetch_and_lock("w1", 1, [topic()]) == []
    later = timezone.now() + timedelta(minutes=2)
    [again] = et.fetch_and_lock("w1", 1, [topic()], now=later)
    assert again.row.error_details == "trace..."
    assert not Incident.objects.exists()


def test_failure_with_no_retries_left_raises_an_incident_and_set_retries_resolves_it(payment):
    payment()
    [task] = et.fetch_and_lock("w1", 1, [topic()])
    et.handle_failure(task.row.id, "w1", error_message="boom", retries=0)
    incident = Incident.objects.get()
    assert (incident.incident_type, incident.incident_message) == ("failedExternalTask", "boom")
    assert (incident.activity_id, incident.configuration) == ("charge", task.row.id)
    later = timezone.now() + timedelta(seconds=1)
    assert et.fetch_and_lock("w1", 1, [topic()], now=later) == []

    et.set_retries(task.row.id, 3, user_id="demo")

    assert not Incident.objects.exists()
    assert HistoricIncident.objects.get().state == "resolved"
    assert et.fetch_and_lock("w1", 1, [topic()], now=later)
    assert UserOperationLog.objects.filter(operation_type="SetExternalTaskRetries").exists()


def test_negative_retries_are_refused(payment):
    payment()
    task = ExternalTask.objects.get()
    with pytest.raises(BadRequestError, match="retries cannot be negative"):
        et.set_retries(task.id, -1)


def test_a_bpmn_error_is_caught_by_the_error_boundary_event(payment):
    started = payment()
    [task] = et.fetch_and_lock("w1", 1, [topic()])
    et.handle_bpmn_error(task.row.id, "w1", "CARD_DECLINED", "declined", {"reason": "limit"})
    assert not ExternalTask.objects.exists()
    assert Task.objects.get(process_instance_id=started.id).task_definition_key == "refund"


def test_extend_lock_only_by_the_holder_and_only_while_locked(payment):
    payment()
    [task] = et.fetch_and_lock("w1", 1, [topic(lock_duration=1000)])
    et.extend_lock(task.row.id, "w1", 600_000)
    assert ExternalTask.objects.get().lock_expiration_time > timezone.now() + timedelta(minutes=9)
    with pytest.raises(BadRequestError, match="cannot be extended by worker 'w2'"):
        et.extend_lock(task.row.id, "w2", 1000)
    with pytest.raises(BadRequestError, match="Cannot extend a lock that expired"):
        et.extend_lock(task.row.id, "w1", 1000, now=timezone.now() + timedelta(hours=1))


def test_unlock_and_set_priority_change_the_row_and_are_logged(payment):
    payment()
    [task] = et.fetch_and_lock("w1", 1, [topic()])
    et.unlock(task.row.id, user_id="demo")
    et.set_priority(task.row.id, 77, user_id="demo")
    row = ExternalTask.objects.get()
    assert (row.worker_id, row.lock_expiration_time, row.priority) == (None, None, 77)
    operations = set(UserOperationLog.objects.values_list("operation_type", flat=True))
    assert {"Unlock", "SetPriority"} <= operations


def test_queries_filter_by_topic_worker_lock_and_retries(payment):
    payment()
    payment()
    et.fetch_and_lock("w1", 1, [topic()])
    assert xt_reads.list_external_tasks(topic_name="charge-card").count() == 2
    assert xt_reads.list_external_tasks(worker_id="w1").count() == 1
    assert xt_reads.list_external_tasks(locked=True).count() == 1
    assert xt_reads.list_external_tasks(not_locked=True).count() == 1
    assert xt_reads.list_external_tasks(with_retries_left=True).count() == 2
    assert xt_reads.topic_names() == ["charge-card"]


def test_an_ended_instance_leaves_no_external_task_behind(payment):
    started = payment()
    [task] = et.fetch_and_lock("w1", 1, [topic()])
    et.complete(task.row.id, "w1")
    rt.complete_task(Task.objects.get().id)
    assert HistoricProcessInstance.objects.get(pk=started.id).state == "COMPLETED"
    assert not ExternalTask.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_fetch_the_same_task(payment):
    for _ in range(30):
        payment()
    fetched: dict[str, list[str]] = {}
    barrier = threading.Barrier(4)

    def worker(name: str) -> None:
        barrier.wait()
        mine: list[str] = []
        for _ in range(30):  # bounded: at most one pass per task
            batch = et.fetch_and_lock(name, 2, [topic()])
            if not batch:
                break
            mine += [t.row.id for t in batch]
        fetched[name] = mine
        connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [task for batch in fetched.values() for task in batch]
    assert len(everything) == len(set(everything)) == 30


def test_an_object_variable_keeps_its_java_type_name():
    from engine.rest.variables import read_value, write_value

    dto = {
        "value": '{"id": 7}',
        "type": "Object",
        "valueInfo": {
            "objectTypeName": "com.acme.Order",
            "serializationDataFormat": "application/json",
        },
    }
    assert write_value(read_value("order", dto))["valueInfo"]["objectTypeName"] == "com.acme.Order"


def test_a_failure_can_carry_variables(payment):
    from engine.models import VariableInstance

    instance = payment()
    (locked,) = et.fetch_and_lock("w1", 1, [topic()])
    et.handle_failure(
        locked.row.id, "w1", error_message="down", retries=2,
        variables={"attempts": 1}, local_variables={"lastError": "down"},
    )
    assert VariableInstance.objects.get(name="attempts").process_instance_id == instance.id
    assert VariableInstance.objects.get(name="lastError").execution_id == locked.row.execution_id


def test_a_lock_that_ran_out_after_the_last_fetch_is_due_at_once(payment):
    payment()
    et.fetch_and_lock("w1", 1, [topic()])
    now = timezone.now()
    ExternalTask.objects.update(lock_expiration_time=now + timedelta(seconds=30))
    assert 29 < xt_reads.seconds_until_available(["charge-card"]) <= 30
    # the lock runs out between a waiting worker's fetch (a second ago) and its next look
    ExternalTask.objects.update(lock_expiration_time=now - timedelta(milliseconds=500))
    fetched = now - timedelta(seconds=1)
    assert xt_reads.seconds_until_available(["charge-card"], since=fetched) <= 0
    # ran out before the fetch: that fetch saw it (or chose to leave it), nothing to wait for
    assert xt_reads.seconds_until_available(["charge-card"], since=now) is None
    assert xt_reads.seconds_until_available(["charge-card"]) is None
