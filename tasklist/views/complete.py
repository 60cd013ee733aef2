"""Completing a task with its form: validated on the server, typed, then one engine command.

A generated or an embedded HTML form posts as HTML; on errors the task page comes back with
the messages next to the fields (422) and nothing is completed. A Camunda Form posts its
form-js data as JSON and gets the errors back as JSON, keyed both by variable key and by
form-js component id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.nul_characters import nul_in_json, nul_message
from engine.errors import REFUSED, NotFoundError
from engine.runtime.forms import FormFieldValidationError
from engine.services import forms
from tasklist import camunda_forms, embedded_forms, generated_forms, generic_form
from tasklist.access import refuse
from tasklist.task_forms import task_form
from tasklist.views.task import gone, load, task_context

MAX_JSON_BODY = 1_000_000


def _json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"message": message}, status=status)


def _finish(request: HttpRequest, task_id: str, variables: Mapping[str, Any]) -> str:
    """Submit the form: the engine completes the task, or resolves a delegated one (Camunda:
    the delegate resolves, the owner then gets it back). Returns the sentence to show."""
    task = load(request, task_id)[0]
    forms.submit_task_form(task_id, variables, user_id=request.user.get_username())
    if task is not None and task.delegation_state == "PENDING":
        return f"“{task.name or task_id}” resolved; it is back with {task.owner}."
    return f"“{(task.name if task else None) or task_id}” completed."


@require_POST
@login_required
def complete(request: HttpRequest, task_id: str) -> HttpResponse:
    wants_json = posted_by_form_js(request)
    task, rights = load(request, task_id)
    if task is None or rights is None:
        if wants_json:
            return _json_error("This task no longer exists: it was completed or cancelled.", 404)
        return gone(request, task_id)
    problem = None
    if not rights.work:
        problem = str(refuse(request.user, "complete", task))
    elif task.assignee != request.user.get_username():
        # The tasklist's rule (as Camunda's): the form is worked by the one who claimed it.
        problem = "Claim the task before you complete it."
    spec = task_form(task)
    if wants_json:
        if problem:
            return _json_error(problem, 403)
        return _complete_camunda_form(request, task_id, spec.schema or {})
    if problem:
        messages.error(request, problem)
        return redirect("tasklist:task", task_id=task_id)
    if spec.kind == "external":
        messages.error(request, "This task's form is external: open it with “Open the form”.")
        return redirect("tasklist:task", task_id=task_id)
    if spec.kind in ("unsupported", "missing", "camunda"):
        messages.error(request, spec.message or "This task's form is completed on its page.")
        return redirect("tasklist:task", task_id=task_id)
    if spec.embedded is not None:
        values, errors = embedded_forms.read_submission(
            spec.embedded, request.POST, spec.typed, request.FILES
        )
        if errors:
            context = task_context(
                request, task, rights, spec=spec, submitted=request.POST, errors=errors
            )
            return render(request, "tasklist/task.html", context, status=422)
    elif spec.kind == "none":
        values, _rows, refused = generic_form.read_rows(generic_form.posted_rows(request.POST))
        if refused:
            errors = {"generic": "correct the variables marked below"}
            context = task_context(
                request, task, rights, spec=spec, submitted=request.POST, errors=errors
            )
            return render(request, "tasklist/task.html", context, status=422)
    else:
        values = generated_forms.posted_values(spec.fields, request.POST)
    try:
        messages.success(request, _finish(request, task_id, values))
    except FormFieldValidationError as refused:
        context = task_context(
            request, task, rights, spec=spec, submitted=request.POST, errors=refused.hints()
        )
        return render(request, "tasklist/task.html", context, status=422)
    except NotFoundError:
        return gone(request, task_id)
    except REFUSED as error:
        messages.error(request, f"Could not complete the task: {error}")
        return redirect("tasklist:task", task_id=task_id)
    return redirect("tasklist:tasks")


def posted_by_form_js(request: HttpRequest) -> bool:
    """form-js posts JSON, or multipart with a `payload` part when files were picked."""
    return request.content_type == "application/json" or (
        request.content_type == "multipart/form-data" and "payload" in request.POST
    )


def read_json(request: HttpRequest) -> dict[str, Any] | None:
    """The JSON object a form posts: the body, or with files (multipart) its `payload` part."""
    if request.content_type == "multipart/form-data":
        text = request.POST.get("payload", "")
    elif len(request.body) > MAX_JSON_BODY:
        return None
    else:
        text = request.body or b"{}"
    if len(text) > MAX_JSON_BODY:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def refuse_nul(data: dict[str, Any]) -> JsonResponse | None:
    """No stored value may hold a NUL character (config/nul_characters.py)."""
    where = nul_in_json(data)
    return None if where is None else _json_error(nul_message(where), 400)


def _complete_camunda_form(
    request: HttpRequest, task_id: str, schema: dict[str, Any]
) -> HttpResponse:
    data = read_json(request)
    if data is None:
        return _json_error("The form data is not a JSON object.", 400)
    if (refused := refuse_nul(data)) is not None:
        return refused
    variables, errors = camunda_forms.validate(schema, data, request.FILES)
    if errors:
        return JsonResponse(
            {
                "message": "Some fields need your attention.",
                "errors": errors,
                "fieldErrors": camunda_forms.errors_by_field_id(schema, errors),
            },
            status=422,
        )
    try:
        messages.success(request, _finish(request, task_id, variables))
    except NotFoundError:
        return _json_error("This task no longer exists: it was completed or cancelled.", 404)
    except REFUSED as error:
        return _json_error(f"Could not complete the task: {error}", 409)
    return JsonResponse({"redirect": reverse("tasklist:tasks")})
