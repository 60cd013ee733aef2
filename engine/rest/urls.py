"""Every `/engine-rest` route, listed here and described in openapi.py (a test keeps them equal).

Order matters where a literal segment and an id share a position: `deployment/count` and
`deployment/create` come before `deployment/<id>`, `process-definition/key/...` before
`process-definition/<id>`.
"""

from django.urls import path, re_path

from engine.rest import (
    decision_urls,
    deployments,
    filters,
    history_cleanup,
    metrics,
    openapi,
    process_definitions,
    runtime_urls,
    schema_log,
    telemetry,
    views,
)

urlpatterns = [
    path("engine", views.EngineList.as_view(), name="rest-engine-list"),
    path("openapi.json", openapi.OpenApiDocument.as_view(), name="rest-openapi"),
    # Deployments
    path("deployment", deployments.DeploymentList.as_view(), name="rest-deployment-list"),
    path("deployment/count", deployments.DeploymentCount.as_view(), name="rest-deployment-count"),
    path(
        "deployment/create", deployments.DeploymentCreate.as_view(), name="rest-deployment-create"
    ),
    path(
        "deployment/registered",
        deployments.DeploymentRegistered.as_view(),
        name="rest-deployment-registered",
    ),
    path(
        "deployment/<str:deployment_id>",
        deployments.DeploymentDetail.as_view(),
        name="rest-deployment",
    ),
    path(
        "deployment/<str:deployment_id>/redeploy",
        deployments.DeploymentRedeploy.as_view(),
        name="rest-deployment-redeploy",
    ),
    path(
        "deployment/<str:deployment_id>/resources",
        deployments.DeploymentResourceList.as_view(),
        name="rest-deployment-resources",
    ),
    path(
        "deployment/<str:deployment_id>/resources/<str:resource_id>",
        deployments.DeploymentResourceDetail.as_view(),
        name="rest-deployment-resource",
    ),
    path(
        "deployment/<str:deployment_id>/resources/<str:resource_id>/data",
        deployments.DeploymentResourceData.as_view(),
        name="rest-deployment-resource-data",
    ),
    # Process definitions
    path(
        "process-definition",
        process_definitions.ProcessDefinitionList.as_view(),
        name="rest-process-definition-list",
    ),
    path(
        "process-definition/count",
        process_definitions.ProcessDefinitionCount.as_view(),
        name="rest-process-definition-count",
    ),
    *runtime_urls.DEFINITION_LITERALS,
    path(
        "process-definition/key/<str:key>",
        process_definitions.ProcessDefinitionByKey.as_view(),
        name="rest-process-definition-by-key",
    ),
    path(
        "process-definition/key/<str:key>/xml",
        process_definitions.ProcessDefinitionXmlByKey.as_view(),
        name="rest-process-definition-xml-by-key",
    ),
    path(
        "process-definition/key/<str:key>/diagram",
        process_definitions.ProcessDefinitionDiagramByKey.as_view(),
        name="rest-process-definition-diagram-by-key",
    ),
    path(
        "process-definition/key/<str:key>/tenant-id/<str:tenant_id>",
        process_definitions.ProcessDefinitionByKey.as_view(),
        name="rest-process-definition-by-key-and-tenant",
    ),
    path(
        "process-definition/key/<str:key>/tenant-id/<str:tenant_id>/xml",
        process_definitions.ProcessDefinitionXmlByKey.as_view(),
        name="rest-process-definition-xml-by-key-and-tenant",
    ),
    path(
        "process-definition/key/<str:key>/tenant-id/<str:tenant_id>/diagram",
        process_definitions.ProcessDefinitionDiagramByKey.as_view(),
        name="rest-process-definition-diagram-by-key-and-tenant",
    ),
    path(
        "process-definition/<str:definition_id>",
        process_definitions.ProcessDefinitionDetail.as_view(),
        name="rest-process-definition",
    ),
    path(
        "process-definition/<str:definition_id>/xml",
        process_definitions.ProcessDefinitionXml.as_view(),
        name="rest-process-definition-xml",
    ),
    path(
        "process-definition/<str:definition_id>/diagram",
        process_definitions.ProcessDefinitionDiagram.as_view(),
        name="rest-process-definition-diagram",
    ),
    *runtime_urls.DEFINITION_ACTIONS,
    *runtime_urls.RUNTIME,
    *decision_urls.DECISIONS,
    # Filters (saved task queries of the Tasklist)
    path("filter", filters.FilterList.as_view(), name="rest-filter-list"),
    path("filter/count", filters.FilterCount.as_view(), name="rest-filter-count"),
    path("filter/create", filters.FilterCreate.as_view(), name="rest-filter-create"),
    path("filter/<str:filter_id>", filters.FilterDetail.as_view(), name="rest-filter"),
    path("filter/<str:filter_id>/list", filters.FilterTaskList.as_view(), name="rest-filter-tasks"),
    path(
        "filter/<str:filter_id>/count",
        filters.FilterTaskCount.as_view(),
        name="rest-filter-task-count",
    ),
    path(
        "filter/<str:filter_id>/singleResult",
        filters.FilterSingleResult.as_view(),
        name="rest-filter-single-result",
    ),
    # The history cleanup job
    path("history/cleanup", history_cleanup.HistoryCleanup.as_view(), name="rest-cleanup"),
    path(
        "history/cleanup/job",
        history_cleanup.HistoryCleanupJob.as_view(),
        name="rest-cleanup-job",
    ),
    path(
        "history/cleanup/jobs",
        history_cleanup.HistoryCleanupJobs.as_view(),
        name="rest-cleanup-jobs",
    ),
    path(
        "history/cleanup/configuration",
        history_cleanup.HistoryCleanupConfiguration.as_view(),
        name="rest-cleanup-configuration",
    ),
    # Execution metrics (literal `task-worker` before `<name>/sum`: they cannot clash anyway)
    path("metrics", metrics.MetricIntervals.as_view(), name="rest-metrics"),
    path(
        "metrics/task-worker",
        metrics.TaskWorkerMetrics.as_view(),
        name="rest-metrics-task-worker",
    ),
    path("metrics/<str:metrics_name>/sum", metrics.MetricSum.as_view(), name="rest-metrics-sum"),
    # The schema changes the database went through (Legato's migrations)
    path("schema/log", schema_log.SchemaLog.as_view(), name="rest-schema-log"),
    # Telemetry: Camunda 7.22's, which sends nothing (neither does Legato)
    path(
        "telemetry/configuration",
        telemetry.TelemetryConfiguration.as_view(),
        name="rest-telemetry-configuration",
    ),
    path("telemetry/data", telemetry.TelemetryData.as_view(), name="rest-telemetry-data"),
    # Last: anything else is a Camunda-shaped 404, never Django's HTML page.
    re_path(r"^.*$", views.UnknownResource.as_view(), name="rest-unknown"),
]
