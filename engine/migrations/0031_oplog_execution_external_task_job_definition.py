from django.db import migrations, models


class Migration(migrations.Migration):
    """Camunda's executionId, externalTaskId and jobDefinitionId on user operation log entries
    (filters of /history/user-operation). Rows written before stay without them: they are
    hashed only when set (engine.models.oplog.LATER_FIELDS)."""

    dependencies = [
        ("engine", "0030_historicdetail_detail_type"),
    ]

    operations = [
        migrations.AddField(
            model_name="useroperationlog",
            name=name,
            field=models.CharField(blank=True, max_length=64, null=True),
        )
        for name in ("execution_id", "external_task_id", "job_definition_id")
    ]
