"""Migration that adds or removes sub-process instances (Camunda's hierarchy changes), in the
core on the in-memory store: what the instance looks like afterwards and how it goes on."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.runtime import effects as fx
from engine.runtime.migrating import MigratingInstancesInvalid
from engine.runtime.migration import generate_plan, validate_plan
from engine.runtime.state import Wait
from tests import migration_models as m
from tests.engine.runtime.test_migration import NOW, Versions
from tests.factories import bpmn_document


def token_of(v: Versions, instance_id: str, activity_id: str):
    state = v.store.get_state(instance_id)
    (token,) = [e for e in state.executions.values() if e.activity_id == activity_id]
    return token


def parent_of(v: Versions, instance_id: str, activity_id: str):
    token = token_of(v, instance_id, activity_id)
    return v.store.get_state(instance_id).executions[token.parent_id]


def history(v: Versions, kind: type, activity_id: str) -> list:
    return [e for e in v.store.history if isinstance(e, kind) and e.activity_id == activity_id]


def test_adding_a_sub_process_starts_an_instance_of_it_that_ends_when_the_task_completes():
    v = Versions(m.chain(m.USER_TASK), m.chain(m.wrap(m.USER_TASK), m.REVIEW))
    instance_id = v.start()
    (before,) = v.store.list_tasks(process_instance_id=instance_id)
    v.now = NOW + timedelta(hours=1)
    v.migrate(v.plan(("work", "work")), instance_id)
    (task,) = v.store.list_tasks(process_instance_id=instance_id)
    assert (task.id, task.assignee, task.process_definition_id) == (before.id, "demo", v.v2.id)
    sub = parent_of(v, instance_id, "work")
    assert (sub.activity_id, sub.wait) == ("sub", Wait.SCOPE)
    (started,) = history(v, fx.ActivityInstanceStarted, "sub")
    assert (started.time, started.process_definition_id) == (v.now, v.v2.id)
    migrated = [e for e in v.store.history if isinstance(e, fx.InstanceMigrated)]
    assert migrated[0].parent_activity_instances == {
        task.activity_instance_id: sub.activity_instance_id
    }
    # the task runs in the added sub-process's execution now, no longer the process instance
    assert task.execution_id == sub.id != instance_id
    v.engine.complete_task(task.id)
    (ended,) = history(v, fx.ActivityInstanceEnded, "sub")
    assert not ended.canceled
    assert v.tasks(instance_id) == [("review", v.v2.id)]


def test_generate_maps_no_activity_into_an_added_or_out_of_a_removed_sub_process():
    v = Versions(m.chain(m.USER_TASK), m.chain(m.wrap(m.USER_TASK)))
    assert generate_plan(v.v1, v.v2).instructions == ()
    assert validate_plan(v.v1, v.v2, v.plan(("work", "work"))) == []
    back = Versions(m.chain(m.wrap(m.USER_TASK)), m.chain(m.USER_TASK))
    assert generate_plan(back.v1, back.v2).instructions == ()


def test_removing_a_sub_process_cancels_it_drops_its_variables_and_the_task_goes_on_in_v2():
    io = (
        "<bpmn:extensionElements><camunda:inputOutput>"
        '<camunda:inputParameter name="stage">inside</camunda:inputParameter>'
        "</camunda:inputOutput></bpmn:extensionElements>"
    )
    v = Versions(m.chain(m.wrap(m.USER_TASK, inside=io)), m.chain(m.USER_TASK, m.REVIEW))
    instance_id = v.start()
    assert parent_of(v, instance_id, "work").variables["stage"].value == "inside"
    v.migrate(v.plan(("work", "work")), instance_id)
    state = v.store.get_state(instance_id)
    assert parent_of(v, instance_id, "work").id == instance_id
    assert all(e.activity_id != "sub" for e in state.executions.values())
    assert all("stage" not in e.variables for e in state.executions.values())
    (ended,) = history(v, fx.ActivityInstanceEnded, "sub")
    assert ended.canceled
    (task,) = v.store.list_tasks(process_instance_id=instance_id)
    assert task.execution_id == instance_id  # a lone token under the instance is the instance
    v.engine.complete_task(task.id)
    assert v.tasks(instance_id) == [("review", v.v2.id)]


def test_a_task_moves_from_one_sub_process_to_another_and_nested_ones_are_added():
    v = Versions(
        m.chain(m.wrap(m.USER_TASK, sub="old")),
        m.chain(m.wrap(m.wrap(m.USER_TASK, sub="inner"), sub="outer"), m.REVIEW),
    )
    instance_id = v.start()
    v.migrate(v.plan(("work", "work")), instance_id)
    inner = parent_of(v, instance_id, "work")
    outer = v.store.get_state(instance_id).executions[inner.parent_id]
    assert (inner.activity_id, outer.activity_id, outer.parent_id) == (
        "inner",
        "outer",
        instance_id,
    )
    assert history(v, fx.ActivityInstanceEnded, "old")[0].canceled
    (task,) = v.store.list_tasks(process_instance_id=instance_id)
    v.engine.complete_task(task.id)
    assert [e.canceled for e in history(v, fx.ActivityInstanceEnded, "outer")] == [False]
    assert v.tasks(instance_id) == [("review", v.v2.id)]


def test_parallel_tokens_that_need_the_same_added_sub_process_share_one_instance_of_it():
    fork_join = """<bpmn:process id="moving" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:subProcess id="both">
    <bpmn:startEvent id="both_start" />
    <bpmn:parallelGateway id="fork" />
    <bpmn:userTask id="a" name="A" />
    <bpmn:userTask id="b" name="B" />
    <bpmn:parallelGateway id="join" />
    <bpmn:endEvent id="both_end" />
    <bpmn:sequenceFlow id="f0" sourceRef="both_start" targetRef="fork" />
    <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="a" />
    <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="b" />
    <bpmn:sequenceFlow id="f3" sourceRef="a" targetRef="join" />
    <bpmn:sequenceFlow id="f4" sourceRef="b" targetRef="join" />
    <bpmn:sequenceFlow id="f5" sourceRef="join" targetRef="both_end" />
  </bpmn:subProcess>
  <bpmn:userTask id="review" name="Review" />
  <bpmn:endEvent id="end" />
  <bpmn:sequenceFlow id="g0" sourceRef="start" targetRef="both" />
  <bpmn:sequenceFlow id="g1" sourceRef="both" targetRef="review" />
  <bpmn:sequenceFlow id="g2" sourceRef="review" targetRef="end" />
</bpmn:process>"""
    v = Versions(m.parallel(), bpmn_document(fork_join))
    instance_id = v.start()
    v.migrate(v.plan(("a", "a"), ("b", "b")), instance_id)
    both = parent_of(v, instance_id, "a")
    assert both.activity_id == "both"
    assert parent_of(v, instance_id, "b").id == both.id
    assert len(history(v, fx.ActivityInstanceStarted, "both")) == 1
    for task in v.store.list_tasks(process_instance_id=instance_id):
        v.engine.complete_task(task.id)
    assert v.tasks(instance_id) == [("review", v.v2.id)]


def test_an_added_sub_process_arms_its_boundary_timer_and_event_sub_process_start():
    boundary = """<bpmn:boundaryEvent id="deadline" attachedToRef="sub">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration>
      </bpmn:timerEventDefinition></bpmn:boundaryEvent>
      <bpmn:userTask id="late" name="Late" />
      <bpmn:sequenceFlow id="fl1" sourceRef="deadline" targetRef="late" />
      <bpmn:endEvent id="late_end" />
      <bpmn:sequenceFlow id="fl2" sourceRef="late" targetRef="late_end" />"""
    v = Versions(
        m.chain(m.USER_TASK),
        m.chain(m.wrap(m.USER_TASK, inside=m.EVENT_SUB_PROCESS), extra=boundary),
    )
    instance_id = v.start()
    v.now = NOW + timedelta(minutes=30)
    v.migrate(v.plan(("work", "work")), instance_id)
    sub = parent_of(v, instance_id, "work")
    (job,) = v.store.list_jobs(process_instance_id=instance_id)
    assert (job.activity_id, job.due, job.execution_id) == (
        "deadline",
        v.now + timedelta(hours=2),
        sub.id,
    )
    (subscription,) = v.store.list_subscriptions()
    assert (subscription.activity_id, subscription.execution_id) == ("stop_start", sub.id)
    v.engine.execute_job(job.id)
    assert v.tasks(instance_id) == [("late", v.v2.id)]
    assert history(v, fx.ActivityInstanceEnded, "sub")[0].canceled


def test_a_removed_sub_process_takes_its_boundary_timer_along():
    boundary = """<bpmn:boundaryEvent id="deadline" attachedToRef="sub">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration>
      </bpmn:timerEventDefinition></bpmn:boundaryEvent>
      <bpmn:endEvent id="late_end" />
      <bpmn:sequenceFlow id="fl1" sourceRef="deadline" targetRef="late_end" />"""
    v = Versions(m.chain(m.wrap(m.USER_TASK), extra=boundary), m.chain(m.USER_TASK))
    instance_id = v.start()
    assert len(v.store.list_jobs(process_instance_id=instance_id)) == 1
    v.migrate(v.plan(("work", "work")), instance_id)
    assert v.store.list_jobs(process_instance_id=instance_id) == []


def test_an_added_sub_process_runs_its_start_listener_and_input_mapping_unless_skipped():
    extensions = (
        "<bpmn:extensionElements>"
        '<camunda:executionListener event="start" '
        "expression=\"${execution.setVariable('entered', true)}\" />"
        "<camunda:inputOutput>"
        '<camunda:inputParameter name="stage">inside</camunda:inputParameter>'
        "</camunda:inputOutput></bpmn:extensionElements>"
    )
    v = Versions(m.chain(m.USER_TASK), m.chain(m.wrap(m.USER_TASK, inside=extensions)))
    ran, skipped = v.start(), v.start()
    v.migrate(v.plan(("work", "work")), ran)
    v.engine.migrate_process_instances(
        v.plan(("work", "work")), [skipped], skip_custom_listeners=True, skip_io_mappings=True
    )

    def visible(instance_id: str) -> set[str]:
        state = v.store.get_state(instance_id)
        return {name for e in state.executions.values() for name in e.variables}

    assert {"entered", "stage"} <= visible(ran)
    assert not {"entered", "stage"} & visible(skipped)


def test_a_removed_sub_process_runs_its_end_listener_with_its_variables_unless_skipped():
    extensions = (
        "<bpmn:extensionElements>"
        '<camunda:executionListener event="end" '
        "expression=\"${execution.setVariable('left', execution.activityId.concat(stage))}\" />"
        "<camunda:inputOutput>"
        '<camunda:inputParameter name="stage">-inside</camunda:inputParameter>'
        "</camunda:inputOutput></bpmn:extensionElements>"
    )
    v = Versions(m.chain(m.wrap(m.USER_TASK, inside=extensions)), m.chain(m.USER_TASK))
    ran, skipped = v.start(), v.start()
    v.migrate(v.plan(("work", "work")), ran)
    v.engine.migrate_process_instances(
        v.plan(("work", "work")), [skipped], skip_custom_listeners=True
    )
    assert v.store.get_state(ran).root.variables["left"].value == "sub-inside"
    assert "left" not in v.store.get_state(skipped).root.variables
    assert [e.canceled for e in history(v, fx.ActivityInstanceEnded, "sub")] == [True, True]


def test_a_mapped_ancestor_must_stay_an_ancestor_of_the_target():
    v = Versions(m.chain(m.wrap(m.USER_TASK)), m.chain(m.wrap(m.REVIEW), m.USER_TASK))
    (report,) = validate_plan(v.v1, v.v2, v.plan(("sub", "sub"), ("work", "work")))
    assert report.failures == (
        "The closest mapped ancestor 'sub' is mapped to scope 'sub' which is not an ancestor "
        "of target scope 'work'",
    )


@pytest.mark.parametrize("removing", [False, True])
def test_a_multi_instance_sub_process_is_neither_added_nor_removed(removing):
    loop = (
        '<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
        "<bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"
    )
    multi = m.wrap(m.USER_TASK, inside=loop)
    plain = m.chain(m.USER_TASK)
    v = Versions(m.chain(multi), plain) if removing else Versions(plain, m.chain(multi))
    (report,) = validate_plan(v.v1, v.v2, v.plan(("work", "work")))
    expected = (
        "The source activity lies in multi-instance sub-process 'sub', which is not mapped: "
        "migration cannot remove a multi-instance body"
        if removing
        else "Target activity 'work' is a descendant of multi-instance body "
        "'sub#multiInstanceBody' that is not mapped from the source process definition."
    )
    assert report.failures == (expected,)


def test_an_event_sub_process_is_never_added():
    v = Versions(
        m.chain(m.USER_TASK.replace('"work"', '"cleanup"')),
        m.chain(m.REVIEW, extra=m.EVENT_SUB_PROCESS),
    )
    (report,) = validate_plan(v.v1, v.v2, v.plan(("cleanup", "cleanup")))
    assert report.failures == (
        "Target activity 'cleanup' lies in event sub-process 'on_stop', which no source "
        "activity is mapped to: migration cannot start an event sub-process",
    )


def test_a_leaf_without_instruction_still_refuses_the_instance_when_its_scope_is_removed():
    v = Versions(m.chain(m.wrap(m.USER_TASK)), m.chain(m.REVIEW))
    instance_id = v.start()
    with pytest.raises(MigratingInstancesInvalid) as refused:
        v.migrate(v.plan(), instance_id)
    assert "(activity 'work'): There is no migration instruction" in str(refused.value)
    assert "(activity 'sub')" not in str(refused.value)
    assert parent_of(v, instance_id, "work").activity_id == "sub"
