"""The execution Camunda would show for each of ours (Execution.public_id): written by the
store with every execution row. Rows written before show as themselves until their token
next moves (the store rewrites a row when it changes)."""

from django.db import migrations, models
from django.db.models import F


def own_ids(apps, schema_editor) -> None:
    Execution = apps.get_model("engine", "Execution")
    Execution.objects.using(schema_editor.connection.alias).update(public_id=F("id"))


class Migration(migrations.Migration):

    dependencies = [
        ("engine", "0021_variable_instance_ids"),
    ]

    operations = [
        migrations.AddField(
            model_name="execution",
            name="public_id",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(own_ids, migrations.RunPython.noop),
    ]
