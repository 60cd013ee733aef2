from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cockpit.queries import overview


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "cockpit/dashboard.html", {"overview": overview()})
