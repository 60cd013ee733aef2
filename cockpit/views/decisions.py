"""Decisions: the latest version of each decision definition, a definition's page (its table,
versions and recent evaluations) and one historic decision instance with inputs and outputs.

As Camunda Cockpit: READ on the decision definition (key) shows it, READ_HISTORY shows its
evaluations."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cockpit.decision_table import table_view
from cockpit.views.decision_editing import may_edit
from cockpit.views.errors import cockpit_page
from engine.decisions import deployed_decision
from engine.errors import NotFoundError
from engine.models import DecisionDefinition, HistoricDecisionInstance
from engine.queries.decisions import (
    count_decision_instances,
    get_decision_definition,
    list_decision_definitions,
    list_decision_requirements_definitions,
)
from identity.authorization import (
    Check,
    Permission,
    Resource,
    is_authorized_any,
    readable_ids,
    require,
)

RECENT_INSTANCES = 25


def _may_read_history(request: HttpRequest, key: str) -> bool:
    return is_authorized_any(
        request.user, [Check(Permission.READ_HISTORY, Resource.DECISION_DEFINITION, key)]
    )


def evaluated_decisions(user: Any, process_instance_id: str) -> list[HistoricDecisionInstance]:
    """The decisions a process instance evaluated, oldest first, where `user` may read their
    history (Cockpit's "Called decision instances")."""
    history = readable_ids(user, Resource.DECISION_DEFINITION, Permission.READ_HISTORY)
    return list(
        HistoricDecisionInstance.objects.filter(process_instance_id=process_instance_id)
        .filter(history.q("decision_definition_key"))
        .order_by("evaluation_time", "id")
    )


@require_GET
@cockpit_page
def decision_list(request: HttpRequest) -> HttpResponse:
    readable = readable_ids(request.user, Resource.DECISION_DEFINITION).q("key")
    rows = list(list_decision_definitions(latest_version=True).filter(readable))
    # Evaluations are history: counted only where the user may read it.
    history = readable_ids(request.user, Resource.DECISION_DEFINITION, Permission.READ_HISTORY)
    counts = count_decision_instances(
        [row.id for row in rows if history.allows(row.key)]
    )
    decisions = [
        {"row": row, "evaluations": counts.get(row.id, 0) if history.allows(row.key) else None}
        for row in rows
    ]
    drds = readable_ids(request.user, Resource.DECISION_REQUIREMENTS_DEFINITION).q("key")
    context = {
        "decisions": decisions,
        "drds": list(list_decision_requirements_definitions(latest_version=True).filter(drds)),
        "hidden_by_permissions": not rows and DecisionDefinition.objects.exists(),
    }
    return render(request, "cockpit/decisions.html", context)


@require_GET
@cockpit_page
def decision_definition(request: HttpRequest, definition_id: str) -> HttpResponse:
    definition = get_decision_definition(definition_id)
    require(request.user, Permission.READ, Resource.DECISION_DEFINITION, definition.key)
    can_read_history = _may_read_history(request, definition.key)
    instances = []
    if can_read_history:
        instances = list(
            HistoricDecisionInstance.objects.filter(decision_definition_id=definition.id)
            .order_by("-evaluation_time", "-id")[:RECENT_INSTANCES]
        )
    versions = DecisionDefinition.objects.filter(
        key=definition.key, tenant_id=definition.tenant_id
    ).order_by("-version")
    context = {
        "definition": definition,
        "table": table_view(deployed_decision(definition).decision),
        "versions": list(versions.only("id", "version", "version_tag")),
        "instances": instances,
        "can_read_history": can_read_history,
        "recent": RECENT_INSTANCES,
        "may_edit": may_edit(request.user, definition),
        "can_update": is_authorized_any(
            request.user, [Check(Permission.UPDATE, Resource.DECISION_DEFINITION, definition.key)]
        ),
    }
    return render(request, "cockpit/decision_definition.html", context)


@require_GET
@cockpit_page
def decision_instance(request: HttpRequest, instance_id: str) -> HttpResponse:
    instance = HistoricDecisionInstance.objects.filter(pk=instance_id).first()
    if instance is None:
        raise NotFoundError(f"Historic decision instance with id '{instance_id}' does not exist")
    require(request.user, Permission.READ_HISTORY, Resource.DECISION_DEFINITION,
            instance.decision_definition_key)
    outputs = list(instance.outputs.all())
    context = {
        "instance": instance,
        "definition_exists": DecisionDefinition.objects.filter(
            pk=instance.decision_definition_id).exists(),
        "inputs": list(instance.inputs.all()),
        "outputs": outputs,
        # a literal expression has no inputs and one result, kept with no rule or clause
        "literal": bool(outputs) and all(o.rule_id is None for o in outputs),
    }
    return render(request, "cockpit/decision_instance.html", context)
