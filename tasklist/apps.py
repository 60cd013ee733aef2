from django.apps import AppConfig


class TasklistConfig(AppConfig):
    name = "tasklist"
