"""Deployed forms: the `.form` (Camunda Forms) and other files a model's form key or
`camunda:formRef` names, for the tasklist and REST's deployed-form resources."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from engine.bpmn.model import FormRef
from engine.models import ProcessDefinition, Resource, ResourceType

FORM_KEY_PREFIX = "camunda-forms:deployment:"


class FormNotFound(LookupError):
    """The model names a form that is not deployed (the page says so in words)."""


def _schema(content: bytes, name: str) -> dict[str, Any]:
    try:
        schema = json.loads(bytes(content))
    except ValueError as error:
        raise FormNotFound(f"The form {name} is not valid JSON: {error}") from error
    if not isinstance(schema, dict):
        raise FormNotFound(f"The form {name} is not a form-js schema.")
    return schema


def _forms(rows: Any) -> Iterator[tuple[Resource, dict[str, Any]]]:
    for resource in rows:
        try:
            yield resource, _schema(resource.content, resource.name)
        except FormNotFound:
            continue


def resource_by_ref(definition: ProcessDefinition, ref: FormRef) -> Resource:
    """The deployed `.form` file `camunda:formRef` names, by its binding (Camunda 7.16+).

    latest: the newest deployment holding a form with that id; deployment: the definition's
    own deployment; version: the n-th deployment (oldest first) holding that form id.
    """
    forms = Resource.objects.filter(type=ResourceType.FORM)
    if ref.binding == "deployment":
        forms = forms.filter(deployment_id=definition.deployment_id)
    matches = [
        resource
        for resource, schema in _forms(forms.order_by("deployment__deployment_time", "id"))
        if schema.get("id") == ref.form_id
    ]
    if not matches:
        raise FormNotFound(f"No deployed form has the id '{ref.form_id}' ({ref.binding}).")
    if ref.binding == "version":
        try:
            return matches[int(ref.version or "") - 1]
        except (ValueError, IndexError):
            raise FormNotFound(f"The form '{ref.form_id}' has no version {ref.version}.") from None
    return matches[-1]


def schema_by_ref(definition: ProcessDefinition, ref: FormRef) -> dict[str, Any]:
    resource = resource_by_ref(definition, ref)
    return _schema(resource.content, resource.name)


def deployment_resource(definition: ProcessDefinition, name: str) -> Resource:
    """The file `name` of the definition's own deployment (what `...:deployment:<name>` keys
    reference)."""
    resource = Resource.objects.filter(deployment_id=definition.deployment_id, name=name).first()
    if resource is None:
        raise FormNotFound(f"The deployment has no form file named '{name}'.")
    return resource


def schema_by_key(definition: ProcessDefinition, form_key: str) -> dict[str, Any]:
    """`camunda:formKey="camunda-forms:deployment:<file>.form"`: a file of the same deployment."""
    name = form_key.removeprefix(FORM_KEY_PREFIX)
    return _schema(deployment_resource(definition, name).content, name)


def application_resource(definition: ProcessDefinition, path: str) -> Resource:
    """The file an `embedded:app:<path>` key names. In Camunda it lives in the process
    application's web app; Legato has none, so it is looked up in the definition's own
    deployment: by its path first, then by its file name alone."""
    rows = Resource.objects.filter(deployment_id=definition.deployment_id)
    found = rows.filter(name=path).first()
    if found is not None:
        return found
    file_name = path.rsplit("/", 1)[-1]
    for resource in rows.order_by("name"):
        if resource.name.rsplit("/", 1)[-1] == file_name:
            return resource
    raise FormNotFound(
        f"The form {path} belongs to the process application, which Legato does not have: "
        f"its deployment has no file named '{path}' or '{file_name}'. Deploy the HTML file "
        "together with the process."
    )
