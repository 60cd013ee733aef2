"""`GET /history/process-definition/{id}/statistics`: per activity, running, finished,
canceled and scope-completing instances and incidents by state, from history (Camunda's
HistoricActivityStatisticsDto; READ_HISTORY on the definition)."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.response import Response

from engine.queries.history import historic_activity_statistics
from engine.rest.base import EngineView
from engine.rest.params import Kind, ListQuery, Param
from engine.rest.process_definitions import definition_by_id
from identity.authorization import Permission, Resource, require

B, D = Kind.BOOLEAN, Kind.DATE
HISTORIC_ACTIVITY_STATISTICS_QUERY = ListQuery(
    filters=(
        Param("canceled", B, "Also count canceled activity instances."),
        Param("finished", B, "Also count finished activity instances."),
        Param("completeScope", B, "Also count instances that completed their scope."),
        Param("incidents", B, "Also count incidents by state."),
        Param("startedBefore", D, "Activity instances started before this date."),
        Param("startedAfter", D, "Activity instances started after this date."),
        Param("finishedBefore", D, "Activity instances finished before this date."),
        Param("finishedAfter", D, "Activity instances finished after this date."),
        Param("processInstanceIdIn", Kind.STRING_LIST, "Only of these process instances."),
    ),
    sort_fields={"activityId": "activity_id"},
)
_TIMES = {
    "startedBefore": "start_time__lt",
    "startedAfter": "start_time__gt",
    "finishedBefore": "end_time__lt",
    "finishedAfter": "end_time__gt",
}


class HistoricActivityStatistics(EngineView):
    """GET /history/process-definition/{id}/statistics."""

    def get(self, request: Request, definition_id: str) -> Response:
        definition = definition_by_id(definition_id)
        require(request.user, Permission.READ_HISTORY, Resource.PROCESS_DEFINITION, definition.key)
        query = HISTORIC_ACTIVITY_STATISTICS_QUERY.parse(request.query_params)
        filters = query.filters
        return Response(
            historic_activity_statistics(
                definition.id,
                finished=bool(filters.get("finished")),
                canceled=bool(filters.get("canceled")),
                complete_scope=bool(filters.get("completeScope")),
                incidents=bool(filters.get("incidents")),
                time_filters={v: filters[k] for k, v in _TIMES.items() if k in filters},
                instance_ids=filters.get("processInstanceIdIn"),
                descending=query.order_by[:1] == ("-activity_id",),
            )
        )
