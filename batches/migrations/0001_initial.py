"""The Batch model moves here from the cockpit; its table `cockpit_batch` stays, rows and all.

The state operation declares the model as cockpit 0001 created it (no SQL runs), then the new
columns are added to the existing table. cockpit 0002 drops the model from the cockpit's state.
"""

import uuid

from django.db import migrations, models

TYPES = [
    ("retry-incidents", "Retry incidents"),
    ("instance-deletion", "Delete process instances"),
    ("set-job-retries", "Set job retries"),
    ("set-external-task-retries", "Set external task retries"),
    ("instance-update-suspension-state", "Suspend or activate process instances"),
    ("variables", "Set variables"),
]
STATES = [("running", "Running"), ("completed", "Completed"), ("deleted", "Deleted")]


class Migration(migrations.Migration):
    initial = True

    dependencies = [("cockpit", "0001_batch")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Batch",
                    fields=[
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False,
                                                primary_key=True, serialize=False)),
                        ("type", models.CharField(choices=TYPES[:1], max_length=32)),
                        ("state", models.CharField(choices=STATES[:2], default="running",
                                                   max_length=16)),
                        ("created_by", models.CharField(max_length=150)),
                        ("created", models.DateTimeField(auto_now_add=True)),
                        ("ended", models.DateTimeField(blank=True, null=True)),
                        ("description", models.CharField(blank=True, max_length=500)),
                        ("targets", models.JSONField(default=list)),
                        ("total", models.PositiveIntegerField(default=0)),
                        ("position", models.PositiveIntegerField(default=0)),
                        ("done", models.PositiveIntegerField(default=0)),
                        ("failed", models.PositiveIntegerField(default=0)),
                        ("failures", models.JSONField(default=list)),
                        ("lease_owner", models.CharField(blank=True, max_length=255)),
                        ("lease_until", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={"ordering": ["-created"], "db_table": "cockpit_batch"},
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name="batch", name="type",
            field=models.CharField(choices=TYPES, max_length=32),
        ),
        migrations.AlterField(
            model_name="batch", name="state",
            field=models.CharField(choices=STATES, default="running", max_length=16),
        ),
        migrations.AddField(
            model_name="batch", name="suspended", field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="batch", name="tenant_id",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="batch", name="execution_started",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="batch", name="options", field=models.JSONField(default=dict),
        ),
    ]
