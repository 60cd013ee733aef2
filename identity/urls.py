from django.contrib.auth import views as auth_views
from django.urls import path

from identity.views import accounts, audit, authorizations, system

urlpatterns = [
    path("login/", accounts.LegatoLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", accounts.own_password, name="own-password"),
    path("admin/", accounts.admin_home, name="admin-home"),
    path("admin/users/", accounts.user_list, name="user-list"),
    path("admin/users/new/", accounts.user_create, name="user-create"),
    path("admin/users/<str:user_id>/", accounts.user_edit, name="user-edit"),
    path("admin/users/<str:user_id>/password/", accounts.user_password, name="user-password"),
    path("admin/users/<str:user_id>/delete/", accounts.user_delete, name="user-delete"),
    path("admin/users/<str:user_id>/groups/", accounts.membership_add, name="user-group-add"),
    path("admin/groups/", accounts.group_list, name="group-list"),
    path("admin/groups/new/", accounts.group_create, name="group-create"),
    path("admin/groups/<str:group_id>/", accounts.group_edit, name="group-edit"),
    path("admin/groups/<str:group_id>/delete/", accounts.group_delete, name="group-delete"),
    path("admin/groups/<str:group_id>/members/", accounts.membership_add,
         name="group-member-add"),
    path("admin/groups/<str:group_id>/members/<str:user_id>/remove/",
         accounts.membership_remove, name="membership-remove"),
    path("admin/authorizations/", authorizations.authorization_list,
         name="authorization-list"),
    path("admin/authorizations/new/", authorizations.authorization_create,
         name="authorization-create"),
    path("admin/authorizations/<str:authorization_id>/", authorizations.authorization_edit,
         name="authorization-edit"),
    path("admin/authorizations/<str:authorization_id>/delete/",
         authorizations.authorization_delete, name="authorization-delete"),
    path("admin/system/execution-metrics/", system.execution_metrics,
         name="execution-metrics"),
    path("audit/", audit.audit, name="audit"),
    path("audit/export/", audit.audit_export, name="audit-export"),
    path("audit/verify/", audit.audit_verify, name="audit-verify"),
]
