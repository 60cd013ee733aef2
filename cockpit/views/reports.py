"""A process's duration report (Camunda Cockpit's "Reports"): how long its completed
instances took, per month or quarter of a year, and which user tasks were completed."""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cockpit.permissions import require_definition
from cockpit.views.errors import cockpit_page
from engine.errors import NotFoundError
from engine.models import ProcessDefinition
from engine.queries.reports import completed_task_counts, instance_durations
from identity.resources import Permission

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def human_duration(ms: int) -> str:
    """1500 -> '1.5 s', 5400000 -> '1 h 30 min': what an operator reads at a glance."""
    if ms < 1000:
        return f"{ms} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


@require_GET
@cockpit_page
def duration_report(request: HttpRequest, key: str) -> HttpResponse:
    definition = ProcessDefinition.objects.filter(key=key).order_by("-version").first()
    if definition is None:
        raise NotFoundError(f"No process has the key '{key}'.")
    require_definition(request.user, Permission.READ_HISTORY, key)
    this_year = timezone.now().year
    year = _int(request.GET.get("year"), this_year, 1970, 9999)
    unit = "quarter" if request.GET.get("unit") == "quarter" else "month"
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    rows = instance_durations(unit, keys=[key], started_after=start, started_before=end)
    longest = max((r.maximum for r in rows), default=0) or 1
    periods = [
        {
            "label": MONTHS[r.period - 1] if unit == "month" else f"Q{r.period}",
            "count": r.count,
            "minimum": human_duration(r.minimum),
            "average": human_duration(r.average),
            "maximum": human_duration(r.maximum),
            # On one scale for the year: its longest instance is 100.
            "average_share": round(100 * r.average / longest),
        }
        for r in rows
    ]
    context = {
        "definition": definition,
        "year": year,
        "years": range(this_year, this_year - 6, -1),
        "unit": unit,
        "periods": periods,
        "tasks": completed_task_counts(
            "taskName", completed_after=start, completed_before=end, key=key
        ),
    }
    return render(request, "cockpit/duration_report.html", context)


def _int(text: str | None, default: int, low: int, high: int) -> int:
    try:
        value = int(text) if text else default
    except ValueError:
        return default
    return value if low <= value <= high else default
