"""The content of Bytes and File variables (Camunda's `.../variables/{name}/data`,
`/variable-instance/{id}/data`, `/history/variable-instance/{id}/data`): served as a
download, and set by a multipart upload.

A File downloads with its MIME type (and its encoding as charset) and a Content-Disposition
naming the file; Bytes and a File of unknown type as application/octet-stream. An upload is a
multipart `data` part and an optional `valueType` part, `Bytes` (default) or `File`: a File
takes the part's file name, content type and charset, as Camunda's REST API does.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from rest_framework.request import Request

from engine.rest.params import invalid_request
from engine.runtime.values import FileValue, TypedValue

OCTET_STREAM = "application/octet-stream"


def binary_response(value: TypedValue, what: str) -> HttpResponse:
    """The bytes of a Bytes or File value; any other type is a 400 naming `what` (Camunda
    names the variable by id, or by name on the variables sub-resources)."""
    if value.type == "Bytes":
        return HttpResponse(value.value or b"", content_type=OCTET_STREAM)
    if value.type != "File":
        # Camunda's wording (VariableResponseProvider, AbstractVariablesResource).
        raise invalid_request(f"Value of variable with id {what} is not a binary value.")
    file: FileValue | None = value.value
    if file is None:
        return HttpResponse(b"", content_type=OCTET_STREAM)
    content_type = file.mime_type or OCTET_STREAM
    if file.mime_type and file.encoding:
        content_type += f"; charset={file.encoding}"
    response = HttpResponse(file.content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.filename)
    return response


def read_upload(request: Request) -> TypedValue:
    """The variable value a multipart `data` (+ `valueType`) upload carries."""
    value_type = str(request.data.get("valueType") or "Bytes")
    upload: Any = request.FILES.get("data")
    if upload is None:
        text = request.data.get("data")
        if value_type.lower() == "bytes" and isinstance(text, str):
            return TypedValue("Bytes", text.encode())
        raise invalid_request("No 'data' part: upload the content as a file part named data")
    if value_type.lower() == "bytes":
        return TypedValue("Bytes", upload.read())
    if value_type.lower() == "file":
        if not upload.name:
            raise invalid_request("The 'data' part of a File has no file name")
        return TypedValue("File", FileValue.from_upload(upload))
    raise invalid_request(
        f"Unsupported value type '{value_type}': a binary variable is Bytes or File"
    )
