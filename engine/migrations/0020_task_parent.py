"""Subtasks (Camunda's PARENT_TASK_ID_ on ACT_RU_TASK and ACT_HI_TASKINST): a task's parent,
indexed on the runtime table, where ending a task looks up its subtasks."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('engine', '0019_process_definition_starters'),
    ]

    operations = [
        migrations.AddField(
            model_name='historictaskinstance',
            name='parent_task_id',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name='task',
            name='parent_task_id',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(fields=['parent_task_id'], name='task_parent'),
        ),
    ]
