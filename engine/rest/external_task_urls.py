"""`/engine-rest/external-task/...` routes (async views); included before `engine.rest.urls`,
whose last route answers every unknown path with a 404.

Literal segments (`fetchAndLock`, `count`, `topic-names`, `retries`) come before `<id>`.
"""

from django.urls import path

from engine.rest import batch_operations
from engine.rest import external_tasks as views

urlpatterns = [
    path("external-task", views.external_task_list, name="rest-external-task-list"),
    path("external-task/count", views.external_task_count, name="rest-external-task-count"),
    path(
        "external-task/fetchAndLock",
        views.fetch_and_lock,
        name="rest-external-task-fetch-and-lock",
    ),
    path("external-task/topic-names", views.topic_names, name="rest-external-task-topic-names"),
    path(
        "external-task/retries",
        batch_operations.ExternalTaskRetries.as_view(),
        name="rest-external-task-retries-sync",
    ),
    path(
        "external-task/retries-async",
        batch_operations.ExternalTaskRetriesAsync.as_view(),
        name="rest-external-task-retries-async",
    ),
    path(
        "external-task/<str:external_task_id>",
        views.external_task_detail,
        name="rest-external-task",
    ),
    path(
        "external-task/<str:external_task_id>/complete",
        views.complete,
        name="rest-external-task-complete",
    ),
    path(
        "external-task/<str:external_task_id>/failure",
        views.failure,
        name="rest-external-task-failure",
    ),
    path(
        "external-task/<str:external_task_id>/bpmnError",
        views.bpmn_error,
        name="rest-external-task-bpmn-error",
    ),
    path(
        "external-task/<str:external_task_id>/lock",
        views.lock,
        name="rest-external-task-lock",
    ),
    path(
        "external-task/<str:external_task_id>/extendLock",
        views.extend_lock,
        name="rest-external-task-extend-lock",
    ),
    path(
        "external-task/<str:external_task_id>/unlock",
        views.unlock,
        name="rest-external-task-unlock",
    ),
    path(
        "external-task/<str:external_task_id>/retries",
        views.set_retries,
        name="rest-external-task-retries",
    ),
    path(
        "external-task/<str:external_task_id>/priority",
        views.set_priority,
        name="rest-external-task-priority",
    ),
    path(
        "external-task/<str:external_task_id>/errorDetails",
        views.error_details,
        name="rest-external-task-error-details",
    ),
]
