from django.urls import path

from cockpit.views import dashboard, deployments, processes

app_name = "cockpit"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("processes/", processes.process_list, name="processes"),
    # Definition ids are `key:version:uuid`; BPMN ids are NCNames, so they never hold a slash.
    path("processes/<str:definition_id>/", processes.process_definition, name="definition"),
    path(
        "processes/<str:definition_id>/xml/",
        processes.process_definition_xml,
        name="definition-xml",
    ),
    path("deployments/", deployments.deployment_list, name="deployments"),
    path(
        "deployments/<str:deployment_id>/delete/",
        deployments.deployment_delete,
        name="deployment-delete",
    ),
]
