"""Camunda query parameters: typed filters, `sortBy`/`sortOrder`, `firstResult`/`maxResults`.

Every list resource declares its parameters once as a `ListQuery`; the view parses the
request with it and the OpenAPI document lists the same declarations, so the two cannot
drift apart. Parsing follows Camunda's `AbstractSearchQueryDto`: unknown parameters are
ignored, a value that does not convert is a 400 `InvalidRequestException` naming the
parameter ("Cannot set query parameter 'x' to value 'y'"), and lists are comma-separated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from django.db.models import Model, OrderBy, Q, QuerySet
from django.http import QueryDict

from engine.queries.like import like as like  # the REST filters' `*Like` parameters
from engine.rest.dates import parse_date
from engine.rest.errors import CamundaError

M = TypeVar("M", bound=Model)
# A `sortBy` value that takes `parameters` (POST only): (parameters, descending) -> the
# ORDER BY terms, or a 400 naming what is wrong with the parameters.
ParameterSort = Callable[[Any, bool], list[OrderBy]]

_INTEGER = re.compile(r"^[+-]?\d{1,10}$")
_INT_RANGE = range(-(2**31), 2**31)


class Kind(StrEnum):
    STRING = "string"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    DATE = "date"
    STRING_LIST = "string-list"
    # Camunda's variable filter: `name_op_value,...` in GET, [{name, operator, value}] in POST
    VARIABLES = "variables"


@dataclass(frozen=True)
class Param:
    """One query parameter: its Camunda name, its type and one line for the OpenAPI page."""

    name: str
    kind: Kind = Kind.STRING
    description: str = ""


def invalid_request(message: str, status: int = 400) -> CamundaError:
    return CamundaError(status, "InvalidRequestException", message)


def invalid_parameter(name: str, value: str) -> CamundaError:
    # Camunda's wording (AbstractSearchQueryDto.setValueBasedOnAnnotation).
    return invalid_request(f"Cannot set query parameter '{name}' to value '{value}'")


def convert(param: Param, raw: str) -> Any:
    """The typed value of one parameter, or a 400 naming it."""
    if param.kind is Kind.STRING:
        return raw
    if param.kind is Kind.STRING_LIST:
        return raw.split(",")
    if param.kind is Kind.VARIABLES:
        # Imported here: variable_filters words its errors with this module's helpers.
        from engine.rest.variable_filters import parse_variable_param

        return parse_variable_param(param.name, raw)
    if param.kind is Kind.BOOLEAN:
        lowered = raw.lower()
        if lowered not in ("true", "false"):
            raise invalid_parameter(param.name, raw)
        return lowered == "true"
    if param.kind is Kind.INTEGER:
        if not _INTEGER.match(raw) or int(raw) not in _INT_RANGE:
            raise invalid_parameter(param.name, raw)
        return int(raw)
    try:
        return parse_date(raw)
    except ValueError:
        raise invalid_parameter(param.name, raw) from None


def first_value(params: QueryDict, name: str) -> str | None:
    # JAX-RS hands Camunda the first of repeated values; QueryDict.get would give the last.
    values = params.getlist(name)
    return values[0] if values else None


def flag(params: QueryDict, name: str) -> bool:
    """A boolean parameter that defaults to false (`cascade`, `skipCustomListeners`, ...)."""
    raw = first_value(params, name)
    return False if raw is None else bool(convert(Param(name, Kind.BOOLEAN), raw))


SORT_ORDERS = {"asc": "", "desc": "-"}
PAGING = (
    Param("firstResult", Kind.INTEGER, "Pagination of results: the index of the first result."),
    Param("maxResults", Kind.INTEGER, "Pagination of results: the most results to return."),
)


@dataclass(frozen=True)
class Page:
    first_result: int = 0
    max_results: int | None = None

    def apply(self, queryset: QuerySet[M]) -> QuerySet[M]:
        if self.max_results is None:
            return queryset[self.first_result :]
        return queryset[self.first_result : self.first_result + self.max_results]


@dataclass(frozen=True)
class ParsedQuery:
    filters: dict[str, Any]
    order_by: tuple[str | OrderBy, ...]
    page: Page


@dataclass(frozen=True)
class ListQuery:
    """The parameters of one Camunda list resource (`GET /x` and `GET /x/count`).

    `sort_fields` maps each allowed `sortBy` value to the model field it orders by;
    `default_order` applies when the request names none (Camunda orders by id then);
    `parameter_sorts` are the `sortBy` values that take `parameters` (a POST body's sorting).
    """

    filters: tuple[Param, ...]
    sort_fields: Mapping[str, str]
    default_order: tuple[str, ...] = ("pk",)
    parameter_sorts: Mapping[str, ParameterSort] = field(default_factory=dict)
    # The POST form takes Camunda's `orQueries` (`filters["orQueries"]`, a list of parsed
    # criteria; the view applies them: or_query_criteria.py, task_filters.py).
    or_queries: bool = False
    _by_name: dict[str, Param] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {param.name: param for param in self.filters})

    def parse(self, params: QueryDict, body: Mapping[str, Any] | None = None) -> ParsedQuery:
        """The GET form from the query string, or the POST form when there is a `body`."""
        if body is not None:
            return parse_body_query(self, body, params)
        return ParsedQuery(
            self.parse_filters(params), self.parse_sorting(params), parse_page(params)
        )

    def parse_filters(self, params: QueryDict) -> dict[str, Any]:
        """The typed value of every declared parameter the request carries; others ignored."""
        return {
            name: convert(param, raw)
            for name, param in self._by_name.items()
            if (raw := first_value(params, name)) is not None
        }

    def parse_sorting(self, params: QueryDict) -> tuple[str, ...]:
        sort_by, sort_order = first_value(params, "sortBy"), first_value(params, "sortOrder")
        if sort_by is None and sort_order is None:
            return self.default_order
        if sort_by in self.parameter_sorts:
            raise invalid_request(
                f"Sorting by '{sort_by}' needs parameters: send it in a POST body's 'sorting'"
            )
        if sort_by is not None and sort_by not in self.sort_fields:
            raise invalid_parameter("sortBy", sort_by)
        if sort_order is not None and sort_order not in SORT_ORDERS:
            raise invalid_parameter("sortOrder", sort_order)
        if sort_by is None or sort_order is None:
            # Camunda's wording (AbstractQueryDto.applySortingOptions).
            raise invalid_request(
                "Only a single sorting parameter specified. sortBy and sortOrder required"
            )
        # The id breaks ties so that paging through equal sort keys is stable.
        return (SORT_ORDERS[sort_order] + self.sort_fields[sort_by], "pk")

    @property
    def sort_by_values(self) -> tuple[str, ...]:
        return tuple(self.sort_fields)


def parse_page(params: QueryDict) -> Page:
    first, most = (
        (convert(p, raw) if (raw := first_value(params, p.name)) is not None else None)
        for p in PAGING
    )
    if first is not None and first < 0:
        raise invalid_parameter("firstResult", str(first))
    if most is not None and most < 0:
        raise invalid_parameter("maxResults", str(most))
    return Page(first or 0, most)


def tenant_filter(
    filters: Mapping[str, Any], *, without_tenant: str, include_without_tenant: str
) -> Q | None:
    """`tenantIdIn`, `withoutTenantId` and `include...WithoutTenantId`, as every query has them."""
    condition: Q | None = None
    if "tenantIdIn" in filters:
        condition = Q(tenant_id__in=filters["tenantIdIn"])
        if filters.get(include_without_tenant):
            condition |= Q(tenant_id__isnull=True)
    if filters.get(without_tenant):
        absent = Q(tenant_id__isnull=True)
        condition = absent if condition is None else condition & absent
    return condition


def _body_text(value: Any) -> str:
    # A JSON value as the GET converters read it (`true`, `5`), and as a 400 names it.
    if isinstance(value, str):
        return value
    return json.dumps(value)


def convert_body(param: Param, value: Any) -> Any:
    """The typed value of one field of a POST query body, or a 400 naming it as the GET form
    does. Lists must be JSON lists (a string is not a list of one), scalars must be scalars;
    booleans, numbers and dates are read by the GET converters, so both forms refuse the same
    text (Camunda's Jackson refuses these shapes as well)."""
    if param.kind is Kind.VARIABLES:
        from engine.rest.variable_filters import parse_variable_body

        return parse_variable_body(param.name, value)
    if param.kind is Kind.STRING_LIST:
        if not isinstance(value, list) or not all(_is_scalar(item) for item in value):
            raise invalid_parameter(param.name, _body_text(value))
        return [item if isinstance(item, str) else json.dumps(item) for item in value]
    if not _is_scalar(value) or (isinstance(value, bool) and param.kind is Kind.INTEGER):
        raise invalid_parameter(param.name, _body_text(value))
    return convert(param, _body_text(value))


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def parse_body_query(
    query: ListQuery, body: Mapping[str, Any], params: QueryDict
) -> ParsedQuery:
    """Camunda's POST query form: the same filters in a JSON body, sorting as
    `sorting: [{sortBy, sortOrder}]`, and firstResult/maxResults in the query string.

    `firstResult`/`maxResults` in the body (where Camunda ignores them) are read when the query
    string has none, so that a malformed one is refused rather than silently dropped.
    """
    filters = _body_filters(query, body)
    if query.or_queries and body.get("orQueries"):
        filters[OR_QUERIES] = _or_queries(query, body["orQueries"])
    order = parse_body_sorting(query, body.get("sorting"))
    order_by = (*order, "pk") if order else query.default_order
    return ParsedQuery(filters, order_by, _body_page(body, params))


def _body_filters(query: ListQuery, body: Mapping[str, Any]) -> dict[str, Any]:
    return {
        param.name: convert_body(param, body[param.name])
        for param in query.filters
        if body.get(param.name) is not None
    }


OR_QUERIES = "orQueries"
# What an or-query cannot hold (Camunda's wording, TaskQueryImpl / ProcessInstanceQueryImpl).
_NOT_IN_OR_QUERIES = {
    "orQueries": "Invalid query usage: cannot set nested orQueries",
    "sorting": "Invalid query usage: cannot set sorting in an or query",
}


def _or_queries(query: ListQuery, value: Any) -> list[dict[str, Any]]:
    """Each or-query's criteria, typed as the main query's. An unknown key is a 400 here:
    silently dropped, it would widen what the or-query matches."""
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise invalid_request("'orQueries' must be a list of query objects")
    parsed = []
    for item in value:
        for key, message in _NOT_IN_OR_QUERIES.items():
            if item.get(key):
                raise invalid_request(message)
        unknown = sorted(k for k, v in item.items() if v is not None
                         and k not in query._by_name and k not in _NOT_IN_OR_QUERIES)
        if unknown:
            raise invalid_request(f"'{unknown[0]}' is not supported in orQueries")
        parsed.append(_body_filters(query, item))
    return parsed


def parse_body_sorting(query: ListQuery, sorting: Any) -> list[str | OrderBy]:
    """The ORDER BY terms of a POST body's `sorting: [{sortBy, sortOrder, parameters}]`
    (null, absent or empty: none); a 400 naming the first entry that cannot apply."""
    order: list[str | OrderBy] = []
    if not sorting:
        return order
    if not isinstance(sorting, list):
        raise invalid_request("'sorting' must be a list of {sortBy, sortOrder}")
    for entry in sorting:
        if not isinstance(entry, Mapping):
            raise invalid_request("'sorting' must be a list of {sortBy, sortOrder}")
        sort_by, sort_order = entry.get("sortBy"), entry.get("sortOrder")
        # a list or an object is no name: the lookups below would fail on it unhashed
        if not isinstance(sort_by, str) or (
            sort_by not in query.sort_fields and sort_by not in query.parameter_sorts
        ):
            raise invalid_parameter("sortBy", str(sort_by))
        if not isinstance(sort_order, str) or sort_order not in SORT_ORDERS:
            raise invalid_parameter("sortOrder", str(sort_order))
        if sort_by in query.parameter_sorts:
            descending = sort_order == "desc"
            order.extend(query.parameter_sorts[sort_by](entry.get("parameters"), descending))
        else:
            order.append(SORT_ORDERS[sort_order] + query.sort_fields[sort_by])
    return order


def _body_page(body: Mapping[str, Any], params: QueryDict) -> Page:
    merged = params.copy()
    for param in PAGING:
        if body.get(param.name) is not None and first_value(params, param.name) is None:
            merged.setlist(param.name, [str(convert_body(param, body[param.name]))])
    return parse_page(merged)
