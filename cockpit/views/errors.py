"""Errors as pages that say what went wrong, inside the cockpit's layout."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "cockpit/not_found.html", {"message": message}, status=404)
