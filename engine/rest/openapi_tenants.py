"""OpenAPI operations and DTO schemas of `/tenant` (identity/rest/tenants.py), with the
operation ids of Camunda's own OpenAPI document.

The other identity resources (`/user`, `/group`, `/identity`, `/authorization`) and
`/history/export` are in openapi_identity.py.
"""

from __future__ import annotations

from typing import Any

from engine.rest.openapi_runtime import _ERROR, _NO_CONTENT, _array_of, _body, _json, _ref, dto
from identity.rest.tenants import TENANT_QUERY

Schema = dict[str, Any]

TENANT_SCHEMAS: dict[str, Schema] = {
    "TenantDto": dto("id:S name:s"),
    "ResourceOptionsDto": {
        "type": "object",
        "properties": {"links": _array_of("AtomLink")},
    },
}

TENANT_PATH_PARAMETER_NAMES = {"tenant": "id", "user_id": "userId", "group_id": "groupId"}


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    ops: list[Operation] = []
    errors = {"400": _ERROR, "403": _ERROR, "404": _ERROR}
    options = {"200": _json(_ref("ResourceOptionsDto"))}

    def add(route: str, method: str, op_id: str, summary: str, responses: dict[str, Schema],
            **kwargs: Any) -> None:
        ops.append(Operation(route, method, op_id, summary, {**responses, **errors}, **kwargs))

    one = "tenant/<str:tenant>"
    add("tenant", "get", "queryTenants", "List tenants", {"200": _json(_array_of("TenantDto"))},
        query=TENANT_QUERY, paged=True)
    add("tenant", "options", "availableTenantResourceOperations",
        "The operations the caller may use", options)
    add("tenant/count", "get", "getTenantCount", "Count tenants",
        {"200": _json(_ref("CountResultDto"))}, query=TENANT_QUERY)
    add("tenant/create", "post", "createTenant", "Create a tenant", _NO_CONTENT,
        request_body=_body(_ref("TenantDto")))
    add(one, "get", "getTenant", "Get a tenant", {"200": _json(_ref("TenantDto"))})
    add(one, "put", "updateTenant", "Rename a tenant", _NO_CONTENT,
        request_body=_body(_ref("TenantDto")))
    add(one, "delete", "deleteTenant", "Delete a tenant and its memberships", _NO_CONTENT)
    add(one, "options", "availableTenantInstanceOperations",
        "The operations the caller may use on the tenant", options)
    for kind, member, label in (("user-members", "user_id", "User"),
                                ("group-members", "group_id", "Group")):
        members, route = f"{one}/{kind}", f"{one}/{kind}/<str:{member}>"
        add(members, "options", f"availableTenant{label}MembersOperations",
            f"The {label.lower()} membership operations the caller may use", options)
        add(route, "put", f"create{label}Membership",
            f"Add a {label.lower()} to a tenant", _NO_CONTENT)
        add(route, "delete", f"delete{label}Membership",
            f"Remove a {label.lower()} from a tenant", _NO_CONTENT)
    return ops
