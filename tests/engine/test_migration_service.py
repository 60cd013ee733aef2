"""Process instance migration through the service API, on the database: what users see of a
migrated instance (tasks, external tasks, messages, timers, history, the audit trail)."""

from __future__ import annotations

import pytest

from engine.errors import AuthorizationError
from engine.models import (
    EventSubscription,
    Execution,
    ExternalTask,
    HistoricActivityInstance,
    HistoricIncident,
    HistoricProcessInstance,
    HistoricTaskInstance,
    Incident,
    Job,
    ProcessInstance,
    Task,
    UserOperationLog,
)
from engine.queries import get_variables
from engine.runtime.job_definitions import job_definition_id
from engine.runtime.migration import MigrationInstruction, MigrationPlan
from engine.services import ResourceInput, deploy
from engine.services import external_tasks as et
from engine.services import runtime as rt
from engine.services.jobs import execute_job_now, set_job_retries
from engine.services.migration import (
    MigrationPlanInvalid,
    ProcessInstancesNotMigratable,
    generate_migration_plan,
    migrate_process_instances,
    validate_migration_plan,
)
from identity.models import Authorization
from identity.resources import Resource
from tests import migration_models as m

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


def versions(v1: bytes, v2: bytes) -> tuple[str, str]:
    ids = []
    for name, xml in (("v1.bpmn", v1), ("v2.bpmn", v2)):
        result = deploy([ResourceInput(name, xml)], user_id="demo")
        ids.append(result.process_definitions[0].id)
    return ids[0], ids[1]


def plan(v1: str, v2: str, *pairs: str, update: bool = False) -> MigrationPlan:
    return MigrationPlan(v1, v2, tuple(MigrationInstruction(p, p, update) for p in pairs))


def start(definition_id: str) -> str:
    return rt.start_process_instance(definition_id=definition_id, user_id="demo").id


def test_a_migrated_user_task_is_of_v2_and_completing_it_runs_v2s_new_task():
    v1, v2 = versions(m.chain(m.USER_TASK), m.chain(m.USER_TASK, m.REVIEW))
    instance_id = start(v1)
    migrate_process_instances(plan(v1, v2, "work"), [instance_id], user_id="demo")
    task = Task.objects.get(process_instance_id=instance_id)
    assert (task.process_definition_id, task.task_definition_key) == (v2, "work")
    assert (task.name, task.assignee) == ("Work", "demo")
    assert ProcessInstance.objects.get(pk=instance_id).process_definition_id == v2
    historic = HistoricProcessInstance.objects.get(pk=instance_id)
    assert (historic.process_definition_id, historic.process_definition_version) == (v2, 2)
    assert HistoricTaskInstance.objects.get(pk=task.id).process_definition_id == v2
    running = HistoricActivityInstance.objects.get(activity_id="work")
    assert running.process_definition_id == v2
    rt.complete_task(task.id, user_id="demo")
    review = Task.objects.get(process_instance_id=instance_id)
    assert (review.task_definition_key, review.process_definition_id) == ("review", v2)


def test_a_migrated_external_task_keeps_its_topic_and_continues_on_v2():
    v1, v2 = versions(
        m.chain(m.EXTERNAL_TASK.format(topic="old")),
        m.chain(m.EXTERNAL_TASK.format(topic="new"), m.REVIEW),
    )
    instance_id = start(v1)
    migrate_process_instances(plan(v1, v2, "work"), [instance_id], user_id="demo")
    external = ExternalTask.objects.get(process_instance_id=instance_id)
    assert (external.process_definition_id, external.topic_name) == (v2, "old")
    [locked] = et.fetch_and_lock("w", 1, [et.TopicRequest(topic_name="old", lock_duration=1000)])
    et.complete(locked.row.id, "w", user_id="demo")
    assert Task.objects.get(process_instance_id=instance_id).task_definition_key == "review"


def test_an_incident_of_a_migrated_external_task_follows_it():
    task = m.EXTERNAL_TASK.format(topic="t").replace("/>", ' name="Charge" />')
    v1, v2 = versions(m.chain(task), m.chain(task.replace('"work"', '"charge"')))
    instance_id = start(v1)
    [locked] = et.fetch_and_lock("w", 1, [et.TopicRequest(topic_name="t", lock_duration=1000)])
    et.handle_failure(locked.row.id, "w", error_message="card declined", retries=0)
    migrate_process_instances(
        MigrationPlan(v1, v2, (MigrationInstruction("work", "charge"),)),
        [instance_id],
        user_id="demo",
    )
    incident = Incident.objects.get(process_instance_id=instance_id)
    assert (incident.process_definition_id, incident.activity_id) == (v2, "charge")
    historic = HistoricIncident.objects.get(pk=incident.pk)
    assert (historic.process_definition_id, historic.activity_id) == (v2, "charge")
    assert ExternalTask.objects.get(pk=locked.row.id).activity_id == "charge"


def test_a_migrated_message_catch_correlates_by_the_updated_name():
    v1, v2 = versions(m.chain(m.MESSAGE_CATCH), m.chain(m.MESSAGE_CATCH, m.REVIEW, message="go2"))
    instance_id = start(v1)
    migrate_process_instances(plan(v1, v2, "work", update=True), [instance_id], user_id="demo")
    subscription = EventSubscription.objects.get(process_instance_id=instance_id)
    assert (subscription.event_name, subscription.process_definition_id) == ("go2", v2)
    rt.correlate_message("go2", user_id="demo")
    assert Task.objects.get(process_instance_id=instance_id).task_definition_key == "review"


def test_a_migrated_timer_fires_on_v2():
    v1, v2 = versions(
        m.chain(m.TIMER_CATCH.format(duration="PT1H")),
        m.chain(m.TIMER_CATCH.format(duration="PT2H"), m.REVIEW),
    )
    instance_id = start(v1)
    due = Job.objects.get(process_instance_id=instance_id).due_date
    migrate_process_instances(plan(v1, v2, "work"), [instance_id], user_id="demo")
    job = Job.objects.get(process_instance_id=instance_id)
    assert (job.process_definition_id, job.due_date) == (v2, due)
    assert job.job_definition_id == job_definition_id(v2, "work", job.type)
    execute_job_now(job.id, user_id="demo")
    assert Task.objects.get(process_instance_id=instance_id).task_definition_key == "review"


def test_a_token_inside_a_sub_process_moves_with_its_scope_and_executions_follow():
    v1, v2 = versions(m.chain(m.SUB_PROCESS), m.chain(m.SUB_PROCESS, m.REVIEW))
    instance_id = start(v1)
    migrate_process_instances(plan(v1, v2, "sub", "inner"), [instance_id], user_id="demo")
    assert set(
        Execution.objects.filter(process_instance_id=instance_id).values_list(
            "activity_id", flat=True
        )
    ) == {None, "sub", "inner"}
    rt.complete_task(Task.objects.get(process_instance_id=instance_id).id, user_id="demo")
    assert Task.objects.get(process_instance_id=instance_id).task_definition_key == "review"


def test_parallel_tokens_migrate_and_join_on_v2():
    v1, v2 = versions(m.parallel(), m.parallel(review=True))
    instance_id = start(v1)
    migrate_process_instances(plan(v1, v2, "a", "b"), [instance_id], user_id="demo")
    for task in Task.objects.filter(process_instance_id=instance_id):
        rt.complete_task(task.id, user_id="demo")
    assert Task.objects.get(process_instance_id=instance_id).task_definition_key == "review"


def test_a_token_waiting_at_the_join_migrates_with_its_execution_row():
    v1, v2 = versions(m.parallel(), m.parallel(review=True))
    instance_id = start(v1)
    rt.complete_task(Task.objects.get(task_definition_key="a").id, user_id="demo")
    migrate_process_instances(plan(v1, v2, "b", "join"), [instance_id], user_id="demo")
    assert Execution.objects.filter(process_instance_id=instance_id, activity_id="join").exists()
    rt.complete_task(Task.objects.get(task_definition_key="b").id, user_id="demo")
    assert Task.objects.get(process_instance_id=instance_id).task_definition_key == "review"


def test_an_unmapped_active_activity_refuses_all_instances_and_changes_nothing():
    v1, v2 = versions(m.parallel(), m.parallel(review=True))
    first, second = start(v1), start(v1)
    with pytest.raises(ProcessInstancesNotMigratable) as refused:
        migrate_process_instances(plan(v1, v2, "a"), [first, second], user_id="demo")
    message = str(refused.value)
    assert f"Cannot migrate process instance '{first}'" in message
    assert f"Cannot migrate process instance '{second}'" in message
    assert "(activity 'b'): There is no migration instruction" in message
    assert set(Task.objects.values_list("process_definition_id", flat=True)) == {v1}
    assert set(ProcessInstance.objects.values_list("process_definition_id", flat=True)) == {v1}
    assert not UserOperationLog.objects.filter(operation_type="Migrate").exists()


def test_the_operation_log_records_the_migration_per_instance():
    v1, v2 = versions(m.chain(m.USER_TASK), m.chain(m.USER_TASK))
    instance_id = start(v1)
    migrate_process_instances(
        plan(v1, v2, "work"), [instance_id], user_id="demo", skip_custom_listeners=True
    )
    rows = UserOperationLog.objects.filter(operation_type="Migrate", entity_type="ProcessInstance")
    assert {(r.property, r.org_value, r.new_value, r.process_instance_id) for r in rows} == {
        ("nrOfInstances", None, "1", None),
        ("async", None, "false", None),
        ("processDefinitionId", v1, v2, instance_id),
    }


def test_generate_and_validate_through_the_service():
    v1, v2 = versions(m.chain(m.SUB_PROCESS, m.USER_TASK), m.chain(m.SUB_PROCESS, m.RECEIVE_TASK))
    generated = generate_migration_plan(v1, v2, user_id="demo")
    assert {i.source_activity_id for i in generated.instructions} == {"sub", "inner"}
    assert validate_migration_plan(generated, user_id="demo") == []
    (report,) = validate_migration_plan(plan(v1, v2, "work"), user_id="demo")
    assert "incompatible types" in report.failures[0]
    with pytest.raises(MigrationPlanInvalid):
        migrate_process_instances(plan(v1, v2, "work"), [start(v1)], user_id="demo")


def test_migrating_needs_migrate_instance_on_both_definitions():
    v1, v2 = versions(m.chain(m.USER_TASK), m.chain(m.USER_TASK, m.REVIEW))
    instance_id = start(v1)
    with pytest.raises(AuthorizationError, match="MIGRATE_INSTANCE"):
        migrate_process_instances(plan(v1, v2, "work"), [instance_id], user_id="outsider")
    Authorization.objects.create(
        type=1,
        user_id="outsider",
        resource_type=Resource.PROCESS_DEFINITION,
        resource_id=m.KEY,
        permissions=["MIGRATE_INSTANCE"],
    )
    migrate_process_instances(plan(v1, v2, "work"), [instance_id], user_id="outsider")
    assert ProcessInstance.objects.get(pk=instance_id).process_definition_id == v2


def test_generating_and_validating_need_read_on_both_definitions():
    v1, v2 = versions(m.chain(m.USER_TASK), m.chain(m.USER_TASK))
    with pytest.raises(AuthorizationError, match="READ"):
        generate_migration_plan(v1, v2, user_id="outsider")
    with pytest.raises(AuthorizationError, match="READ"):
        validate_migration_plan(plan(v1, v2, "work"), user_id="outsider")


ASYNC_TASK = (
    '<bpmn:serviceTask id="work" camunda:asyncBefore="true" camunda:expression="{expression}" '
    'camunda:resultVariable="result" />'
)


def test_an_instance_stuck_in_a_failed_async_job_is_fixed_by_migrating_it():
    """The operations routine: v1's task fails in its job until an incident; v2 fixes it; the
    instance moves to v2 with its job and incident, and a retry runs v2's task."""
    v1, v2 = versions(
        m.chain(ASYNC_TASK.format(expression="${notThere}")),
        m.chain(ASYNC_TASK.format(expression="${'fixed'}"), m.REVIEW),
    )
    instance_id = start(v1)
    job = Job.objects.get(process_instance_id=instance_id)
    for _ in range(3):
        with pytest.raises(Exception, match="notThere"):
            execute_job_now(job.id, user_id="demo")
    assert Incident.objects.filter(process_instance_id=instance_id).count() == 1
    assert validate_migration_plan(plan(v1, v2, "work"), user_id="demo") == []
    migrate_process_instances(plan(v1, v2, "work"), [instance_id], user_id="demo")
    job = Job.objects.get(process_instance_id=instance_id)
    assert (job.process_definition_id, job.activity_id) == (v2, "work")
    assert job.job_definition_id == job_definition_id(v2, "work", job.type)
    incident = Incident.objects.get(process_instance_id=instance_id)
    assert (incident.process_definition_id, incident.job_definition_id) == (
        v2, job.job_definition_id
    )
    set_job_retries(job.id, 1, user_id="demo")
    execute_job_now(job.id, user_id="demo")
    assert get_variables(instance_id)["result"].value == "fixed"
    assert Task.objects.get(process_instance_id=instance_id).task_definition_key == "review"


def test_an_async_token_goes_only_where_it_can_wait_the_same_way():
    v1, v2 = versions(
        m.chain(ASYNC_TASK.format(expression="${1}")),
        m.chain(ASYNC_TASK.format(expression="${1}").replace("asyncBefore", "asyncAfter")),
    )
    instance_id = start(v1)
    with pytest.raises(ProcessInstancesNotMigratable, match="'work' is not asyncBefore"):
        migrate_process_instances(plan(v1, v2, "work"), [instance_id], user_id="demo")
    assert Job.objects.get(process_instance_id=instance_id).process_definition_id == v1


def test_a_parallel_multi_instance_task_migrates_on_the_database():
    mi = m.USER_TASK.replace(
        "/>",
        '><bpmn:multiInstanceLoopCharacteristics isSequential="false">'
        "<bpmn:loopCardinality>2</bpmn:loopCardinality>"
        "</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>",
    )
    v1, v2 = versions(m.chain(mi), m.chain(mi, m.REVIEW))
    instance_id = start(v1)
    first, second = Task.objects.filter(process_instance_id=instance_id)
    rt.complete_task(first.id, user_id="demo")
    migrate_process_instances(plan(v1, v2, "work"), [instance_id], user_id="demo")
    assert Task.objects.get(pk=second.id).process_definition_id == v2
    rt.complete_task(second.id, user_id="demo")
    assert Task.objects.get(process_instance_id=instance_id).task_definition_key == "review"
    running = HistoricActivityInstance.objects.filter(
        process_instance_id=instance_id, end_time__isnull=True
    )
    assert {row.activity_id for row in running} == {"review"}


def test_a_multi_instance_sub_process_migrates_on_the_database():
    sub = m.SUB_PROCESS.replace(
        '<bpmn:subProcess id="sub">',
        '<bpmn:subProcess id="sub"><bpmn:multiInstanceLoopCharacteristics isSequential="true">'
        "<bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>",
    )
    v1, v2 = versions(m.chain(sub), m.chain(sub, m.REVIEW))
    instance_id = start(v1)
    rt.complete_task(Task.objects.get(process_instance_id=instance_id).id, user_id="demo")
    migrate_process_instances(plan(v1, v2, "sub", "inner"), [instance_id], user_id="demo")
    second = Task.objects.get(process_instance_id=instance_id)
    assert (second.task_definition_key, second.process_definition_id) == ("inner", v2)
    rt.complete_task(second.id, user_id="demo")
    assert Task.objects.get(process_instance_id=instance_id).task_definition_key == "review"
