"""A variable's id is derived from its execution and name (engine.store.tables.
variable_instance_id), the same in its runtime row, its history row and its updates'
variableInstanceId. Rows written before get theirs: the function is repeated here, as a
migration must not change when the code does."""

import uuid

from django.db import migrations

_VARIABLE_IDS = uuid.UUID("5b0f6a52-2c7e-4c55-9a4f-4c6567617430")
_CHUNK = 2_000


def _variable_id(execution_id: str, name: str) -> str:
    return str(uuid.uuid5(_VARIABLE_IDS, f"{execution_id}/{name}"))


def _rename(model, schema_editor) -> None:
    table = schema_editor.quote_name(model._meta.db_table)
    rows = model.objects.using(schema_editor.connection.alias).values_list(
        "id", "execution_id", "name"
    )
    changes = [
        (new, old)
        for old, execution_id, name in rows.iterator(chunk_size=_CHUNK)
        if (new := _variable_id(execution_id, name)) != old
    ]
    with schema_editor.connection.cursor() as cursor:
        for first in range(0, len(changes), _CHUNK):
            cursor.executemany(
                f"UPDATE {table} SET id = %s WHERE id = %s", changes[first : first + _CHUNK]
            )


def derive_ids(apps, schema_editor) -> None:
    _rename(apps.get_model("engine", "VariableInstance"), schema_editor)
    _rename(apps.get_model("engine", "HistoricVariableInstance"), schema_editor)
    details = schema_editor.quote_name(apps.get_model("engine", "HistoricDetail")._meta.db_table)
    variables = schema_editor.quote_name(
        apps.get_model("engine", "HistoricVariableInstance")._meta.db_table
    )
    # A detail names its variable by its history row (one per execution and name).
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {details} SET variable_instance_id = COALESCE(("
            f"SELECT v.id FROM {variables} v WHERE v.execution_id = {details}.execution_id "
            f"AND v.name = {details}.name), variable_instance_id)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("engine", "0020_task_parent"),
    ]

    operations = [
        migrations.RunPython(derive_ids, migrations.RunPython.noop),
    ]
