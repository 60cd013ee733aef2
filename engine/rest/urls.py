from django.urls import path, re_path

from engine.rest import views

urlpatterns = [
    path("engine", views.EngineList.as_view(), name="rest-engine-list"),
    re_path(r"^.*$", views.UnknownResource.as_view(), name="rest-unknown"),
]
