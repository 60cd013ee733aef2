"""Tasks record when a command last updated them, and historic tasks their state
(Camunda 7.20's LAST_UPDATED_ and TASK_STATE_)."""

from django.db import migrations, models

# What earlier rows were: open ones as created (no update was recorded), ended ones by how
# they ended.
STATES = """
UPDATE engine_historictaskinstance SET task_state = CASE
    WHEN end_time IS NULL THEN 'Created'
    WHEN delete_reason = 'completed' THEN 'Completed'
    ELSE 'Deleted'
END
"""


class Migration(migrations.Migration):

    dependencies = [
        ('engine', '0028_job_repeat_offset'),
    ]

    operations = [
        migrations.AddField(
            model_name='task',
            name='last_updated',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historictaskinstance',
            name='task_state',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.RunSQL(STATES, migrations.RunSQL.noop),
    ]
