"""A large File or Bytes variable does not ride in every command: the instance state refers to
its content, which its variable row keeps, and the content is read only by what needs the
bytes (a delegate, an expression that copies it, a call activity handing it on). Runs on
PostgreSQL and on SQLite."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from engine.models import HistoricVariableInstance, ProcessInstance, Task, VariableInstance
from engine.queries import get_variables
from engine.runtime.values import FileValue, TypedValue
from engine.services import ResourceInput, deploy
from engine.services import runtime as rt
from tests.factories import bpmn_document

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("engine_users")]

DOCUMENT = bytes(range(256)) * (5 * 1024 * 4)  # 5 MB
BLOB = b"\x00\x01binary" * 20_000
# What any statement sending the document would hold: its base64, or its bytes as hex.
TRACES = (base64.b64encode(DOCUMENT[:3000]).decode()[:2000], DOCUMENT[:1000].hex())

KYC = """<bpmn:process id="kyc" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
  <bpmn:userTask id="review" />
  <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="copy" />
  <bpmn:serviceTask id="copy" camunda:expression="${passport}" camunda:resultVariable="copied" />
  <bpmn:sequenceFlow id="f3" sourceRef="copy" targetRef="archive" />
  <bpmn:userTask id="archive" />
  <bpmn:sequenceFlow id="f4" sourceRef="archive" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""

PARENT = """<bpmn:process id="parent" isExecutable="true">
  <bpmn:startEvent id="p_start" />
  <bpmn:sequenceFlow id="p1" sourceRef="p_start" targetRef="wait" />
  <bpmn:userTask id="wait" />
  <bpmn:sequenceFlow id="p2" sourceRef="wait" targetRef="call" />
  <bpmn:callActivity id="call" calledElement="child">
    <bpmn:extensionElements>
      <camunda:in source="passport" target="document" />
      <camunda:in variables="all" />
      <camunda:out source="document" target="returned" />
    </bpmn:extensionElements>
  </bpmn:callActivity>
  <bpmn:sequenceFlow id="p3" sourceRef="call" targetRef="after" />
  <bpmn:userTask id="after" />
  <bpmn:sequenceFlow id="p4" sourceRef="after" targetRef="p_end" />
  <bpmn:endEvent id="p_end" />
</bpmn:process>
<bpmn:process id="child" isExecutable="true">
  <bpmn:startEvent id="c_start" />
  <bpmn:sequenceFlow id="c1" sourceRef="c_start" targetRef="check" />
  <bpmn:userTask id="check" />
  <bpmn:sequenceFlow id="c2" sourceRef="check" targetRef="c_end" />
  <bpmn:endEvent id="c_end" />
</bpmn:process>"""

FINGERPRINT = """<bpmn:process id="fingerprint" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
  <bpmn:userTask id="review" />
  <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="hash" />
  <bpmn:serviceTask id="hash" camunda:class="com.example.Fingerprint" />
  <bpmn:sequenceFlow id="f3" sourceRef="hash" targetRef="done" />
  <bpmn:userTask id="done" />
  <bpmn:sequenceFlow id="f4" sourceRef="done" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>"""


def fingerprint(execution: Any) -> None:
    """A Python delegate reading a File's and a Bytes variable's content."""
    passport = execution.get_variable("passport")
    blob = execution.get_variable("blob")
    execution.set_variable("digest", hashlib.sha256(passport.content + blob).hexdigest())


def passport() -> FileValue:
    return FileValue(DOCUMENT, "passport.pdf", "application/pdf")


def task_of(instance_id: str, activity: str) -> Task:
    return Task.objects.get(process_instance_id=instance_id, task_definition_key=activity)


def state_size(instance_id: str) -> int:
    return len(json.dumps(ProcessInstance.objects.get(pk=instance_id).state))


def sent_the_document(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"][:200]
        for q in queries.captured_queries
        if any(trace in q["sql"] for trace in TRACES) or len(q["sql"]) > 100_000
    ]


def runtime_rows_holding_the_document() -> list[str]:
    rows = [json.dumps(row.value) for row in VariableInstance.objects.all()]
    rows += [json.dumps(row.state) for row in ProcessInstance.objects.all()]
    return [row[:100] for row in rows if TRACES[0] in row]


@pytest.fixture
def kyc() -> None:
    deploy([ResourceInput("kyc.bpmn", bpmn_document(KYC))])


def test_completing_a_task_neither_reads_nor_writes_a_large_file_and_the_state_stays_small(kyc):
    started = rt.start_process_instance("kyc", variables={"passport": passport()})
    assert state_size(started.id) < 5_000
    assert VariableInstance.objects.get(name="passport").type == "File"
    with CaptureQueriesContext(connection) as queries:
        rt.complete_task(task_of(started.id, "review").id)
    # The expression task copied the file: that command wrote the copy's content once.
    assert get_variables(started.id)["copied"].value.content == DOCUMENT
    with CaptureQueriesContext(connection) as queries:
        rt.set_variables(started.id, {"note": "checked"})
    assert queries.captured_queries
    assert sent_the_document(queries) == []
    assert state_size(started.id) < 5_000
    state = ProcessInstance.objects.get(pk=started.id).state
    stored = state["executions"][0]["variables"]["passport"]
    assert stored == {
        "type": "File",
        "value": {
            "filename": "passport.pdf",
            "mimeType": "application/pdf",
            "encoding": None,
            "size": len(DOCUMENT),
        },
    }


def test_completing_a_task_costs_the_same_statements_with_or_without_a_large_file(kyc):
    plain = rt.start_process_instance("kyc", variables={"passport": "none"})
    with_file = rt.start_process_instance("kyc", variables={"passport": passport()})
    rt.complete_task(task_of(plain.id, "review").id)
    rt.complete_task(task_of(with_file.id, "review").id)
    counts = []
    for instance in (plain, with_file):
        with CaptureQueriesContext(connection) as queries:
            rt.complete_task(task_of(instance.id, "archive").id)
        counts.append(len(queries.captured_queries))
        assert sent_the_document(queries) == []
    assert counts[0] == counts[1]


def test_small_contents_stay_inline_in_the_state(kyc):
    small = FileValue(b"tiny", "note.txt", "text/plain", "UTF-8")
    started = rt.start_process_instance("kyc", variables={"passport": small, "blob": b"\x01"})
    variables = ProcessInstance.objects.get(pk=started.id).state["executions"][0]["variables"]
    assert variables["passport"]["value"]["data"] == base64.b64encode(b"tiny").decode()
    assert variables["blob"] == {"type": "Bytes", "value": "AQ=="}
    assert get_variables(started.id)["passport"] == TypedValue("File", small)


def test_a_delegate_reads_the_contents_of_a_file_and_bytes_loaded_from_the_store(engine_settings):
    fingerprint = "tests.engine.test_stored_contents.fingerprint"
    engine_settings(LEGATO_DELEGATES={"com.example.Fingerprint": fingerprint})
    deploy([ResourceInput("fingerprint.bpmn", bpmn_document(FINGERPRINT))])
    started = rt.start_process_instance(
        "fingerprint", variables={"passport": passport(), "blob": BLOB}
    )
    rt.complete_task(task_of(started.id, "review").id)
    expected = hashlib.sha256(DOCUMENT + BLOB).hexdigest()
    assert get_variables(started.id)["digest"].value == expected
    assert state_size(started.id) < 5_000


def test_a_call_activity_hands_a_large_file_to_its_child_and_gets_it_back():
    deploy([ResourceInput("parent.bpmn", bpmn_document(PARENT))])
    started = rt.start_process_instance("parent", variables={"passport": passport()})
    rt.complete_task(task_of(started.id, "wait").id)
    child = ProcessInstance.objects.get(super_process_instance_id=started.id)
    child_variables = get_variables(child.id)
    assert child_variables["document"].value.content == DOCUMENT
    assert child_variables["passport"].value.content == DOCUMENT  # variables="all"
    assert state_size(child.id) < 5_000
    # The child's state is read back from the store: what it hands back is still read.
    rt.complete_task(task_of(child.id, "check").id)
    returned = get_variables(started.id)["returned"].value
    assert (returned.filename, returned.content) == ("passport.pdf", DOCUMENT)
    assert not VariableInstance.objects.filter(process_instance_id=child.id).exists()
    assert state_size(started.id) < 5_000


def test_a_removed_variable_and_an_ended_instance_leave_no_content_behind(kyc):
    started = rt.start_process_instance(
        "kyc", variables={"passport": passport(), "scan": passport()}
    )
    rt.set_variables(started.id, {}, removed=["scan"])
    assert not VariableInstance.objects.filter(name="scan").exists()
    rt.complete_task(task_of(started.id, "review").id)
    assert runtime_rows_holding_the_document() != []
    rt.complete_task(task_of(started.id, "archive").id)
    assert not ProcessInstance.objects.filter(pk=started.id).exists()
    assert not VariableInstance.objects.filter(process_instance_id=started.id).exists()
    assert runtime_rows_holding_the_document() == []
    # History keeps what it recorded, as Camunda's history keeps its byte arrays.
    kept = HistoricVariableInstance.objects.get(process_instance_id=started.id, name="copied")
    assert TypedValue.from_json({"type": "File", "value": kept.value}).value.content == DOCUMENT


def test_a_deleted_instance_leaves_no_content_behind(kyc):
    started = rt.start_process_instance("kyc", variables={"passport": passport()})
    rt.set_variables(started.id, {"note": "loaded, then deleted"})
    rt.delete_process_instance(started.id, "no longer needed")
    assert not VariableInstance.objects.filter(process_instance_id=started.id).exists()
    assert runtime_rows_holding_the_document() == []


def test_a_state_saved_with_inline_contents_still_loads_and_then_leaves_them_out(kyc):
    started = rt.start_process_instance("kyc", variables={"passport": passport(), "blob": BLOB})
    row = ProcessInstance.objects.get(pk=started.id)
    # As states were saved before contents moved out: base64 in the state.
    variables = row.state["executions"][0]["variables"]
    variables["passport"] = TypedValue("File", passport()).to_json()
    variables["blob"] = TypedValue("Bytes", BLOB).to_json()
    ProcessInstance.objects.filter(pk=started.id).update(state=row.state)
    assert state_size(started.id) > len(DOCUMENT)

    loaded = get_variables(started.id)
    assert loaded["passport"].value.content == DOCUMENT
    assert loaded["blob"].value == BLOB
    rt.complete_task(task_of(started.id, "review").id)
    assert state_size(started.id) < 5_000
    loaded = get_variables(started.id)
    assert loaded["passport"].value.content == DOCUMENT
    assert loaded["copied"].value.content == DOCUMENT
    assert loaded["blob"].value == BLOB
