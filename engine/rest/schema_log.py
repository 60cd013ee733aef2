"""`GET` and `POST /schema/log` (Camunda's SchemaLogRestService): the schema changes applied to
the database, here Legato's migrations. Camunda shows them to camunda-admin and holders of READ
on System; to anyone else the list is empty, not a 403."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from engine.queries.schema_log import list_schema_log
from engine.rest.base import EngineView, json_body
from engine.rest.dates import format_date
from engine.rest.params import Kind, ListQuery, Param
from identity.authorization import Permission, Resource, is_authorized

SCHEMA_LOG_QUERY = ListQuery(
    filters=(Param("version", Kind.STRING, "Entries of this version (`<app>.<migration>`)."),),
    sort_fields={"timestamp": "applied"},
)


class SchemaLog(EngineView):
    """GET (query string) and POST (SchemaLogQueryDto body) /schema/log."""

    def get(self, request: Request) -> Response:
        return self._list(request, None)

    def post(self, request: Request) -> Response:
        return self._list(request, json_body(request))

    def _list(self, request: Request, body: dict[str, Any] | None) -> Response:
        query = SCHEMA_LOG_QUERY.parse(request.query_params, body)
        if not is_authorized(request.user, Permission.READ, Resource.SYSTEM):
            return Response([])
        rows = list_schema_log(version=query.filters.get("version"))
        page = query.page.apply(rows.order_by(*query.order_by))
        return Response([
            {"id": str(row.pk), "timestamp": format_date(row.applied), "version": row.version}
            for row in page
        ])
