"""Starting a process from the tasklist: the startable processes and their start forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from engine.errors import REFUSED
from engine.models import ProcessDefinition
from engine.runtime.forms import FormFieldValidationError
from engine.services import forms
from tasklist import camunda_forms, embedded_forms, generated_forms
from tasklist.access import may_start
from tasklist.form_keys import external_link
from tasklist.task_forms import start_form
from tasklist.views.complete import posted_by_form_js, read_json, refuse_nul

MAX_BUSINESS_KEY = 255


def startable(user: Any) -> list[ProcessDefinition]:
    """Latest, active versions marked startable in the tasklist that the user may start."""
    latest = ProcessDefinition.objects.values("key").annotate(latest=Max("version"))
    newest = {row["key"]: row["latest"] for row in latest}
    rows = ProcessDefinition.objects.filter(
        key__in=list(newest), suspended=False, startable_in_tasklist=True
    ).order_by("name", "key")
    return [d for d in rows if d.version == newest[d.key] and may_start(user, d.key)]


@login_required
def start_list(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return HttpResponse(status=405)
    return render(request, "tasklist/start.html", {"definitions": startable(request.user)})


def _definition(request: HttpRequest, definition_id: str) -> ProcessDefinition | None:
    definition = ProcessDefinition.objects.filter(pk=definition_id).first()
    if definition is None or not may_start(request.user, definition.key):
        return None
    return definition


def _page(
    request: HttpRequest, definition: ProcessDefinition, status: int = 200, **extra: Any
) -> HttpResponse:
    spec = start_form(definition)
    fields = []
    if spec.kind == "generated":
        fields = generated_forms.field_views(
            spec.fields, spec.values, submitted=extra.get("submitted"), errors=extra.get("errors")
        )
    embedded_markup = ""
    if spec.embedded is not None:
        embedded_markup = embedded_forms.render(
            spec.embedded,
            {},
            submitted=extra.get("submitted"),
            errors=extra.get("errors"),
            start=True,
            business_key=extra.get("business_key", ""),
        )
    external = ""
    if spec.kind == "external":
        back = request.build_absolute_uri(reverse("tasklist:tasks"))
        external = external_link(
            spec.address, processDefinitionKey=definition.key, callbackUrl=back
        )
    context = {
        "definition": definition,
        "form": spec,
        "fields": fields,
        "business_key": extra.get("business_key", ""),
        "form_errors": extra.get("errors") or {},
        "embedded_markup": embedded_markup,
        "external_link": external,
    }
    return render(request, "tasklist/start_form.html", context, status=status)


def _start(
    request: HttpRequest, definition: ProcessDefinition, variables: Mapping[str, Any], key: str
) -> str:
    started = forms.submit_start_form(
        definition.id,
        variables,
        business_key=key or None,
        user_id=request.user.get_username(),
    )
    label = definition.name or definition.key
    return f"“{label}” started" + (f" with business key {key}." if key else f" ({started.id}).")


@login_required
def start_process(request: HttpRequest, definition_id: str) -> HttpResponse:
    definition = _definition(request, definition_id)
    if definition is None:
        return render(
            request,
            "tasklist/forbidden.html",
            {"message": "This process does not exist or you may not start it."},
            status=403 if ProcessDefinition.objects.filter(pk=definition_id).exists() else 404,
        )
    if request.method == "GET":
        return _page(request, definition)
    if request.method != "POST":
        return HttpResponse(status=405)
    if posted_by_form_js(request):
        return _start_with_camunda_form(request, definition)
    key = request.POST.get("business_key", "").strip()[:MAX_BUSINESS_KEY]
    spec = start_form(definition)
    if spec.kind not in ("generated", "none", "embedded"):
        messages.error(request, spec.message or "This start form is filled on its page.")
        return redirect("tasklist:start-process", definition_id=definition.id)
    if spec.embedded is not None:
        # A start form opens with no variables: its fields' own values are what it opened with.
        values, errors = embedded_forms.read_submission(
            spec.embedded, request.POST, {}, request.FILES
        )
        if errors:
            return _page(
                request, definition, 422, submitted=request.POST, errors=errors, business_key=key
            )
    else:
        values = generated_forms.posted_values(spec.fields, request.POST)
    try:
        messages.success(request, _start(request, definition, values, key))
    except FormFieldValidationError as refused:
        return _page(
            request,
            definition,
            422,
            submitted=request.POST,
            errors=refused.hints(),
            business_key=key,
        )
    except REFUSED as error:
        messages.error(request, f"Could not start the process: {error}")
        return redirect("tasklist:start-process", definition_id=definition.id)
    return redirect("tasklist:tasks")


def _start_with_camunda_form(request: HttpRequest, definition: ProcessDefinition) -> HttpResponse:
    spec = start_form(definition)
    body = read_json(request)
    if body is None or spec.kind != "camunda":
        return JsonResponse({"message": "This process has no Camunda start form."}, status=400)
    if (refused := refuse_nul(body)) is not None:
        return refused
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    key = str(body.get("businessKey") or "").strip()[:MAX_BUSINESS_KEY]
    variables, errors = camunda_forms.validate(spec.schema or {}, data, request.FILES)
    if errors:
        return JsonResponse(
            {
                "message": "Some fields need your attention.",
                "errors": errors,
                "fieldErrors": camunda_forms.errors_by_field_id(spec.schema or {}, errors),
            },
            status=422,
        )
    try:
        messages.success(request, _start(request, definition, variables, key))
    except REFUSED as error:
        return JsonResponse({"message": f"Could not start the process: {error}"}, status=409)
    return JsonResponse({"redirect": reverse("tasklist:tasks")})
