"""Camunda's identity resources under /engine-rest, included before the engine's own urls."""

from django.urls import path

from identity.rest import authorizations as auth
from identity.rest import password_policy, tenants, users

# The OpenAPI document names path parameters by their kwarg (engine/rest/openapi.py): `user_id`
# and `group_id` are the `{userId}` and `{groupId}` of the memberships, `tenant_id` the
# `{tenant-id}` of /process-definition/key/{key}/tenant-id/{tenant-id}. So a resource's own id
# is `<user>`, `<group>`, `<tenant>` or `<authorization_id>`, each Camunda's `{id}`.
urlpatterns = [
    path("user", users.UserList.as_view()),
    path("user/count", users.UserCount.as_view()),
    path("user/create", users.UserCreate.as_view()),
    path("user/<str:user>/profile", users.UserProfile.as_view()),
    path("user/<str:user>/credentials", users.UserCredentials.as_view()),
    path("user/<str:user>/unlock", users.UserUnlock.as_view()),
    path("user/<str:user>", users.UserDetail.as_view()),
    path("group", users.GroupList.as_view()),
    path("group/count", users.GroupCount.as_view()),
    path("group/create", users.GroupCreate.as_view()),
    path("group/<str:group>/members", users.GroupMembers.as_view()),
    path("group/<str:group>/members/<str:user_id>", users.GroupMember.as_view()),
    path("group/<str:group>", users.GroupDetail.as_view()),
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
    path("identity/password-policy", password_policy.PasswordPolicy.as_view()),
    path("authorization", auth.AuthorizationList.as_view()),
    path("authorization/count", auth.AuthorizationCount.as_view()),
    path("authorization/create", auth.AuthorizationCreate.as_view()),
    path("authorization/check", auth.AuthorizationCheck.as_view()),
    path("authorization/<str:authorization_id>", auth.AuthorizationDetail.as_view()),
    path("history/export", auth.HistoryExport.as_view(), name="rest-history-export"),
]
