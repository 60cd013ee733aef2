"""List and count views for resources whose GET and POST query forms differ only in where the
filters come from (query string or JSON body)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from engine.rest import serializers
from engine.rest.base import EngineView, deserialize_values, json_body
from engine.rest.params import ListQuery

Filter = Callable[[Request, dict[str, Any]], QuerySet[Any]]
# (rows) -> dtos, or (rows, deserialize) -> dtos for variable lists
Dtos = Callable[..., list[serializers.Dto]]


def list_views(
    query: ListQuery,
    filter_rows: Filter,
    dtos: Dtos,
    *,
    post: bool = True,
    values: bool = False,
) -> tuple[type[EngineView], type[EngineView]]:
    """(list view, count view); both answer GET, and POST when Camunda has the POST form.
    `values`: the rows are variables, and `dtos` takes `deserializeValues` as well."""

    class ListView(EngineView):
        def get(self, request: Request) -> Response:
            return self.answer(request, None)

        def answer(self, request: Request, body: dict[str, Any] | None) -> Response:
            found = query.parse(request.query_params, body)
            rows = filter_rows(request, found.filters).order_by(*found.order_by)
            page = list(found.page.apply(rows))
            if values:
                return Response(dtos(page, deserialize_values(request)))
            return Response(dtos(page))

    class CountView(EngineView):
        def get(self, request: Request) -> Response:
            return self.answer(request, None)

        def answer(self, request: Request, body: dict[str, Any] | None) -> Response:
            found = query.parse(request.query_params, body)
            return Response(serializers.count_dto(filter_rows(request, found.filters).count()))

    if post:
        for view in (ListView, CountView):
            view.post = lambda self, request: self.answer(request, json_body(request))  # type: ignore[attr-defined]
    return ListView, CountView
