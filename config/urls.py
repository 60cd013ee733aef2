from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from identity import applications

urlpatterns = [
    path("", applications.home, name="home"),
    # Browsers ask for /favicon.ico on pages that name no icon (JSON, downloads).
    path("favicon.ico", RedirectView.as_view(url=static("legato/favicon.svg"), permanent=True)),
    path("", include("identity.urls")),
    path("cockpit/", include("cockpit.urls")),
    path("tasklist/", include("tasklist.urls")),
    path("engine-rest/", include("identity.rest_urls")),
    path("engine-rest/", include("engine.rest.external_task_urls")),
    path("engine-rest/", include("engine.rest.urls")),
]
