"""The Celery app: Redis carries messages; the database stays the truth for jobs."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("legato")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
