"""Migration 0021 gives the variables written before it their derived ids, and their updates
the id of their history row, as the store writes them since."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from engine.models import HistoricDetail, HistoricVariableInstance, VariableInstance
from engine.store.tables import variable_instance_id
from tests.engine.schema import migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("engine", "0020_task_parent")]
AFTER = [("engine", "0021_variable_instance_ids")]


def test_rows_written_before_get_the_ids_the_store_writes_now(at_latest_afterwards):
    migrate(BEFORE)
    # Details are written as the schema then was: later migrations add columns to them.
    Detail = MigrationExecutor(connection).loader.project_state(BEFORE).apps.get_model(
        "engine", "HistoricDetail"
    )
    now = timezone.now()
    VariableInstance.objects.create(
        id="old-runtime-1",
        name="amount",
        type="Integer",
        value=250,
        process_instance_id="pi-1",
        execution_id="pi-1",
    )
    HistoricVariableInstance.objects.create(
        id="old-history-1",
        name="amount",
        type="Integer",
        value=250,
        process_instance_id="pi-1",
        execution_id="pi-1",
        create_time=now,
    )
    for revision, value in enumerate((100, 250)):
        Detail.objects.create(
            variable_instance_id="pi-1/amount",
            name="amount",
            type="Integer",
            value=value,
            revision=revision,
            time=now,
            process_instance_id="pi-1",
            execution_id="pi-1",
        )
    # An update whose history row was cleaned up keeps what it had.
    Detail.objects.create(
        variable_instance_id="pi-2/gone",
        name="gone",
        type="Integer",
        value=1,
        revision=0,
        time=now,
        process_instance_id="pi-2",
        execution_id="pi-2",
    )

    migrate(AFTER)

    derived = variable_instance_id("pi-1", "amount")
    assert list(VariableInstance.objects.values_list("id", flat=True)) == [derived]
    assert list(HistoricVariableInstance.objects.values_list("id", flat=True)) == [derived]
    assert sorted(HistoricDetail.objects.values_list("name", "variable_instance_id")) == [
        ("amount", derived),
        ("amount", derived),
        ("gone", "pi-2/gone"),
    ]
