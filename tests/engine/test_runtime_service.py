"""The runtime service API on the real database: commands, rows, history, races."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engine.errors import EngineError
from engine.models import (
    Execution,
    HistoricActivityInstance,
    HistoricDetail,
    HistoricProcessInstance,
    HistoricTaskInstance,
    ProcessInstance,
    Task,
    UserOperationLog,
    VariableInstance,
)
from engine.queries import get_variables
from engine.runtime.errors import ProcessEngineError
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document, one_task_bpmn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


def deploy_xml(*processes: str, extra: str = "") -> None:
    deploy([ResourceInput("model.bpmn", bpmn_document(*processes, extra=extra))])


def service_chain(n: int) -> str:
    nodes = ['<bpmn:startEvent id="start" />']
    previous = "start"
    for i in range(1, n + 1):
        nodes.append(
            f'<bpmn:serviceTask id="s{i}" camunda:expression="${{x + 1}}" '
            f'camunda:resultVariable="x" />'
        )
        nodes.append(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{previous}" targetRef="s{i}" />')
        previous = f"s{i}"
    nodes.append('<bpmn:endEvent id="end" />')
    nodes.append(f'<bpmn:sequenceFlow id="f_end" sourceRef="{previous}" targetRef="end" />')
    return '<bpmn:process id="chain" isExecutable="true">' + "".join(nodes) + "</bpmn:process>"


FORK_JOIN = """<bpmn:process id="forkJoin" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork" />
  <bpmn:parallelGateway id="fork" />
  <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="a" />
  <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="b" />
  <bpmn:userTask id="a" name="A" />
  <bpmn:userTask id="b" name="B" />
  <bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="join" />
  <bpmn:sequenceFlow id="f5" sourceRef="b" targetRef="join" />
  <bpmn:parallelGateway id="join" />
  <bpmn:sequenceFlow id="f6" sourceRef="join" targetRef="after" />
  <bpmn:userTask id="after" name="After" />
  <bpmn:sequenceFlow id="f7" sourceRef="after" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""


def test_a_user_task_waits_then_completing_it_ends_the_instance_with_full_history():
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    started = rt.start_process_instance("invoice", business_key="B-1", user_id="demo")
    task = Task.objects.get(process_instance_id=started.id)
    assert (task.name, task.task_definition_key) == ("Do it", "Task_1")
    assert ProcessInstance.objects.get(pk=started.id).business_key == "B-1"
    assert Execution.objects.filter(process_instance_id=started.id).exists()

    rt.complete_task(task.id, {"approved": True}, user_id="demo")

    assert not ProcessInstance.objects.filter(pk=started.id).exists()
    assert not Task.objects.exists()
    assert not Execution.objects.exists()
    history = HistoricProcessInstance.objects.get(pk=started.id)
    assert (history.state, history.end_activity_id) == ("COMPLETED", "invoice_end")
    assert history.start_user_id == "demo"
    task_history = HistoricTaskInstance.objects.get(pk=task.id)
    assert task_history.end_time is not None
    activities = HistoricActivityInstance.objects.filter(process_instance_id=started.id)
    assert sorted(activities.values_list("activity_id", flat=True)) == [
        "Task_1",
        "invoice_end",
        "invoice_start",
    ]
    assert all(a.end_time is not None for a in activities)
    assert HistoricDetail.objects.get(name="approved").value is True
    assert UserOperationLog.objects.filter(task_id=task.id, operation_type="Complete").exists()


def test_a_start_names_the_user_tasks_it_left_open_in_the_order_they_were_made():
    deploy_xml(FORK_JOIN)
    started = rt.start_process_instance("forkJoin")
    tasks = Task.objects.filter(process_instance_id=started.id)
    names = dict(tasks.values_list("id", "task_definition_key"))
    assert [names[task_id] for task_id in started.task_ids] == ["a", "b"]
    assert not started.ended
    deploy_xml(service_chain(1))
    assert rt.start_process_instance("chain", variables={"x": 0}).task_ids == ()  # ended


@pytest.mark.django_db(transaction=True)
def test_a_straight_through_instance_costs_at_most_twelve_statements():
    # Counted as the database sees them: BEGIN and COMMIT, the acting user's groups for the
    # authorization check, the definition, the history rows and the chained operation log.
    deploy_xml(service_chain(8))
    # Warm the definition cache and the audit chain's head (the migration makes it; a flushed
    # test database has lost it).
    rt.start_process_instance("chain", variables={"x": 0}, user_id="demo")
    with CaptureQueriesContext(connection) as queries:
        started = rt.start_process_instance("chain", variables={"x": 0}, user_id="demo")
    assert started.ended
    statements = [q["sql"][:60] for q in queries.captured_queries]
    assert len(statements) <= 12, "\n".join(statements)
    history = HistoricProcessInstance.objects.get(pk=started.id)
    assert history.state == "COMPLETED"
    assert HistoricActivityInstance.objects.filter(process_instance_id=started.id).count() == 10
    assert not ProcessInstance.objects.filter(pk=started.id).exists()
    final = HistoricDetail.objects.filter(process_instance_id=started.id, name="x")
    assert max(final.values_list("value", flat=True)) == 8


def test_an_engine_error_fails_the_command_and_changes_nothing():
    deploy_xml(service_chain(2))
    with pytest.raises(ProcessEngineError, match="Cannot resolve identifier 'x'"):
        rt.start_process_instance("chain")
    assert not HistoricProcessInstance.objects.exists()
    assert not UserOperationLog.objects.filter(entity_type="ProcessInstance").exists()


def test_variables_are_queryable_by_name_and_value_and_removable():
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    started = rt.start_process_instance("invoice", variables={"amount": 1500, "vip": True})
    assert VariableInstance.objects.get(name="amount", long_value=1500).type == "Integer"
    rt.set_variables(started.id, {"customer": "ACME"}, removed=["vip"], user_id="demo")
    names = set(VariableInstance.objects.values_list("name", flat=True))
    assert names == {"amount", "customer"}
    assert VariableInstance.objects.get(name="customer").text_value == "ACME"


def test_a_message_is_correlated_by_business_key():
    receive = """<bpmn:process id="waiter" isExecutable="true">
      <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="r" />
      <bpmn:receiveTask id="r" messageRef="m" />
      <bpmn:sequenceFlow id="f2" sourceRef="r" targetRef="t" />
      <bpmn:userTask id="t" name="after message" />
      <bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />
    </bpmn:process>"""
    deploy_xml(receive, extra='<bpmn:message id="m" name="paid" />')
    first = rt.start_process_instance("waiter", business_key="order-1")
    second = rt.start_process_instance("waiter", business_key="order-2")
    assert rt.correlate_message("paid", business_key="order-2") == [second.id]
    assert list(Task.objects.values_list("process_instance_id", flat=True)) == [second.id]
    rt.start_process_instance("waiter", business_key="order-1")
    with pytest.raises(ProcessEngineError, match="single execution"):
        rt.correlate_message("paid", business_key="order-1")
    assert Task.objects.filter(process_instance_id=first.id).count() == 0


def test_a_suspended_definition_cannot_start_instances():
    (definition,) = deploy([ResourceInput("invoice.bpmn", one_task_bpmn())]).process_definitions
    definition.suspended = True
    definition.save()
    with pytest.raises(EngineError, match="suspended"):
        rt.start_process_instance("invoice")


@pytest.mark.django_db(transaction=True)
def test_parallel_branches_completed_at_once_join_exactly_once():
    deploy_xml(FORK_JOIN)
    instances = [rt.start_process_instance("forkJoin").id for _ in range(8)]
    errors: list[BaseException] = []

    def complete(task_id: str, barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            rt.complete_task(task_id)
        except BaseException as error:  # reported by the assert below
            errors.append(error)
        finally:
            connection.close()

    for instance_id in instances:
        tasks = Task.objects.filter(process_instance_id=instance_id).order_by("name")
        assert [t.name for t in tasks] == ["A", "B"]
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=complete, args=(t.id, barrier)) for t in tasks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    for instance_id in instances:
        names = Task.objects.filter(process_instance_id=instance_id).values_list("name", flat=True)
        assert list(names) == ["After"]
        # Each arriving token has its own activity instance at the join (as in Camunda); what
        # must happen once is the join firing: one token continues to "after".
        after = HistoricActivityInstance.objects.filter(
            process_instance_id=instance_id, activity_id="after"
        )
        assert after.count() == 1


def test_a_suspended_instance_refuses_work_until_it_is_activated():
    from engine.services.suspension import activate_process_instance, suspend_process_instance

    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    started = rt.start_process_instance("invoice")
    task = Task.objects.get(process_instance_id=started.id)
    suspend_process_instance(started.id, user_id="demo")
    assert Task.objects.get(pk=task.id).suspended
    with pytest.raises(EngineError, match="suspended"):
        rt.complete_task(task.id)
    activate_process_instance(started.id, user_id="demo")
    rt.complete_task(task.id)
    assert HistoricProcessInstance.objects.get(pk=started.id).state == "COMPLETED"
    operations = UserOperationLog.objects.filter(process_instance_id=started.id)
    assert {"Suspend", "Activate"} <= set(operations.values_list("operation_type", flat=True))


def test_suspending_a_definition_with_its_instances_stops_both():
    from engine.services.suspension import suspend_process_definition

    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    started = rt.start_process_instance("invoice")
    suspend_process_definition(key="invoice", include_process_instances=True)
    assert ProcessInstance.objects.get(pk=started.id).suspended
    with pytest.raises(EngineError, match="suspended"):
        rt.start_process_instance("invoice")


def test_a_delegated_task_must_be_resolved_before_it_can_be_completed():
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    started = rt.start_process_instance("invoice")
    task = Task.objects.get(process_instance_id=started.id)
    rt.claim_task(task.id, "kermit")
    rt.delegate_task(task.id, "gonzo", user_id="kermit")
    task.refresh_from_db()
    assert (task.assignee, task.owner, task.delegation_state) == ("gonzo", "kermit", "PENDING")
    with pytest.raises(EngineError, match="resolved instead"):
        rt.complete_task(task.id)
    rt.resolve_task(task.id, {"checked": True}, user_id="gonzo")
    task.refresh_from_db()
    assert (task.assignee, task.delegation_state) == ("kermit", "RESOLVED")
    rt.complete_task(task.id)
    assert HistoricDetail.objects.filter(name="checked").exists()


def test_due_date_and_priority_changes_are_saved_and_logged():
    from datetime import UTC, datetime

    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    started = rt.start_process_instance("invoice")
    task = Task.objects.get(process_instance_id=started.id)
    due = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)
    rt.update_task(task.id, due_date=due, priority=80, user_id="demo")
    task.refresh_from_db()
    assert (task.due_date, task.priority) == (due, 80)
    assert HistoricTaskInstance.objects.get(pk=task.id).priority == 80
    changes = UserOperationLog.objects.filter(task_id=task.id, operation_type="Update")
    assert set(changes.values_list("property", flat=True)) == {"dueDate", "priority"}
    with pytest.raises(EngineError):
        rt.update_task(task.id, assignee="x")


def test_cancelling_an_instance_closes_its_open_incidents_in_history():
    from engine.jobs.executor import JobExecutorThread
    from engine.models import HistoricIncident, Incident

    failing = """<bpmn:process id="failing" isExecutable="true">
      <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
      <bpmn:serviceTask id="t" camunda:asyncBefore="true" camunda:expression="${missing}" />
      <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" /><bpmn:endEvent id="e" />
    </bpmn:process>"""
    deploy_xml(failing)
    started = rt.start_process_instance("failing")
    while JobExecutorThread().run_once():
        pass
    (incident,) = Incident.objects.filter(process_instance_id=started.id)
    rt.delete_process_instance(started.id, "operator gave up", user_id="demo")
    assert not Incident.objects.exists()
    assert HistoricIncident.objects.get(pk=incident.id).state == "deleted"


def test_a_deleted_instance_leaves_no_runtime_rows():
    from engine.models import EventSubscription, Job

    waiting = """<bpmn:process id="waiting" isExecutable="true">
      <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="fork" />
      <bpmn:parallelGateway id="fork" />
      <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="t" />
      <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="r" />
      <bpmn:userTask id="t" name="Task" />
      <bpmn:boundaryEvent id="deadline" attachedToRef="t">
        <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
      </bpmn:boundaryEvent>
      <bpmn:receiveTask id="r" messageRef="m" />
      <bpmn:serviceTask id="x" camunda:type="external" camunda:topic="work" />
      <bpmn:sequenceFlow id="f4" sourceRef="deadline" targetRef="x" />
    </bpmn:process>"""
    deploy_xml(waiting, extra='<bpmn:message id="m" name="go" />')
    started = rt.start_process_instance("waiting", variables={"a": 1})
    assert Task.objects.exists()
    assert Job.objects.filter(process_instance_id=started.id).exists()
    assert EventSubscription.objects.filter(process_instance_id=started.id).exists()
    rt.delete_process_instance(started.id, "done", user_id="demo")
    for model in (Task, Job, EventSubscription, VariableInstance, Execution):
        assert not model.objects.filter(process_instance_id=started.id).exists(), model


def test_an_incident_in_a_called_instance_raises_one_in_its_caller_and_both_resolve():
    from engine.jobs.executor import JobExecutorThread
    from engine.models import Incident, Job
    from engine.services.jobs import set_job_retries

    child = """<bpmn:process id="child" isExecutable="true">
      <bpmn:startEvent id="cs" /><bpmn:sequenceFlow id="c1" sourceRef="cs" targetRef="calc" />
      <bpmn:serviceTask id="calc" camunda:asyncBefore="true" camunda:expression="${missing}">
        <bpmn:extensionElements>
          <camunda:failedJobRetryTimeCycle>R1/PT0S</camunda:failedJobRetryTimeCycle>
        </bpmn:extensionElements>
      </bpmn:serviceTask>
      <bpmn:sequenceFlow id="c2" sourceRef="calc" targetRef="ce" /><bpmn:endEvent id="ce" />
    </bpmn:process>"""
    parent = """<bpmn:process id="parent" isExecutable="true">
      <bpmn:startEvent id="ps" /><bpmn:sequenceFlow id="p1" sourceRef="ps" targetRef="call" />
      <bpmn:callActivity id="call" calledElement="child" />
      <bpmn:sequenceFlow id="p2" sourceRef="call" targetRef="pe" /><bpmn:endEvent id="pe" />
    </bpmn:process>"""
    deploy_xml(child, parent)
    caller = rt.start_process_instance("parent")
    JobExecutorThread().run_once()
    root = Incident.objects.get(activity_id="calc")
    (upper,) = Incident.objects.filter(process_instance_id=caller.id)
    assert (upper.activity_id, upper.cause_incident_id) == ("call", root.id)
    assert upper.root_cause_incident_id == root.id
    set_job_retries(Job.objects.get().id, 1, user_id="demo")
    assert not Incident.objects.exists()


def test_a_bare_variable_in_a_mapping_keeps_its_type_and_arithmetic_makes_a_long():
    mapped = """<bpmn:process id="mapped" isExecutable="true">
      <bpmn:startEvent id="s" /><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
      <bpmn:userTask id="t"><bpmn:extensionElements><camunda:inputOutput>
        <camunda:inputParameter name="copy">${amount}</camunda:inputParameter>
        <camunda:inputParameter name="when">${ due }</camunda:inputParameter>
        <camunda:outputParameter name="doubled">${copy * 2}</camunda:outputParameter>
        <camunda:outputParameter name="kept">${copy}</camunda:outputParameter>
      </camunda:inputOutput></bpmn:extensionElements></bpmn:userTask>
      <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="w" /><bpmn:userTask id="w" />
    </bpmn:process>"""
    deploy_xml(mapped)
    due = datetime(2026, 5, 1, tzinfo=UTC)
    started = rt.start_process_instance("mapped", variables={"amount": 21, "due": due})
    task = Task.objects.get(process_instance_id=started.id)
    local = get_variables(task.execution_id, local=True)
    assert (local["copy"].type, local["when"].type) == ("Integer", "Date")
    rt.complete_task(task.id, {})
    variables = get_variables(started.id)
    assert (variables["kept"].type, variables["kept"].value) == ("Integer", 21)
    assert (variables["doubled"].type, variables["doubled"].value) == ("Long", 42)
