"""`PUT .../history-time-to-live` of process and decision definitions, by id or key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from engine.rest.base import EngineView, json_body, user_id
from engine.services.history_ttl import set_history_time_to_live

Find = Callable[[str | None, str | None, str | None], Any]


def history_ttl_view(find: Find) -> type[EngineView]:
    """The view for definitions `find(definition_id, key, tenant_id)` looks up:
    `{historyTimeToLive}` days (null: keep for ever); 204."""

    class HistoryTimeToLive(EngineView):
        def put(
            self,
            request: Request,
            definition_id: str | None = None,
            key: str | None = None,
            tenant_id: str | None = None,
        ) -> Response:
            definition = find(definition_id, key, tenant_id)
            days = json_body(request).get("historyTimeToLive")
            set_history_time_to_live(definition, days, user_id=user_id(request))
            return Response(status=204)

    return HistoryTimeToLive
