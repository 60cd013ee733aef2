"""The runner: one service call is one unit of work on the store, retried on lost races."""

from __future__ import annotations

import pytest

from engine.runtime import effects as fx
from engine.runtime.engine import MismatchingMessageCorrelation, ProcessEngine
from engine.runtime.env import CountingIds, Environment
from engine.runtime.errors import (
    BpmnError,
    ConcurrentModification,
    NotFoundError,
    ProcessEngineError,
)
from engine.runtime.memory import InMemoryStore

from .conftest import FIXTURES


class FlakyStore(InMemoryStore):
    """Loses the optimistic-locking race `losses` times."""

    def __init__(self, losses: int) -> None:
        super().__init__()
        self.losses = losses

    def save(self, state, expected_version):  # type: ignore[no-untyped-def]
        if expected_version is not None and self.losses > 0:
            self.losses -= 1
            raise ConcurrentModification(state.id, expected_version)
        super().save(state, expected_version)


def make_engine(store: InMemoryStore, *names: str) -> ProcessEngine:
    engine = ProcessEngine(store, Environment(new_id=CountingIds()))
    engine.deploy({f"{n}.bpmn": (FIXTURES / f"{n}.bpmn").read_bytes() for n in names})
    return engine


def test_a_command_that_lost_a_race_is_re_run_on_fresh_state():
    store = FlakyStore(losses=2)
    engine = make_engine(store, "parallel_join")
    instance = engine.start_process_instance("parallelJoin")
    for task in store.list_tasks():
        engine.complete_task(task.id)
    assert [t.name for t in store.list_tasks()] == ["After"]
    assert store.get_state(instance.id).version == 3


def test_a_command_that_keeps_losing_fails_with_the_conflict():
    store = FlakyStore(losses=10)
    engine = make_engine(store, "parallel_join")
    engine.start_process_instance("parallelJoin")
    with pytest.raises(ConcurrentModification):
        engine.complete_task(store.list_tasks()[0].id)


def test_a_failing_command_changes_nothing():
    store = InMemoryStore()
    engine = make_engine(store, "call_activity")
    with pytest.raises(NotFoundError):
        engine.start_process_instance("caller", variables={"x": 1})
    assert store.states == {}
    assert store.tasks == {}
    assert store.history == []


def test_a_variable_name_longer_than_the_stores_keep_is_refused_and_nothing_starts():
    from engine.runtime.errors import VariableValueError

    store = InMemoryStore()
    engine = make_engine(store, "user_task")
    with pytest.raises(VariableValueError, match="its name is 256 characters long, at most 255"):
        engine.start_process_instance("userTask", variables={"n" * 256: 1})
    assert store.states == {}
    engine.start_process_instance("userTask", variables={"n" * 255: 1, "who": "kermit",
                                                         "groups": "g", "prio": 1, "item": "x"})


def test_an_engine_error_inside_run_leaves_the_saved_state_as_it_was():
    store = InMemoryStore()
    engine = make_engine(store, "exclusive_no_match", "user_task")
    instance = engine.start_process_instance(
        "userTask", variables={"who": "kermit", "groups": "g", "prio": 1, "item": "x"}
    )
    before = store.states[instance.id]
    with pytest.raises(ProcessEngineError):
        engine.start_process_instance("exclusiveNoMatch", variables={"x": 9})
    assert store.states[instance.id] is before
    assert len(store.states) == 1


def test_correlation_keys_pick_the_instance_by_its_variables():
    store = InMemoryStore()
    engine = make_engine(store, "receive_and_message")
    first = engine.start_process_instance("receiveAndMessage", variables={"order": 1})
    second = engine.start_process_instance("receiveAndMessage", variables={"order": 2})
    for instance in (first, second):
        engine.trigger(instance.id)
    with pytest.raises(MismatchingMessageCorrelation):
        engine.correlate_message("go")
    assert engine.correlate_message("go", correlation_keys={"order": 2}) == [second.id]
    assert store.get_state(second.id).is_ended
    assert not store.get_state(first.id).is_ended


CALLEE = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
  <process id="callee" isExecutable="true">
    <startEvent id="start" />
    <serviceTask id="times" camunda:expression="${childX * 10}" camunda:resultVariable="result" />
    <endEvent id="end" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="times" />
    <sequenceFlow id="f2" sourceRef="times" targetRef="end" />
  </process>
</definitions>
"""


def test_called_instance_runs_in_the_same_call_and_returns_its_variables():
    store = InMemoryStore()
    engine = make_engine(store, "call_activity")
    engine.deploy({"callee.bpmn": CALLEE})
    instance = engine.start_process_instance("caller", variables={"x": 3})
    assert [t.name for t in store.list_tasks(process_instance_id=instance.id)] == ["After"]
    state = store.get_state(instance.id)
    assert state.root.variables["fromChild"].value == 30
    assert state.root.variables["plusOne"].value == 31
    (child,) = [s for s in store.list_instances(active=False) if s.super_instance_id]
    assert child.business_key == "bk-3"
    assert child.is_ended


def _raise(code: str):  # type: ignore[no-untyped-def]
    def delegate(execution):  # type: ignore[no-untyped-def]
        raise BpmnError(code)

    return delegate


def deployed(
    model: bytes, risky: str | None = None, **env: object
) -> tuple[InMemoryStore, ProcessEngine]:
    """An engine over a new store with `model` deployed; `risky` the BPMN error code the
    bean of that name throws."""
    store = InMemoryStore()
    beans = {"risky": _raise(risky)} if risky else {}
    engine = ProcessEngine(store, Environment(new_id=CountingIds(), beans=beans, **env))
    engine.deploy({"model.bpmn": model})
    return store, engine


CALL_ERROR = (FIXTURES / "call_error.bpmn").read_bytes()


@pytest.mark.parametrize("callee", ["failingChild", "delegateChild"])
def test_an_error_not_caught_in_the_called_instance_is_caught_at_the_call_activity(callee):
    store, engine = deployed(CALL_ERROR, "FAILED")
    instance = engine.start_process_instance("callError", variables={"callee": callee})
    assert [t.name for t in store.list_tasks(process_instance_id=instance.id)] == ["Recover"]
    assert [s.id for s in store.list_instances()] == [instance.id]


def test_an_error_nobody_catches_from_a_called_delegate_ends_its_token_and_the_caller_goes_on():
    # Camunda's default (enableExceptionsAfterUnhandledBpmnError false): the walk up the
    # callers finds no handler, so the throwing execution ends and its instance completes
    store, engine = deployed(CALL_ERROR, "OTHER")
    instance = engine.start_process_instance("callError", variables={"callee": "delegateChild"})
    assert [t.name for t in store.list_tasks(process_instance_id=instance.id)] == ["Fine"]
    (child,) = [s for s in store.list_instances(active=False) if s.super_instance_id]
    assert child.is_ended
    assert child.status == "COMPLETED"
    ended = [
        (e.activity_id, e.canceled)
        for e in store.history
        if isinstance(e, fx.ActivityInstanceEnded)
        and e.activity_id in {"delegateStart", "risky", "delegateEnd"}
    ]
    # the service task ended (not canceled) and took no flow: the child's end event is unused
    assert ended == [("delegateStart", False), ("risky", False)]


def test_an_error_nobody_catches_from_a_called_delegate_fails_the_call_when_configured():
    store, engine = deployed(CALL_ERROR, "OTHER", exceptions_after_unhandled_bpmn_error=True)
    with pytest.raises(ProcessEngineError, match="Execution with id 'risky'.*'OTHER'"):
        engine.start_process_instance("callError", variables={"callee": "delegateChild"})
    assert store.states == {}


NESTED_CALLS = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
  <error id="failed" errorCode="FAILED" />
  <process id="top" isExecutable="true">
    <startEvent id="topStart" />
    <callActivity id="callMiddle" calledElement="middle">
      <extensionElements><camunda:out source="middleSaw" target="middleSaw" /></extensionElements>
    </callActivity>
    <boundaryEvent id="caughtAtTop" attachedToRef="callMiddle">
      <errorEventDefinition errorRef="failed" />
    </boundaryEvent>
    <userTask id="topFine" name="Top fine" />
    <userTask id="topRecover" name="Top recover" />
    <sequenceFlow id="t1" sourceRef="topStart" targetRef="callMiddle" />
    <sequenceFlow id="t2" sourceRef="callMiddle" targetRef="topFine" />
    <sequenceFlow id="t3" sourceRef="caughtAtTop" targetRef="topRecover" />
  </process>
  <process id="middle" isExecutable="true">
    <startEvent id="middleStart" />
    <callActivity id="callLeaf" calledElement="leaf">
      <extensionElements><camunda:out source="progress" target="middleSaw" /></extensionElements>
    </callActivity>
    <endEvent id="middleEnd" />
    <sequenceFlow id="m1" sourceRef="middleStart" targetRef="callLeaf" />
    <sequenceFlow id="m2" sourceRef="callLeaf" targetRef="middleEnd" />
  </process>
  <process id="leaf" isExecutable="true">
    <startEvent id="leafStart" />
    <scriptTask id="note" scriptFormat="juel">
      <script>${execution.setVariable("progress", "half")}</script>
    </scriptTask>
    <serviceTask id="risky" camunda:delegateExpression="${risky}" />
    <endEvent id="leafEnd" />
    <sequenceFlow id="l1" sourceRef="leafStart" targetRef="note" />
    <sequenceFlow id="l2" sourceRef="note" targetRef="risky" />
    <sequenceFlow id="l3" sourceRef="risky" targetRef="leafEnd" />
  </process>
</definitions>
"""


@pytest.mark.parametrize(("code", "task"), [("FAILED", "Top recover"), ("OTHER", "Top fine")])
def test_an_error_from_two_calls_down_passes_each_callers_out_variables_on_its_way(code, task):
    store, engine = deployed(NESTED_CALLS, code)
    instance = engine.start_process_instance("top")
    assert [t.name for t in store.list_tasks(process_instance_id=instance.id)] == [task]
    # the leaf's variable reached the middle's call activity, then the top's, on the way up
    assert store.get_state(instance.id).root.variables["middleSaw"].value == "half"
    others = [s for s in store.list_instances(active=False) if s.id != instance.id]
    assert len(others) == 2
    assert all(s.is_ended for s in others)


MULTI_CALL = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
  <error id="failed" errorCode="FAILED" />
  <process id="batch" isExecutable="true">
    <startEvent id="s" />
    <callActivity id="each" calledElement="leaf">
      <multiInstanceLoopCharacteristics isSequential="SEQUENTIAL">
        <loopCardinality>3</loopCardinality>
      </multiInstanceLoopCharacteristics>
    </callActivity>
    <userTask id="after" name="After" />
    <subProcess id="onError" triggeredByEvent="true">
      <startEvent id="caught"><errorEventDefinition errorRef="failed" /></startEvent>
      <userTask id="handle" name="Handle" />
      <sequenceFlow id="e1" sourceRef="caught" targetRef="handle" />
    </subProcess>
    <sequenceFlow id="f1" sourceRef="s" targetRef="each" />
    <sequenceFlow id="f2" sourceRef="each" targetRef="after" />
  </process>
  <process id="leaf" isExecutable="true">
    <startEvent id="ls" />
    <serviceTask id="risky" camunda:delegateExpression="${risky}" />
    <endEvent id="le" />
    <sequenceFlow id="l1" sourceRef="ls" targetRef="risky" />
    <sequenceFlow id="l2" sourceRef="risky" targetRef="le" />
  </process>
</definitions>
"""


@pytest.mark.parametrize("sequential", ["true", "false"])
@pytest.mark.parametrize(("code", "task"), [("FAILED", "Handle"), ("OTHER", "After")])
def test_errors_from_the_instances_of_a_multi_instance_call(sequential, code, task):
    # parallel: all three called instances throw in the same command; the first error that
    # is caught interrupts the call, and the errors of its siblings find it gone
    store, engine = deployed(MULTI_CALL.replace("SEQUENTIAL", sequential).encode(), code)
    instance = engine.start_process_instance("batch")
    assert [t.name for t in store.list_tasks(process_instance_id=instance.id)] == [task]
    assert [s.id for s in store.list_instances()] == [instance.id]


CALLED_ESCALATION = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
             xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
  <escalation id="late" escalationCode="LATE" />
  <process id="order" isExecutable="true">
    <startEvent id="s" />
    <callActivity id="ship" calledElement="shipping">
      <extensionElements><camunda:out source="carrier" target="carrier" /></extensionElements>
    </callActivity>
    <boundaryEvent id="delayed" attachedToRef="ship" cancelActivity="INTERRUPTING">
      <escalationEventDefinition escalationRef="late" />
    </boundaryEvent>
    <userTask id="notify" name="Notify" />
    <userTask id="done" name="Done" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="ship" />
    <sequenceFlow id="f2" sourceRef="ship" targetRef="done" />
    <sequenceFlow id="f3" sourceRef="delayed" targetRef="notify" />
  </process>
  <process id="shipping" isExecutable="true">
    <startEvent id="ss" />
    <scriptTask id="pick" scriptFormat="juel">
      <script>${execution.setVariable("carrier", "DHL")}</script>
    </scriptTask>
    <intermediateThrowEvent id="tooLate">
      <escalationEventDefinition escalationRef="CODE" />
    </intermediateThrowEvent>
    <userTask id="pack" name="Pack" />
    <sequenceFlow id="s1" sourceRef="ss" targetRef="pick" />
    <sequenceFlow id="s2" sourceRef="pick" targetRef="tooLate" />
    <sequenceFlow id="s3" sourceRef="tooLate" targetRef="pack" />
  </process>
  <escalation id="other" escalationCode="OTHER" />
</definitions>
"""


@pytest.mark.parametrize(
    ("interrupting", "escalation", "tasks", "instances"),
    [
        ("true", "late", ["Notify"], 1),  # the call is cancelled: its instance is deleted
        ("false", "late", ["Notify", "Pack"], 2),  # both go on
        ("true", "other", ["Pack"], 2),  # nobody catches it: the thrower goes on
    ],
)
def test_an_escalation_from_a_called_instance_reaches_the_call_activity(
    interrupting, escalation, tasks, instances
):
    # Camunda's EscalationHandler walks up to the callers, passing their camunda:out
    model = CALLED_ESCALATION.replace("INTERRUPTING", interrupting).replace("CODE", escalation)
    store, engine = deployed(model.encode())
    instance = engine.start_process_instance("order")
    assert sorted(t.name for t in store.list_tasks()) == tasks
    assert len(store.list_instances()) == instances
    if escalation == "late":
        assert store.get_state(instance.id).root.variables["carrier"].value == "DHL"


SIGNALLING_CHILD = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="t">
  <signal id="alarm" name="alarm" />
  <process id="watch" isExecutable="true">
    <startEvent id="s" />
    <callActivity id="check" calledElement="checker" />
    <boundaryEvent id="heard" attachedToRef="check" cancelActivity="false">
      <signalEventDefinition signalRef="alarm" />
    </boundaryEvent>
    <userTask id="react" name="React" />
    <userTask id="after" name="After" />
    <sequenceFlow id="f1" sourceRef="s" targetRef="check" />
    <sequenceFlow id="f2" sourceRef="check" targetRef="after" />
    <sequenceFlow id="f3" sourceRef="heard" targetRef="react" />
  </process>
  <process id="checker" isExecutable="true">
    <startEvent id="cs" />
    <endEvent id="raise"><signalEventDefinition signalRef="alarm" /></endEvent>
    <sequenceFlow id="c1" sourceRef="cs" targetRef="raise" />
  </process>
</definitions>
"""


def test_a_signal_reaches_its_receivers_before_the_thrower_s_instance_ends_its_call():
    # Camunda delivers a signal while it is thrown: the call activity's boundary event still
    # waits when the called instance's signal end event throws
    store, engine = deployed(SIGNALLING_CHILD)
    instance = engine.start_process_instance("watch")
    assert sorted(t.name for t in store.list_tasks(process_instance_id=instance.id)) == [
        "After", "React",
    ]


SIGNAL_PAYLOAD = (FIXTURES / "signal_payload.bpmn").read_bytes()


def _variables(state) -> dict:  # type: ignore[no-untyped-def]
    return {name: typed.value for name, typed in state.root.variables.items()}


def test_a_thrown_signal_carries_its_camunda_in_payload_to_catchers_and_started_instances():
    store, engine = deployed(SIGNAL_PAYLOAD)
    watcher = engine.start_process_instance("signalPayloadWatcher")
    thrower = engine.start_process_instance(
        "signalPayloadThrower", variables={"price": 5, "item": "ab"}
    )
    assert _variables(store.get_state(watcher.id)) == {"newPrice": 5, "doubled": 10}
    started = sorted(
        (s for s in store.list_instances() if s.id not in (watcher.id, thrower.id)),
        key=lambda s: s.business_key or "",
    )
    # the end event's `variables="all"` passes everything; only the throw names a business key
    assert [(s.business_key, _variables(s)) for s in started] == [
        (None, {"price": 5, "item": "ab"}),
        ("item-ab", {"newPrice": 5, "doubled": 10}),
    ]


LOCAL_INPUTS = (FIXTURES / "call_local_inputs.bpmn").read_bytes()


def test_local_in_mappings_pass_only_the_call_activitys_own_variables():
    store, engine = deployed(LOCAL_INPUTS)
    caller = engine.start_process_instance("localCaller", variables={"outer": "no"})
    (child,) = [s for s in store.list_instances() if s.id != caller.id]
    assert _variables(child) == {"mine": 1, "alsoMine": 1}


def test_a_parallel_gateway_takes_every_flow_whatever_their_conditions_say():
    model = (FIXTURES / "parallel_join.bpmn").read_bytes()
    conditioned = model.replace(
        b'<sequenceFlow id="f2" sourceRef="fork" targetRef="a" />',
        b'<sequenceFlow id="f2" sourceRef="fork" targetRef="a">'
        b"<conditionExpression>${false}</conditionExpression></sequenceFlow>",
    )
    assert b"${false}" in conditioned
    store, engine = deployed(conditioned)
    engine.start_process_instance("parallelJoin")
    assert sorted(t.name for t in store.list_tasks()) == ["A", "B"]


def test_a_transient_variable_serves_its_command_and_is_never_kept():
    from engine.runtime import effects as fx
    from engine.runtime.values import TypedValue

    store, engine = deployed((FIXTURES / "user_task.bpmn").read_bytes())
    secret = TypedValue("String", "order 7", transient=True)
    instance = engine.start_process_instance(
        "userTask", variables={"who": "kermit", "groups": "g", "prio": 1, "item": secret}
    )
    (task,) = store.list_tasks()
    assert task.name == "Review order 7"  # the command that set it could read it
    assert "item" not in store.get_state(instance.id).root.variables
    written = [e for e in store.history if isinstance(e, fx.VariableUpdated)]
    assert "item" not in {e.name for e in written}
    with pytest.raises(ProcessEngineError, match="Cannot set transient variable with name who"):
        engine.set_variables(instance.id, {"who": TypedValue("String", "x", transient=True)})
