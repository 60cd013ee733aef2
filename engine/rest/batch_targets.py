"""The targets of a bulk operation, collected when its request arrives: the ids given plus
what the embedded queries find (`processInstanceQuery`, ... read by the list resources' own
filter code, so only what the caller may read); and the batch they are frozen into."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import QueryDict
from rest_framework.request import Request
from rest_framework.response import Response

from batches.runner import create_batch
from engine.rest.batches import batch_dto
from engine.rest.history import HISTORIC_PROCESS_INSTANCE_QUERY, filter_historic_instances
from engine.rest.params import ListQuery, invalid_request
from engine.rest.process_instances import PROCESS_INSTANCE_QUERY, filter_process_instances

Filter = Callable[[Request, dict[str, Any]], Any]


def ids_in(body: dict[str, Any], name: str) -> list[str]:
    value = body.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid_request(f"'{name}' must be a list of ids")
    return value


def found_by(
    request: Request, body: dict[str, Any], name: str, query: ListQuery, rows: Filter
) -> list[str]:
    """The ids an embedded query (`processInstanceQuery`, ...) finds, as its list resource
    would find them for the caller; an absent query finds nothing."""
    value = body.get(name)
    if value is None:
        return []
    if not isinstance(value, dict):
        raise invalid_request(f"'{name}' must be a JSON object")
    filters = query.parse(QueryDict(), value).filters
    return [str(pk) for pk in rows(request, filters).values_list("id", flat=True)]


def instances_in(request: Request, body: dict[str, Any], ids_field: str) -> list[str]:
    return [
        *ids_in(body, ids_field),
        *found_by(request, body, "processInstanceQuery", PROCESS_INSTANCE_QUERY,
                filter_process_instances),
        *found_by(request, body, "historicProcessInstanceQuery",
                HISTORIC_PROCESS_INSTANCE_QUERY, filter_historic_instances),
    ]


def flag(body: dict[str, Any], name: str, default: bool = False) -> bool:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise invalid_request(f"'{name}' must be true or false")
    return value


def unique_targets(ids: Iterable[str], name: str) -> list[str]:
    """Each target once, in the order given; none is Camunda's `<name> is empty`."""
    unique = list(dict.fromkeys(ids))
    if not unique:
        raise invalid_request(f"{name} is empty")
    return unique


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def instance_targets(request: Request, body: dict[str, Any]) -> list[str]:
    return unique_targets(instances_in(request, body, "processInstanceIds"), "processInstanceIds")


def created(
    request: Request, batch_type: str, ids: list[str], what: str, options: dict[str, Any]
) -> Response:
    """Freeze the targets into a batch (Batch CREATE checked) and answer its BatchDto."""
    batch = create_batch(batch_type, ids, request.user, description=what, options=options)
    return Response(batch_dto(batch))
