"""What a `camunda:formKey` other than a Camunda Form names: an embedded HTML form or an
external form, as Camunda 7's Tasklist reads it.

Camunda's structure is `[embedded:][app:|deployment:]<location>`: with `embedded:` the HTML is
shown inside the tasklist (from the deployment, or from the process application's web app),
without it the tasklist links to the form, which completes the task itself. An `app:` address
is relative to the process application's context path; Legato has no process applications,
so that address comes from LEGATO_FORMS_APP_BASE_URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from engine.models import ProcessDefinition, Resource
from engine.queries.forms import FormNotFound, application_resource, deployment_resource

EMBEDDED = "embedded:"
APP = "app:"
DEPLOYMENT = "deployment:"
MAX_FORM_BYTES = 1_000_000


@dataclass(frozen=True)
class FormKey:
    """A form key read: `embedded` (HTML to show) or `external` (an address to link to), or
    `unknown` with the reason the tasklist can do neither."""

    kind: Literal["embedded", "external", "unknown"]
    location: Literal["deployment", "app", "url"] | None
    path: str
    key: str


def read_form_key(key: str) -> FormKey:
    rest = key.strip()
    embedded = rest.startswith(EMBEDDED)
    rest = rest.removeprefix(EMBEDDED)
    if rest.startswith(APP):
        location: Literal["deployment", "app", "url"] = "app"
        rest = rest.removeprefix(APP)
    elif embedded and rest.startswith(DEPLOYMENT):
        location = "deployment"
        rest = rest.removeprefix(DEPLOYMENT)
    elif not embedded and _is_address(rest):
        location = "url"
    else:
        return FormKey("unknown", None, rest, key)
    if not rest:
        return FormKey("unknown", None, rest, key)
    return FormKey("embedded" if embedded else "external", location, rest, key)


def _is_address(text: str) -> bool:
    """An absolute http(s) URL or a path on this site: never `javascript:` and the like."""
    parts = urlsplit(text)
    if parts.scheme:
        return parts.scheme in ("http", "https") and bool(parts.netloc)
    return text.startswith("/") and not text.startswith("//")


def embedded_html(definition: ProcessDefinition, form_key: FormKey) -> str:
    """The HTML of an embedded form, from the definition's deployment; FormNotFound says
    why when it is not there."""
    resource: Resource
    if form_key.location == "deployment":
        resource = deployment_resource(definition, form_key.path)
    else:
        resource = application_resource(definition, form_key.path)
    content = bytes(resource.content)
    if len(content) > MAX_FORM_BYTES:
        raise FormNotFound(f"The form {resource.name} is larger than {MAX_FORM_BYTES} bytes.")
    return content.decode("utf-8", errors="replace")


def external_address(form_key: FormKey) -> str:
    """The external form's address without Camunda's query; FormNotFound when an `app:` form
    has no application address to be relative to."""
    if form_key.location != "app":
        return form_key.path
    base = settings.LEGATO_FORMS_APP_BASE_URL
    if not base:
        raise FormNotFound(
            f"This form ({form_key.key}) lives in the process application, and Legato does not "
            "know the application's address: an administrator sets LEGATO_FORMS_APP_BASE_URL "
            "(docs/configuration.md)."
        )
    return base.rstrip("/") + "/" + form_key.path.lstrip("/")


def external_link(address: str, **query: str) -> str:
    """Camunda Tasklist's link to an external form: `taskId` (or `processDefinitionKey` for a
    start form) and `callbackUrl`, where the form sends the user back when done."""
    separator = "&" if "?" in address else "?"
    return address + separator + urlencode(query)
