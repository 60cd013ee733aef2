"""Migrating the running instances the definition page lists to another version: Camunda's
migration (an Enterprise feature of its Cockpit) as a batch, from the instance list's filters.

The plan is generated as Camunda's generator makes it (each activity to the target's
activity with the same id and kind); an instance with an active activity it does not map is
a failure of the batch, shown there, and the others go on.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cockpit.filters import InstanceFilterForm
from cockpit.permissions import require_definition
from cockpit.queries import versions_of
from cockpit.views.errors import cockpit_page
from engine.errors import BadRequestError
from engine.queries import get_process_definition
from engine.services.migration import (
    MigrationPlanInvalid,
    generate_migration_plan,
    migrate_process_instances_async,
)
from identity.resources import Permission


@require_POST
@cockpit_page
def definition_migrate(request: HttpRequest, definition_id: str) -> HttpResponse:
    """Migrate every running instance the list's filters (the query string) find to the
    chosen version, in an instance-migration batch; then show the batch."""
    definition = get_process_definition(definition_id)
    require_definition(request.user, Permission.READ_INSTANCE, definition.key)
    form = InstanceFilterForm(request.GET)
    target = request.POST.get("target", "")
    versions = {row.id for row in versions_of(definition)} - {definition.id}
    if form.finished() or target not in versions:
        messages.error(request, "Nothing changed: list running instances and choose the "
                       "version they move to.")
        return redirect("cockpit:definition", definition.id)
    ids = [str(pk) for pk in form.instances(definition.id).values_list("id", flat=True)]
    user_id = request.user.get_username()
    plan = generate_migration_plan(
        definition.id,
        target,
        update_event_triggers=request.POST.get("update_event_triggers") == "yes",
        user_id=user_id,
    )
    try:
        batch = migrate_process_instances_async(plan, ids, user_id=user_id)
    except MigrationPlanInvalid as error:
        messages.error(request, f"Nothing changed: the generated plan is not valid. {error}")
        return redirect("cockpit:definition", definition.id)
    except BadRequestError as error:
        messages.error(request, f"Nothing changed: {error}")
        return redirect("cockpit:definition", definition.id)
    count = len(ids)
    messages.success(request, f"Migrating {count} instance{'' if count == 1 else 's'}.")
    return redirect("cockpit:batch", batch.id)
