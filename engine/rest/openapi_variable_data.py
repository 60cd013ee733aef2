"""OpenAPI operations of the binary variable content (engine/rest/variable_data.py): the
`/data` routes of Bytes and File variables, downloads and multipart uploads."""

from __future__ import annotations

from typing import Any

from engine.rest.openapi_runtime import _ERROR, _NO_CONTENT, _json, _ref

_DOWNLOAD = {
    "200": {
        "description": "The content: application/octet-stream for Bytes and a File of no "
        "MIME type, else the File's MIME type (with its encoding as charset) and a "
        "Content-Disposition naming the file",
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
    }
}
_UPLOAD = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "data": {"type": "string", "format": "binary"},
                    "valueType": {"type": "string", "enum": ["Bytes", "File"]},
                },
                "required": ["data"],
            }
        }
    }
}
# route prefix -> the name Camunda's OpenAPI gives those variables
_OWNERS = (
    ("process-instance/<str:instance_id>/variables", "ProcessInstanceVariable"),
    ("execution/<str:execution_id>/localVariables", "LocalExecutionVariable"),
    ("task/<str:task_id>/variables", "TaskVariable"),
    ("task/<str:task_id>/localVariables", "TaskLocalVariable"),
)


def operations() -> list[Any]:
    from engine.rest.openapi import Operation

    errors = {"400": _ERROR, "403": _ERROR, "404": _ERROR}
    ops = []
    for prefix, name in _OWNERS:
        route = f"{prefix}/<str:var_name>/data"
        ops.append(Operation(route, "get", f"get{name}Binary",
                             "The content of a Bytes or File variable (other types: 400)",
                             {**_DOWNLOAD, **errors}))
        ops.append(Operation(route, "post", f"set{name}Binary",
                             "Set a Bytes (default) or File variable from an uploaded part",
                             {**_NO_CONTENT, **errors}, request_body=_UPLOAD))
    for route, name in (("variable-instance/<str:variable_id>", "VariableInstance"),
                        ("history/variable-instance/<str:variable_id>",
                         "HistoricVariableInstance"),
                        ("history/detail/<str:detail_id>", "HistoricDetail")):
        ops.append(Operation(f"{route}/data", "get", f"get{name}Binary",
                             "The content of a Bytes or File variable (other types: 400)",
                             {**_DOWNLOAD, **errors}))
    ops.append(Operation("history/detail/<str:detail_id>", "get", "getHistoricDetail",
                         "One variable update or form field",
                         {"200": _json(_ref("HistoricDetailDto")), **errors}))
    return ops
