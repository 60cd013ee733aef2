"""OpenAPI operations of what process definitions answer beside their runtime resources:
the definitions they call, their history time to live, their historic activity statistics,
their rendered start form, and the start form and statistics by key and tenant."""

from __future__ import annotations

from typing import Any

from engine.rest import history_statistics
from engine.rest.openapi_runtime import (
    _DEPLOYED_FORM,
    _ERROR,
    _FORM_VARIABLES,
    _NO_CONTENT,
    _STATISTICS,
    _VARIABLES,
    _array_of,
    _body,
    _json,
    _ref,
    dto,
)

Schema = dict[str, Any]

DEFINITION_SCHEMAS: dict[str, Schema] = {
    "HistoryTimeToLiveDto": dto("historyTimeToLive:i"),
    "HistoricActivityStatisticsDto": dto(
        "id:S instances:I canceled:I finished:I completeScope:I openIncidents:I "
        "resolvedIncidents:I deletedIncidents:I"
    ),
}


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    ops: list[Operation] = []
    errors = {"400": _ERROR, "403": _ERROR, "404": _ERROR}

    def add(route: str, method: str, op_id: str, summary: str, responses: dict[str, Schema],
            **kwargs: Any) -> None:
        ops.append(Operation(route, method, op_id, summary, {**responses, **errors}, **kwargs))

    pd = "process-definition"
    add(f"{pd}/<str:definition_id>/static-called-process-definitions", "get",
        "getStaticCalledProcessDefinitions",
        "The definitions its call activities name without an expression (those readable)",
        {"200": _json({"type": "array", "items": {"allOf": [_ref("ProcessDefinitionDto"), {
            "type": "object", "properties": {
                "callingProcessDefinitionId": {"type": "string"},
                "calledFromActivityIds": {"type": "array", "items": {"type": "string"}}}}]}})})
    for route, suffix in ((f"{pd}/<str:definition_id>", "ById"),
                          (f"{pd}/key/<str:key>", "ByKey"),
                          (f"{pd}/key/<str:key>/tenant-id/<str:tenant_id>", "ByKeyAndTenantId")):
        add(f"{route}/history-time-to-live", "put",
            f"updateHistoryTimeToLiveByProcessDefinition{suffix}",
            "Keep history `historyTimeToLive` days (null: for ever)", _NO_CONTENT,
            request_body=_body(_ref("HistoryTimeToLiveDto")))
    by_key, by_tenant = f"{pd}/key/<str:key>", f"{pd}/key/<str:key>/tenant-id/<str:tenant_id>"
    html = {"200": {"description": "HTML", "content": {"application/xhtml+xml": {
        "schema": {"type": "string"}}}}}
    for route, suffix in ((f"{pd}/<str:definition_id>", ""), (by_key, "ByKey"),
                          (by_tenant, "ByKeyAndTenantId")):
        add(f"{route}/rendered-form", "get", f"getRenderedStartForm{suffix}",
            "The start event's generated HTML form (404 without camunda:formData)", html)
    for route, suffix in ((by_key, "ByKey"), (by_tenant, "ByKeyAndTenantId")):
        add(f"{route}/statistics", "get", f"getActivityStatisticsByProcessDefinitionKey"
            f"{suffix.removeprefix('ByKey')}", "Statistics per activity of the latest version",
            {"200": _json(_array_of("ActivityStatisticsResultDto"))}, parameters=_STATISTICS)
    add(f"{by_tenant}/startForm", "get", "getStartFormByKeyAndTenantId",
        "The start form of the tenant's latest version", {"200": _json(_ref("FormDto"))})
    add(f"{by_tenant}/deployed-start-form", "get", "getDeployedStartFormByKeyAndTenantId",
        "The deployed start form file of the tenant's latest version", _DEPLOYED_FORM)
    add(f"{by_tenant}/form-variables", "get", "getStartFormVariablesByKeyAndTenantId",
        "The start form's variables of the tenant's latest version", {"200": _json(_VARIABLES)},
        parameters=_FORM_VARIABLES)
    add(f"history/{pd}/<str:definition_id>/statistics", "get",
        "getHistoricActivityStatistics",
        "Per activity: running, finished, canceled, scope-completing instances, incidents",
        {"200": _json(_array_of("HistoricActivityStatisticsDto"))},
        query=history_statistics.HISTORIC_ACTIVITY_STATISTICS_QUERY)
    return ops
