from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cockpit.permissions import readable_definitions
from cockpit.queries import overview
from cockpit.views.errors import cockpit_page


@require_GET
@cockpit_page
def dashboard(request: HttpRequest) -> HttpResponse:
    numbers = overview(
        readable_definitions(request.user, "process_definition__key"),
        readable_definitions(request.user, "key"),
    )
    # Live updates re-read only the numbers.
    template = "cockpit/partials/dashboard_cards.html" if request.GET.get("part") == "cards" \
        else "cockpit/dashboard.html"
    return render(request, template, {"overview": numbers})
