"""Live events reach channel groups through Redis, numbered per group, only after commit."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from engine.events import event, publish_on_commit, publisher


@pytest.fixture
def redis_layer(settings, redis_url, channel_prefix):
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYER_PREFIX = f"{channel_prefix}-events"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": settings.CHANNEL_LAYER_PREFIX},
        }
    }
    return get_channel_layer()


async def listen(layer, group: str) -> str:
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    return channel


async def receive(layer, channel: str) -> dict:
    return (await asyncio.wait_for(layer.receive(channel), 5))["event"]


async def test_events_of_one_group_carry_consecutive_sequence_numbers(redis_layer):
    channel = await listen(redis_layer, "definition.invoice")
    for instance in ("a", "b"):
        future = publisher.publish(
            ["definition.invoice"], event("instance.started", processInstanceId=instance)
        )
        await asyncio.wrap_future(future)
    first, second = await receive(redis_layer, channel), await receive(redis_layer, channel)
    assert (first["processInstanceId"], second["processInstanceId"]) == ("a", "b")
    assert second["seq"] == first["seq"] + 1
    assert first["type"] == "instance.started"


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
    assert async_to_sync(receive)(redis_layer, channel)["taskId"] == "kept"


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
    created = async_to_sync(receive)(redis_layer, channel)
    assert created["type"] == "task.created"
    rt.complete_task(Task.objects.get().id, user_id="demo")
    completed = async_to_sync(receive)(redis_layer, channel)
    assert (completed["type"], completed["taskId"]) == ("task.completed", created["taskId"])
