"""System pages of the Admin: execution metrics, as Camunda Admin's "System" section."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from engine.metrics import queries
from identity.authorization import require
from identity.resources import Permission, Resource
from identity.views.common import page

MONTHS = 12


@page
def execution_metrics(request: HttpRequest) -> HttpResponse:
    """Per month: flow node instances, decision instances and elements, root process
    instances and task users (Camunda Admin, System -> Execution Metrics)."""
    require(request.user, Permission.READ, Resource.SYSTEM)
    months = queries.monthly_usage(MONTHS)
    totals = {key: sum(getattr(month, key) for month in months) for key in queries.USAGE}
    # Task users are distinct over the whole range, not the sum of the months.
    totals["task_users"] = queries.unique_task_workers(months[-1].month, None)
    return render(request, "identity/execution_metrics.html", {
        "months": months,
        "totals": totals,
        "flush_seconds": settings.LEGATO_METRICS_FLUSH_SECONDS,
        "reporter": settings.LEGATO_METRICS_REPORTER,
    })
