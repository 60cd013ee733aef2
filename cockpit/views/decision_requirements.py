"""A decision requirements diagram (DRD): the decisions of one DMN file and what each
requires, drawn by dmn-js from the deployed file, each decision with its evaluations and a
link to its page (Camunda Cockpit's DRD view). READ on the decision requirements definition
shows it; evaluations are counted where the user may read the decisions' history."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cockpit.dmn_versions import as_dmn13
from cockpit.views.errors import cockpit_page
from engine.models import DecisionDefinition, DecisionRequirementsDefinition
from engine.queries.decisions import (
    count_decision_instances,
    get_decision_requirements_definition,
    get_decision_requirements_definition_xml,
)
from identity.authorization import Permission, Resource, readable_ids, require


def _readable(request: HttpRequest, drd_id: str) -> DecisionRequirementsDefinition:
    drd = get_decision_requirements_definition(drd_id)
    require(request.user, Permission.READ, Resource.DECISION_REQUIREMENTS_DEFINITION, drd.key)
    return drd


def decision_nodes(user: Any, drd: DecisionRequirementsDefinition) -> dict[str, dict[str, Any]]:
    """Per decision of the DRD (by its id in the file, which is its key): its page, and its
    evaluations where the user may read their history (else None)."""
    decisions = list(DecisionDefinition.objects.filter(decision_requirements_definition=drd))
    history = readable_ids(user, Resource.DECISION_DEFINITION, Permission.READ_HISTORY)
    counts = count_decision_instances([d.id for d in decisions if history.allows(d.key)])
    return {
        d.key: {
            "name": d.name or d.key,
            "url": reverse("cockpit:decision", args=[d.id]),
            "evaluations": counts.get(d.id, 0) if history.allows(d.key) else None,
        }
        for d in decisions
    }


@require_GET
@cockpit_page
def decision_requirements(request: HttpRequest, drd_id: str) -> HttpResponse:
    drd = _readable(request, drd_id)
    nodes = decision_nodes(request.user, drd)
    versions = DecisionRequirementsDefinition.objects.filter(
        key=drd.key, tenant_id=drd.tenant_id
    ).order_by("-version")
    context = {
        "drd": drd,
        "nodes": nodes,
        "decisions": sorted(nodes.items(), key=lambda item: item[1]["name"]),
        "versions": list(versions.only("id", "version")),
    }
    return render(request, "cockpit/decision_requirements.html", context)


@require_GET
@cockpit_page
def decision_requirements_xml(request: HttpRequest, drd_id: str) -> HttpResponse:
    """The DMN file as deployed, for dmn-js, which reads DMN 1.3 only: a DMN 1.2 file in the
    DMN 1.3 namespaces (its diagram is then drawn), a DMN 1.1 file's layout is not read."""
    drd = _readable(request, drd_id)
    return HttpResponse(as_dmn13(get_decision_requirements_definition_xml(drd)),
                        content_type="application/xml")
