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
