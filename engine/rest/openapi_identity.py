"""OpenAPI operations and DTO schemas of `/user`, `/group`, `/identity` and `/authorization`
(identity/rest/users.py, identity/rest/authorizations.py), with the operation ids and DTO names
of Camunda's own OpenAPI document, and of Legato's `GET /history/export`.

`/tenant` is in openapi_tenants.py. The OPTIONS operations answer Camunda's
ResourceOptionsDto links (engine/rest/resource_options.py). Lists and counts take the `ListQuery`
declarations the views parse with; the parameters of `/identity/groups`, `/authorization/check`
and `/history/export` are declared here, as those views read them.
"""

from __future__ import annotations

from typing import Any

from engine.rest.openapi_runtime import (
    _ERROR,
    _NO_CONTENT,
    _array_of,
    _body,
    _json,
    _ref,
    dto,
    query_body,
)
from engine.rest.params import PAGING, Kind, ListQuery, Param
from identity.export import FORMATS, KINDS
from identity.rest.authorizations import AUTHORIZATION_QUERY
from identity.rest.users import GROUP_QUERY, USER_QUERY

Schema = dict[str, Any]

_NULL_IDS: Schema = {"type": "array", "items": {"type": "string"}, "nullable": True}
_RULE = "permissions:a userId:s groupId:s resourceType:I resourceId:S"


def _rule(spec: str, description: str) -> Schema:
    """An authorization DTO: `dto` codes, with `permissions` a list of permission names."""
    schema = dto(spec)
    schema["properties"]["permissions"] = {
        "type": "array", "items": {"type": "string"},
        "description": "Permission names, e.g. READ, UPDATE, ALL.",
    }
    return {**schema, "description": description}


IDENTITY_SCHEMAS: dict[str, Schema] = {
    "PasswordPolicyRuleDto": dto("placeholder:S parameter:o"),
    "PasswordPolicyDto": dto("rules:a"),
    "CheckPasswordPolicyRuleDto": dto("placeholder:S parameter:o valid:b"),
    "CheckPasswordPolicyResultDto": dto("rules:a valid:b"),
    "PasswordPolicyRequestDto": dto("password:S profile:#UserProfileDto"),
    "UserProfileDto": dto("id:S firstName:s lastName:s email:s"),
    "UserCredentialsDto": {
        **dto("password:S authenticatedUserPassword:s"),
        "description": "authenticatedUserPassword is the caller's own password, which a "
        "password change needs.",
    },
    "UserDto": dto("profile:#UserProfileDto credentials:#UserCredentialsDto"),
    "GroupDto": dto("id:S name:s type:s"),
    "IdentityServiceGroupDto": dto("id:S name:s"),
    "IdentityServiceUserDto": dto("id:S firstName:s lastName:s displayName:s"),
    "IdentityServiceGroupInfoDto": {
        "type": "object",
        "properties": {
            "groups": _array_of("IdentityServiceGroupDto"),
            "groupUsers": _array_of("IdentityServiceUserDto"),
        },
    },
    "BasicUserCredentialsDto": dto("username:S password:S"),
    "AuthenticationResult": {
        "type": "object",
        "properties": {
            **dto("authenticatedUser:S authenticated:b")["properties"],
            "tenants": _NULL_IDS,
            "groups": _NULL_IDS,
        },
        "description": "`tenants` and `groups` are always null on /identity/verify, as Camunda's.",
    },
    "AuthorizationDto": _rule(
        f"id:S type:I {_RULE} removalTime:d rootProcessInstanceId:s",
        "type: 0 global, 1 grant, 2 revoke; a user id or a group id, not both.",
    ),
    "AuthorizationCreateDto": _rule(
        f"type:I {_RULE}",
        "A global authorization (type 0) names user id `*`; grant and revoke one user or "
        "group. Resource id `*`: every resource of the type.",
    ),
    "AuthorizationUpdateDto": _rule(
        _RULE,
        "The new content of an authorization; its type stays.",
    ),
    "AuthorizationCheckResultDto": dto("permissionName:S resourceName:S resourceId:S "
                                       "authorized:b"),
}

IDENTITY_SCHEMAS["PasswordPolicyDto"]["properties"]["rules"] = _array_of("PasswordPolicyRuleDto")
IDENTITY_SCHEMAS["CheckPasswordPolicyResultDto"]["properties"]["rules"] = _array_of(
    "CheckPasswordPolicyRuleDto"
)

# Django route kwargs -> Camunda's path parameter names (`user_id` and `group_id` are the
# memberships' `{userId}` and `{groupId}`: openapi_tenants.py).
IDENTITY_PATH_PARAMETER_NAMES = {"user": "id", "group": "id", "authorization_id": "id"}

IDENTITY_GROUPS_PARAMETERS = (
    Param("userId", Kind.STRING, "Required: the user whose groups, and their members, to "
          "answer."),
)
AUTHORIZATION_CHECK_PARAMETERS = (
    Param("permissionName", Kind.STRING, "Required: the permission to check, e.g. READ."),
    Param("resourceName", Kind.STRING, "The resource's name to answer; by default the name "
          "of resourceType."),
    Param("resourceType", Kind.INTEGER, "Required: the resource type (its integer)."),
    Param("resourceId", Kind.STRING, "The resource id; `*` (the default) checks the "
          "permission on every resource of the type."),
    Param("userId", Kind.STRING, "Check for this user instead of the caller: needs READ on "
          "resource type Authorization."),
)
HISTORY_EXPORT_PARAMETERS = (
    Param("kind", Kind.STRING, "Required: what to export, one of " + ", ".join(KINDS) + "."),
    Param("format", Kind.STRING, "One of " + ", ".join(FORMATS) + " (default csv)."),
    Param("after", Kind.DATE, "Rows from this time on (the kind's start, create or update "
          "time); with a zone."),
    Param("before", Kind.DATE, "Rows before this time; with a zone."),
    Param("processDefinitionKey", Kind.STRING, "Only rows of this process definition key."),
    Param("processInstanceId", Kind.STRING, "Only rows of this process instance."),
    Param("userId", Kind.STRING, "Only rows of this user (start user, assignee, the user of "
          "an operation); incidents are not narrowed."),
)

_EXPORT = {
    "200": {
        "description": "The rows, streamed: CSV with a header line, or one JSON object a line; "
        "columns in Camunda's camelCase.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    },
}


def _errors(codes: str) -> dict[str, Schema]:
    return {code: _ERROR for code in codes.split()}


OPTIONS = {"200": _json(_ref("ResourceOptionsDto"))}
OPTIONS_SUMMARY = "The operations the caller may use (links, by the caller's permissions)"


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    ops: list[Operation] = []

    def add(route: str, method: str, op_id: str, summary: str, responses: dict[str, Schema],
            errors: str, **kwargs: Any) -> None:
        ops.append(Operation(route, method, op_id, summary, {**responses, **_errors(errors)},
                             **kwargs))

    def listing(route: str, noun: str, list_id: str, count_id: str, dto_name: str,
                query: ListQuery) -> None:
        add(route, "get", list_id, f"List {noun}", {"200": _json(_array_of(dto_name))}, "400",
            query=query, paged=True)
        add(f"{route}/count", "get", count_id, f"Count {noun}",
            {"200": _json(_ref("CountResultDto"))}, "400", query=query)

    def options(route: str, op_id: str) -> None:
        add(route, "options", op_id, OPTIONS_SUMMARY, OPTIONS, "")

    user = "user/<str:user>"
    listing("user", "users", "getUsers", "getUserCount", "UserProfileDto", USER_QUERY)
    options("user", "availableOperations")
    options(user, "availableUserOperations")
    add("user/create", "post", "createUser", "Create a user (needs CREATE on User)",
        _NO_CONTENT, "400 403", request_body=_body(_ref("UserDto")))
    add(f"{user}/profile", "get", "getUserProfile", "Get a user's profile",
        {"200": _json(_ref("UserProfileDto"))}, "403 404")
    add(f"{user}/profile", "put", "updateProfile",
        "Replace a user's first name, last name and email (the id stays)", _NO_CONTENT,
        "400 403 404", request_body=_body(_ref("UserProfileDto")))
    add(f"{user}/credentials", "put", "updateCredentials",
        "Change a user's password; the caller confirms with their own", _NO_CONTENT,
        "400 403 404", request_body=_body(_ref("UserCredentialsDto")))
    add(f"{user}/unlock", "post", "unlockUser",
        "Unlock a user locked by failed logins (administrators only)", _NO_CONTENT, "403 404")
    add(user, "delete", "deleteUser", "Delete a user, its rules and its memberships",
        _NO_CONTENT, "403 404")

    group = "group/<str:group>"
    listing("group", "groups", "getQueryGroups", "getGroupCount", "GroupDto", GROUP_QUERY)
    options("group", "availableGroupOperations")
    options(group, "availableGroupInstanceOperations")
    options(f"{group}/members", "availableGroupMembersOperations")
    add("group", "post", "postQueryGroups",
        "List groups (POST form: the filters and `sorting` in the body)",
        {"200": _json(_array_of("GroupDto"))}, "400",
        request_body=_body(query_body(GROUP_QUERY)), parameters=PAGING)
    add("group/count", "post", "queryGroupCount", "Count groups (POST form)",
        {"200": _json(_ref("CountResultDto"))}, "400",
        request_body=_body(query_body(GROUP_QUERY)))
    add("group/create", "post", "createGroup", "Create a group (needs CREATE on Group)",
        _NO_CONTENT, "400 403", request_body=_body(_ref("GroupDto")))
    add(group, "get", "getGroup", "Get a group", {"200": _json(_ref("GroupDto"))}, "403 404")
    add(group, "put", "updateGroup", "Change a group's name and type (the id stays)",
        _NO_CONTENT, "400 403 404", request_body=_body(_ref("GroupDto")))
    add(group, "delete", "deleteGroup", "Delete a group, its rules and its memberships",
        _NO_CONTENT, "403 404")
    member = f"{group}/members/<str:user_id>"
    add(member, "put", "createGroupMember", "Add a user to a group", _NO_CONTENT, "403 404")
    add(member, "delete", "deleteGroupMember", "Remove a user from a group", _NO_CONTENT,
        "403 404")

    add("identity/groups", "get", "getGroupInfo", "A user's groups and their members",
        {"200": _json(_ref("IdentityServiceGroupInfoDto"))}, "400 403",
        parameters=IDENTITY_GROUPS_PARAMETERS)
    add("identity/verify", "post", "verifyUser", "Check a user name and password",
        {"200": _json(_ref("AuthenticationResult"))}, "400",
        request_body=_body(_ref("BasicUserCredentialsDto")))

    policy_off = {"404": {"description": "No password policy is configured."}}
    add("identity/password-policy", "get", "getPasswordPolicy",
        "The rules a new password must fulfil (Django's password validators)",
        {"200": _json(_ref("PasswordPolicyDto")), **policy_off}, "")
    add("identity/password-policy", "post", "checkPassword",
        "Check a password (and the user's profile) against the password policy",
        {"200": _json(_ref("CheckPasswordPolicyResultDto")), **policy_off}, "400",
        request_body=_body(_ref("PasswordPolicyRequestDto")))

    one = "authorization/<str:authorization_id>"
    listing("authorization", "authorizations", "queryAuthorizations", "getAuthorizationCount",
            "AuthorizationDto", AUTHORIZATION_QUERY)
    options("authorization", "availableOperationsAuthorization")
    options(one, "availableOperationsAuthorizationInstance")
    add("authorization/create", "post", "createAuthorization",
        "Create an authorization (needs CREATE on Authorization)",
        {"200": _json(_ref("AuthorizationDto"))}, "400 403",
        request_body=_body(_ref("AuthorizationCreateDto")))
    add("authorization/check", "get", "isUserAuthorized",
        "Whether the caller (or another user) holds a permission",
        {"200": _json(_ref("AuthorizationCheckResultDto"))}, "400 403",
        parameters=AUTHORIZATION_CHECK_PARAMETERS)
    add(one, "get", "getAuthorization", "Get an authorization",
        {"200": _json(_ref("AuthorizationDto"))}, "403 404")
    add(one, "put", "updateAuthorization", "Change an authorization", _NO_CONTENT,
        "400 403 404", request_body=_body(_ref("AuthorizationUpdateDto")))
    add(one, "delete", "deleteAuthorization", "Delete an authorization", _NO_CONTENT,
        "403 404")

    add("history/export", "get", "exportHistory",
        "Export one kind of history as CSV or JSON Lines (Legato-specific; needs READ_HISTORY "
        "on a definition or READ on an operation log category)", _EXPORT, "400 403",
        parameters=HISTORY_EXPORT_PARAMETERS)
    return ops
