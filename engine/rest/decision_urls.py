"""Routes of `/decision-definition`, `/decision-requirements-definition` and
`/history/decision-instance`; engine/rest/urls.py lists them before its catch-all 404.
Literal segments (`count`, `key`) come before `<id>`."""

from django.urls import path

from engine.rest import batch_operations
from engine.rest import decision_definitions as dd
from engine.rest import decision_requirements as drd
from engine.rest import history_decisions as hd

DD = "decision-definition"
BY_KEY = f"{DD}/key/<str:key>"
BY_TENANT = f"{BY_KEY}/tenant-id/<str:tenant_id>"
BY_ID = f"{DD}/<str:definition_id>"
DRD = "decision-requirements-definition"
DRD_BY_KEY = f"{DRD}/key/<str:key>"
DRD_BY_TENANT = f"{DRD_BY_KEY}/tenant-id/<str:tenant_id>"
DRD_BY_ID = f"{DRD}/<str:definition_id>"

DECISIONS = [
    path(DD, dd.DecisionDefinitionList.as_view(), name="rest-decision-definition-list"),
    path(f"{DD}/count", dd.DecisionDefinitionCount.as_view(),
         name="rest-decision-definition-count"),
    path(BY_KEY, dd.DecisionDefinitionDetail.as_view(), name="rest-decision-definition-by-key"),
    path(f"{BY_KEY}/xml", dd.DecisionDefinitionXml.as_view(),
         name="rest-decision-definition-xml-by-key"),
    path(f"{BY_KEY}/diagram", dd.DecisionDefinitionDiagram.as_view(),
         name="rest-decision-definition-diagram-by-key"),
    path(f"{BY_KEY}/evaluate", dd.DecisionDefinitionEvaluate.as_view(),
         name="rest-decision-definition-evaluate-by-key"),
    path(BY_TENANT, dd.DecisionDefinitionDetail.as_view(),
         name="rest-decision-definition-by-key-and-tenant"),
    path(f"{BY_TENANT}/xml", dd.DecisionDefinitionXml.as_view(),
         name="rest-decision-definition-xml-by-key-and-tenant"),
    path(f"{BY_TENANT}/diagram", dd.DecisionDefinitionDiagram.as_view(),
         name="rest-decision-definition-diagram-by-key-and-tenant"),
    path(f"{BY_TENANT}/evaluate", dd.DecisionDefinitionEvaluate.as_view(),
         name="rest-decision-definition-evaluate-by-key-and-tenant"),
    path(f"{BY_KEY}/history-time-to-live", dd.DecisionDefinitionHistoryTimeToLive.as_view(),
         name="rest-decision-definition-ttl-by-key"),
    path(f"{BY_TENANT}/history-time-to-live", dd.DecisionDefinitionHistoryTimeToLive.as_view(),
         name="rest-decision-definition-ttl-by-key-and-tenant"),
    path(f"{BY_ID}/history-time-to-live", dd.DecisionDefinitionHistoryTimeToLive.as_view(),
         name="rest-decision-definition-ttl"),
    path(BY_ID, dd.DecisionDefinitionDetail.as_view(), name="rest-decision-definition"),
    path(f"{BY_ID}/xml", dd.DecisionDefinitionXml.as_view(),
         name="rest-decision-definition-xml"),
    path(f"{BY_ID}/diagram", dd.DecisionDefinitionDiagram.as_view(),
         name="rest-decision-definition-diagram"),
    path(f"{BY_ID}/evaluate", dd.DecisionDefinitionEvaluate.as_view(),
         name="rest-decision-definition-evaluate"),
    path(DRD, drd.DecisionRequirementsDefinitionList.as_view(),
         name="rest-decision-requirements-definition-list"),
    path(f"{DRD}/count", drd.DecisionRequirementsDefinitionCount.as_view(),
         name="rest-decision-requirements-definition-count"),
    path(DRD_BY_KEY, drd.DecisionRequirementsDefinitionDetail.as_view(),
         name="rest-decision-requirements-definition-by-key"),
    path(f"{DRD_BY_KEY}/xml", drd.DecisionRequirementsDefinitionXml.as_view(),
         name="rest-decision-requirements-definition-xml-by-key"),
    path(f"{DRD_BY_KEY}/diagram", drd.DecisionRequirementsDefinitionDiagram.as_view(),
         name="rest-decision-requirements-definition-diagram-by-key"),
    path(DRD_BY_TENANT, drd.DecisionRequirementsDefinitionDetail.as_view(),
         name="rest-decision-requirements-definition-by-key-and-tenant"),
    path(f"{DRD_BY_TENANT}/xml", drd.DecisionRequirementsDefinitionXml.as_view(),
         name="rest-decision-requirements-definition-xml-by-key-and-tenant"),
    path(f"{DRD_BY_TENANT}/diagram", drd.DecisionRequirementsDefinitionDiagram.as_view(),
         name="rest-decision-requirements-definition-diagram-by-key-and-tenant"),
    path(DRD_BY_ID, drd.DecisionRequirementsDefinitionDetail.as_view(),
         name="rest-decision-requirements-definition"),
    path(f"{DRD_BY_ID}/xml", drd.DecisionRequirementsDefinitionXml.as_view(),
         name="rest-decision-requirements-definition-xml"),
    path(f"{DRD_BY_ID}/diagram", drd.DecisionRequirementsDefinitionDiagram.as_view(),
         name="rest-decision-requirements-definition-diagram"),
    path("history/decision-requirements-definition/<str:definition_id>/statistics",
         hd.HistoricDecisionStatistics.as_view(),
         name="rest-history-decision-requirements-definition-statistics"),
    path("history/decision-instance", hd.HistoricDecisionInstanceList.as_view(),
         name="rest-history-decision-instance-list"),
    path("history/decision-instance/count", hd.HistoricDecisionInstanceCount.as_view(),
         name="rest-history-decision-instance-count"),
    path("history/decision-instance/delete",
         batch_operations.HistoricDecisionsDeleteAsync.as_view(),
         name="rest-history-decision-instance-delete"),
    path("history/decision-instance/set-removal-time",
         batch_operations.DecisionSetRemovalTimeAsync.as_view(),
         name="rest-history-decision-instance-set-removal-time"),
    path("history/decision-instance/<str:decision_instance_id>",
         hd.HistoricDecisionInstanceDetail.as_view(), name="rest-history-decision-instance"),
]
