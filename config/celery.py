"""The Celery app: Redis carries messages; the database stays the truth for jobs."""

import os

from celery import Celery
from celery.signals import worker_process_init, worker_process_shutdown, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("legato")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# Execution metrics: each process that runs jobs counts in memory and flushes its own
# counts (engine/metrics/reporter.py). A prefork child starts its reporter when it starts
# and flushes once more when it stops; solo and thread pools run jobs in the main process.
@worker_process_init.connect
@worker_ready.connect
def start_metrics_reporter(**_: object) -> None:
    from engine.metrics.reporter import start_metrics_reporter as start

    start()


@worker_process_shutdown.connect
def flush_metrics(**_: object) -> None:
    from engine.metrics.reporter import flush_quietly

    flush_quietly()
