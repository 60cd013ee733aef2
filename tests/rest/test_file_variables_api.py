"""File and Bytes variables over REST, as Camunda's clients use them: a File is sent as
base64 with its file name, MIME type and encoding, listed without its content, and downloaded
from `.../data` with its type and name; `.../data` also takes a multipart upload."""

from __future__ import annotations

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engine.models import HistoricVariableInstance, ProcessInstance, Task, VariableInstance
from engine.runtime.values import FileValue
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document, one_task_bpmn
from tests.rest.conftest import BASE

pytestmark = pytest.mark.django_db

CONTRACT = "Vertrag über 100 €\n".encode()


def file_variable(content: bytes = CONTRACT, **info: str) -> dict:
    value_info = {"filename": "contract.txt", "mimetype": "text/plain", "encoding": "UTF-8"}
    value_info.update(info)
    return {
        "type": "File",
        "value": base64.b64encode(content).decode(),
        "valueInfo": {k: v for k, v in value_info.items() if v},
    }


def start(api, **variables) -> str:
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))], name="invoice")
    response = api.post(
        f"{BASE}/process-definition/key/invoice/start",
        {"variables": variables},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["id"]


def test_a_file_started_with_is_listed_without_content_and_downloads_as_sent(api):
    instance_id = start(api, contract=file_variable())
    listed = api.get(f"{BASE}/process-instance/{instance_id}/variables/contract").json()
    assert listed == {
        "type": "File",
        "value": None,
        "valueInfo": {"filename": "contract.txt", "mimeType": "text/plain", "encoding": "UTF-8"},
    }
    download = api.get(f"{BASE}/process-instance/{instance_id}/variables/contract/data")
    assert download.status_code == 200
    assert download.content == CONTRACT
    assert download["Content-Type"] == "text/plain; charset=UTF-8"
    assert download["Content-Disposition"] == 'attachment; filename="contract.txt"'


def test_a_file_without_a_filename_is_refused_and_nothing_starts(api):
    deploy([ResourceInput("invoice.bpmn", one_task_bpmn("invoice"))])
    response = api.post(
        f"{BASE}/process-definition/key/invoice/start",
        {"variables": {"contract": file_variable(filename="")}},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "InvalidRequestException"
    assert "Cannot create file without filename" in body["message"]
    assert not ProcessInstance.objects.exists()


def test_an_upload_sets_a_file_or_bytes_variable(api):
    instance_id = start(api)
    url = f"{BASE}/process-instance/{instance_id}/variables"
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 \x00\xff", "application/pdf")
    assert api.post(f"{url}/scan/data", {"data": scan, "valueType": "File"}).status_code == 204
    raw = SimpleUploadedFile("blob.bin", b"\x01\x02", "application/octet-stream")
    assert api.post(f"{url}/blob/data", {"data": raw}).status_code == 204

    variables = api.get(url).json()
    assert variables["scan"] == {
        "type": "File",
        "value": None,
        "valueInfo": {"filename": "scan.pdf", "mimeType": "application/pdf"},
    }
    assert variables["blob"] == {"type": "Bytes", "value": "AQI=", "valueInfo": {}}
    scan_download = api.get(f"{url}/scan/data")
    assert scan_download.content == b"%PDF-1.4 \x00\xff"
    assert scan_download["Content-Type"] == "application/pdf"
    blob_download = api.get(f"{url}/blob/data")
    assert (blob_download.content, blob_download["Content-Type"]) == (
        b"\x01\x02",
        "application/octet-stream",
    )


def test_an_upload_of_another_type_or_without_data_is_refused(api):
    instance_id = start(api)
    url = f"{BASE}/process-instance/{instance_id}/variables/scan/data"
    part = SimpleUploadedFile("scan.pdf", b"x", "application/pdf")
    refused = api.post(url, {"data": part, "valueType": "String"})
    assert refused.status_code == 400
    assert "Unsupported value type 'String'" in refused.json()["message"]
    assert api.post(url, {"valueType": "File"}).status_code == 400
    assert not VariableInstance.objects.filter(name="scan").exists()


def test_data_of_a_variable_that_is_not_binary_or_missing_is_an_error(api):
    instance_id = start(api, amount={"value": 10, "type": "Integer"})
    url = f"{BASE}/process-instance/{instance_id}/variables"
    not_binary = api.get(f"{url}/amount/data")
    assert not_binary.status_code == 400
    assert not_binary.json()["message"] == "Value of variable with id amount is not a binary value."
    missing = api.get(f"{url}/nothing/data")
    assert missing.status_code == 404
    assert missing.json()["message"] == "process instance variable with name nothing does not exist"


def test_task_execution_and_variable_instance_resources_serve_the_file(api):
    instance_id = start(api, contract=file_variable())
    task_id = api.get(f"{BASE}/task?processInstanceId={instance_id}").json()[0]["id"]
    row = VariableInstance.objects.get(name="contract")
    for path in (
        f"task/{task_id}/variables/contract/data",
        # What Camunda's external task clients ask for a process variable of the instance.
        f"execution/{instance_id}/localVariables/contract/data",
        f"variable-instance/{row.id}/data",
    ):
        download = api.get(f"{BASE}/{path}")
        assert (download.status_code, download.content) == (200, CONTRACT), path
    listed = api.get(f"{BASE}/variable-instance?variableName=contract").json()
    assert listed[0]["valueInfo"]["filename"] == "contract.txt"
    assert listed[0]["value"] is None

    local = SimpleUploadedFile("note.txt", b"checked", "text/plain; charset=utf-8")
    url = f"{BASE}/task/{task_id}/localVariables/note/data"
    assert api.post(url, {"data": local, "valueType": "File"}).status_code == 204
    note = api.get(url)
    assert (note.content, note["Content-Type"]) == (b"checked", "text/plain; charset=utf-8")
    assert api.get(f"{BASE}/task/{task_id}/localVariables/note").json()["valueInfo"] == {
        "filename": "note.txt", "mimeType": "text/plain", "encoding": "utf-8"
    }

    completed = api.post(f"{BASE}/task/{task_id}/complete", {}, content_type="application/json")
    assert completed.status_code == 204
    historic = HistoricVariableInstance.objects.get(name="contract")
    download = api.get(f"{BASE}/history/variable-instance/{historic.id}/data")
    assert (download.status_code, download.content) == (200, CONTRACT)
    assert download["Content-Disposition"] == 'attachment; filename="contract.txt"'
    history = api.get(f"{BASE}/history/variable-instance?variableName=contract").json()
    assert history[0]["type"] == "File"
    assert history[0]["valueInfo"]["mimeType"] == "text/plain"


def test_each_update_of_a_file_variable_downloads_from_history_detail(api):
    instance_id = start(api, contract=file_variable())
    url = f"{BASE}/process-instance/{instance_id}/variables/contract/data"
    revised = SimpleUploadedFile("contract-v2.txt", b"v2", "text/plain")
    assert api.post(url, {"data": revised, "valueType": "File"}).status_code == 204
    details = api.get(f"{BASE}/history/detail?processInstanceId={instance_id}").json()
    details = sorted(
        (d for d in details if d["variableName"] == "contract"), key=lambda d: d["revision"]
    )
    assert [d["valueInfo"]["filename"] for d in details] == ["contract.txt", "contract-v2.txt"]
    first, second = (api.get(f"{BASE}/history/detail/{d['id']}/data") for d in details)
    assert (first.content, second.content) == (CONTRACT, b"v2")
    assert api.get(f"{BASE}/history/detail/{details[1]['id']}").json()["revision"] == 1
    for unknown in ("999999", "9" * 30, "x"):
        assert api.get(f"{BASE}/history/detail/{unknown}/data").status_code == 404


LARGE = bytes(range(256)) * (5 * 1024 * 4)  # 5 MB: kept out of the instance state
LARGE_BYTES = b"\x00\xffscan" * 100_000
TWO_TASKS = bpmn_document(
    """<bpmn:process id="kyc" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
  <bpmn:userTask id="review" />
  <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="identify" />
  <bpmn:serviceTask id="identify" camunda:type="external" camunda:topic="identify" />
  <bpmn:sequenceFlow id="f3" sourceRef="identify" targetRef="archive" />
  <bpmn:userTask id="archive" />
  <bpmn:sequenceFlow id="f4" sourceRef="archive" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""
)


def test_a_large_upload_is_not_sent_by_later_commands_and_downloads_unchanged(api):
    deploy([ResourceInput("kyc.bpmn", TWO_TASKS)])
    instance_id = rt.start_process_instance("kyc").id
    url = f"{BASE}/process-instance/{instance_id}/variables"
    upload = SimpleUploadedFile("passport.pdf", LARGE, "application/pdf")
    uploaded = api.post(f"{url}/passport/data", {"data": upload, "valueType": "File"})
    assert uploaded.status_code == 204
    raw = SimpleUploadedFile("scan.bin", LARGE_BYTES, "application/octet-stream")
    assert api.post(f"{url}/scan/data", {"data": raw}).status_code == 204
    task_id = Task.objects.get(process_instance_id=instance_id).id

    with CaptureQueriesContext(connection) as queries:
        completed = api.post(f"{BASE}/task/{task_id}/complete", {}, content_type="application/json")
    assert completed.status_code == 204
    trace = base64.b64encode(LARGE[:3000]).decode()[:2000]
    assert not [q["sql"][:100] for q in queries.captured_queries if trace in q["sql"]]
    assert max(len(q["sql"]) for q in queries.captured_queries) < 50_000
    assert len(json.dumps(ProcessInstance.objects.get(pk=instance_id).state)) < 5_000

    download = api.get(f"{url}/passport/data")
    assert (download.content, download["Content-Type"]) == (LARGE, "application/pdf")
    listed = api.get(f"{url}?deserializeValues=false").json()
    assert listed["passport"]["value"] is None
    assert listed["passport"]["valueInfo"] == {
        "filename": "passport.pdf", "mimeType": "application/pdf"
    }
    assert base64.b64decode(listed["scan"]["value"]) == LARGE_BYTES
    row = VariableInstance.objects.get(name="passport")
    assert api.get(f"{BASE}/variable-instance/{row.id}/data").content == LARGE


@pytest.mark.django_db(transaction=True)  # fetchAndLock reads on a connection of its own
def test_an_external_task_worker_gets_large_variables_of_a_stored_instance(api):
    deploy([ResourceInput("kyc.bpmn", TWO_TASKS)])
    passport = FileValue(LARGE, "passport.pdf", "application/pdf")
    instance_id = rt.start_process_instance(
        "kyc", variables={"passport": passport, "scan": LARGE_BYTES}
    ).id
    rt.complete_task(Task.objects.get(process_instance_id=instance_id).id)
    topic = {"topicName": "identify", "lockDuration": 10_000, "variables": ["passport", "scan"]}
    fetched = api.post(
        f"{BASE}/external-task/fetchAndLock",
        {"workerId": "worker", "maxTasks": 1, "asyncResponseTimeout": 0, "topics": [topic]},
        content_type="application/json",
    ).json()
    variables = fetched[0]["variables"]
    assert variables["passport"]["valueInfo"]["filename"] == "passport.pdf"
    assert base64.b64decode(variables["scan"]["value"]) == LARGE_BYTES
    # What Camunda's clients ask for a File's content.
    path = f"execution/{instance_id}/localVariables/passport/data"
    assert api.get(f"{BASE}/{path}").content == LARGE

    done = api.post(
        f"{BASE}/external-task/{fetched[0]['id']}/complete",
        {"workerId": "worker"},
        content_type="application/json",
    )
    assert done.status_code == 204
    archive = Task.objects.get(process_instance_id=instance_id).id
    answered = api.post(
        f"{BASE}/task/{archive}/complete",
        {"withVariablesInReturn": True},
        content_type="application/json",
    ).json()
    assert base64.b64decode(answered["scan"]["value"]) == LARGE_BYTES
    assert not VariableInstance.objects.filter(process_instance_id=instance_id).exists()
    historic = HistoricVariableInstance.objects.get(name="passport")
    download = api.get(f"{BASE}/history/variable-instance/{historic.id}/data")
    assert download.content == LARGE
