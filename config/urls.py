from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cockpit:dashboard", permanent=False)),
    path("", include("identity.urls")),
    path("cockpit/", include("cockpit.urls")),
    path("tasklist/", include("tasklist.urls")),
    path("engine-rest/", include("identity.rest_urls")),
    path("engine-rest/", include("engine.rest.external_task_urls")),
    path("engine-rest/", include("engine.rest.urls")),
]
