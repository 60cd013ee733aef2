"""Deploying resources: atomic, versioned per key, duplicate filtering as Camunda's."""

import threading

import pytest
from django.db import connection

from engine import definitions
from engine.errors import BadRequestError, DeploymentError, NotFoundError
from engine.models import (
    Deployment,
    EventSubscription,
    ProcessDefinition,
    Resource,
    UserOperationLog,
)
from engine.queries import (
    get_latest_process_definition,
    get_process_definition_xml,
    list_process_definitions,
)
from engine.services import ResourceInput, delete_deployment, deploy
from tests.factories import bpmn_document, one_task_bpmn, straight_process

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


def test_first_deployment_of_a_key_is_version_1_with_a_camunda_style_id():
    result = deploy([ResourceInput("invoice.bpmn", one_task_bpmn(name="Invoice"))], user_id="demo")
    (definition,) = result.process_definitions
    assert (definition.key, definition.version, definition.name) == ("invoice", 1, "Invoice")
    assert definition.id.startswith("invoice:1:")
    assert definition.resource_name == "invoice.bpmn"
    assert not result.is_duplicate


def test_the_stored_xml_is_byte_for_byte_what_was_deployed():
    xml = one_task_bpmn()
    (definition,) = deploy([ResourceInput("invoice.bpmn", xml)]).process_definitions
    assert get_process_definition_xml(definition.id) == xml


def test_a_changed_model_becomes_the_next_version_and_the_latest():
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn(task="Task_2"))])
    assert get_latest_process_definition("invoice").version == 2
    assert [d.version for d in list_process_definitions(key="invoice")] == [1, 2]
    assert [d.version for d in list_process_definitions(latest_version=True)] == [2]


def test_duplicate_filtering_deploys_nothing_new_for_the_same_name_and_content():
    first = deploy([ResourceInput("invoice.bpmn", one_task_bpmn())], name="billing")
    again = deploy(
        [ResourceInput("invoice.bpmn", one_task_bpmn())],
        name="billing",
        enable_duplicate_filtering=True,
    )
    assert again.is_duplicate
    assert again.deployment.id == first.deployment.id
    assert again.process_definitions == ()
    assert Deployment.objects.count() == 1
    assert ProcessDefinition.objects.count() == 1


def test_without_duplicate_filtering_the_same_content_is_a_new_version():
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())], name="billing")
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())], name="billing")
    assert get_latest_process_definition("invoice").version == 2


def test_duplicate_filtering_redeploys_every_resource_when_one_changed():
    files = {"a.bpmn": one_task_bpmn("a"), "b.bpmn": one_task_bpmn("b")}
    deploy([ResourceInput(n, c) for n, c in files.items()], name="pair")
    files["b.bpmn"] = one_task_bpmn("b", task="Other")
    result = deploy(
        [ResourceInput(n, c) for n, c in files.items()],
        name="pair",
        enable_duplicate_filtering=True,
    )
    assert sorted((d.key, d.version) for d in result.process_definitions) == [("a", 2), ("b", 2)]


def test_deploy_changed_only_deploys_just_the_changed_resource():
    files = {"a.bpmn": one_task_bpmn("a"), "b.bpmn": one_task_bpmn("b")}
    deploy([ResourceInput(n, c) for n, c in files.items()], name="pair")
    files["b.bpmn"] = one_task_bpmn("b", task="Other")
    result = deploy(
        [ResourceInput(n, c) for n, c in files.items()], name="pair", deploy_changed_only=True
    )
    assert [(d.key, d.version) for d in result.process_definitions] == [("b", 2)]
    assert list(result.deployment.resources.values_list("name", flat=True)) == ["b.bpmn"]
    assert get_latest_process_definition("a").version == 1


def test_one_invalid_resource_refuses_the_whole_deployment_and_stores_nothing():
    broken = bpmn_document(
        """<bpmn:process id="broken" isExecutable="true">
  <bpmn:startEvent id="Start" />
  <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Nowhere" />
</bpmn:process>"""
    )
    with pytest.raises(DeploymentError) as refused:
        deploy([ResourceInput("good.bpmn", one_task_bpmn()), ResourceInput("broken.bpmn", broken)])
    (problem,) = [p for p in refused.value.problems if p.element_id == "f1"]
    assert problem.resource == "broken.bpmn"
    assert problem.line == 5
    assert "Nowhere" in problem.message
    assert "broken.bpmn line 5" in str(refused.value)
    assert (Deployment.objects.count(), ProcessDefinition.objects.count()) == (0, 0)
    assert Resource.objects.count() == 0


def test_a_hostile_file_is_refused_and_nothing_is_stored():
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</definitions>'
    )
    with pytest.raises(DeploymentError):
        deploy([ResourceInput("evil.bpmn", xxe)])
    assert Deployment.objects.count() == 0


def test_two_resources_defining_one_key_are_refused():
    with pytest.raises(DeploymentError, match="also defined in 'a.bpmn'"):
        deploy(
            [
                ResourceInput("a.bpmn", one_task_bpmn("x")),
                ResourceInput("b.bpmn", one_task_bpmn("x")),
            ]
        )


def test_a_file_with_two_executable_processes_gives_two_definitions():
    xml = bpmn_document(straight_process("first"), straight_process("second", task="T2"))
    result = deploy([ResourceInput("collab.bpmn", xml)])
    assert sorted(d.key for d in result.process_definitions) == ["first", "second"]


def test_other_resources_are_stored_without_definitions():
    result = deploy([ResourceInput("diagram.png", b"\x89PNG..."), ResourceInput("x.form", b"{}")])
    assert result.process_definitions == ()
    assert sorted(result.deployment.resources.values_list("name", "type")) == [
        ("diagram.png", "other"),
        ("x.form", "form"),
    ]


def test_a_deployment_needs_resources_with_distinct_names():
    with pytest.raises(BadRequestError):
        deploy([])
    with pytest.raises(BadRequestError, match="twice"):
        deploy([ResourceInput("a.bpmn", one_task_bpmn()), ResourceInput("a.bpmn", one_task_bpmn())])


def test_deploying_writes_the_user_operation_log():
    result = deploy([ResourceInput("invoice.bpmn", one_task_bpmn())], user_id="demo")
    entries = UserOperationLog.objects.filter(deployment_id=result.deployment.id)
    assert {(e.operation_type, e.entity_type, e.user_id) for e in entries} == {
        ("Create", "Deployment", "demo")
    }
    assert {e.property for e in entries} == {"duplicateFilterEnabled", "deployChangedOnly"}


def test_deleting_a_deployment_removes_its_definitions_and_resources():
    result = deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    delete_deployment(result.deployment.id, user_id="demo")
    assert (Deployment.objects.count(), ProcessDefinition.objects.count()) == (0, 0)
    with pytest.raises(NotFoundError):
        delete_deployment(result.deployment.id)


def test_a_cold_cache_rebuilds_the_model_from_the_stored_xml():
    (definition,) = deploy([ResourceInput("invoice.bpmn", one_task_bpmn())]).process_definitions
    definitions.clear()
    model = definitions.process_model(definition.id)
    assert model.id == "invoice"
    assert model.node("Task_1").name == "Do it"
    assert definitions.process_model(definition.id) is model


@pytest.mark.django_db(transaction=True)
def test_concurrent_deployments_of_one_key_take_distinct_versions():
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def deploy_one(i: int) -> None:
        try:
            barrier.wait()
            deploy([ResourceInput("invoice.bpmn", one_task_bpmn(task=f"T{i}"))])
        except BaseException as error:  # reported by the assert below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deploy_one, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(d.version for d in list_process_definitions(key="invoice")) == [1, 2, 3, 4]


MESSAGE_START = """<bpmn:process id="orders" isExecutable="true">
  <bpmn:startEvent id="OrderReceived">
    <bpmn:messageEventDefinition messageRef="Msg" />
  </bpmn:startEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="OrderReceived" targetRef="End" />
  <bpmn:endEvent id="End" />
</bpmn:process>"""


def test_message_start_events_of_the_latest_version_are_subscribed():
    message = '<bpmn:message id="Msg" name="order-received" />'
    first = deploy([ResourceInput("o.bpmn", bpmn_document(MESSAGE_START, extra=message))])
    second = deploy([ResourceInput("o.bpmn", bpmn_document(MESSAGE_START, extra=message))])
    (subscription,) = EventSubscription.objects.filter(process_instance_id__isnull=True)
    assert (subscription.event_type, subscription.event_name) == ("message", "order-received")
    assert subscription.activity_id == "OrderReceived"
    assert subscription.process_definition_id == second.process_definitions[0].id
    assert first.process_definitions[0].id != subscription.process_definition_id


def test_deleting_the_newest_deployment_gives_start_events_back_to_the_previous_version():
    message = '<bpmn:message id="Msg" name="order-received" />'
    first = deploy([ResourceInput("o.bpmn", bpmn_document(MESSAGE_START, extra=message))])
    second = deploy([ResourceInput("o.bpmn", bpmn_document(MESSAGE_START, extra=message))])
    delete_deployment(second.deployment.id)
    (subscription,) = EventSubscription.objects.all()
    assert subscription.process_definition_id == first.process_definitions[0].id


def test_a_deployment_with_running_instances_is_deleted_only_with_cascade():
    from engine.errors import DeletionFailedError
    from engine.models import HistoricProcessInstance, ProcessInstance
    from engine.services.runtime import start_process_instance

    result = deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    started = start_process_instance("invoice")
    with pytest.raises(DeletionFailedError, match="1 dependening process instances"):
        delete_deployment(result.deployment.id)
    assert ProcessInstance.objects.filter(pk=started.id).exists()
    delete_deployment(result.deployment.id, cascade=True, user_id="demo")
    assert not ProcessInstance.objects.exists()
    assert HistoricProcessInstance.objects.get(pk=started.id).state == "EXTERNALLY_TERMINATED"


TIMER_AND_MESSAGE_STARTS = """<bpmn:process id="orders" isExecutable="true">
  <bpmn:startEvent id="OrderReceived">
    <bpmn:messageEventDefinition messageRef="Msg" />
  </bpmn:startEvent>
  <bpmn:startEvent id="Nightly">
    <bpmn:timerEventDefinition><bpmn:timeCycle>R/PT24H</bpmn:timeCycle></bpmn:timerEventDefinition>
  </bpmn:startEvent>
  <bpmn:sequenceFlow id="f1" sourceRef="OrderReceived" targetRef="End" />
  <bpmn:sequenceFlow id="f2" sourceRef="Nightly" targetRef="End" />
  <bpmn:endEvent id="End" />
</bpmn:process>"""


def test_each_tenant_keeps_the_start_events_of_its_own_newest_version():
    from engine.models import Job

    model = bpmn_document(
        TIMER_AND_MESSAGE_STARTS, extra='<bpmn:message id="Msg" name="order-received" />'
    )

    def deploy_for(tenant_id):
        result = deploy([ResourceInput("o.bpmn", model)], tenant_id=tenant_id)
        return result.process_definitions[0].id

    deploy_for("north")
    south = deploy_for("south")
    shared = deploy_for(None)
    north = deploy_for("north")  # a new version for one tenant takes over only its own
    newest = {north, south, shared}
    subscribed = EventSubscription.objects.filter(process_instance_id__isnull=True)
    assert set(subscribed.values_list("process_definition_id", flat=True)) == newest
    timers = Job.objects.filter(process_instance_id__isnull=True, type="timer-start-event")
    assert set(timers.values_list("process_definition_id", flat=True)) == newest
    assert subscribed.count() == timers.count() == 3
