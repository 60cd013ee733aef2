"""OpenAPI operations and DTO schemas of `/decision-definition`,
`/decision-requirements-definition` and `/history/decision-instance` (decision_urls.py).
Field codes as in openapi_runtime."""

from __future__ import annotations

from typing import Any

from engine.rest.decision_definitions import DECISION_DEFINITION_QUERY
from engine.rest.decision_requirements import DECISION_REQUIREMENTS_DEFINITION_QUERY
from engine.rest.history_decisions import DECISION_INSTANCE_QUERY, INCLUDE
from engine.rest.openapi_runtime import dto
from engine.rest.params import Kind, Param

Schema = dict[str, Any]

_VALUE = "id:S decisionInstanceId:S clauseId:s clauseName:s errorMessage:s type:s " \
    "createTime:d removalTime:d rootProcessInstanceId:s"


def _with_value(spec: str) -> Schema:
    schema = dto(spec)
    schema["properties"]["value"] = {"nullable": True}
    schema["properties"]["valueInfo"] = {"type": "object"}
    return schema


DECISION_SCHEMAS: dict[str, Schema] = {
    "DecisionDefinitionDiagramDto": dto("id:S dmnXml:S"),
    "DecisionRequirementsDefinitionDto": dto(
        "id:S key:S name:s category:s version:i resource:S deploymentId:S tenantId:s"),
    "DecisionRequirementsDefinitionXmlDto": dto("id:S dmnXml:S"),
    "DecisionResultDto": {
        "type": "array",
        "description": "One entry per rule the hit policy kept: output name -> typed value.",
        "items": {"type": "object", "additionalProperties": {
            "$ref": "#/components/schemas/VariableValueDto"}},
    },
    "EvaluateDecisionDto": dto("variables:v"),
    "HistoricDecisionInstanceStatisticsDto": dto("decisionDefinitionKey:S evaluations:I"),
    "HistoricDecisionInputInstanceDto": _with_value(_VALUE),
    "HistoricDecisionOutputInstanceDto": _with_value(
        f"{_VALUE} ruleId:s ruleOrder:i variableName:s"),
    "HistoricDecisionInstanceDto": {
        "type": "object",
        "properties": {
            **dto(
                "id:S decisionDefinitionId:S decisionDefinitionKey:S decisionDefinitionName:s "
                "evaluationTime:d removalTime:d processDefinitionId:s processDefinitionKey:s "
                "processInstanceId:s rootProcessInstanceId:s caseDefinitionId:s "
                "caseDefinitionKey:s caseInstanceId:s activityId:s activityInstanceId:s "
                "userId:s"
            )["properties"],
            "inputs": {"type": "array", "nullable": True, "items": {
                "$ref": "#/components/schemas/HistoricDecisionInputInstanceDto"}},
            "outputs": {"type": "array", "nullable": True, "items": {
                "$ref": "#/components/schemas/HistoricDecisionOutputInstanceDto"}},
            "collectResultValue": {"type": "number", "nullable": True},
            **dto(
                "rootDecisionInstanceId:s decisionRequirementsDefinitionId:s "
                "decisionRequirementsDefinitionKey:s tenantId:s"
            )["properties"],
        },
    },
}


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    def json(name: str, many: bool = False) -> Schema:
        schema: Schema = {"$ref": f"#/components/schemas/{name}"}
        if many:
            schema = {"type": "array", "items": schema}
        return {"description": "Request successful.",
                "content": {"application/json": {"schema": schema}}}

    error = {"description": "Camunda error body.", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/ExceptionDto"}}}}
    errors = {"400": error, "403": error, "404": error}
    count = {"200": json("CountResultDto"), **errors}
    # Camunda's getDecisionDiagram: the image whose name follows the DMN file's, else none.
    diagram = {"200": {"description": "The image; its content type follows its extension.",
                       "content": {media: {"schema": {"type": "string", "format": "binary"}}
                                   for media in ("image/png", "image/jpeg", "image/gif",
                                                 "image/svg+xml")}},
               "204": {"description": "The deployment has no diagram image."}, **errors}
    ops = []
    dd = "decision-definition"
    ops.append(Operation(dd, "get", "getDecisionDefinitions", "List decision definitions",
                         {"200": json("DecisionDefinitionDto", True), **errors},
                         query=DECISION_DEFINITION_QUERY, paged=True))
    ops.append(Operation(f"{dd}/count", "get", "getDecisionDefinitionsCount",
                         "Count decision definitions", count, query=DECISION_DEFINITION_QUERY))
    evaluate_body = {"content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/EvaluateDecisionDto"}}}}
    ttl_body = {"content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/HistoryTimeToLiveDto"}}}}
    for route, suffix in ((f"{dd}/<str:definition_id>", "ById"),
                          (f"{dd}/key/<str:key>", "ByKey"),
                          (f"{dd}/key/<str:key>/tenant-id/<str:tenant_id>", "ByKeyAndTenant")):
        ops.append(Operation(route, "get", f"getDecisionDefinition{suffix}",
                             "Get a decision definition (by key: its latest version)",
                             {"200": json("DecisionDefinitionDto"), **errors}))
        ops.append(Operation(f"{route}/xml", "get", f"getDecisionDefinitionDmnXml{suffix}",
                             "The DMN file of a decision definition",
                             {"200": json("DecisionDefinitionDiagramDto"), **errors}))
        ops.append(Operation(f"{route}/diagram", "get", f"getDecisionDefinitionDiagram{suffix}",
                             "The diagram image deployed beside the DMN file", diagram))
        ops.append(Operation(f"{route}/evaluate", "post", f"evaluateDecision{suffix}",
                             "Evaluate the decision (CREATE_INSTANCE); records a historic "
                             "decision instance; a table that cannot decide is a 500",
                             {"200": json("DecisionResultDto"), "500": error, **errors},
                             request_body=evaluate_body))
        ops.append(Operation(f"{route}/history-time-to-live", "put",
                             f"updateHistoryTimeToLiveByDecisionDefinition{suffix}",
                             "Keep history `historyTimeToLive` days (null: for ever)",
                             {"204": {"description": "Request successful, no content."},
                              **errors}, request_body=ttl_body))
    drd = "decision-requirements-definition"
    ops.append(Operation(drd, "get", "getDecisionRequirementsDefinitions",
                         "List decision requirements definitions",
                         {"200": json("DecisionRequirementsDefinitionDto", True), **errors},
                         query=DECISION_REQUIREMENTS_DEFINITION_QUERY, paged=True))
    ops.append(Operation(f"{drd}/count", "get", "getDecisionRequirementsDefinitionsCount",
                         "Count decision requirements definitions", count,
                         query=DECISION_REQUIREMENTS_DEFINITION_QUERY))
    for route, suffix in ((f"{drd}/<str:definition_id>", "ById"),
                          (f"{drd}/key/<str:key>", "ByKey"),
                          (f"{drd}/key/<str:key>/tenant-id/<str:tenant_id>", "ByKeyAndTenantId")):
        ops.append(Operation(route, "get", f"getDecisionRequirementsDefinition{suffix}",
                             "Get a decision requirements definition (by key: its latest "
                             "version)",
                             {"200": json("DecisionRequirementsDefinitionDto"), **errors}))
        ops.append(Operation(f"{route}/diagram", "get",
                             f"getDecisionRequirementsDefinitionDiagram{suffix}",
                             "The diagram image deployed beside the DMN file", diagram))
        ops.append(Operation(f"{route}/xml", "get",
                             f"getDecisionRequirementsDefinitionDmnXml{suffix}",
                             "The DMN file of a decision requirements definition",
                             {"200": json("DecisionRequirementsDefinitionXmlDto"), **errors}))
    ops.append(Operation(f"history/{drd}/<str:definition_id>/statistics", "get",
                         "getDecisionStatistics",
                         "Evaluations per decision of the DRD (an unknown id: none)",
                         {"200": json("HistoricDecisionInstanceStatisticsDto", True), **errors},
                         parameters=(Param("decisionInstanceId", Kind.STRING,
                                           "Only this evaluation and the decisions it "
                                           "required."),)))
    hi = "history/decision-instance"
    ops.append(Operation(hi, "get", "getHistoricDecisionInstances",
                         "List historic decision instances",
                         {"200": json("HistoricDecisionInstanceDto", True), **errors},
                         query=DECISION_INSTANCE_QUERY, paged=True))
    ops.append(Operation(f"{hi}/count", "get", "getHistoricDecisionInstancesCount",
                         "Count historic decision instances", count,
                         query=DECISION_INSTANCE_QUERY))
    ops.append(Operation(f"{hi}/<str:decision_instance_id>", "get",
                         "getHistoricDecisionInstance", "Get a historic decision instance",
                         {"200": json("HistoricDecisionInstanceDto"), **errors},
                         parameters=INCLUDE))
    return ops
