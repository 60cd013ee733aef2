import csv
import io
import json
from datetime import timedelta

import pytest

from engine.models import DetailType, HistoricDetail, HistoricTaskInstance, UserOperationLog
from engine.services.oplog import OperationLog
from identity.export import KINDS, columns, header
from identity.resources import Permission, Resource
from tests.identity.factories import GRANT, grant_applications, make_user, rule
from tests.identity.history_rows import T0, instance

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(client, settings):
    client.force_login(make_user("root", settings.LEGATO_ADMIN_GROUP))
    return client


def download(client, **params):
    response = client.get("/audit/export/", params)
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def expected_csv_rows(model, query):
    names = columns(KINDS[next(k for k, v in KINDS.items() if v.model is model)])
    return names, list(query.order_by("pk").values_list(*names))


def test_csv_of_tasks_equals_the_rows_in_the_database(auditor):
    instance("pi-1")
    instance("pi-2", "payroll", start=T0 + timedelta(days=1), user="john")
    text = download(auditor, kind="task", format="csv")
    rows = list(csv.reader(io.StringIO(text)))
    names, expected = expected_csv_rows(HistoricTaskInstance, HistoricTaskInstance.objects)
    assert rows[0] == [header(n) for n in names]
    assert len(rows) == 3
    for got, want in zip(rows[1:], expected, strict=True):
        assert got[names.index("id")] == want[names.index("id")]
        assert got[names.index("start_time")] == want[names.index("start_time")].isoformat()
        assert got[names.index("assignee")] == want[names.index("assignee")]


def test_jsonl_of_variable_updates_carries_values_as_json(auditor):
    instance("pi-1")
    lines = download(auditor, kind="variable-update", format="jsonl").splitlines()
    record = json.loads(lines[0])
    detail = HistoricDetail.objects.get()
    assert record["value"] == {"n": 100}
    assert record["processInstanceId"] == "pi-1"
    assert record["id"] == detail.id
    assert len(lines) == 1


def form_field(pid, field_id, text, user_operation_id=None):
    return HistoricDetail.objects.create(
        detail_type=DetailType.FORM_FIELD, variable_instance_id="", name=field_id, type="String",
        value=text, revision=0, time=T0, process_instance_id=pid, execution_id=pid,
        user_operation_id=user_operation_id,
    )


def test_every_kind_exports_in_both_formats(auditor):
    instance("pi-1")
    form_field("pi-1", "comment", "fine")
    for kind in KINDS:
        for fmt in ("csv", "jsonl"):
            assert download(auditor, kind=kind, format=fmt)


def test_submitted_form_fields_export_apart_from_variable_updates(auditor):
    instance("pi-1")
    field = form_field("pi-1", "comment", "fine", user_operation_id="op-1")
    UserOperationLog.objects.create(
        operation_id="op-1", operation_type="Complete", entity_type="Task", user_id="mary",
        timestamp=T0, category="TaskWorker",
    )
    fields = [json.loads(line) for line in download(
        auditor, kind="form-field", format="jsonl").splitlines()]
    assert [(f["id"], f["name"], f["value"], f["detailType"]) for f in fields] == [
        (field.id, "comment", "fine", "FormProperty")]
    updates = download(auditor, kind="variable-update", format="jsonl").splitlines()
    assert [json.loads(line)["name"] for line in updates] == ["amount"]
    by_user = download(auditor, kind="form-field", format="jsonl", user_id="mary")
    assert [json.loads(line)["id"] for line in by_user.splitlines()] == [field.id]


def test_filters_by_process_definition_key_instance_user_and_time(auditor):
    instance("pi-1", "invoice", user="mary")
    instance("pi-2", "payroll", start=T0 + timedelta(days=2), user="john")
    ids = lambda text: [json.loads(line)["id"] for line in text.splitlines()]  # noqa: E731
    assert ids(download(auditor, kind="process-instance", format="jsonl",
                        process_definition_key="payroll")) == ["pi-2"]
    assert ids(download(auditor, kind="activity-instance", format="jsonl",
                        process_definition_key="payroll")) == []  # no ProcessDefinition row
    assert ids(download(auditor, kind="task", format="jsonl", user_id="john")) == ["pi-2-t1"]
    assert ids(download(auditor, kind="incident", format="jsonl",
                        process_instance_id="pi-1")) == ["pi-1-i1"]
    after = (T0 + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert ids(download(auditor, kind="process-instance", format="jsonl", after=after)) == [
        "pi-2"
    ]


def test_the_user_operation_export_and_the_export_itself_are_logged(auditor):
    OperationLog("mary", "Update", "ProcessInstance").add(
        "suspended", new_value="true", process_instance_id="pi-1").save()
    text = download(auditor, kind="user-operation", format="csv", process_instance_id="pi-1")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["userId"], r["property"], r["newValue"]) for r in rows] == [
        ("mary", "suspended", "true")
    ]
    export = UserOperationLog.objects.filter(operation_type="Export")
    assert export.count() == 3
    assert set(export.values_list("user_id", flat=True)) == {"root"}
    assert export.get(property="filter").new_value == "process_instance_id=pi-1"


def test_export_streams_in_chunks(auditor, settings):
    settings.LEGATO_EXPORT_CHUNK_SIZE = 1
    instance("pi-1")
    instance("pi-2")
    response = auditor.get("/audit/export/", {"kind": "process-instance", "format": "csv"})
    chunks = list(response.streaming_content)
    assert len(chunks) == 2  # the header travels with the first row, then one row per chunk
    assert response["Content-Disposition"].startswith("attachment;")


def test_an_unknown_kind_is_refused_in_words(auditor):
    response = auditor.get("/audit/export/", {"kind": "nope"})
    assert response.status_code == 400
    assert "Cannot export 'nope'" in response.content.decode()


def test_a_filter_longer_than_any_id_is_refused_and_nothing_is_logged(auditor):
    # the export logs its filter: a key no definition can have would not fit the log's row
    response = auditor.get("/audit/export/", {"process_definition_key": "k" * 256})
    assert response.status_code == 400
    assert "at most 255 characters" in response.content.decode()
    assert not UserOperationLog.objects.filter(operation_type="Export").exists()


def test_a_user_sees_only_history_of_definitions_with_read_history(client):
    from engine.models import ProcessDefinition  # noqa: F401 - definitions come from deploys
    instance("pi-1", "invoice")
    instance("pi-2", "payroll")
    rule(GRANT, Resource.PROCESS_DEFINITION, "payroll", Permission.READ_HISTORY, user="mary")
    grant_applications("mary", "cockpit")  # the audit pages belong to the cockpit
    client.force_login(make_user("mary"))
    text = download(client, kind="process-instance", format="jsonl")
    assert [json.loads(line)["id"] for line in text.splitlines()] == ["pi-2"]


def test_without_history_permissions_export_is_refused(client):
    grant_applications("mary", "cockpit")  # the audit pages belong to the cockpit
    client.force_login(make_user("mary"))
    assert client.get("/audit/export/", {"kind": "task"}).status_code == 403


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text(auditor):
    made = instance("pi-1")
    made.business_key = '=HYPERLINK("http://example.invalid","open")'
    made.save()
    HistoricDetail.objects.update(value="@SUM(1+1)")
    HistoricTaskInstance.objects.update(name="-2+3", priority=-5)

    def first_csv_row(kind):
        return next(csv.DictReader(io.StringIO(download(auditor, kind=kind, format="csv"))))

    assert first_csv_row("process-instance")["businessKey"] == "'" + made.business_key
    assert first_csv_row("variable-update")["value"] == "'@SUM(1+1)"
    tasks = [first_csv_row("task")]
    assert tasks[0]["name"] == "'-2+3"
    assert tasks[0]["priority"] == "-5"  # numbers stay numbers
    # jsonl is the exact record
    record = json.loads(download(auditor, kind="process-instance", format="jsonl").splitlines()[0])
    assert record["businessKey"] == made.business_key
