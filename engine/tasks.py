"""Celery tasks: thin wrappers that take ids and primitives and call one service."""

from __future__ import annotations

import socket

from celery import shared_task
from django.db import connection


@shared_task(name="legato.health_check")
def health_check() -> dict[str, object]:
    """Proves a worker is alive and reaches the database; answered by the worker that ran it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (db_ok,) = cursor.fetchone()
    return {"worker": socket.gethostname(), "database": db_ok == 1, "vendor": connection.vendor}
