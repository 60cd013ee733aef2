"""Live events reach channel groups through Redis, numbered per group, only after commit."""

import asyncio
import logging
import threading

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from engine import events
from engine.events import event, publish_on_commit, publisher


@pytest.fixture
def redis_layer(settings, redis_url, channel_prefix):
    publisher.settle()  # an earlier test's events go to its own layer, not to this one
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYER_PREFIX = f"{channel_prefix}-events"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": settings.CHANNEL_LAYER_PREFIX},
        }
    }
    return get_channel_layer()


class Listener:
    """A channel in a group, read one event at a time (a group message carries a list)."""

    def __init__(self, layer, channel: str) -> None:
        self.layer, self.channel, self.waiting = layer, channel, []

    async def next(self, timeout: float = 5) -> dict:
        while not self.waiting:
            message = await asyncio.wait_for(self.layer.receive(self.channel), timeout)
            assert message["type"] == "live.events"
            self.waiting.extend(message["events"])
        return self.waiting.pop(0)


async def listen(layer, group: str) -> Listener:
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    return Listener(layer, channel)


async def test_events_of_one_group_carry_consecutive_sequence_numbers(redis_layer):
    channel = await listen(redis_layer, "definition.invoice")
    for instance in ("a", "b"):
        future = publisher.publish(
            ["definition.invoice"], event("instance.started", processInstanceId=instance)
        )
        await asyncio.wrap_future(future)
    first, second = await channel.next(), await channel.next()
    assert (first["processInstanceId"], second["processInstanceId"]) == ("a", "b")
    assert second["seq"] == first["seq"] + 1
    assert first["type"] == "instance.started"


async def test_a_burst_of_events_arrives_complete_in_order_and_numbered(redis_layer, caplog):
    # As from a busy engine: many commands hand over their events at once. Sent one message
    # per event, concurrently, they ran out of Redis connections and most were lost.
    listener = await listen(redis_layer, "definition.burst")
    burst = 3_000
    with caplog.at_level(logging.WARNING, logger="legato.events"):
        for n in range(burst):
            publisher.publish(["definition.burst"], event("instance.started", processInstanceId=n))
        received = [await listener.next() for _ in range(burst)]
    assert [e["processInstanceId"] for e in received] == list(range(burst))
    seqs = [e["seq"] for e in received]
    assert seqs == list(range(seqs[0], seqs[0] + burst))
    assert not caplog.records


async def test_when_too_many_events_wait_the_oldest_are_dropped_leaving_a_gap(
    redis_layer, monkeypatch
):
    listener = await listen(redis_layer, "definition.slow")
    await asyncio.wrap_future(publisher.publish(["definition.slow"], event("instance.started")))
    before = (await listener.next())["seq"]
    monkeypatch.setattr(events, "MAX_WAITING", 5)
    started, release = threading.Event(), threading.Event()

    async def hold_the_publisher() -> None:  # as a Redis that answers slowly
        started.set()
        release.wait(5)

    asyncio.run_coroutine_threadsafe(hold_the_publisher(), publisher._target_loop())
    started.wait(5)
    for n in range(8):
        sent = publisher.publish(["definition.slow"], event("task.created", taskId=str(n)))
    release.set()
    await asyncio.wrap_future(sent)
    kept = [await listener.next() for _ in range(5)]
    assert [e["taskId"] for e in kept] == ["3", "4", "5", "6", "7"]
    # The three dropped leave their numbers unused: the browser sees the gap and re-reads.
    assert [e["seq"] for e in kept] == [before + 4 + n for n in range(5)]


@pytest.mark.django_db(transaction=True)
def test_nothing_is_published_for_a_rolled_back_command(redis_layer):
    channel = async_to_sync(listen)(redis_layer, "user.7")

    def failing_command() -> None:
        with transaction.atomic():
            publish_on_commit(["user.7"], event("task.created", taskId="lost"))
            raise RuntimeError("the command failed")

    with pytest.raises(RuntimeError):
        failing_command()
    with transaction.atomic():
        publish_on_commit(["user.7"], event("task.created", taskId="kept"))
    assert async_to_sync(channel.next)()["taskId"] == "kept"


@pytest.mark.django_db(transaction=True)
def test_a_completed_task_leaves_the_screens_of_its_candidate_group(redis_layer, engine_users):
    from engine.models import Task
    from engine.services import ResourceInput, deploy
    from engine.services import runtime as rt
    from tests.engine.test_queries import CANDIDATES
    from tests.factories import bpmn_document

    channel = async_to_sync(listen)(redis_layer, "tasks.group.management")
    deploy([ResourceInput("offer.bpmn", bpmn_document(CANDIDATES))])
    rt.start_process_instance("offer")
    created = async_to_sync(channel.next)()
    assert created["type"] == "task.created"
    rt.complete_task(Task.objects.get().id, user_id="demo")
    completed = async_to_sync(channel.next)()
    assert (completed["type"], completed["taskId"]) == ("task.completed", created["taskId"])


@pytest.mark.django_db(transaction=True)
def test_a_subtasks_events_name_its_parent(redis_layer, engine_users):
    from engine.services import runtime as rt
    from engine.services.standalone_tasks import create_task

    channel = async_to_sync(listen)(redis_layer, "tasks.user.anna")
    create_task(task_id="plan", assignee="anna", user_id="demo")
    create_task(task_id="boxes", assignee="anna", parent_task_id="plan", user_id="demo")
    rt.complete_task("boxes", user_id="demo")
    received = [async_to_sync(channel.next)() for _ in range(3)]
    assert [(e["type"], e["taskId"], e.get("parentTaskId")) for e in received] == [
        ("task.created", "plan", None),
        ("task.created", "boxes", "plan"),
        ("task.completed", "boxes", "plan"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_variable_change_reaches_the_people_of_the_instance_s_open_tasks(
    redis_layer, engine_users
):
    from engine.services import ResourceInput, deploy
    from engine.services import runtime as rt
    from tests.engine.test_queries import CANDIDATES
    from tests.factories import bpmn_document

    channel = async_to_sync(listen)(redis_layer, "tasks.group.management")
    deploy([ResourceInput("offer.bpmn", bpmn_document(CANDIDATES))])
    first, second = (rt.start_process_instance("offer", variables={"amount": n}) for n in (1, 2))
    # The task's own event tells of the variables set with it: no second event for them.
    created = [async_to_sync(channel.next)() for _ in range(2)]
    assert [(e["type"], e["processInstanceId"]) for e in created] == [
        ("task.created", first.id), ("task.created", second.id)
    ]
    rt.set_variables(first.id, {"amount": 3})
    changed = async_to_sync(channel.next)()
    assert (changed["type"], changed["processInstanceId"]) == ("variables.changed", first.id)
