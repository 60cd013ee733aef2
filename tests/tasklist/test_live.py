"""The live socket carries task events of the user's own groups to the tasklist, no others."""

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from config.asgi import application
from engine.models import ProcessInstance
from tests.tasklist.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1")


@sync_to_async
def cookie_of(username: str, *groups: str) -> bytes:
    user = make_user(username, *groups)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = django_settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{django_settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


async def test_task_events_of_the_users_groups_and_name_reach_the_socket(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    cookie = await cookie_of("alice", "compliance", "bad name with spaces")
    socket = WebsocketCommunicator(application, "/ws/live/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from(timeout=5))["type"] == "hello"
    layer = get_channel_layer()
    # Alice sees no tenant's data but that of none: she hears the groups within no tenant.
    for group, seq in (("tasks.shared.group.compliance", 1), ("tasks.shared.user.alice", 2)):
        event = {"type": "task.created", "taskId": f"t-{seq}", "seq": seq}
        await layer.group_send(group, {"type": "live.event", "event": event})
        assert await socket.receive_json_from(timeout=5) == event
    await layer.group_send(
        "tasks.shared.group.sales", {"type": "live.event", "event": {"type": "task.created"}}
    )
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


@sync_to_async
def tasks_for_compliance_in_tenants(*tenants: str | None) -> None:
    """A process whose task is for the `compliance` group, deployed and started per tenant."""
    from engine.services import ResourceInput, deploy, runtime
    from tests.factories import bpmn_document, straight_process

    model = bpmn_document(
        straight_process("review").replace(
            '<bpmn:userTask id="Task_1"',
            '<bpmn:userTask id="Task_1" camunda:candidateGroups="compliance"',
        )
    )
    for tenant in tenants:
        deployed = deploy([ResourceInput("review.bpmn", model)], tenant_id=tenant)
        runtime.start_process_instance(
            definition_id=deployed.process_definitions[0].id, business_key=str(tenant)
        )


@sync_to_async
def join(username: str, tenant: str) -> None:
    from tests.identity.factories import join_tenant

    join_tenant(username, tenant)


async def test_tasks_of_a_tenant_the_user_is_not_in_do_not_reach_the_socket(settings):
    settings.REDIS_URL = ""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    cookie = await cookie_of("bob", "compliance")
    await join("bob", "north")
    socket = WebsocketCommunicator(application, "/ws/live/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from(timeout=5))["type"] == "hello"
    await tasks_for_compliance_in_tenants("north", "south", None)
    heard = []
    while not await socket.receive_nothing(timeout=1.5):
        heard.append(await socket.receive_json_from(timeout=5))
    await socket.disconnect()
    created = {e["processInstanceId"] for e in heard if e["type"] == "task.created"}
    instances = await sync_to_async(
        lambda: dict(
            ProcessInstance.objects.filter(pk__in=created).values_list("business_key", "id")
        )
    )()
    assert len(created) == 2
    assert sorted(instances) == ["None", "north"]


async def test_a_task_of_no_process_is_heard_only_within_its_tenant(settings):
    from engine.services.standalone_tasks import create_task

    settings.REDIS_URL = ""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    cookie = await cookie_of("bob")
    await join("bob", "north")
    socket = WebsocketCommunicator(application, "/ws/live/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await socket.connect()
    assert connected
    assert (await socket.receive_json_from(timeout=5))["type"] == "hello"
    for tenant in ("south", "north", None):
        await sync_to_async(create_task)(task_id=f"call-{tenant}", assignee="bob",
                                         tenant_id=tenant)
    heard = []
    while not await socket.receive_nothing(timeout=1.5):
        heard.append(await socket.receive_json_from(timeout=5))
    await socket.disconnect()
    assert sorted(e["taskId"] for e in heard if e["type"] == "task.created") == [
        "call-None", "call-north"]
