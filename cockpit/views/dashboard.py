from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cockpit.engine_activity import DEFAULT_PERIOD, PERIODS, activity_rows, engine_activity
from cockpit.permissions import readable_definitions
from cockpit.queries import overview
from cockpit.retrying import retrying_count
from cockpit.views.errors import cockpit_page
from engine.queries import list_process_definitions, task_count_by_candidate_group
from engine.queries.definitions import unresolved_counts
from identity.authorization import ANY, Permission, is_authorized
from identity.resources import Resource


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
    # Camunda's open-tasks dashboard: the task report needs READ on all tasks.
    by_group = (
        task_count_by_candidate_group()
        if is_authorized(request.user, Permission.READ, Resource.TASK, ANY)
        else None
    )
    retrying = retrying_count(readable_definitions(request.user, "process_definition_key"))
    latest = list_process_definitions(latest_version=True).filter(
        readable_definitions(request.user, "key")
    )
    needs_setup = sum(1 for count in unresolved_counts(latest).values() if count)
    context = {
        "overview": numbers, "tasks_by_group": by_group, "retrying": retrying,
        "needs_setup": needs_setup,
    }
    if template == "cockpit/dashboard.html":
        context.update(_activity(request))
    return render(request, template, context)


def _activity(request: HttpRequest) -> dict[str, object]:
    """The engine activity charts, for those who may read the metrics (READ on System, as
    `/engine-rest/metrics` asks)."""
    if not is_authorized(request.user, Permission.READ, Resource.SYSTEM, ANY):
        return {}
    period = request.GET.get("activity", DEFAULT_PERIOD)
    if period not in PERIODS:
        period = DEFAULT_PERIOD
    activity = engine_activity(period, timezone.now())
    return {
        "activity": activity,
        "activity_rows": activity_rows(activity),
        "activity_period": period,
        "activity_unit": PERIODS[period][2],
        "activity_periods": list(PERIODS),
    }
