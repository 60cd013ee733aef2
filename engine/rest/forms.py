"""Forms over REST: FormDto (`key`, `contextPath`, `camundaFormRef`), form variables and
Camunda's generated HTML form for `camunda:formData` fields.

Camunda's form variables are the form fields with their type and value (the variable's value
where it exists, else the field's default); `variableNames` narrows them.

A deployed form (`deployed-form`, `deployed-start-form`) is the file a form key of the form
`[embedded:|camunda-forms:]deployment:<name>` or a `camunda:formRef` names, found as the
tasklist finds Camunda Forms (engine/queries/forms.py); Camunda's AbstractGetDeployedFormCmd
gives the order (the key first) and the messages, ContentTypeUtil the content type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from django.http import HttpResponse

from engine.bpmn.model import FormField, FormRef
from engine.errors import NotFoundError
from engine.models import ProcessDefinition
from engine.queries.forms import FormNotFound, deployment_resource, resource_by_ref
from engine.rest.params import invalid_request
from engine.rest.variables import write_value
from engine.runtime.values import TypedValue

# camunda:formField type -> Camunda variable type of its value.
_FIELD_TYPES = {
    "string": "String",
    "long": "Long",
    "boolean": "Boolean",
    "date": "Date",
    "enum": "String",
}


def form_dto(form_key: str | None, form_ref: FormRef | None) -> dict[str, Any]:
    """FormDto. `contextPath` is a process application's web context: Legato has none."""
    reference = None
    if form_ref is not None:
        version: int | str | None = form_ref.version
        if isinstance(version, str) and version.isdigit():
            version = int(version)
        reference = {"key": form_ref.form_id, "binding": form_ref.binding, "version": version}
    return {"key": form_key, "contextPath": None, "camundaFormRef": reference}


def form_variables(
    fields: Sequence[FormField],
    values: Mapping[str, Any],
    names: list[str] | None,
    *,
    deserialize: bool,
) -> dict[str, dict[str, Any]]:
    """`{fieldId: {type, value, valueInfo}}` of the form's fields, in their order."""
    found = {}
    for form_field in fields:
        if names is not None and form_field.id not in names:
            continue
        kind = _FIELD_TYPES.get((form_field.type or "string").lower(), "String")
        value = values.get(form_field.id)
        if kind == "Long" and isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value)
        if kind == "Boolean" and isinstance(value, str):
            value = value.lower() == "true"
        typed = TypedValue(kind if value is not None else "Null", value)
        dto = write_value(typed, deserialize=deserialize)
        if value is None:
            dto["type"] = kind  # an empty field still says which type it takes
        found[form_field.id] = dto
    return found


def rendered_form(fields: Sequence[FormField]) -> str:
    """A generated HTML form in Camunda's shape (`cam-variable-name` / `cam-variable-type`),
    which Camunda's embedded forms SDK binds to the task's variables."""
    parts = ['<form class="form-horizontal">']
    for form_field in fields:
        kind = _FIELD_TYPES.get((form_field.type or "string").lower(), "String")
        ident = escape(form_field.id)
        label = escape(form_field.label or form_field.id)
        parts.append('<div class="form-group">')
        parts.append(f'<label class="control-label" for="{ident}">{label}</label>')
        if (form_field.type or "").lower() == "enum":
            parts.append(f'<select id="{ident}" cam-variable-name="{ident}" '
                         f'cam-variable-type="{kind}" class="form-control">')
            for option in form_field.values:
                parts.append(f'<option value="{escape(option.id)}">'
                             f"{escape(option.name or option.id)}</option>")
            parts.append("</select>")
        else:
            input_type = "checkbox" if kind == "Boolean" else "text"
            parts.append(f'<input type="{input_type}" id="{ident}" cam-variable-name="{ident}" '
                         f'cam-variable-type="{kind}" class="form-control" />')
        parts.append("</div>")
    parts.append("</form>")
    return "\n".join(parts)


def field_values(
    definition_id: str, activity_id: str, variables: Mapping[str, Any]
) -> dict[str, Any]:
    """Each field's value: the variable's where it exists, else its default (expressions
    evaluated; a default that fails to evaluate is left empty rather than failing the read)."""
    from django.utils import timezone

    from engine.definitions import runtime_definition
    from engine.runtime.errors import ProcessEngineError
    from engine.runtime.forms import form_fields as typed_fields

    try:
        found = typed_fields(
            runtime_definition(definition_id), activity_id, variables, timezone.now()
        )
    except ProcessEngineError:
        found = []
    defaults = {f.id: f.default_value for f in found}
    return {**defaults, **{k: v for k, v in variables.items() if v is not None}}


_FORM_KEY_KINDS = ("embedded:", "camunda-forms:")
_DEPLOYMENT = "deployment:"


def deployed_form(
    definition: ProcessDefinition, form_key: str | None, form_ref: FormRef | None
) -> HttpResponse:
    """The deployed form's content: 400 when the form is not a deployed one, 404 when the file
    it names is not there."""
    if form_key:
        name = form_key
        for kind in _FORM_KEY_KINDS:
            name = name.removeprefix(kind)
        if not name.startswith(_DEPLOYMENT):
            raise invalid_request(f"The form key '{form_key}' does not reference a deployed form.")
        name = name.removeprefix(_DEPLOYMENT)
        try:
            resource = deployment_resource(definition, name)
        except FormNotFound:
            raise NotFoundError(
                f"The form with the resource name '{name}' cannot be found in deployment with "
                f"id {definition.deployment_id}"
            ) from None
        # Camunda answers XHTML for every key but a `.form` file.
        json_form = form_key.endswith(".form")
    elif form_ref is not None:
        try:
            resource = resource_by_ref(definition, form_ref)
        except FormNotFound as error:
            raise NotFoundError(
                f"No Camunda Form Definition was found for Camunda Form Ref: {error}"
            ) from None
        json_form = True
    else:
        raise invalid_request(
            "One of the attributes 'formKey' and 'camunda:formRef' must be supplied but none "
            "were set."
        )
    content_type = "application/json" if json_form else "application/xhtml+xml"
    return HttpResponse(bytes(resource.content), content_type=content_type)
