"""Read-side queries of the engine; cockpit, tasklist and REST page and sort what they return.

Only reads: state changes go through engine.services.
"""

from engine.queries.definitions import (
    diagram_resource_names,
    get_deployment,
    get_latest_process_definition,
    get_process_definition,
    get_process_definition_diagram,
    get_process_definition_xml,
    get_resource,
    list_deployments,
    list_process_definitions,
    list_resources,
    static_called_definitions,
)
from engine.queries.event_subscriptions import list_event_subscriptions
from engine.queries.history import (
    get_historic_process_instance,
    list_historic_activity_instances,
    list_historic_details,
    list_historic_incidents,
    list_historic_process_instances,
    list_historic_tasks,
    list_historic_variables,
    list_user_operations,
)
from engine.queries.instances import (
    activity_instance_tree,
    get_process_instance,
    get_task_variables,
    get_variables,
    list_process_instances,
    task_execution_id,
)
from engine.queries.tasks import (
    get_task,
    list_tasks,
    task_candidates,
    task_count_by_candidate_group,
)

__all__ = [
    "activity_instance_tree",
    "diagram_resource_names",
    "get_deployment",
    "get_historic_process_instance",
    "get_latest_process_definition",
    "get_process_definition",
    "get_process_definition_diagram",
    "get_process_definition_xml",
    "get_process_instance",
    "get_resource",
    "get_task",
    "get_task_variables",
    "get_variables",
    "task_execution_id",
    "list_deployments",
    "list_event_subscriptions",
    "list_historic_activity_instances",
    "list_historic_details",
    "list_historic_incidents",
    "list_historic_process_instances",
    "list_historic_tasks",
    "list_historic_variables",
    "list_process_definitions",
    "list_process_instances",
    "list_resources",
    "static_called_definitions",
    "list_tasks",
    "list_user_operations",
    "task_candidates",
    "task_count_by_candidate_group",
]
