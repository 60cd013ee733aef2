"""Plumbing shared by the runtime resources (instances, executions, tasks, jobs, history).

`EngineView` maps what the engine raises to Camunda's status and body; the access helpers
apply identity.authorization the way Camunda's REST resources do: a single resource needs
the permission on it *or* the matching permission on its process definition, and a list
only shows what the caller may read (Camunda adds the same check to every query).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.views import APIView

from engine.rest.params import first_value, invalid_request
from identity.authorization import Check, Permission, Resource, readable_ids, require_any


class EngineView(APIView):
    """The runtime resources' APIView: engine refusals become Camunda bodies through
    engine.rest.errors.camunda_exception_handler, as in every REST view."""


def user_id(request: Request) -> str:
    return str(request.user.get_username())


def json_body(request: Request) -> dict[str, Any]:
    """The JSON object of a POST/PUT; an empty body is an empty object (Camunda accepts it)."""
    data = request.data
    if data is None or data == {}:
        return {}
    if not isinstance(data, dict):
        raise invalid_request("The request body must be a JSON object")
    return dict(data)


def deserialize_values(request: Request, name: str = "deserializeValues") -> bool:
    """`deserializeValues` (default true): false returns Object values serialized. A single
    variable's resource calls it `deserializeValue` (SINGLE_VALUE)."""
    raw = first_value(request.query_params, name)
    if raw is None:
        return True
    if raw.lower() not in ("true", "false"):
        raise invalid_request(f"Cannot set query parameter '{name}' to value '{raw}'")
    return raw.lower() == "true"


SINGLE_VALUE = "deserializeValue"


def definition_key(process_definition_id: str | None) -> str:
    # Definition ids are `key:version:uuid`; a BPMN id (the key) holds no colon.
    return (process_definition_id or "").split(":", 1)[0]


# -- authorization -------------------------------------------------------------------------

# The checks read only `.user`; the async external-task views hold Django's own HttpRequest.
Caller = Request | HttpRequest


def require_on_instance(
    request: Caller,
    instance_id: str,
    definition_id: str | None,
    on_instance: Sequence[str],
    on_definition: Sequence[str],
) -> None:
    """Camunda's instance check: a permission on the instance or one on its definition."""
    key = definition_key(definition_id)
    checks = [Check(p, Resource.PROCESS_INSTANCE, instance_id) for p in on_instance]
    checks += [Check(p, Resource.PROCESS_DEFINITION, key) for p in on_definition]
    require_any(request.user, checks)


def require_read_instance(request: Caller, instance_id: str, definition_id: str | None) -> None:
    require_on_instance(
        request, instance_id, definition_id, [Permission.READ], [Permission.READ_INSTANCE]
    )


def require_update_instance(
    request: Request, instance_id: str, definition_id: str | None
) -> None:
    require_on_instance(
        request, instance_id, definition_id, [Permission.UPDATE], [Permission.UPDATE_INSTANCE]
    )


def readable_instances(request: Caller, instance_field: str, key_field: str | None) -> Q:
    """Rows whose instance the caller may read: READ on the instance, or READ_INSTANCE on the
    definition key (`key_field`: an ORM path to the key, or None to match by id prefix)."""
    by_instance = readable_ids(request.user, Resource.PROCESS_INSTANCE)
    by_key = readable_ids(request.user, Resource.PROCESS_DEFINITION, Permission.READ_INSTANCE)
    if by_instance.all and not by_instance.excluded:
        return Q()
    if by_key.all and not by_key.excluded:
        return Q()
    return by_instance.q(instance_field) | _key_q(by_key, key_field)


def readable_history(request: Request, key_field: str | None, extra: Q | None = None) -> Q:
    """History rows the caller may read: READ_HISTORY on the definition key (Camunda), or
    `extra` (e.g. READ on the historic instance)."""
    by_key = readable_ids(request.user, Resource.PROCESS_DEFINITION, Permission.READ_HISTORY)
    if by_key.all and not by_key.excluded:
        return Q()
    condition = _key_q(by_key, key_field)
    return condition | extra if extra is not None else condition


def _key_q(ids: Any, key_field: str | None) -> Q:
    if key_field is not None:
        return ids.q(key_field)
    # No key column: match `key:` prefixes of process_definition_id.
    if ids.all:
        condition = Q()
        for key in sorted(ids.excluded):
            condition &= ~Q(process_definition_id__startswith=f"{key}:")
        return condition
    condition = Q(pk__in=[])
    for key in sorted(ids.ids):
        condition |= Q(process_definition_id__startswith=f"{key}:")
    return condition


class AnyAcceptMixin:
    """Views that answer text (stacktraces, HTML forms) serve any `Accept`: the JSON-only
    renderers would otherwise refuse a client that asks for text/plain with a 406."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        return super().perform_content_negotiation(request, force=True)  # type: ignore[misc]
