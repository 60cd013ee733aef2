"""Migration that adds or removes sub-process instances, through the service API on the
database: the execution rows, the history and the task rows users see afterwards."""

from __future__ import annotations

import pytest

from engine.models import Execution, HistoricActivityInstance, Job, Task
from engine.queries import get_variables
from engine.services import runtime as rt
from engine.services.migration import MigrationPlanInvalid, migrate_process_instances
from tests import migration_models as m
from tests.engine.test_migration_service import plan, start, versions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]

DEADLINE = """<bpmn:boundaryEvent id="deadline" attachedToRef="sub">
  <bpmn:timerEventDefinition><bpmn:timeDuration>PT2H</bpmn:timeDuration>
  </bpmn:timerEventDefinition></bpmn:boundaryEvent>
  <bpmn:endEvent id="late_end" />
  <bpmn:sequenceFlow id="fl1" sourceRef="deadline" targetRef="late_end" />"""


def rows(instance_id: str) -> dict[str | None, Execution]:
    return {e.activity_id: e for e in Execution.objects.filter(process_instance_id=instance_id)}


def test_an_added_sub_process_has_its_execution_history_and_boundary_timer_rows():
    v1, v2 = versions(m.chain(m.USER_TASK), m.chain(m.wrap(m.USER_TASK), m.REVIEW, extra=DEADLINE))
    instance_id = start(v1)
    task_id = Task.objects.get(process_instance_id=instance_id).id
    migrate_process_instances(plan(v1, v2, "work"), [instance_id], user_id="demo")
    executions = rows(instance_id)
    assert set(executions) == {None, "sub", "work"}
    assert executions["sub"].parent_id == instance_id
    assert executions["work"].parent_id == executions["sub"].id
    task = Task.objects.get(process_instance_id=instance_id)
    # Alone in its sub-process, the task runs in the sub-process's scope execution (Camunda).
    assert (task.id, task.assignee, task.execution_id) == (task_id, "demo", executions["sub"].id)
    sub = HistoricActivityInstance.objects.get(activity_id="sub")
    assert (sub.process_definition_id, sub.end_time) == (v2, None)
    work = HistoricActivityInstance.objects.get(activity_id="work")
    assert work.parent_activity_instance_id == sub.id
    (job,) = Job.objects.filter(process_instance_id=instance_id)
    assert (job.activity_id, job.process_definition_id) == ("deadline", v2)
    rt.complete_task(task_id, user_id="demo")
    sub.refresh_from_db()
    assert sub.end_time is not None
    assert not sub.canceled
    assert Task.objects.get(process_instance_id=instance_id).task_definition_key == "review"
    assert not Job.objects.filter(process_instance_id=instance_id).exists()


def test_a_removed_sub_process_ends_canceled_and_its_local_variables_go():
    io = (
        "<bpmn:extensionElements><camunda:inputOutput>"
        '<camunda:inputParameter name="stage">inside</camunda:inputParameter>'
        "</camunda:inputOutput></bpmn:extensionElements>"
    )
    v1, v2 = versions(
        m.chain(m.wrap(m.USER_TASK, inside=io), extra=DEADLINE), m.chain(m.USER_TASK, m.REVIEW)
    )
    instance_id = start(v1)
    assert "stage" in get_variables(rows(instance_id)["work"].id)
    migrate_process_instances(plan(v1, v2, "work"), [instance_id], user_id="demo")
    assert set(rows(instance_id)) == {None, "work"}
    assert "stage" not in get_variables(instance_id)
    assert not Job.objects.filter(process_instance_id=instance_id).exists()
    sub = HistoricActivityInstance.objects.get(activity_id="sub")
    assert sub.end_time is not None
    assert sub.canceled
    work = HistoricActivityInstance.objects.get(activity_id="work")
    assert work.parent_activity_instance_id == instance_id
    task = Task.objects.get(process_instance_id=instance_id)
    assert task.execution_id == instance_id
    rt.complete_task(task.id, user_id="demo")
    assert Task.objects.get(process_instance_id=instance_id).task_definition_key == "review"


def test_adding_a_multi_instance_sub_process_is_refused_and_changes_nothing():
    loop = (
        '<bpmn:multiInstanceLoopCharacteristics isSequential="true">'
        "<bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"
    )
    v1, v2 = versions(m.chain(m.USER_TASK), m.chain(m.wrap(m.USER_TASK, inside=loop)))
    instance_id = start(v1)
    with pytest.raises(MigrationPlanInvalid) as refused:
        migrate_process_instances(plan(v1, v2, "work"), [instance_id], user_id="demo")
    (report,) = refused.value.reports
    assert report.failures == (
        "Target activity 'work' is a descendant of multi-instance body "
        "'sub#multiInstanceBody' that is not mapped from the source process definition.",
    )
    assert Task.objects.get(process_instance_id=instance_id).process_definition_id == v1
    assert set(rows(instance_id)) == {None, "work"}
