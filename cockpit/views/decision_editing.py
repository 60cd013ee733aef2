"""Live editing of a decision (Camunda Cockpit Enterprise's "DMN live editing"): the decision's
DMN file opens in dmn-js's editor, and saving deploys the edited file as a new deployment of the
same name, so each of its decisions gets its next version. Running processes bound to `latest`
evaluate the new version from then on; older versions and their history stay.

Needs READ on the decision definition and what any deployment needs (CREATE on Deployment, and
the tenant). A file the engine refuses deploys nothing: the editor opens again on the edited
file with the parser's messages, so no edit is lost."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cockpit.dmn_versions import as_dmn13, dmn_version, same_content
from cockpit.views.errors import cockpit_page
from engine.errors import DeploymentError
from engine.models import DecisionDefinition, Deployment
from engine.queries.decisions import get_decision_definition, get_decision_definition_xml
from engine.services import ResourceInput, deploy
from engine.services.authz import require_deploy
from identity.authorization import Check, Permission, Resource, is_authorized_any, require
from identity.resources import ANY

SOURCE = "Legato Cockpit"


def may_edit(user: object, definition: DecisionDefinition) -> bool:
    """Whether the decision page offers "Edit": READ on it and CREATE on deployments."""
    return is_authorized_any(
        user, [Check(Permission.CREATE, Resource.DEPLOYMENT, ANY)]
    ) and is_authorized_any(
        user, [Check(Permission.READ, Resource.DECISION_DEFINITION, definition.key)]
    )


@require_http_methods(["GET", "POST"])
@cockpit_page
def decision_edit(request: HttpRequest, definition_id: str) -> HttpResponse:
    definition = get_decision_definition(definition_id)
    require(request.user, Permission.READ, Resource.DECISION_DEFINITION, definition.key)
    user_id = request.user.get_username()
    require_deploy(user_id, definition.tenant_id)
    stored = get_decision_definition_xml(definition)
    opened = as_dmn13(stored)
    xml = opened.decode("utf-8")
    problems: list[str] = []
    if request.method == "POST":
        xml = request.POST.get("xml", "")
        if same_content(xml.encode("utf-8"), opened):
            messages.info(request, "Nothing changed: no new version was deployed.")
            return redirect("cockpit:decision", definition.id)
        try:
            return _deploy(request, definition, xml, user_id)
        except DeploymentError as error:
            problems = [str(problem) for problem in error.problems] or [str(error)]
    context = {
        "definition": definition, "xml": xml, "problems": problems,
        "version": dmn_version(stored),
    }
    return render(request, "cockpit/decision_edit.html", context, status=400 if problems else 200)


def _deploy(
    request: HttpRequest, definition: DecisionDefinition, xml: str, user_id: str
) -> HttpResponse:
    deployment = Deployment.objects.filter(pk=definition.deployment_id).first()
    result = deploy(
        [ResourceInput(definition.resource_name, xml.encode("utf-8"))],
        name=deployment.name if deployment is not None else definition.resource_name,
        source=SOURCE,
        tenant_id=definition.tenant_id,
        user_id=user_id,
    )
    new = next((d for d in result.decision_definitions if d.key == definition.key), None)
    if new is None:  # the edit removed or renamed this decision
        messages.success(request, f"Deployed as deployment {result.deployment.id}.")
        return redirect("cockpit:decisions")
    messages.success(request, f"Deployed: version {new.version} of “{new.name or new.key}”.")
    return redirect("cockpit:decision", new.id)
