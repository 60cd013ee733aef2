from django.urls import path

from tasklist.views import attachments, complete, create, lists, start, task

app_name = "tasklist"
urlpatterns = [
    path("", lists.task_list, name="tasks"),
    path("lists/", lists.list_counts, name="lists"),
    path("filters/", lists.filter_create, name="filter-create"),
    path("filters/<int:filter_id>/delete/", lists.filter_delete, name="filter-delete"),
    path("filters/<int:filter_id>/variables/", lists.filter_variables, name="filter-variables"),
    path("filters/<int:filter_id>/sorting/", lists.filter_sorting, name="filter-sorting"),
    path("tasks/create/", create.create, name="create"),
    path("tasks/<str:task_id>/", task.task_detail, name="task"),
    path("tasks/<str:task_id>/claim/", task.claim, name="claim"),
    path("tasks/<str:task_id>/unclaim/", task.unclaim, name="unclaim"),
    path("tasks/<str:task_id>/assign/", task.assign, name="assign"),
    path("tasks/<str:task_id>/delegate/", task.delegate, name="delegate"),
    path("tasks/<str:task_id>/candidates/", task.candidates, name="candidates"),
    path("tasks/<str:task_id>/dates/", task.set_dates, name="dates"),
    path("tasks/<str:task_id>/comments/", task.add_comment, name="comments"),
    path("tasks/<str:task_id>/comments/<str:comment_id>/delete/", task.remove_comment,
         name="comment-delete"),
    path("tasks/<str:task_id>/attachments/", attachments.attach, name="attach"),
    path("tasks/<str:task_id>/attachments/<str:attachment_id>/", attachments.download,
         name="attachment"),
    path("tasks/<str:task_id>/attachments/<str:attachment_id>/remove/", attachments.remove,
         name="attachment-remove"),
    path("tasks/<str:task_id>/complete/", complete.complete, name="complete"),
    path("tasks/<str:task_id>/files/<str:name>/", attachments.variable_file,
         name="variable-file"),
    path("tasks/<str:task_id>/subtasks/", create.create_subtask, name="subtask-create"),
    path("tasks/<str:task_id>/subtasks/list/", task.subtasks, name="subtasks"),
    path("tasks/<str:task_id>/diagram.xml", task.diagram_xml, name="diagram-xml"),
    path("start/", start.start_list, name="start"),
    path("start/<str:definition_id>/", start.start_process, name="start-process"),
]
