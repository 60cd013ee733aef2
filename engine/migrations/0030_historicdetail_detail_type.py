"""Historic details hold submitted form fields too (Camunda's HistoricFormField), told apart
from variable updates by their type (ACT_HI_DETAIL.TYPE_); every earlier row is one."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('engine', '0029_task_last_updated_and_state'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicdetail',
            name='detail_type',
            field=models.CharField(
                choices=[('VariableUpdate', 'Variable Update'), ('FormProperty', 'Form Field')],
                db_default='VariableUpdate',
                default='VariableUpdate',
                max_length=16,
            ),
        ),
    ]
