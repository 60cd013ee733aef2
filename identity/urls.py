from django.contrib.auth import views as auth_views
from django.urls import path

from identity import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="identity/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", views.admin_home, name="admin-home"),
]
