from django.urls import path

from tasklist import views

app_name = "tasklist"
urlpatterns = [
    path("", views.task_list, name="tasks"),
]
