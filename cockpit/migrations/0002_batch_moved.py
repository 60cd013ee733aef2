"""The Batch model now belongs to the `batches` app (batches 0001), which keeps the table:
only the cockpit's migration state forgets it, no SQL runs."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cockpit", "0001_batch"), ("batches", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Batch")], database_operations=[]
        ),
    ]
