"""REST fixtures: a client with Basic credentials and a deploy that posts as the Modeler does."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import one_task_bpmn

BASE = "/engine-rest"


@pytest.fixture
def api(client: Client, demo_user: User) -> Client:
    """A client that sends demo's Basic credentials with every request, as REST clients do."""
    token = base64.b64encode(b"demo:demo").decode()
    client.defaults["HTTP_AUTHORIZATION"] = f"Basic {token}"
    return client


Deploy = Callable[..., Any]


@pytest.fixture
def modeler_deploy(api: Client) -> Deploy:
    """POST /deployment/create with the parts the Camunda Modeler sends; returns the response."""

    def post(
        files: dict[str, bytes] | None = None,
        *,
        name: str = "invoice",
        source: str = "Camunda Modeler",
        duplicate_filtering: bool = True,
        changed_only: bool = False,
        **extra_parts: str,
    ) -> Any:
        files = files if files is not None else {"invoice.bpmn": one_task_bpmn()}
        data: dict[str, Any] = {
            "deployment-name": name,
            "deployment-source": source,
            "enable-duplicate-filtering": str(duplicate_filtering).lower(),
            "deploy-changed-only": str(changed_only).lower(),
            **extra_parts,
        }
        # The Modeler names each file part by the file's name and sends the file name as the
        # part's filename; Camunda takes the resource name from the filename.
        for filename, content in files.items():
            data[filename] = SimpleUploadedFile(filename, content, "application/octet-stream")
        return api.post(f"{BASE}/deployment/create", data)

    return post
