from django.apps import AppConfig
from django.db.backends.signals import connection_created


class EngineConfig(AppConfig):
    name = "engine"
    verbose_name = "Process engine"

    def ready(self) -> None:
        from engine.store.sqlite_wal import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="engine-sqlite-wal")
