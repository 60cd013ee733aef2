"""Camunda's identity resources under /engine-rest, included before the engine's own urls."""

from django.urls import path

from identity.rest import authorizations as auth
from identity.rest import tenants, users

urlpatterns = [
    path("user", users.UserList.as_view()),
    path("user/count", users.UserCount.as_view()),
    path("user/create", users.UserCreate.as_view()),
    path("user/<str:user_id>/profile", users.UserProfile.as_view()),
    path("user/<str:user_id>/credentials", users.UserCredentials.as_view()),
    path("user/<str:user_id>/unlock", users.UserUnlock.as_view()),
    path("user/<str:user_id>", users.UserDetail.as_view()),
    path("group", users.GroupList.as_view()),
    path("group/count", users.GroupCount.as_view()),
    path("group/create", users.GroupCreate.as_view()),
    path("group/<str:group_id>/members/<str:user_id>", users.GroupMember.as_view()),
    path("group/<str:group_id>", users.GroupDetail.as_view()),
    # `<tenant>`, not `<tenant_id>`: the OpenAPI names map that to the `{tenant-id}` of
    # /process-definition/key/{key}/tenant-id/{tenant-id}; here Camunda calls it `{id}`.
    path("tenant", tenants.TenantList.as_view()),
    path("tenant/count", tenants.TenantCount.as_view()),
    path("tenant/create", tenants.TenantCreate.as_view()),
    path("tenant/<str:tenant>/user-members", tenants.TenantUserMembers.as_view()),
    path("tenant/<str:tenant>/user-members/<str:user_id>", tenants.TenantUserMember.as_view()),
    path("tenant/<str:tenant>/group-members", tenants.TenantGroupMembers.as_view()),
    path("tenant/<str:tenant>/group-members/<str:group_id>",
         tenants.TenantGroupMember.as_view()),
    path("tenant/<str:tenant>", tenants.TenantDetail.as_view()),
    path("identity/groups", users.IdentityGroups.as_view()),
    path("identity/verify", users.IdentityVerify.as_view()),
    path("authorization", auth.AuthorizationList.as_view()),
    path("authorization/count", auth.AuthorizationCount.as_view()),
    path("authorization/create", auth.AuthorizationCreate.as_view()),
    path("authorization/check", auth.AuthorizationCheck.as_view()),
    path("authorization/<str:authorization_id>", auth.AuthorizationDetail.as_view()),
    path("history/export", auth.HistoryExport.as_view(), name="rest-history-export"),
]
