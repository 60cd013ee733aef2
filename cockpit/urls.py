from django.urls import path

from cockpit.views import (
    batches,
    dashboard,
    decision_editing,
    decision_requirements,
    decisions,
    deployments,
    history_ttl,
    incidents,
    instance_jobs,
    instances,
    job_definitions,
    migration,
    modification,
    processes,
    reports,
    retrying,
)

app_name = "cockpit"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("processes/", processes.process_list, name="processes"),
    # Definition ids are `key:version:uuid`; BPMN ids are NCNames, so they never hold a slash.
    path("processes/<str:definition_id>/", processes.process_definition, name="definition"),
    path("reports/<str:key>/durations/", reports.duration_report, name="duration-report"),
    path(
        "processes/<str:definition_id>/removal-time/",
        processes.definition_removal_time,
        name="definition-removal-time",
    ),
    path(
        "processes/<str:definition_id>/xml/",
        processes.process_definition_xml,
        name="definition-xml",
    ),
    path(
        "processes/<str:definition_id>/counts/",
        processes.activity_counts_json,
        name="definition-counts",
    ),
    path(
        "processes/<str:definition_id>/history-counts/",
        processes.historic_activity_counts_json,
        name="definition-history-counts",
    ),
    path(
        "processes/<str:definition_id>/suspension/",
        processes.definition_suspension,
        name="definition-suspension",
    ),
    path(
        "processes/<str:definition_id>/scheduled/<str:job_id>/cancel/",
        processes.cancel_scheduled_change,
        name="definition-cancel-scheduled",
    ),
    path(
        "processes/<str:definition_id>/restart/",
        processes.definition_restart,
        name="definition-restart",
    ),
    path(
        "processes/<str:definition_id>/migrate/",
        migration.definition_migrate,
        name="definition-migrate",
    ),
    path(
        "processes/<str:definition_id>/history-ttl/",
        history_ttl.definition_history_ttl,
        name="definition-history-ttl",
    ),
    path(
        "processes/<str:definition_id>/job-definitions/<str:job_definition_id>/priority/",
        job_definitions.job_definition_priority,
        name="job-definition-priority",
    ),
    path(
        "processes/<str:definition_id>/job-definitions/<str:job_definition_id>/suspension/",
        job_definitions.job_definition_suspension,
        name="job-definition-suspension",
    ),
    path("instances/<str:instance_id>/", instances.instance_detail, name="instance"),
    path(
        "instances/<str:instance_id>/variables/",
        instances.variable_set,
        name="variable-set",
    ),
    path(
        "instances/<str:instance_id>/variables/delete/",
        instances.variable_delete,
        name="variable-delete",
    ),
    path(
        "instances/<str:instance_id>/incidents/<str:incident_id>/retry/",
        instances.incident_retry,
        name="incident-retry",
    ),
    path(
        "instances/<str:instance_id>/history/delete/",
        instances.instance_history_delete,
        name="instance-history-delete",
    ),
    path(
        "instances/<str:instance_id>/incidents/retry/",
        instance_jobs.retry_all,
        name="incidents-retry-all",
    ),
    path(
        "instances/<str:instance_id>/incidents/<str:incident_id>/annotation/",
        instance_jobs.incident_annotation,
        name="incident-annotation",
    ),
    path(
        "instances/<str:instance_id>/jobs/<str:job_id>/due-date/",
        instance_jobs.job_due_date,
        name="job-due-date",
    ),
    path(
        "instances/<str:instance_id>/jobs/<str:job_id>/suspension/",
        instance_jobs.job_suspension,
        name="job-suspension",
    ),
    path(
        "instances/<str:instance_id>/incidents/<str:incident_id>/resolve/",
        instances.incident_resolve,
        name="incident-resolve",
    ),
    path(
        "instances/<str:instance_id>/tasks/<str:task_id>/assignee/",
        instances.task_assignee,
        name="task-assignee",
    ),
    path(
        "instances/<str:instance_id>/tasks/<str:task_id>/candidate-groups/",
        instances.task_candidate_groups,
        name="task-candidate-groups",
    ),
    path("instances/<str:instance_id>/cancel/", instances.instance_cancel, name="instance-cancel"),
    path(
        "instances/<str:instance_id>/restart/", instances.instance_restart, name="instance-restart"
    ),
    path(
        "instances/<str:instance_id>/modify/",
        modification.instance_modify,
        name="instance-modify",
    ),
    path(
        "instances/<str:instance_id>/suspension/",
        instances.instance_suspension,
        name="instance-suspension",
    ),
    path("incidents/", incidents.incident_list, name="incidents"),
    path("retrying/", retrying.retrying_list, name="retrying"),
    path("batches/", batches.batch_list, name="batches"),
    path("batches/<uuid:batch_id>/", batches.batch_detail, name="batch"),
    path("batches/<uuid:batch_id>/resume/", batches.batch_resume, name="batch-resume"),
    path(
        "batches/<uuid:batch_id>/suspension/", batches.batch_suspension, name="batch-suspension"
    ),
    path("batches/<uuid:batch_id>/delete/", batches.batch_delete, name="batch-delete"),
    path("decisions/", decisions.decision_list, name="decisions"),
    path("decision-requirements/<str:drd_id>/", decision_requirements.decision_requirements,
         name="decision-requirements"),
    path("decision-requirements/<str:drd_id>/xml/", decision_requirements.decision_requirements_xml,
         name="decision-requirements-xml"),
    path("decisions/<str:definition_id>/", decisions.decision_definition, name="decision"),
    path("decisions/<str:definition_id>/edit/", decision_editing.decision_edit,
         name="decision-edit"),
    path("decisions/<str:definition_id>/history-ttl/", history_ttl.decision_history_ttl,
         name="decision-history-ttl"),
    path(
        "decision-instances/<str:instance_id>/",
        decisions.decision_instance,
        name="decision-instance",
    ),
    path("deployments/", deployments.deployment_list, name="deployments"),
    path(
        "deployments/<str:deployment_id>/resources/<str:resource_id>/",
        deployments.deployment_resource,
        name="deployment-resource",
    ),
    path(
        "deployments/<str:deployment_id>/delete/",
        deployments.deployment_delete,
        name="deployment-delete",
    ),
]
