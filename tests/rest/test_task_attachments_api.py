"""`/task/{id}/attachment`: files and links attached to a task over REST (Camunda's
TaskService attachments), and the same on the tasklist's task page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from engine.models import Task, UserOperationLog
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from identity.resources import Permission, Resource
from tasklist.models import TaskAttachment
from tests.factories import one_task_bpmn
from tests.identity.factories import make_user
from tests.rest.conftest import BASE
from tests.rest.test_read_authorization import basic_client, grant

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 an invoice"


@pytest.fixture
def task(demo_user) -> Task:
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    started = rt.start_process_instance("invoice")
    return Task.objects.get(process_instance_id=started.id)


def attach(client, task_id, **parts):
    return client.post(f"{BASE}/task/{task_id}/attachment/create", parts)


def test_a_file_is_attached_listed_read_back_and_deleted(api, task):
    response = attach(api, task.id, **{
        "attachment-name": "invoice.pdf", "attachment-description": "from the supplier",
        "attachment-type": "application/pdf",
        "content": SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf"),
    })
    assert response.status_code == 200, response.content
    dto = response.json()
    assert (dto["name"], dto["description"], dto["type"], dto["taskId"], dto["url"]) == (
        "invoice.pdf", "from the supplier", "application/pdf", task.id, None
    )
    assert dto["links"][0]["href"].endswith(f"/task/{task.id}/attachment/{dto['id']}")
    listed = api.get(f"{BASE}/task/{task.id}/attachment").json()
    assert [a["id"] for a in listed] == [dto["id"]]
    data = api.get(f"{BASE}/task/{task.id}/attachment/{dto['id']}/data")
    assert data.content == PDF
    assert data["Content-Disposition"] == 'attachment; filename="invoice.pdf"'
    assert api.delete(f"{BASE}/task/{task.id}/attachment/{dto['id']}").status_code == 204
    assert api.get(f"{BASE}/task/{task.id}/attachment").json() == []
    logged = UserOperationLog.objects.filter(entity_type="Attachment").order_by("timestamp")
    assert [(e.operation_type, e.new_value, e.task_id) for e in logged] == [
        ("AddAttachment", "invoice.pdf", task.id), ("DeleteAttachment", "invoice.pdf", task.id)
    ]


def test_a_link_has_no_data_and_nothing_is_refused_with_camundas_words(api, task):
    link = attach(api, task.id, **{"attachment-name": "spec", "url": "https://example.org/s"})
    dto = link.json()
    assert dto["url"] == "https://example.org/s"
    data = api.get(f"{BASE}/task/{task.id}/attachment/{dto['id']}/data")
    assert data.status_code == 404
    empty = attach(api, task.id, **{"attachment-name": "nothing"})
    assert empty.status_code == 400
    assert "No content or url" in empty.json()["message"]
    assert TaskAttachment.objects.count() == 1
    assert api.get(f"{BASE}/task/{task.id}/attachment/999").status_code == 404
    assert api.get(f"{BASE}/task/nope/attachment").status_code == 404


def test_a_file_too_big_for_a_task_is_refused(api, task, monkeypatch):
    monkeypatch.setattr("tasklist.attachments.MAX_ATTACHMENT_BYTES", 10)
    response = attach(api, task.id, content=SimpleUploadedFile("big.bin", b"x" * 11))
    assert response.status_code == 400
    assert "at most" in response.json()["message"]
    assert not TaskAttachment.objects.exists()


def test_attaching_needs_work_on_the_task_and_reading_needs_read(api, task):
    make_user("mallory")
    mallory = basic_client("mallory")
    assert attach(mallory, task.id, url="https://example.org").status_code == 403
    dto = attach(api, task.id, url="https://example.org").json()
    assert mallory.get(f"{BASE}/task/{task.id}/attachment").status_code == 403
    assert mallory.delete(f"{BASE}/task/{task.id}/attachment/{dto['id']}").status_code == 403
    assert TaskAttachment.objects.count() == 1


def test_a_finished_tasks_attachments_and_comments_are_read_from_history(api, task):
    upload = SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf")
    dto = attach(api, task.id, content=upload).json()
    note = api.post(f"{BASE}/task/{task.id}/comment/create", {"message": "paid"},
                    content_type="application/json").json()
    rt.complete_task(task.id)
    listed = api.get(f"{BASE}/task/{task.id}/attachment")
    assert [a["id"] for a in listed.json()] == [dto["id"]]
    assert api.get(f"{BASE}/task/{task.id}/attachment/{dto['id']}/data").content == PDF
    assert api.get(f"{BASE}/task/{task.id}/comment").json()[0]["message"] == "paid"
    assert api.get(f"{BASE}/task/{task.id}/comment/{note['id']}").status_code == 200
    # Finished: nothing more is attached, and readers need the history permission.
    assert attach(api, task.id, url="https://example.org").status_code == 404
    make_user("mallory")
    mallory = basic_client("mallory")
    assert mallory.get(f"{BASE}/task/{task.id}/attachment").status_code == 403
    grant("mallory", Resource.PROCESS_DEFINITION, "invoice", Permission.READ_HISTORY)
    assert mallory.get(f"{BASE}/task/{task.id}/attachment").status_code == 200
    unknown = api.get(f"{BASE}/task/nope/comment")
    assert (unknown.status_code, unknown.json()["message"]) == (
        404, "No task found for task id nope"
    )


def test_the_tasklist_attaches_downloads_and_removes(client, task, demo_user):
    rt.claim_task(task.id, "demo")
    client.force_login(demo_user)
    page = reverse("tasklist:task", args=[task.id])
    client.post(reverse("tasklist:attach", args=[task.id]), {
        "file": SimpleUploadedFile("receipt.pdf", PDF, content_type="application/pdf"),
        "description": "paid",
    })
    row = TaskAttachment.objects.get()
    assert (row.name, row.type, row.user_id) == ("receipt.pdf", "application/pdf", "demo")
    body = client.get(page).content.decode()
    download = reverse("tasklist:attachment", args=[task.id, row.pk])
    assert download in body
    assert client.get(download).content == PDF
    refused = client.post(reverse("tasklist:attach", args=[task.id]), {"name": "x"},
                          follow=True).content.decode()
    assert "No content or url" in refused
    client.post(reverse("tasklist:attachment-remove", args=[task.id, row.pk]))
    assert not TaskAttachment.objects.exists()


def test_the_history_cleanup_removes_an_instances_attachments(api, task):
    from datetime import timedelta

    from django.utils import timezone

    from engine.models import HistoricProcessInstance
    from identity.cleanup import cleanup_history

    attach(api, task.id, url="https://example.org")
    rt.complete_task(task.id)
    HistoricProcessInstance.objects.update(removal_time=timezone.now() - timedelta(days=1))
    run = cleanup_history(timezone.now(), ignore_window=True)
    assert run.rows_removed["attachments"] == 1
    assert not TaskAttachment.objects.exists()
