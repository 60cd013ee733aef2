"""`/history/decision-instance`: list, count, get by id (Camunda's
HistoricDecisionInstanceRestService). Rows are shown where the caller holds READ_HISTORY on
the decision definition (id = its key); inputs and outputs only on request
(`includeInputs`, `includeOutputs`), as Camunda fetches them only then."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Model, Q, QuerySet
from rest_framework.request import Request
from rest_framework.response import Response

from engine.errors import NotFoundError
from engine.models import (
    HistoricDecisionInput,
    HistoricDecisionInstance,
    HistoricDecisionOutput,
)
from engine.rest import serializers
from engine.rest.base import EngineView
from engine.rest.dates import format_date
from engine.rest.history import apply
from engine.rest.params import Kind, ListQuery, Param, first_value, flag, tenant_filter
from engine.rest.variables import write_stored
from identity.authorization import Permission, Resource, readable_ids, require

S, B, D, L = Kind.STRING, Kind.BOOLEAN, Kind.DATE, Kind.STRING_LIST

# Read by the views for what the rows carry; they filter nothing.
INCLUDE = (
    Param("includeInputs", B, "Include the input values (default false)."),
    Param("includeOutputs", B, "Include the output values (default false)."),
    Param("disableBinaryFetching", B, "Accepted; values are never binary here."),
    Param("disableCustomObjectDeserialization", B, "Accepted; values are JSON here."),
)
DECISION_INSTANCE_QUERY = ListQuery(
    filters=(
        Param("decisionInstanceId", S, "Filter by decision instance id."),
        Param("decisionInstanceIdIn", L, "Comma-separated decision instance ids."),
        Param("decisionDefinitionId", S, "Filter by decision definition id."),
        Param("decisionDefinitionIdIn", L, "Comma-separated decision definition ids."),
        Param("decisionDefinitionKey", S, "Filter by decision definition key."),
        Param("decisionDefinitionKeyIn", L, "Comma-separated decision definition keys."),
        Param("decisionDefinitionName", S, "Filter by decision definition name."),
        Param("decisionDefinitionNameLike", S, "Filter by decision definition name with LIKE."),
        Param("processDefinitionId", S, "Evaluated in instances of this process definition."),
        Param("processDefinitionKey", S, "Evaluated in instances of definitions with this key."),
        Param("processInstanceId", S, "Evaluated in this process instance."),
        Param("activityIdIn", L, "Evaluated by these activities (comma-separated)."),
        Param("activityInstanceIdIn", L, "Evaluated by these activity instances."),
        Param("evaluatedBefore", D, "Evaluated before this date."),
        Param("evaluatedAfter", D, "Evaluated after this date."),
        Param("userId", S, "Evaluated over REST by this user."),
        Param("rootDecisionInstanceId", S,
              "This root decision instance and the instances of the decisions it required."),
        Param("rootDecisionInstancesOnly", B,
              "Only root decision instances (not those of required decisions)."),
        Param("decisionRequirementsDefinitionId", S,
              "Instances of decisions of this decision requirements definition."),
        Param("decisionRequirementsDefinitionKey", S,
              "Instances of decisions of decision requirements definitions with this key."),
        Param("caseDefinitionId", S, "Accepted; matches nothing (Legato has no CMMN)."),
        Param("caseDefinitionKey", S, "Accepted; matches nothing (Legato has no CMMN)."),
        Param("caseInstanceId", S, "Accepted; matches nothing (Legato has no CMMN)."),
        Param("tenantIdIn", L, "Comma-separated tenant ids."),
        Param("withoutTenantId", B, "Only instances of no tenant."),
        *INCLUDE,
    ),
    sort_fields={"evaluationTime": "evaluation_time", "tenantId": "tenant_id"},
)
_EXACT = {
    "decisionInstanceId": "id",
    "decisionInstanceIdIn": "id__in",
    "decisionDefinitionId": "decision_definition_id",
    "decisionDefinitionIdIn": "decision_definition_id__in",
    "decisionDefinitionKey": "decision_definition_key",
    "decisionDefinitionKeyIn": "decision_definition_key__in",
    "decisionDefinitionName": "decision_definition_name",
    "processDefinitionId": "process_definition_id",
    "processDefinitionKey": "process_definition_key",
    "processInstanceId": "process_instance_id",
    "activityIdIn": "activity_id__in",
    "activityInstanceIdIn": "activity_instance_id__in",
    "evaluatedBefore": "evaluation_time__lte",
    "evaluatedAfter": "evaluation_time__gte",
    "userId": "user_id",
    "decisionRequirementsDefinitionId": "decision_requirements_definition_id",
    "decisionRequirementsDefinitionKey": "decision_requirements_definition_key",
}
_LIKE = {"decisionDefinitionNameLike": "decision_definition_name"}
_WHEN_TRUE = {"rootDecisionInstancesOnly": Q(root_decision_instance_id__isnull=True)}
# A case matches nothing here: no instance belongs to a case.
_WHEN_GIVEN = {
    name: Q(pk__in=[]) for name in ("caseDefinitionId", "caseDefinitionKey", "caseInstanceId")
}


def readable_decision_instances(user: Any) -> QuerySet[HistoricDecisionInstance]:
    """The decision instances of the decision definitions `user` may READ_HISTORY."""
    keys = readable_ids(user, Resource.DECISION_DEFINITION, Permission.READ_HISTORY)
    return HistoricDecisionInstance.objects.filter(keys.q("decision_definition_key"))


def filter_decision_instances(
    request: Request, filters: dict[str, Any]
) -> QuerySet[HistoricDecisionInstance]:
    rows = apply(readable_decision_instances(request.user), filters, _EXACT, _LIKE, _WHEN_TRUE)
    if "rootDecisionInstanceId" in filters:
        # Camunda: the root instance itself and the instances of the decisions it required.
        root = filters["rootDecisionInstanceId"]
        rows = rows.filter(Q(id=root) | Q(root_decision_instance_id=root))
    for param, condition in _WHEN_GIVEN.items():
        if param in filters:
            rows = rows.filter(condition)
    # Only tenantIdIn and withoutTenantId are declared: the include flag is never present.
    tenants = tenant_filter(filters, without_tenant="withoutTenantId",
                            include_without_tenant="includeDecisionInstancesWithoutTenantId")
    return rows if tenants is None else rows.filter(tenants)


def decision_instance_dtos(
    rows: list[HistoricDecisionInstance], *, inputs: bool, outputs: bool
) -> list[serializers.Dto]:
    """HistoricDecisionInstanceDto each; `inputs`/`outputs` null unless asked for."""
    ids = [row.id for row in rows]
    by_instance: dict[str, dict[str, list[serializers.Dto]]] = {i: {} for i in ids}
    if inputs:
        for value in _values(HistoricDecisionInput, ids):
            by_instance[value.decision_instance_id].setdefault("inputs", []).append(
                _input_dto(value))
    if outputs:
        for value in _values(HistoricDecisionOutput, ids):
            by_instance[value.decision_instance_id].setdefault("outputs", []).append(
                _output_dto(value))
    return [
        _instance_dto(
            row,
            by_instance[row.id].get("inputs", []) if inputs else None,
            by_instance[row.id].get("outputs", []) if outputs else None,
        )
        for row in rows
    ]


def _values(model: type[Model], ids: list[str]) -> QuerySet[Any]:
    return model._default_manager.filter(decision_instance_id__in=ids).select_related(
        "decision_instance").order_by("decision_instance_id", "position")


def _instance_dto(row: HistoricDecisionInstance, inputs: Any, outputs: Any) -> serializers.Dto:
    return {
        "id": row.id,
        "decisionDefinitionId": row.decision_definition_id,
        "decisionDefinitionKey": row.decision_definition_key,
        "decisionDefinitionName": row.decision_definition_name,
        "evaluationTime": format_date(row.evaluation_time),
        "removalTime": format_date(row.removal_time),
        "processDefinitionId": row.process_definition_id,
        "processDefinitionKey": row.process_definition_key,
        "processInstanceId": row.process_instance_id,
        "rootProcessInstanceId": row.root_process_instance_id,
        "caseDefinitionId": None,
        "caseDefinitionKey": None,
        "caseInstanceId": None,
        "activityId": row.activity_id,
        "activityInstanceId": row.activity_instance_id,
        "userId": row.user_id,
        "inputs": inputs,
        "outputs": outputs,
        "collectResultValue": row.collect_result_value,
        "rootDecisionInstanceId": row.root_decision_instance_id,
        "decisionRequirementsDefinitionId": row.decision_requirements_definition_id,
        "decisionRequirementsDefinitionKey": row.decision_requirements_definition_key,
        "tenantId": row.tenant_id,
    }


def _value_dto(value: Any) -> serializers.Dto:
    """The fields input and output DTOs share."""
    typed = write_stored(value.type, value.value)
    instance = value.decision_instance
    return {
        "id": value.id,
        "decisionInstanceId": value.decision_instance_id,
        "clauseId": value.clause_id,
        "clauseName": value.clause_name,
        "errorMessage": None,
        "type": typed["type"],
        "createTime": format_date(value.create_time),
        "removalTime": format_date(instance.removal_time),
        "rootProcessInstanceId": instance.root_process_instance_id,
        "value": typed["value"],
        "valueInfo": typed["valueInfo"],
    }


def _input_dto(value: Any) -> serializers.Dto:
    """HistoricDecisionInputInstanceDto."""
    return _value_dto(value)


def _output_dto(value: Any) -> serializers.Dto:
    """HistoricDecisionOutputInstanceDto."""
    return {
        **_value_dto(value),
        "ruleId": value.rule_id,
        "ruleOrder": value.rule_order,
        "variableName": value.variable_name,
    }


def _included(request: Request) -> dict[str, bool]:
    return {"inputs": flag(request.query_params, "includeInputs"),
            "outputs": flag(request.query_params, "includeOutputs")}


class HistoricDecisionInstanceList(EngineView):
    """GET /history/decision-instance."""

    def get(self, request: Request) -> Response:
        query = DECISION_INSTANCE_QUERY.parse(request.query_params)
        rows = filter_decision_instances(request, query.filters).order_by(*query.order_by)
        page = list(query.page.apply(rows))
        return Response(decision_instance_dtos(page, **_included(request)))


class HistoricDecisionInstanceCount(EngineView):
    """GET /history/decision-instance/count."""

    def get(self, request: Request) -> Response:
        filters = DECISION_INSTANCE_QUERY.parse_filters(request.query_params)
        return Response(serializers.count_dto(filter_decision_instances(request, filters).count()))


class HistoricDecisionInstanceDetail(EngineView):
    """GET /history/decision-instance/{id}."""

    def get(self, request: Request, decision_instance_id: str) -> Response:
        row = HistoricDecisionInstance.objects.filter(pk=decision_instance_id).first()
        if row is None:
            # Camunda's wording (HistoricDecisionInstanceResourceImpl).
            raise NotFoundError(
                f"Historic decision instance with id '{decision_instance_id}' does not exist"
            )
        require(request.user, Permission.READ_HISTORY, Resource.DECISION_DEFINITION,
                row.decision_definition_key)
        return Response(decision_instance_dtos([row], **_included(request))[0])


class HistoricDecisionStatistics(EngineView):
    """GET /history/decision-requirements-definition/{id}/statistics[?decisionInstanceId=]:
    per decision of the DRD, how often it was evaluated; with decisionInstanceId, only that
    evaluation and the decisions it required (its root is that instance).

    As Camunda's HistoricDecisionInstanceStatisticsQuery: no permission check but the
    tenant's, and an unknown DRD id is an empty list rather than a 404.
    """

    def get(self, request: Request, definition_id: str) -> Response:
        rows = HistoricDecisionInstance.objects.filter(
            decision_requirements_definition_id=definition_id
        )
        instance_id = first_value(request.query_params, "decisionInstanceId")
        if instance_id is not None:
            rows = rows.filter(Q(pk=instance_id) | Q(root_decision_instance_id=instance_id))
        counted = (
            rows.values("decision_definition_id", "decision_definition_key")
            .annotate(n=Count("id"))
            .order_by("decision_definition_id")
        )
        return Response([
            {"decisionDefinitionKey": row["decision_definition_key"], "evaluations": row["n"]}
            for row in counted
        ])
