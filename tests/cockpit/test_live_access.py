"""An open live socket follows its user's access: memberships, authorizations and the account
change what it hears, or close it, without a reload (identity/live_access.py)."""

import base64
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from cockpit.consumers import CLOSE_NO_APPLICATION_ACCESS, CLOSE_UNAUTHENTICATED, user_group
from config.asgi import application
from engine.events import within_tenant

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1")
PASSWORD = "s3cret-pass-9"
NORTH_TASKS = within_tenant("tasks.group.compliance", "north")


@pytest.fixture(params=["memory", "redis"])
def layer(request, settings, channel_prefix):
    """Each test runs on the embedded default (in-memory layer, the publisher on the server's
    loop) and on channels_redis, as several daphne processes share it."""
    settings.LEGATO_LIVE_HEARTBEAT_SECONDS = 0
    if request.param == "memory":
        settings.REDIS_URL = ""
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
        return
    redis_url = request.getfixturevalue("redis_url")
    prefix = f"{channel_prefix}-access"
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYER_PREFIX = prefix
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": prefix},
        }
    }


@sync_to_async
def user_with_cookie(username: str, *groups: str, applications=("tasklist",)) -> bytes:
    """A user of these groups with ACCESS on these applications, and its session cookie."""
    from tests.identity.factories import grant_applications, make_user

    user = make_user(username, *groups, password=PASSWORD)
    grant_applications(username, *applications)
    return new_session(user)


def new_session(user) -> bytes:
    """The cookie of a new session signed in as `user` (as another browser's login)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = django_settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{django_settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


@sync_to_async
def rest(method: str, path: str, data: dict | None = None) -> int:
    """Call /engine-rest as an administrator (created on first use); the status code."""
    from django.contrib.auth.models import User

    from tests.identity.factories import make_user

    if not User.objects.filter(username="root").exists():
        make_user("root", django_settings.LEGATO_ADMIN_GROUP, password=PASSWORD)
    token = base64.b64encode(f"root:{PASSWORD}".encode()).decode()
    response = getattr(Client(), method)(
        "/engine-rest" + path, data, content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {token}",
    )
    return response.status_code


@sync_to_async
def in_transaction(change, *args) -> None:
    """An identity service call as the engine (no acting user), in its own transaction."""
    change(None, *args)


@sync_to_async
def create_tenant(tenant_id: str) -> None:
    from identity.tenants import create_tenant

    create_tenant(None, tenant_id)


@sync_to_async
def compliance_task_in(tenant: str | None) -> None:
    """Start a process whose task is for the `compliance` group, deployed in `tenant`."""
    from engine.services import ResourceInput, deploy, runtime
    from tests.factories import bpmn_document, straight_process

    model = bpmn_document(
        straight_process("review").replace(
            '<bpmn:userTask id="Task_1"',
            '<bpmn:userTask id="Task_1" camunda:candidateGroups="compliance"',
        )
    )
    deployed = deploy([ResourceInput("review.bpmn", model)], tenant_id=tenant)
    runtime.start_process_instance(definition_id=deployed.process_definitions[0].id)


@sync_to_async
def start(key: str) -> None:
    from engine.services import ResourceInput, deploy, runtime
    from tests.factories import one_task_bpmn

    deploy([ResourceInput(f"{key}.bpmn", one_task_bpmn(key))])
    runtime.start_process_instance(key)


async def open_socket(cookie: bytes) -> tuple[WebsocketCommunicator, dict]:
    socket = WebsocketCommunicator(application, "/ws/live/", headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await socket.connect()
    assert connected
    hello = await next_frame(socket)
    assert hello["type"] == "hello"
    return socket, hello


async def next_frame(socket: WebsocketCommunicator) -> dict:
    """The next message to the browser, or `{"close": code}` when the socket closed."""
    output = await socket.receive_output(timeout=5)
    if output["type"] == "websocket.close":
        return {"close": output.get("code")}
    return json.loads(output["text"])


async def next_of_type(socket: WebsocketCommunicator, kind: str) -> dict:
    while (frame := await next_frame(socket))["type"] != kind:
        assert "close" not in frame, frame
    return frame


async def heard_until_quiet(socket: WebsocketCommunicator) -> list[dict]:
    heard = []
    while not await socket.receive_nothing(timeout=1.5):
        heard.append(await next_frame(socket))
    return heard


@pytest.mark.parametrize("member", ["user", "group"])
async def test_a_user_added_to_a_tenant_hears_its_tasks_on_the_open_socket(layer, member):
    from identity.tenants import add_group_member, add_user_member

    cookie = await user_with_cookie("bob", "compliance")
    await create_tenant("north")
    socket, hello = await open_socket(cookie)
    assert NORTH_TASKS not in hello["heads"]

    if member == "user":
        await in_transaction(add_user_member, "north", "bob")
    else:  # the tenant takes in one of bob's groups
        await in_transaction(add_group_member, "north", "compliance")
    again = await next_of_type(socket, "hello")
    assert NORTH_TASKS in again["heads"]

    await compliance_task_in("north")
    created = await next_of_type(socket, "task.created")
    assert created["group"] == NORTH_TASKS
    await socket.disconnect()


@pytest.mark.parametrize("member", ["user", "group"])
async def test_a_user_removed_from_a_tenant_no_longer_hears_its_tasks(layer, member):
    from identity.tenants import (
        add_group_member,
        add_user_member,
        remove_group_member,
        remove_user_member,
    )

    cookie = await user_with_cookie("bob", "compliance")
    await create_tenant("north")
    if member == "user":
        await in_transaction(add_user_member, "north", "bob")
    else:
        await in_transaction(add_group_member, "north", "compliance")
    socket, hello = await open_socket(cookie)
    assert NORTH_TASKS in hello["heads"]

    if member == "user":
        await in_transaction(remove_user_member, "north", "bob")
    else:
        await in_transaction(remove_group_member, "north", "compliance")
    again = await next_of_type(socket, "hello")
    assert NORTH_TASKS not in again["heads"]

    await compliance_task_in("north")
    await compliance_task_in(None)
    heard = await heard_until_quiet(socket)
    await socket.disconnect()
    assert [e["group"] for e in heard if e["type"] == "task.created"] == [
        "tasks.shared.group.compliance"
    ]


async def test_a_user_taken_out_of_a_candidate_group_no_longer_hears_its_tasks(layer):
    from identity.accounts import remove_member

    cookie = await user_with_cookie("bob", "compliance")
    socket, hello = await open_socket(cookie)
    assert "tasks.shared.group.compliance" in hello["heads"]

    await in_transaction(remove_member, "compliance", "bob")
    again = await next_of_type(socket, "hello")
    assert "tasks.shared.group.compliance" not in again["heads"]
    await compliance_task_in(None)
    heard = await heard_until_quiet(socket)
    await socket.disconnect()
    assert [e for e in heard if e["type"] == "task.created"] == []


async def test_revoking_the_application_access_over_rest_closes_the_socket_with_4403(layer):
    from identity.models import Authorization

    cookie = await user_with_cookie("bob", applications=("tasklist",))
    socket, _ = await open_socket(cookie)
    rule = await sync_to_async(Authorization.objects.get)(user_id="bob", resource_id="tasklist")

    assert await rest("delete", f"/authorization/{rule.pk}") == 204
    assert await next_frame(socket) == {"close": CLOSE_NO_APPLICATION_ACCESS}


async def test_losing_one_of_two_applications_keeps_the_socket_and_its_other_groups(layer):
    from identity.models import Authorization

    cookie = await user_with_cookie("bob", "compliance", applications=("tasklist", "cockpit"))
    await sync_to_async(Authorization.objects.create)(
        type=1, user_id="bob", resource_type=6, resource_id="*",
        permissions=["READ", "READ_INSTANCE"],
    )
    socket, hello = await open_socket(cookie)
    assert "cockpit.shared" in hello["heads"]
    rule = await sync_to_async(Authorization.objects.get)(user_id="bob", resource_id="cockpit")

    assert await rest("delete", f"/authorization/{rule.pk}") == 204
    again = await next_of_type(socket, "hello")
    await socket.disconnect()
    assert "cockpit.shared" not in again["heads"]
    assert "tasks.shared.group.compliance" in again["heads"]


async def test_a_deleted_user_s_socket_closes_with_4401(layer):
    cookie = await user_with_cookie("bob")
    socket, _ = await open_socket(cookie)

    assert await rest("delete", "/user/bob") == 204
    assert await next_frame(socket) == {"close": CLOSE_UNAUTHENTICATED}


async def test_a_password_changed_by_an_administrator_signs_the_socket_out(layer):
    # As Django ends the user's other sessions when the password changes.
    cookie = await user_with_cookie("bob")
    socket, _ = await open_socket(cookie)

    body = {"password": "new-pass-4567", "authenticatedUserPassword": PASSWORD}
    assert await rest("put", "/user/bob/credentials", body) == 204
    assert await next_frame(socket) == {"close": CLOSE_UNAUTHENTICATED}


async def test_a_group_s_new_authorizations_reach_its_members_sockets(layer):
    """Granted to a group over REST: its member hears the process it may now read, and the
    sequence numbering of the groups it had is not disturbed (the access change is no event)."""
    cookie = await user_with_cookie("alice", "auditors")
    socket, hello = await open_socket(cookie)
    alpha = within_tenant("cockpit.definition.alpha", None)
    assert alpha not in hello["heads"]

    for resource_type, resource_id, permissions in (
        (0, "cockpit", ["ACCESS"]),
        (6, "alpha", ["READ", "READ_INSTANCE"]),
    ):
        assert await rest("post", "/authorization/create", {
            "type": 1, "groupId": "auditors", "resourceType": resource_type,
            "resourceId": resource_id, "permissions": permissions,
        }) == 200
    # Both grants may arrive as one change or as two: the last hello names the new group.
    again = await next_of_type(socket, "hello")
    while alpha not in again["heads"]:
        again = await next_of_type(socket, "hello")
    own = user_group_of_hello(hello)
    assert again["heads"][own] == hello["heads"][own]

    await start("alpha")
    await start("beta")
    heard = await heard_until_quiet(socket)
    await socket.disconnect()
    started = [e["processDefinitionKey"] for e in heard if e["type"] == "instance.started"]
    assert started == ["alpha"]


def user_group_of_hello(hello: dict) -> str:
    (name,) = [group for group in hello["heads"] if group.startswith(user_group(0)[:-1])]
    return name


async def test_a_change_that_moves_no_group_leaves_the_socket_quiet(layer):
    cookie = await user_with_cookie("bob", "compliance")
    socket, _ = await open_socket(cookie)
    assert await rest("post", "/authorization/create", {
        "type": 1, "userId": "bob", "resourceType": 5, "resourceId": "*",
        "permissions": ["CREATE"],
    }) == 200
    # Filters name no channel group: the socket re-reads, finds the same groups, says nothing.
    assert await socket.receive_nothing(timeout=1)
    await socket.disconnect()


@sync_to_async
def log_out(cookie: bytes) -> int:
    """Log the cookie's session out through the page's logout button; the status code."""
    client = Client()
    name, _, key = cookie.decode().partition("=")
    client.cookies[name] = key
    return client.post("/logout/").status_code


async def test_logging_out_closes_the_session_s_sockets_and_no_other_session_s(layer):
    from django.contrib.auth.models import User

    first = await user_with_cookie("bob", "compliance")
    second = await sync_to_async(new_session)(await sync_to_async(User.objects.get)(username="bob"))
    tab, other_tab = (await open_socket(first))[0], (await open_socket(first))[0]
    other_browser, _ = await open_socket(second)

    assert await log_out(first) == 302
    assert await next_frame(tab) == {"close": CLOSE_UNAUTHENTICATED}
    assert await next_frame(other_tab) == {"close": CLOSE_UNAUTHENTICATED}
    # The same user's other session re-checks its own, finds it signed in, and still hears.
    await compliance_task_in(None)
    assert (await next_frame(other_browser))["type"] == "task.created"
    await other_browser.disconnect()
