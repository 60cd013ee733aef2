"""Celery on Redis: a task sent by the web side runs in a real worker process."""

import os

import pytest

from engine.tasks import health_check
from tests import live

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_worker_process_runs_the_task_and_reaches_the_database(redis_url, channel_prefix):
    queue = f"q-{channel_prefix}"
    with live.celery_worker(channel_prefix, queue):
        result = health_check.apply_async(queue=queue).get(timeout=30)
    assert result["database"] is True
    assert result["vendor"] == (
        "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite"
    )
    assert result["worker"]
