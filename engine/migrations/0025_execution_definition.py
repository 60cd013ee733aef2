"""Execution rows repeat their instance's definition (the cockpit counts a definition's tokens
per activity on one index); rows written before get it from their instance."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def definitions_of_instances(apps, schema_editor) -> None:
    database = schema_editor.connection.alias
    Execution = apps.get_model("engine", "Execution")
    ProcessInstance = apps.get_model("engine", "ProcessInstance")
    Execution.objects.using(database).update(
        process_definition_id=Coalesce(
            Subquery(
                ProcessInstance.objects.using(database)
                .filter(pk=OuterRef("process_instance_id"))
                .values("process_definition_id")[:1]
            ),
            Value(""),
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ("engine", "0024_historic_activity_definition_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="execution",
            name="process_definition_id",
            field=models.CharField(default="", max_length=255),
        ),
        migrations.RunPython(definitions_of_instances, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="execution",
            index=models.Index(
                fields=["process_definition_id", "activity_id"], name="execution_definition"
            ),
        ),
    ]
