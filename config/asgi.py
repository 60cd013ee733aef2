"""ASGI entry point: HTTP goes to Django, WebSockets to the live-update consumers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before the consumers import models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from cockpit.routing import websocket_urlpatterns  # noqa: E402
from engine.metrics.reporter import start_metrics_reporter  # noqa: E402

# This process counts execution metrics from the commands it runs; a thread flushes them.
start_metrics_reporter()

if settings.LEGATO_JOB_EXECUTOR_IN_PROCESS:
    # Embedded default: this process runs jobs and timers itself (no Redis, no Celery).
    from engine.jobs.executor import start_embedded_executor

    start_embedded_executor()
    if settings.LEGATO_DEMO and settings.LEGATO_DEMO_TRAFFIC:
        from demo.traffic import start_demo_traffic

        start_demo_traffic("demo")

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from engine.rest.long_poll_asgi import with_long_poll  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Requests under STATIC_URL are answered from the static finders (bpmn-js, form-js and
        # our own files); everything else goes to Django.
        # fetchAndLock long-polls outside Django's handler (engine/rest/long_poll_asgi.py).
        "http": with_long_poll(ASGIStaticFilesHandler(django_asgi_app)),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
