"""`camunda:async` on a signal throw: the thrower goes on at once and each receiver gets its
signal from a job of its own (Camunda's "event" jobs), so a receiver that fails fails only
its job."""

from __future__ import annotations

import pytest

from engine.runtime.engine import ProcessEngine
from engine.runtime.env import CountingIds, Environment
from engine.runtime.errors import ProcessEngineError
from engine.runtime.memory import InMemoryStore
from engine.runtime.state import JobKind

MODEL = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
  <signal id="alarm" name="alarm" />
  <message id="cancel" name="cancel" />
  <process id="thrower" isExecutable="true">
    <startEvent id="ts" />
    <intermediateThrowEvent id="raise">
      <extensionElements><camunda:in source="level" target="level" /></extensionElements>
      <signalEventDefinition signalRef="alarm" camunda:async="true" />
    </intermediateThrowEvent>
    <userTask id="thrown" name="Thrown" />
    <sequenceFlow id="t1" sourceRef="ts" targetRef="raise" />
    <sequenceFlow id="t2" sourceRef="raise" targetRef="thrown" />
  </process>
  <process id="catcher" isExecutable="true">
    <startEvent id="cs" />
    <eventBasedGateway id="either" />
    <intermediateCatchEvent id="heard"><signalEventDefinition signalRef="alarm" />
    </intermediateCatchEvent>
    <intermediateCatchEvent id="called"><messageEventDefinition messageRef="cancel" />
    </intermediateCatchEvent>
    <userTask id="caught" name="Caught" />
    <userTask id="cancelled" name="Cancelled" />
    <sequenceFlow id="c1" sourceRef="cs" targetRef="either" />
    <sequenceFlow id="c2" sourceRef="either" targetRef="heard" />
    <sequenceFlow id="c3" sourceRef="either" targetRef="called" />
    <sequenceFlow id="c4" sourceRef="heard" targetRef="caught" />
    <sequenceFlow id="c5" sourceRef="called" targetRef="cancelled" />
  </process>
  <process id="starter" isExecutable="true">
    <startEvent id="ss"><signalEventDefinition signalRef="alarm" /></startEvent>
    <userTask id="started" name="Started" />
    <sequenceFlow id="s1" sourceRef="ss" targetRef="started" />
  </process>
</definitions>
"""

FAILING_RECEIVER = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
  <signal id="alarm" name="alarm" />
  <process id="broken" isExecutable="true">
    <startEvent id="bs" />
    <intermediateCatchEvent id="heard"><signalEventDefinition signalRef="alarm" />
    </intermediateCatchEvent>
    <serviceTask id="fails" camunda:expression="${unknownBean.run()}" />
    <endEvent id="be" />
    <sequenceFlow id="b1" sourceRef="bs" targetRef="heard" />
    <sequenceFlow id="b2" sourceRef="heard" targetRef="fails" />
    <sequenceFlow id="b3" sourceRef="fails" targetRef="be" />
  </process>
</definitions>
"""


def deployed(*models: bytes) -> tuple[InMemoryStore, ProcessEngine]:
    store = InMemoryStore()
    engine = ProcessEngine(store, Environment(new_id=CountingIds()))
    for number, model in enumerate(models):
        engine.deploy({f"model{number}.bpmn": model})
    return store, engine


def task_names(store: InMemoryStore) -> list[str]:
    return sorted(t.name for t in store.list_tasks())


def test_an_async_signal_leaves_a_job_per_receiver_and_the_thrower_goes_on():
    store, engine = deployed(MODEL)
    catcher = engine.start_process_instance("catcher")
    engine.start_process_instance("thrower", variables={"level": 3})

    assert task_names(store) == ["Thrown"]
    jobs = store.list_jobs()
    assert sorted((j.activity_id, j.kind, j.process_instance_id) for j in jobs) == [
        ("heard", JobKind.SIGNAL_EVENT, catcher.id),
        ("ss", JobKind.SIGNAL_EVENT, None),
    ]

    for job in jobs:
        engine.execute_job(job.id)

    assert task_names(store) == ["Caught", "Started", "Thrown"]
    assert store.list_jobs() == []
    # as Camunda's event jobs, the deliveries carry no payload
    started = [s for s in store.list_instances() if s.process_definition_id.startswith("starter")]
    assert [s.root.variables for s in started] == [{}]
    assert store.get_state(catcher.id).root.variables == {}


def test_a_receiver_that_moved_on_before_its_job_ran_ignores_it():
    store, engine = deployed(MODEL)
    catcher = engine.start_process_instance("catcher")
    engine.start_process_instance("thrower")
    (job,) = store.list_jobs(process_instance_id=catcher.id)

    engine.correlate_message("cancel", process_instance_id=catcher.id)

    # the event-based gateway's other branch won: the signal has nothing left to reach
    assert store.get_job(job.id) is None
    assert sorted(t.name for t in store.list_tasks(process_instance_id=catcher.id)) == [
        "Cancelled",
    ]


def test_a_failing_receiver_fails_its_own_job_not_the_thrower():
    store, engine = deployed(MODEL, FAILING_RECEIVER)
    broken = engine.start_process_instance("broken")
    engine.start_process_instance("thrower")
    assert task_names(store) == ["Thrown"]

    (job,) = store.list_jobs(process_instance_id=broken.id)
    with pytest.raises(ProcessEngineError, match="unknownBean"):
        engine.execute_job(job.id)
    # the job's command rolled back: the receiver still waits for its delivery
    assert store.get_job(job.id) is not None
    assert [s.activity_id for s in store.list_subscriptions()] == ["heard"]


def test_without_async_the_signal_is_delivered_in_the_throwing_command():
    store, engine = deployed(MODEL.replace(b' camunda:async="true"', b""))
    engine.start_process_instance("catcher")
    engine.start_process_instance("thrower", variables={"level": 3})
    assert task_names(store) == ["Caught", "Started", "Thrown"]
    assert store.list_jobs() == []
