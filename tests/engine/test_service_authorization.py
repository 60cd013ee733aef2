"""The service API checks the acting user's authorizations before it changes anything."""

import pytest

from engine.errors import AuthorizationError
from engine.models import ProcessInstance, Task
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from identity.models import Authorization
from identity.resources import Resource
from tests.engine.test_queries import CANDIDATES
from tests.factories import bpmn_document, one_task_bpmn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]


def grant(user: str, resource: Resource, resource_id: str, *permissions: str) -> None:
    Authorization.objects.create(
        type=1,
        user_id=user,
        resource_type=resource,
        resource_id=resource_id,
        permissions=list(permissions),
    )


def test_an_outsider_can_neither_deploy_nor_start_until_granted():
    with pytest.raises(AuthorizationError):
        deploy([ResourceInput("invoice.bpmn", one_task_bpmn())], user_id="outsider")
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())], user_id="demo")
    with pytest.raises(AuthorizationError):
        rt.start_process_instance("invoice", user_id="outsider")
    assert not ProcessInstance.objects.exists()
    grant("outsider", Resource.PROCESS_INSTANCE, "*", "CREATE")
    grant("outsider", Resource.PROCESS_DEFINITION, "invoice", "CREATE_INSTANCE")
    rt.start_process_instance("invoice", user_id="outsider")
    assert ProcessInstance.objects.count() == 1


def test_only_candidates_claim_and_complete_a_task(engine_users):
    from django.contrib.auth.models import Group

    management, _ = Group.objects.get_or_create(name="management")
    engine_users["outsider"].groups.add(management)
    deploy([ResourceInput("offer.bpmn", bpmn_document(CANDIDATES))], user_id="demo")
    rt.start_process_instance("offer", user_id="demo")
    task = Task.objects.get()
    from django.contrib.auth.models import User

    User.objects.create(username="stranger")
    with pytest.raises(AuthorizationError):
        rt.claim_task(task.id, "stranger")
    rt.claim_task(task.id, "outsider")
    with pytest.raises(AuthorizationError):
        rt.complete_task(task.id, user_id="stranger")
    rt.complete_task(task.id, user_id="outsider")
    assert not Task.objects.exists()


def test_the_engine_itself_is_never_checked():
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    rt.start_process_instance("invoice")
    assert ProcessInstance.objects.count() == 1


@pytest.fixture
def running_task() -> Task:
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn())])
    rt.start_process_instance("invoice", variables={"x": 1})
    return Task.objects.get()


def _service_calls(task: Task) -> dict[str, object]:
    from engine.models import Deployment
    from engine.runtime.modification import CancelActivity
    from engine.services import suspension
    from engine.services.deployment import delete_deployment
    from engine.services.modification import modify_process_instance
    from engine.services.process_definitions import delete_process_definitions_by_key

    instance = task.process_instance_id
    deployment = Deployment.objects.get().id
    return {
        "deploy": lambda u: deploy([ResourceInput("b.bpmn", one_task_bpmn("b"))], user_id=u),
        "delete deployment": lambda u: delete_deployment(deployment, cascade=True, user_id=u),
        "delete definition": lambda u: delete_process_definitions_by_key(
            "invoice", cascade=True, user_id=u
        ),
        "start": lambda u: rt.start_process_instance("invoice", user_id=u),
        "claim": lambda u: rt.claim_task(task.id, u),
        "set assignee": lambda u: rt.set_assignee(task.id, "kermit", user_id=u),
        "delegate": lambda u: rt.delegate_task(task.id, "kermit", user_id=u),
        "complete": lambda u: rt.complete_task(task.id, user_id=u),
        "update task": lambda u: rt.update_task(task.id, priority=1, user_id=u),
        "task variables": lambda u: rt.set_task_variables(task.id, {"y": 1}, user_id=u),
        "instance variables": lambda u: rt.set_variables(instance, {"y": 1}, user_id=u),
        "correlate": lambda u: rt.correlate_message("nothing", user_id=u),
        "signal": lambda u: rt.broadcast_signal("nothing", user_id=u),
        "suspend instance": lambda u: suspension.suspend_process_instance(instance, user_id=u),
        "suspend definition": lambda u: suspension.suspend_process_definition(
            key="invoice", user_id=u
        ),
        "modify": lambda u: modify_process_instance(
            instance, [CancelActivity("Task_1")], user_id=u
        ),
        "delete instance": lambda u: rt.delete_process_instance(instance, "x", user_id=u),
    }


SERVICE_CALLS = [
    "deploy", "delete deployment", "delete definition", "start", "claim", "set assignee",
    "delegate", "complete", "update task", "task variables", "instance variables", "correlate",
    "signal", "suspend instance", "suspend definition", "modify", "delete instance",
]


@pytest.mark.parametrize("call", SERVICE_CALLS)
def test_every_state_changing_service_refuses_an_outsider_and_changes_nothing(
    call, running_task
):
    from engine.models import HistoricDetail, ProcessDefinition, ProcessInstance, UserOperationLog

    before = (
        ProcessDefinition.objects.count(), ProcessInstance.objects.count(),
        HistoricDetail.objects.count(), UserOperationLog.objects.count(),
        list(Task.objects.values_list("assignee", "priority", "suspended")),
    )
    with pytest.raises(AuthorizationError):
        _service_calls(running_task)[call]("outsider")
    after = (
        ProcessDefinition.objects.count(), ProcessInstance.objects.count(),
        HistoricDetail.objects.count(), UserOperationLog.objects.count(),
        list(Task.objects.values_list("assignee", "priority", "suspended")),
    )
    assert after == before
