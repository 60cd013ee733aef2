"""The schema log: Legato's applied Django migrations, as Camunda's ACT_GE_SCHEMA_LOG lists
the schema versions its database went through (`version` is `<app>.<migration>`)."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import CharField, QuerySet, Value
from django.db.models.functions import Concat


def list_schema_log(*, version: str | None = None) -> QuerySet[MigrationRecorder.Migration]:
    """The applied migrations, each annotated with its `version`; callers sort and page."""
    rows = MigrationRecorder(connection).migration_qs.annotate(
        version=Concat("app", Value("."), "name", output_field=CharField())
    )
    if version is not None:
        rows = rows.filter(version=version)
    return rows
