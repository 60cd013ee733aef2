"""Deployments: list (those the user may read), download a resource, upload BPMN files,
delete with a confirmation step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from cockpit.forms import DeleteDeploymentForm, DeployForm
from cockpit.queries import deployments_with_contents, running_instances_of
from cockpit.views.errors import cockpit_page, not_found
from engine.errors import REFUSED, DeploymentError, NotFoundError
from engine.models import Deployment
from engine.queries import get_deployment, get_resource, list_process_definitions
from engine.rest.deployments import file_response
from engine.services.deployment import delete_deployment, deploy
from identity.authorization import Permission, readable_ids, require
from identity.resources import Resource

PAGE_SIZE = 20
# Written into Deployment.source, as the Modeler writes "Camunda Modeler".
SOURCE = "Legato Cockpit"


@require_http_methods(["GET", "POST"])
@login_required
def deployment_list(request: HttpRequest) -> HttpResponse:
    form = DeployForm()
    problems: tuple[Any, ...] = ()
    error = ""
    status = 200
    if request.method == "POST":
        form = DeployForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = deploy(
                    form.resources(),
                    name=form.deployment_name(),
                    source=SOURCE,
                    user_id=request.user.get_username(),
                )
            except DeploymentError as refused:
                problems, status = refused.problems, 400
            except REFUSED as refused:
                error, status = str(refused), 400
            else:
                # Post/redirect/get: a reload must not deploy the files a second time.
                url = reverse("cockpit:deployments")
                return redirect(f"{url}?deployed={result.deployment.id}")
        else:
            status = 400
    return render(
        request, "cockpit/deployments.html", _context(request, form, problems, error), status=status
    )


def _context(
    request: HttpRequest, form: DeployForm, problems: tuple[Any, ...], error: str
) -> dict[str, Any]:
    # As Camunda's GET /deployment: only deployments with READ for the user.
    readable = readable_ids(request.user, Resource.DEPLOYMENT).q("id")
    page = Paginator(deployments_with_contents().filter(readable), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    deployed_id = request.GET.get("deployed", "")
    deployed: Deployment | None = None
    if deployed_id and request.method == "GET":
        deployed = Deployment.objects.filter(pk=deployed_id).first()
    return {
        "form": form,
        "problems": problems,
        "error": error,
        "page": page,
        "deployed": deployed,
        "deployed_definitions": (
            list(list_process_definitions(deployment_id=deployed.id)) if deployed else []
        ),
    }


@require_http_methods(["GET", "POST"])
@login_required
def deployment_delete(request: HttpRequest, deployment_id: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes (optionally with its running instances)."""
    try:
        deployment = get_deployment(deployment_id)
    except NotFoundError as error:
        return not_found(request, str(error))
    # Not `request.POST or None`: an unchecked box posts nothing, and the form must be bound.
    form = DeleteDeploymentForm(request.POST if request.method == "POST" else None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            delete_deployment(
                deployment.id,
                cascade=form.cleaned_data["cascade"],
                user_id=request.user.get_username(),
            )
        except NotFoundError as gone:
            # Someone else deleted it between the confirmation and now: the goal is reached.
            messages.info(request, str(gone))
            return redirect("cockpit:deployments")
        except REFUSED as refused:
            error, status = str(refused), 409
        else:
            messages.success(request, f"Deployment '{deployment}' was deleted.")
            return redirect("cockpit:deployments")
    definitions = list(list_process_definitions(deployment_id=deployment.id))
    context = {
        "deployment": deployment,
        "definitions": definitions,
        "running": running_instances_of([d.id for d in definitions]),
        "form": form,
        "error": error,
    }
    return render(request, "cockpit/deployment_delete.html", context, status=status)


@require_GET
@cockpit_page
def deployment_resource(request: HttpRequest, deployment_id: str, resource_id: str) -> HttpResponse:
    """A deployed file, byte for byte, as a download (READ on the deployment)."""
    resource = get_resource(deployment_id, resource_id)
    require(request.user, Permission.READ, Resource.DEPLOYMENT, deployment_id)
    return file_response(resource)
