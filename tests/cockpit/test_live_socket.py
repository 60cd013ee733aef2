"""The live-update WebSocket: only authenticated browsers connect, and group events reach them."""

from collections.abc import Awaitable, Callable

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from redis.asyncio import Redis

from cockpit.consumers import CLOSE_NO_APPLICATION_ACCESS, CLOSE_UNAUTHENTICATED, user_group
from config.asgi import application
from identity.demo import ensure_demo_user

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    # Tests of who may connect need no Redis; those about Redis set its layer themselves. A
    # refused socket's consumer still waits on its layer when the test's loop closes, and
    # channels_redis's receive, cancelled then, once held up the loop's teardown for good.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def redis_layer(redis_url: str, prefix: str) -> dict:
    """CHANNEL_LAYERS for channels_redis on the test's Redis, under its own prefix."""
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": prefix},
        }
    }


def session_cookie(user) -> bytes:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}".encode()


@sync_to_async
def session_cookie_for_demo() -> tuple[int, bytes]:
    user = ensure_demo_user()
    return user.pk, session_cookie(user)


@sync_to_async
def cookie_of_user_with(*applications: str) -> bytes:
    from django.contrib.auth.models import User

    from tests.identity.factories import grant_applications

    user = User.objects.create_user("someone", password="x")
    grant_applications("someone", *applications)
    return session_cookie(user)


async def test_socket_without_a_session_is_refused():
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=[ORIGIN])
    connected, code = await communicator.connect()
    await communicator.disconnect()
    assert not connected
    assert code == CLOSE_UNAUTHENTICATED


async def test_socket_of_a_user_without_cockpit_or_tasklist_access_is_refused():
    cookie = await cookie_of_user_with("admin")
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, code = await communicator.connect()
    await communicator.disconnect()
    assert not connected
    assert code == CLOSE_NO_APPLICATION_ACCESS


async def test_socket_of_a_tasklist_user_is_accepted():
    cookie = await cookie_of_user_with("tasklist")
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"
    await communicator.disconnect()


async def test_socket_from_another_origin_is_refused():
    _, cookie = await session_cookie_for_demo()
    headers = [(b"origin", b"http://evil.example"), (b"cookie", cookie)]
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    connected, _ = await communicator.connect()
    assert not connected


async def _hello_then_group_event() -> None:
    user_id, cookie = await session_cookie_for_demo()
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from(timeout=5)
    assert {k: hello[k] for k in ("type", "user", "seq")} == {
        "type": "hello",
        "user": "demo",
        "seq": 0,
    }
    assert user_group(user_id) in hello["heads"]

    event = {"type": "task.created", "taskId": "t-1", "seq": 1}
    await get_channel_layer().group_send(
        user_group(user_id), {"type": "live.event", "event": event}
    )
    assert await communicator.receive_json_from(timeout=5) == event
    await communicator.disconnect()


async def test_authenticated_socket_receives_its_users_events_on_the_in_memory_layer():
    await _hello_then_group_event()


async def test_authenticated_socket_receives_its_users_events_through_redis(
    settings, redis_url, channel_prefix
):
    settings.CHANNEL_LAYERS = redis_layer(redis_url, channel_prefix)
    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
    await _hello_then_group_event()


@sync_to_async
def limited_operator_cookie() -> bytes:
    from django.contrib.auth.models import User

    from identity.models import Authorization
    from identity.resources import Resource

    user = User.objects.create_user("limited", password="x")
    Authorization.objects.create(
        type=1, user_id="limited", resource_type=Resource.APPLICATION,
        resource_id="cockpit", permissions=["ACCESS"],
    )
    Authorization.objects.create(
        type=1, user_id="limited", resource_type=Resource.PROCESS_DEFINITION,
        resource_id="alpha", permissions=["READ", "READ_INSTANCE"],
    )
    return session_cookie(user)


@sync_to_async
def start_alpha_and_beta() -> None:
    from engine.services import ResourceInput, deploy
    from engine.services import runtime as rt
    from tests.factories import one_task_bpmn

    deploy([ResourceInput("a.bpmn", one_task_bpmn("alpha"))])
    deploy([ResourceInput("b.bpmn", one_task_bpmn("beta"))])
    rt.start_process_instance("beta")
    rt.start_process_instance("alpha")


async def heard_while_starting_alpha_and_beta(cookie: bytes) -> list[dict]:
    """What a socket with this session cookie receives after its hello while `alpha` and
    `beta` are deployed and started, until it has been quiet for 1.5 s."""
    return await heard_while(cookie, start_alpha_and_beta)


async def heard_while(cookie: bytes, act: Callable[[], Awaitable[None]]) -> list[dict]:
    """What a socket with this session cookie receives after its hello while `act` runs,
    until it has been quiet for 1.5 s."""
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"
    await act()
    heard = []
    while not await communicator.receive_nothing(timeout=1.5):
        heard.append(await communicator.receive_json_from(timeout=5))
    await communicator.disconnect()
    return heard


async def test_an_operator_hears_only_the_processes_it_may_read(
    settings, redis_url, channel_prefix
):
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYERS = redis_layer(redis_url, f"{channel_prefix}-limited")
    cookie = await limited_operator_cookie()
    heard = await heard_while_starting_alpha_and_beta(cookie)
    started = [e for e in heard if e["type"] == "instance.started"]
    assert [e["processDefinitionKey"] for e in started] == ["alpha"]


async def test_the_engine_s_events_reach_the_socket_on_the_embedded_default(settings):
    # No Redis: the publisher sends on the loop of the server the socket lives on.
    settings.REDIS_URL = ""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    _, cookie = await session_cookie_for_demo()
    heard = await heard_while_starting_alpha_and_beta(cookie)
    started = [e for e in heard if e["type"] == "instance.started"]
    assert [e["processDefinitionKey"] for e in started] == ["beta", "alpha"]
    # The demo administrator listens on `cockpit`: its events are numbered one after another.
    cockpit = [e["seq"] for e in heard if e["group"] == "cockpit"]
    assert cockpit == list(range(cockpit[0], cockpit[0] + len(cockpit)))


async def test_the_heartbeat_tells_how_far_each_group_was_numbered(
    settings, redis_url, channel_prefix
):
    # A message numbered but lost (dropped past capacity, expired) is seen at the next beat.
    prefix = f"{channel_prefix}-beat"
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYER_PREFIX = prefix
    settings.LEGATO_LIVE_HEARTBEAT_SECONDS = 1
    settings.CHANNEL_LAYERS = redis_layer(redis_url, prefix)
    user_id, cookie = await session_cookie_for_demo()
    communicator = WebsocketCommunicator(
        application, "/ws/live/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from(timeout=5)
    group = user_group(user_id)
    before = hello["heads"][group]

    redis = Redis.from_url(redis_url)
    await redis.incrby(f"{prefix}:seq:{group}", 2)
    await redis.aclose()
    beat = await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()
    assert beat["type"] == "heartbeat"
    assert beat["heads"][group] == before + 2


@sync_to_async
def tenant_operator_cookie() -> bytes:
    """An operator who may read every instance, member of tenant `one` only."""
    from django.contrib.auth.models import User

    from identity.models import Authorization
    from identity.resources import Resource
    from tests.identity.factories import grant_applications, join_tenant

    user = User.objects.create_user("tenanted", password="x")
    grant_applications("tenanted", "cockpit")
    Authorization.objects.create(
        type=1, user_id="tenanted", resource_type=Resource.PROCESS_DEFINITION,
        resource_id="*", permissions=["READ", "READ_INSTANCE"],
    )
    join_tenant("tenanted", "one")
    return session_cookie(user)


@sync_to_async
def start_in_three_tenants() -> None:
    """`alpha` in tenant one, `beta` in tenant two, `gamma` in none; one instance of each, with
    an incident in beta's and gamma's."""
    from engine.models import Task
    from engine.services import ResourceInput, deploy
    from engine.services import runtime as rt
    from engine.services.incidents import create_incident
    from tests.factories import one_task_bpmn

    for key, tenant in (("alpha", "one"), ("beta", "two"), ("gamma", None)):
        deployed = deploy([ResourceInput(f"{key}.bpmn", one_task_bpmn(key))], tenant_id=tenant)
        started = rt.start_process_instance(definition_id=deployed.process_definitions[0].id)
        if key != "alpha":
            task = Task.objects.get(process_instance_id=started.id)
            create_incident(task.execution_id, "custom")


async def test_an_operator_hears_no_instance_of_a_tenant_it_is_not_a_member_of(
    settings, redis_url, channel_prefix
):
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYERS = redis_layer(redis_url, f"{channel_prefix}-tenants")
    heard = await heard_while(await tenant_operator_cookie(), start_in_three_tenants)
    started = sorted(e["processDefinitionKey"] for e in heard if e["type"] == "instance.started")
    assert started == ["alpha", "gamma"]
    incidents = [e["processDefinitionId"] for e in heard if e["type"] == "incident.raised"]
    assert [definition.split(":")[0] for definition in incidents] == ["gamma"]
