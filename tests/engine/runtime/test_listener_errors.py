"""A BPMN error a listener throws in the normal flow is thrown from its activity, as Camunda
7.12+ does ("Throw BPMN Errors from Listeners"): start and end listeners of activities and
gateways, create, assignment and complete task listeners. The activity's error boundary
event catches it; nobody catching it ends the activity's token, as a delegate's error. A
take listener's error is thrown from the scope holding its flow."""

from __future__ import annotations

import pytest

from engine.runtime.engine import ProcessEngine
from engine.runtime.env import CountingIds, Environment
from engine.runtime.errors import BpmnError, ProcessEngineError
from engine.runtime.memory import InMemoryStore

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
  <error id="failed" errorCode="FAILED" />
  <process id="listening" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="work" />
"""
TAIL = """
    <boundaryEvent id="caught" attachedToRef="work">
      <errorEventDefinition errorRef="failed" camunda:errorMessageVariable="why" />
    </boundaryEvent>
    <sequenceFlow id="f2" sourceRef="caught" targetRef="recover" />
    <userTask id="recover" name="Recover" />
    <sequenceFlow id="f3" sourceRef="work" targetRef="next" />
    <userTask id="next" name="Next" />
  </process>
</definitions>
"""
LISTENER = {
    "start": '<camunda:executionListener event="start" delegateExpression="${boom}" />',
    "end": '<camunda:executionListener event="end" delegateExpression="${boom}" />',
    "create": '<camunda:taskListener event="create" delegateExpression="${boom}" />',
    "assignment": '<camunda:taskListener event="assignment" delegateExpression="${boom}" />',
    "complete": '<camunda:taskListener event="complete" delegateExpression="${boom}" />',
}


def _boom(*_args: object) -> None:
    raise BpmnError("FAILED", "the listener said no")


def started(element: str, event: str, *, catching: bool = True, **variables: object):
    attributes = ' camunda:assignee="kermit"' if event == "assignment" else ""
    if element == "serviceTask":
        attributes = ' camunda:expression="${true}"'
    work = (
        f'<{element} id="work" name="Work"{attributes}>'
        f"<extensionElements>{LISTENER[event]}</extensionElements></{element}>"
    )
    body = HEAD + work + TAIL
    if not catching:
        body = body.replace('attachedToRef="work"', 'attachedToRef="next"')
    store = InMemoryStore()
    engine = ProcessEngine(store, Environment(new_id=CountingIds(), beans={"boom": _boom}))
    engine.deploy({"listening.bpmn": body.encode()})
    instance = engine.start_process_instance("listening", variables=variables)
    return store, engine, instance


def names(store: InMemoryStore) -> list[str]:
    return sorted(t.name or "" for t in store.list_tasks())


@pytest.mark.parametrize("event", ["start", "end"])
def test_an_activitys_start_or_end_listener_error_goes_to_its_boundary_event(event):
    store, _engine, instance = started("serviceTask", event)
    assert names(store) == ["Recover"]
    assert store.get_state(instance.id).root.variables["why"].value == "the listener said no"


@pytest.mark.parametrize("event", ["create", "assignment"])
def test_a_task_listener_error_when_the_task_is_created_interrupts_it(event):
    store, _engine, _instance = started("userTask", event)
    assert names(store) == ["Recover"]


def test_a_complete_listener_error_leaves_the_task_uncompleted_for_the_boundary_path():
    store, engine, _instance = started("userTask", "complete")
    (work,) = store.list_tasks()
    engine.complete_task(work.id)
    assert names(store) == ["Recover"]


def test_an_error_nobody_catches_ends_the_token_as_a_delegates_does():
    store, _engine, instance = started("serviceTask", "end", catching=False)
    assert names(store) == []
    assert store.get_state(instance.id).is_ended


def test_a_gateway_end_listener_error_is_thrown_from_the_gateway():
    body = HEAD.replace('targetRef="work"', 'targetRef="split"') + (
        '<exclusiveGateway id="split"><extensionElements>'
        f"{LISTENER['end']}</extensionElements></exclusiveGateway>"
        '<sequenceFlow id="g1" sourceRef="split" targetRef="work" />'
        '<subProcess id="work"><startEvent id="inner" /></subProcess>'
    ) + TAIL
    store = InMemoryStore()
    engine = ProcessEngine(store, Environment(new_id=CountingIds(), beans={"boom": _boom}))
    engine.deploy({"listening.bpmn": body.encode()})
    instance = engine.start_process_instance("listening")
    # the gateway has no boundary: nobody catches it, its token ends
    assert store.get_state(instance.id).is_ended
    assert names(store) == []


TAKE = '<camunda:executionListener event="take" delegateExpression="${boom}" />'

LEAVING = f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
  <error id="failed" errorCode="FAILED" />
  <process id="leaving" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="sub" />
    <subProcess id="sub">
      <startEvent id="inner" />
      <sequenceFlow id="s1" sourceRef="inner" targetRef="work" />
      <userTask id="work" name="Work" />
      <boundaryEvent id="ownCatch" attachedToRef="work">
        <errorEventDefinition errorRef="failed" />
      </boundaryEvent>
      <sequenceFlow id="s2" sourceRef="ownCatch" targetRef="ownRecover" />
      <userTask id="ownRecover" name="Own recover" />
      <sequenceFlow id="leave" sourceRef="work" targetRef="after">
        <extensionElements>{TAKE}</extensionElements>
      </sequenceFlow>
      <userTask id="after" name="After" />
    </subProcess>
    <boundaryEvent id="subCatch" attachedToRef="sub">
      <errorEventDefinition errorRef="failed" />
    </boundaryEvent>
    <sequenceFlow id="f2" sourceRef="subCatch" targetRef="recover" />
    <userTask id="recover" name="Recover" />
  </process>
</definitions>
"""


def leaving(model: str, **env: object):
    store = InMemoryStore()
    engine = ProcessEngine(
        store, Environment(new_id=CountingIds(), beans={"boom": _boom}, **env)
    )
    engine.deploy({"leaving.bpmn": model.encode()})
    instance = engine.start_process_instance("leaving")
    (work,) = store.list_tasks()
    return store, engine, instance, work


def test_a_take_listener_error_is_thrown_from_the_flows_scope_not_the_activity_left():
    store, engine, _instance, work = leaving(LEAVING)
    engine.complete_task(work.id)
    # the task has ended: its own boundary event is past; the sub-process's catches it
    assert names(store) == ["Recover"]


def test_an_event_sub_process_catches_a_take_listener_error():
    # Camunda's ExecutionListenerTest#testThrowBpmnErrorInTakeListenerAndEventSubprocessWithCatch
    model = LEAVING.replace(
        '<userTask id="after" name="After" />',
        '<userTask id="after" name="After" />'
        '<subProcess id="onError" triggeredByEvent="true">'
        '<startEvent id="errorStart"><errorEventDefinition errorRef="failed" /></startEvent>'
        '<sequenceFlow id="e1" sourceRef="errorStart" targetRef="afterCatch" />'
        '<userTask id="afterCatch" name="After catch" /></subProcess>',
    )
    store, engine, _instance, work = leaving(model)
    engine.complete_task(work.id)
    assert names(store) == ["After catch"]


# the sub-process's catch moved to a task that never runs
UNCAUGHT = LEAVING.replace('attachedToRef="sub"', 'attachedToRef="never"').replace(
    '<userTask id="recover" name="Recover" />',
    '<userTask id="recover" name="Recover" /><userTask id="never" name="Never" />',
)


def test_a_take_listener_error_nobody_catches_ends_the_token_on_the_flow():
    store, engine, instance, work = leaving(UNCAUGHT)
    engine.complete_task(work.id)
    assert names(store) == []
    assert store.get_state(instance.id).is_ended


def test_a_take_listener_error_nobody_catches_can_fail_the_command_instead():
    store, engine, _instance, work = leaving(UNCAUGHT, exceptions_after_unhandled_bpmn_error=True)
    with pytest.raises(ProcessEngineError, match="'work' throws an error event with errorCode"):
        engine.complete_task(work.id)
    assert names(store) == ["Work"]


# `work` leaves by two flows at once: the first one's take listener throws
FORKING = UNCAUGHT.replace(
    '<userTask id="after" name="After" />',
    '<userTask id="after" name="After" />'
    '<sequenceFlow id="other" sourceRef="work" targetRef="second" />'
    '<userTask id="second" name="Second" />',
)


def test_an_uncaught_take_listener_error_ends_its_own_token_and_the_other_flows_go_on():
    store, engine, instance, work = leaving(FORKING)
    engine.complete_task(work.id)
    assert names(store) == ["Second"]
    assert not store.get_state(instance.id).is_ended


def test_a_caught_take_listener_error_interrupts_the_flows_taken_beside_it():
    caught = FORKING.replace(
        '<userTask id="second" name="Second" />',
        '<userTask id="second" name="Second" />'
        '<subProcess id="onError" triggeredByEvent="true">'
        '<startEvent id="errorStart"><errorEventDefinition errorRef="failed" /></startEvent>'
        '<sequenceFlow id="e1" sourceRef="errorStart" targetRef="afterCatch" />'
        '<userTask id="afterCatch" name="After catch" /></subProcess>',
    )
    store, engine, _instance, work = leaving(caught)
    engine.complete_task(work.id)
    assert names(store) == ["After catch"]
