"""A task's attachments on its tasklist page: attached by whoever works on it, downloaded by
whoever may see it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from engine.services import runtime
from tasklist.models import TaskAttachment
from tests.tasklist.conftest import login, make_user
from tests.tasklist.test_embedded_forms import deploy_embedded, start_loan

pytestmark = pytest.mark.django_db


def test_an_attached_file_downloads_for_those_who_may_see_the_task(alice):
    deploy_embedded()
    task = start_loan()["approve"]
    runtime.claim_task(task.id, "alice")
    client = login(alice)
    upload = SimpleUploadedFile("scan.pdf", b"%PDF scan", "application/pdf")
    attached = client.post(f"/tasklist/tasks/{task.id}/attachments/", {"file": upload})
    assert attached.status_code == 302
    row = TaskAttachment.objects.get(task_id=task.id)
    url = f"/tasklist/tasks/{task.id}/attachments/{row.pk}/"
    download = client.get(url)
    assert (download.status_code, download.content) == (200, b"%PDF scan")
    assert 'filename="scan.pdf"' in download["Content-Disposition"]
    assert client.get(f"/tasklist/tasks/{task.id}/attachments/999999/").status_code == 404
    stranger = make_user("stranger")
    assert login(stranger).get(url).status_code in (403, 404)
    assert b"%PDF" not in login(stranger).get(url).content
