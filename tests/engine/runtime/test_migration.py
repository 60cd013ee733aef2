"""Process instance migration in the core, on the in-memory store: plans, checks, and what a
migrated instance does afterwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.runtime import effects as fx
from engine.runtime.engine import ProcessEngine
from engine.runtime.env import CountingIds, Environment
from engine.runtime.memory import InMemoryStore
from engine.runtime.migrating import MigratingInstancesInvalid
from engine.runtime.migration import (
    InvalidMigrationPlan,
    MigrationInstruction,
    MigrationPlan,
    generate_plan,
    validate_plan,
)
from tests import migration_models as m
from tests.factories import bpmn_document, straight_process

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class Versions:
    """An engine with two versions of one process deployed."""

    def __init__(self, v1: bytes, v2: bytes) -> None:
        self.now = NOW
        self.store = InMemoryStore()
        self.engine = ProcessEngine(
            self.store, Environment(new_id=CountingIds()), clock=lambda: self.now
        )
        # the first process of each document is the one that migrates
        self.v1 = self.engine.deploy({"v1.bpmn": v1})[0]
        self.v2 = self.engine.deploy({"v2.bpmn": v2})[0]

    def start(self) -> str:
        return self.engine.start_process_instance(definition_id=self.v1.id).id

    def plan(self, *pairs: tuple[str, str], update: bool = False) -> MigrationPlan:
        return MigrationPlan(
            self.v1.id,
            self.v2.id,
            tuple(MigrationInstruction(s, t, update) for s, t in pairs),
        )

    def migrate(self, plan: MigrationPlan, *instance_ids: str) -> None:
        self.engine.migrate_process_instances(plan, instance_ids)

    def tasks(self, instance_id: str) -> list[tuple[str, str]]:
        return sorted(
            (t.task_definition_key, t.process_definition_id)
            for t in self.store.list_tasks(process_instance_id=instance_id)
        )


def test_a_migrated_user_task_keeps_its_assignee_and_continues_on_the_new_flow():
    v = Versions(m.chain(m.USER_TASK), m.chain(m.USER_TASK, m.REVIEW))
    instance_id = v.start()
    v.migrate(v.plan(("work", "work")), instance_id)
    (task,) = v.store.list_tasks(process_instance_id=instance_id)
    assert (task.task_definition_key, task.process_definition_id) == ("work", v.v2.id)
    assert task.assignee == "demo"
    assert v.store.get_state(instance_id).process_definition_id == v.v2.id
    v.engine.complete_task(task.id)
    assert v.tasks(instance_id) == [("review", v.v2.id)]


def test_an_activity_can_map_to_another_id_of_the_same_kind():
    v = Versions(m.chain(m.USER_TASK), m.chain(m.USER_TASK.replace('"work"', '"labour"')))
    instance_id = v.start()
    v.migrate(v.plan(("work", "labour")), instance_id)
    assert v.tasks(instance_id) == [("labour", v.v2.id)]
    migrated = [e for e in v.store.history if isinstance(e, fx.InstanceMigrated)]
    assert list(migrated[0].activity_instances.values()) == ["labour"]


def test_a_message_catch_keeps_its_message_unless_the_trigger_is_updated():
    v = Versions(m.chain(m.MESSAGE_CATCH), m.chain(m.MESSAGE_CATCH, m.REVIEW, message="go2"))
    kept, updated = v.start(), v.start()
    v.migrate(v.plan(("work", "work")), kept)
    v.migrate(v.plan(("work", "work"), update=True), updated)
    names = {s.process_instance_id: s.event_name for s in v.store.list_subscriptions()}
    assert names == {kept: "go", updated: "go2"}
    v.engine.correlate_message("go2")
    assert v.tasks(updated) == [("review", v.v2.id)]


def test_a_timer_keeps_its_due_date_unless_the_trigger_is_updated():
    v1 = m.chain(m.TIMER_CATCH.format(duration="PT1H"))
    v = Versions(v1, m.chain(m.TIMER_CATCH.format(duration="PT5M"), m.REVIEW))
    kept, updated = v.start(), v.start()
    v.now = NOW + timedelta(minutes=10)
    v.migrate(v.plan(("work", "work")), kept)
    v.migrate(v.plan(("work", "work"), update=True), updated)
    due = {j.process_instance_id: j.due for j in v.store.list_jobs()}
    assert due == {kept: NOW + timedelta(hours=1), updated: v.now + timedelta(minutes=5)}
    assert {j.process_definition_id for j in v.store.list_jobs()} == {v.v2.id}
    for job in v.store.list_jobs():
        v.engine.execute_job(job.id)
    assert v.tasks(kept) == [("review", v.v2.id)]


def test_parallel_tokens_and_a_sub_process_migrate_together():
    v = Versions(m.parallel(), m.parallel(review=True))
    instance_id = v.start()
    v.migrate(v.plan(("a", "a"), ("b", "b")), instance_id)
    for task in v.store.list_tasks(process_instance_id=instance_id):
        v.engine.complete_task(task.id)
    assert v.tasks(instance_id) == [("review", v.v2.id)]

    s = Versions(m.chain(m.SUB_PROCESS), m.chain(m.SUB_PROCESS, m.REVIEW))
    instance_id = s.start()
    s.migrate(s.plan(("sub", "sub"), ("inner", "inner")), instance_id)
    (task,) = s.store.list_tasks(process_instance_id=instance_id)
    s.engine.complete_task(task.id)
    assert s.tasks(instance_id) == [("review", s.v2.id)]


def test_an_unmapped_active_activity_refuses_every_instance_and_changes_nothing():
    v = Versions(m.parallel(), m.parallel(review=True))
    first, second = v.start(), v.start()
    with pytest.raises(MigratingInstancesInvalid) as refused:
        v.migrate(v.plan(("a", "a")), first, second)
    assert f"Cannot migrate process instance '{first}'" in str(refused.value)
    assert "(activity 'b'): There is no migration instruction" in str(refused.value)
    assert {t.process_definition_id for t in v.store.list_tasks()} == {v.v1.id}
    assert v.store.get_state(first).process_definition_id == v.v1.id


def test_generate_maps_equal_ids_of_equal_kinds_within_mapped_scopes():
    v1 = m.chain(m.SUB_PROCESS, m.USER_TASK)
    v2 = m.chain(m.SUB_PROCESS.replace('id="sub"', 'id="other"'), m.RECEIVE_TASK)
    v = Versions(v1, v2)
    # 'inner' sits in an unmapped sub-process and 'work' changed kind: nothing maps
    assert generate_plan(v.v1, v.v2).instructions == ()
    same = Versions(m.chain(m.MESSAGE_CATCH), m.chain(m.MESSAGE_CATCH))
    plan = generate_plan(same.v1, same.v2, update_event_triggers=True)
    assert plan.instructions == (MigrationInstruction("work", "work", True),)


def test_validate_reports_each_failing_instruction_with_its_reasons():
    v = Versions(m.chain(m.SUB_PROCESS, m.USER_TASK), m.chain(m.SUB_PROCESS, m.RECEIVE_TASK))
    plan = v.plan(("work", "work"), ("inner", "nope"), ("start", "start"), ("inner", "sub"))
    reports = {(r.instruction.source_activity_id, r.instruction.target_activity_id): r.failures
               for r in validate_plan(v.v1, v.v2, plan)}
    assert reports[("work", "work")] == (
        "Activities have incompatible types (userTask is not compatible with receiveTask)",
    )
    assert "Target activity 'nope' does not exist" in reports[("inner", "nope")]
    assert any("startEvent cannot be migrated" in f for f in reports[("start", "start")])
    assert "There are multiple mappings for source activity id 'inner'" in reports[
        ("inner", "sub")
    ]
    with pytest.raises(InvalidMigrationPlan, match="is not valid"):
        v.migrate(plan)


def test_a_message_trigger_cannot_be_updated_on_a_user_task():
    v = Versions(m.chain(m.USER_TASK), m.chain(m.USER_TASK))
    (report,) = validate_plan(v.v1, v.v2, v.plan(("work", "work"), update=True))
    assert report.failures == (
        "Cannot update event trigger because the activity does not define a persistent "
        "event trigger",
    )


def test_a_mapped_boundary_timer_stays_and_an_unmapped_one_is_replaced_by_the_targets():
    v = Versions(m.with_deadline("PT1H"), m.with_deadline("PT3H", boundary="late_alarm"))
    mapped, unmapped = v.start(), v.start()
    v.now = NOW + timedelta(minutes=30)
    # the boundary maps to a differently named one: the job stays, with its due date
    v.migrate(v.plan(("work", "work"), ("deadline", "late_alarm")), mapped)
    v.migrate(v.plan(("work", "work")), unmapped)
    jobs = {j.process_instance_id: (j.activity_id, j.due) for j in v.store.list_jobs()}
    assert jobs == {
        mapped: ("late_alarm", NOW + timedelta(hours=1)),
        unmapped: ("late_alarm", v.now + timedelta(hours=3)),
    }
    (job,) = [j for j in v.store.list_jobs() if j.process_instance_id == mapped]
    v.engine.execute_job(job.id)
    assert v.tasks(mapped) == [("late", v.v2.id)]


def test_a_boundary_event_must_stay_on_the_activity_its_activity_maps_to():
    v = Versions(m.with_deadline("PT1H"), m.with_deadline("PT1H", review=True))
    (report,) = validate_plan(v.v1, v.v2, v.plan(("work", "review"), ("deadline", "deadline")))
    assert report.failures == (
        "The boundary event's activity 'work' is not mapped to 'work', the activity the "
        "target boundary event is attached to",
    )
    assert {i.source_activity_id for i in generate_plan(v.v1, v.v2).instructions} == {
        "work",
        "deadline",
        "late",
    }


def multi_instance(sequential: bool, element: str = m.USER_TASK) -> str:
    flag = "true" if sequential else "false"
    return element.replace(
        "/>",
        f'><bpmn:multiInstanceLoopCharacteristics isSequential="{flag}">'
        "<bpmn:loopCardinality>3</bpmn:loopCardinality>"
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>",
    )


@pytest.mark.parametrize("sequential", [True, False])
def test_a_multi_instance_task_migrates_with_its_body_and_instances(sequential):
    v = Versions(
        m.chain(multi_instance(sequential)), m.chain(multi_instance(sequential), m.REVIEW)
    )
    instance_id = v.start()
    first = v.store.list_tasks(process_instance_id=instance_id)[0]
    v.engine.complete_task(first.id)
    v.migrate(v.plan(("work", "work")), instance_id)
    remaining = 1 if sequential else 2
    assert v.tasks(instance_id) == [("work", v.v2.id)] * remaining
    state = v.store.get_state(instance_id)
    body = next(e for e in state.executions.values() if e.mi_body)
    assert body.variables["nrOfCompletedInstances"].value == 1
    while tasks := v.store.list_tasks(process_instance_id=instance_id):
        if tasks[0].task_definition_key == "review":
            break
        v.engine.complete_task(tasks[0].id)
    assert v.tasks(instance_id) == [("review", v.v2.id)]


def test_multi_instance_maps_only_to_multi_instance_of_the_same_mode():
    v = Versions(m.chain(multi_instance(True)), m.chain(multi_instance(False)))
    (report,) = validate_plan(v.v1, v.v2, v.plan(("work", "work")))
    assert "incompatible types" in report.failures[0]
    v = Versions(m.chain(multi_instance(True)), m.chain(m.USER_TASK))
    (report,) = validate_plan(v.v1, v.v2, v.plan(("work", "work")))
    assert report.failures == (
        "A multi-instance activity maps only to a multi-instance activity, and a single one "
        "only to a single one",
    )
    instance_id = v.start()
    with pytest.raises(MigratingInstancesInvalid, match="There is no migration instruction"):
        v.migrate(MigrationPlan(v.v1.id, v.v2.id, ()), instance_id)


def test_a_receive_task_takes_the_targets_message_when_its_trigger_is_updated():
    v = Versions(m.chain(m.RECEIVE_TASK), m.chain(m.RECEIVE_TASK, m.REVIEW, message="paid"))
    instance_id = v.start()
    v.migrate(v.plan(("work", "work"), update=True), instance_id)
    (subscription,) = v.store.list_subscriptions(process_instance_id=instance_id)
    assert (subscription.event_name, subscription.activity_id) == ("paid", "work")
    v.engine.correlate_message("paid")
    assert v.tasks(instance_id) == [("review", v.v2.id)]


def test_event_sub_process_triggers_are_re_armed_from_the_target():
    v = Versions(
        m.chain(m.USER_TASK, message="stop", extra=m.EVENT_SUB_PROCESS),
        m.chain(m.USER_TASK, message="halt", extra=m.EVENT_SUB_PROCESS),
    )
    instance_id = v.start()
    plan = generate_plan(v.v1, v.v2)
    # the event sub-process and its task map too, for instances where it runs
    assert [i.source_activity_id for i in plan.instructions] == ["work", "on_stop", "cleanup"]
    v.migrate(plan, instance_id)
    (subscription,) = v.store.list_subscriptions(process_instance_id=instance_id)
    assert (subscription.event_name, subscription.process_definition_id) == ("halt", v.v2.id)
    v.engine.correlate_message("halt")
    assert v.tasks(instance_id) == [("cleanup", v.v2.id)]


def test_a_call_activity_waiting_on_its_child_migrates_and_the_child_returns_to_the_target():
    def with_child(document: bytes) -> bytes:
        child = straight_process("child") + "\n</bpmn:definitions>"
        return document.decode().replace("</bpmn:definitions>", child).encode()

    v1 = with_child(m.chain('<bpmn:callActivity id="work" calledElement="child" />'))
    v2 = with_child(m.chain(
        '<bpmn:callActivity id="work" calledElement="child"><bpmn:extensionElements>'
        '<camunda:out source="answer" target="fromChild" /></bpmn:extensionElements>'
        "</bpmn:callActivity>",
        m.REVIEW,
    ))
    v = Versions(v1, v2)
    instance_id = v.start()
    assert validate_plan(v.v1, v.v2, v.plan(("work", "work"))) == []
    v.migrate(v.plan(("work", "work")), instance_id)
    (child_task,) = [t for t in v.store.list_tasks() if t.process_instance_id != instance_id]
    v.engine.complete_task(child_task.id, {"answer": 42})
    assert v.tasks(instance_id) == [("review", v.v2.id)]
    state = v.store.get_state(instance_id)
    assert state.root.variables["fromChild"].value == 42  # the target's output mapping


def test_a_token_waiting_after_its_activity_continues_on_the_targets_flow():
    task = '<bpmn:serviceTask id="work" camunda:asyncAfter="true" camunda:expression="${1}" />'
    v = Versions(m.chain(task), m.chain(task, m.REVIEW))
    instance_id = v.start()
    (job,) = v.store.list_jobs(process_instance_id=instance_id)
    v.migrate(v.plan(("work", "work")), instance_id)
    (job,) = v.store.list_jobs(process_instance_id=instance_id)
    assert (job.activity_id, job.process_definition_id) == ("work", v.v2.id)
    v.engine.execute_job(job.id)
    assert v.tasks(instance_id) == [("review", v.v2.id)]


def test_a_task_that_never_waits_is_no_migration_target_unless_asynchronous():
    task = '<bpmn:serviceTask id="work" camunda:expression="${1}" />'
    v = Versions(m.chain(task, m.USER_TASK.replace('"work"', '"w2"')), m.chain(task))
    (report,) = validate_plan(v.v1, v.v2, v.plan(("work", "work")))
    assert "of type serviceTask cannot be migrated" in report.failures[0]


def test_a_token_waiting_at_a_join_migrates_and_the_join_fires_on_v2():
    v = Versions(m.parallel(), m.parallel(review=True))
    instance_id = v.start()
    task_a = next(t for t in v.store.list_tasks(process_instance_id=instance_id)
                  if t.task_definition_key == "a")
    v.engine.complete_task(task_a.id)  # a's token now waits at the join
    v.migrate(v.plan(("b", "b"), ("join", "join")), instance_id)
    (task_b,) = v.store.list_tasks(process_instance_id=instance_id)
    v.engine.complete_task(task_b.id)
    assert v.tasks(instance_id) == [("review", v.v2.id)]


def test_a_join_maps_only_to_one_with_as_many_incoming_flows():
    single = m.chain('<bpmn:parallelGateway id="join" />')
    v = Versions(m.parallel(), single)
    (report,) = validate_plan(v.v1, v.v2, v.plan(("join", "join")))
    assert report.failures == (
        "The target gateway must have at least the same number of incoming sequence flows "
        "that the source gateway has",
    )


def test_a_running_event_sub_process_migrates_with_its_tokens():
    non_interrupting = m.EVENT_SUB_PROCESS.replace(
        '<bpmn:startEvent id="stop_start">',
        '<bpmn:startEvent id="stop_start" isInterrupting="false">',
    )
    v = Versions(
        m.chain(m.USER_TASK, message="stop", extra=non_interrupting),
        m.chain(m.USER_TASK, m.REVIEW, message="stop", extra=non_interrupting),
    )
    instance_id = v.start()
    v.engine.correlate_message("stop")
    assert v.tasks(instance_id) == [("cleanup", v.v1.id), ("work", v.v1.id)]
    v.migrate(v.plan(("work", "work"), ("on_stop", "on_stop"), ("cleanup", "cleanup")), instance_id)
    assert v.tasks(instance_id) == [("cleanup", v.v2.id), ("work", v.v2.id)]
    for task in v.store.list_tasks(process_instance_id=instance_id):
        v.engine.complete_task(task.id)
    assert v.tasks(instance_id) == [("review", v.v2.id)]


def test_a_boundary_timer_of_a_multi_instance_task_stays_one_on_its_body():
    def document(duration: str) -> bytes:
        return m.with_deadline(duration).replace(
            m.USER_TASK.encode(), multi_instance(False).encode()
        )

    v = Versions(document("PT1H"), document("PT2H"))
    instance_id = v.start()
    (timer,) = v.store.list_jobs(process_instance_id=instance_id)
    v.migrate(v.plan(("work", "work"), ("deadline", "deadline")), instance_id)
    (kept,) = v.store.list_jobs(process_instance_id=instance_id)
    assert (kept.id, kept.due, kept.process_definition_id) == (timer.id, timer.due, v.v2.id)
    v.now += timedelta(hours=1)
    v.engine.execute_job(kept.id)
    assert v.tasks(instance_id) == [("late", v.v2.id)]


def event_gateway(message: str, duration: str) -> bytes:
    process = f"""<bpmn:process id="{m.KEY}" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:eventBasedGateway id="choice" />
  <bpmn:intermediateCatchEvent id="paid">
    <bpmn:messageEventDefinition messageRef="msg" /></bpmn:intermediateCatchEvent>
  <bpmn:intermediateCatchEvent id="overdue"><bpmn:timerEventDefinition>
    <bpmn:timeDuration>{duration}</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:intermediateCatchEvent>
  <bpmn:userTask id="ship" /><bpmn:userTask id="remind" />
  <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="choice" />
  <bpmn:sequenceFlow id="f1" sourceRef="choice" targetRef="paid" />
  <bpmn:sequenceFlow id="f2" sourceRef="choice" targetRef="overdue" />
  <bpmn:sequenceFlow id="f3" sourceRef="paid" targetRef="ship" />
  <bpmn:sequenceFlow id="f4" sourceRef="overdue" targetRef="remind" />
</bpmn:process>"""
    return bpmn_document(process, extra=f'<bpmn:message id="msg" name="{message}" />')


def test_an_event_based_gateway_keeps_its_mapped_events_and_arms_the_targets_others():
    v = Versions(event_gateway("pay", "PT1H"), event_gateway("settle", "PT2H"))
    instance_id = v.start()
    (timer,) = v.store.list_jobs(process_instance_id=instance_id)
    v.migrate(v.plan(("choice", "choice"), ("overdue", "overdue")), instance_id)
    (kept,) = v.store.list_jobs(process_instance_id=instance_id)
    assert (kept.id, kept.due) == (timer.id, timer.due)  # mapped: the same timer
    (subscription,) = v.store.list_subscriptions(process_instance_id=instance_id)
    assert (subscription.event_name, subscription.activity_id) == ("settle", "paid")  # re-armed
    v.engine.correlate_message("settle")
    assert v.tasks(instance_id) == [("ship", v.v2.id)]
    assert v.store.list_jobs(process_instance_id=instance_id) == []


def test_a_transaction_migrates_with_its_tokens_until_it_keeps_work_to_compensate():
    transaction = m.SUB_PROCESS.replace("bpmn:subProcess", "bpmn:transaction")
    v = Versions(m.chain(transaction), m.chain(transaction, m.REVIEW))
    instance_id = v.start()
    v.migrate(v.plan(("sub", "sub"), ("inner", "inner")), instance_id)
    (task,) = v.store.list_tasks(process_instance_id=instance_id)
    assert (task.task_definition_key, task.process_definition_id) == ("inner", v.v2.id)
    v.engine.complete_task(task.id)
    assert v.tasks(instance_id) == [("review", v.v2.id)]


def test_a_multi_instance_sub_process_migrates_with_the_tokens_of_each_instance():
    sub = m.SUB_PROCESS.replace(
        '<bpmn:subProcess id="sub">',
        '<bpmn:subProcess id="sub"><bpmn:multiInstanceLoopCharacteristics isSequential="false">'
        "<bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>",
    )
    v = Versions(m.chain(sub), m.chain(sub, m.REVIEW))
    instance_id = v.start()
    first = v.store.list_tasks(process_instance_id=instance_id)[0]
    v.engine.complete_task(first.id)
    v.migrate(v.plan(("sub", "sub"), ("inner", "inner")), instance_id)
    assert v.tasks(instance_id) == [("inner", v.v2.id)]
    (last,) = v.store.list_tasks(process_instance_id=instance_id)
    v.engine.complete_task(last.id)
    assert v.tasks(instance_id) == [("review", v.v2.id)]
