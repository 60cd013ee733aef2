"""Notices that wake long-polling workers go through Redis to every node, none lost in a burst."""

import asyncio
import logging

from channels.layers import get_channel_layer

from engine.jobs import long_polling
from engine.jobs.long_polling import MESSAGE_TYPE, group_name, notify_external_tasks_created


async def test_a_burst_of_notices_reaches_the_waiting_workers_in_full(
    settings, redis_url, channel_prefix, monkeypatch, caplog
):
    # As from a batch starting many instances whose first step is an external task. Sent
    # one by one, all in flight at once, they ran out of Redis connections: most were lost,
    # and the workers they were for waited until their timeout.
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "prefix": f"{channel_prefix}-notices"},
        }
    }
    monkeypatch.setattr(long_polling, "_sender", long_polling._Sender())  # this layer's
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group_name("invoices"), channel)
    burst = 3_000
    with caplog.at_level(logging.WARNING, logger=long_polling.log.name):
        sent = [notify_external_tasks_created({"invoices": 1}) for _ in range(burst)]
        await asyncio.wrap_future(sent[-1])
        woken = 0
        while woken < burst:
            message = await asyncio.wait_for(layer.receive(channel), 5)
            assert (message["type"], message["topic"]) == (MESSAGE_TYPE, "invoices")
            woken += message["count"]
    assert woken == burst
    assert not caplog.records
