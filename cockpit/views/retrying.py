"""Jobs and external tasks that failed and will be tried again (cockpit.retrying)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cockpit.permissions import readable_definitions
from cockpit.retrying import LIMIT, retrying_work
from cockpit.views.errors import cockpit_page


@require_GET
@cockpit_page
def retrying_list(request: HttpRequest) -> HttpResponse:
    found, total = retrying_work(readable_definitions(request.user, "process_definition_key"))
    return render(
        request, "cockpit/retrying.html", {"work": found, "total": total, "limit": LIMIT}
    )
