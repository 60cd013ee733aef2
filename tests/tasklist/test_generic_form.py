"""The generic form of a task without a form (Camunda Tasklist's): variables added by hand,
each a name, a type and a value, typed on the server; one that does not fit refuses the
submission and nothing is completed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from engine.models import HistoricVariableInstance, Task
from engine.services import ResourceInput, deploy, runtime
from tasklist.generic_form import Row, posted_rows, read_rows, typed
from tests.factories import bpmn_document
from tests.tasklist.conftest import login, make_user


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("String", " as typed ", " as typed "),
        ("Boolean", "TRUE", True),
        ("Integer", "42", 42),
        ("Long", "-9000000000", -9000000000),
        ("Double", "12.5", 12.5),
        ("Date", "2026-01-31T10:00:00", datetime(2026, 1, 31, 10, tzinfo=UTC)),
        ("Json", '{"items": [1, 2]}', {"items": [1, 2]}),
    ],
)
def test_each_type_reads_its_text(kind, text, value):
    assert typed(kind, text).value == value
    assert typed(kind, text).type == kind


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("Boolean", "yes", "a Boolean is true or false"),
        ("Integer", "4.5", "an Integer is a whole number"),
        ("Integer", "3000000000", "out of range"),
        ("Double", "nan", "a Double is a finite number"),
        ("Date", "31.01.2026", "a Date is written 2026-01-31T10:00:00"),
        ("Json", "{", "this is not JSON"),
        ("Object", "x", "'Object' is not one of String, Boolean"),
    ],
)
def test_a_text_its_type_cannot_hold_is_refused_saying_why(kind, text, message):
    with pytest.raises(ValueError, match=message):
        typed(kind, text)


def test_rows_post_in_page_order_unnamed_ones_are_skipped_and_a_name_twice_is_refused():
    post = {
        "generic-name-10": "b", "generic-type-10": "Integer", "generic-value-10": "2",
        "generic-name-2": "a", "generic-type-2": "String", "generic-value-2": "x",
        "generic-name-3": "", "generic-name-11": "a", "generic-value-11": "again",
    }
    rows = posted_rows(post)
    assert [r.name for r in rows] == ["a", "", "b", "a"]
    variables, checked, refused = read_rows(rows)
    assert refused
    assert set(variables) == {"a", "b"}
    assert checked[3] == Row("a", "String", "again", "'a' is given twice")


CHORE = bpmn_document("""<bpmn:process id="chore" isExecutable="true">
  <bpmn:startEvent id="start" />
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="doIt" />
  <bpmn:userTask id="doIt" name="Do it" camunda:candidateGroups="crew" />
  <bpmn:sequenceFlow id="f2" sourceRef="doIt" targetRef="end" />
  <bpmn:endEvent id="end" />
</bpmn:process>""")


@pytest.fixture
def formless(db):
    deploy([ResourceInput("chore.bpmn", CHORE)])
    alice = make_user("alice", "crew")
    started = runtime.start_process_instance("chore", variables={"note": "hi"})
    task = Task.objects.get(process_instance_id=started.id)
    runtime.claim_task(task.id, "alice")
    return started, task, login(alice)


def test_a_task_without_a_form_completes_with_the_variables_added(formless):
    started, task, client = formless
    page = client.get(reverse("tasklist:task", args=[task.id])).content.decode()
    assert 'name="generic-name-0"' in page
    response = client.post(reverse("tasklist:complete", args=[task.id]), {
        "generic-name-0": "amount", "generic-type-0": "Long", "generic-value-0": "250",
        "generic-name-1": "approved", "generic-type-1": "Boolean", "generic-value-1": "true",
    })
    assert response.status_code == 302
    assert not Task.objects.filter(pk=task.id).exists()
    kept = {v.name: (v.type, v.value) for v in
            HistoricVariableInstance.objects.filter(process_instance_id=started.id)}
    assert kept["amount"] == ("Long", 250)
    assert kept["approved"] == ("Boolean", True)


def test_a_variable_that_does_not_fit_its_type_completes_nothing(formless):
    _started, task, client = formless
    response = client.post(reverse("tasklist:complete", args=[task.id]), {
        "generic-name-0": "amount", "generic-type-0": "Long", "generic-value-0": "lots",
    })
    assert response.status_code == 422
    page = response.content.decode()
    assert "a Long is a whole number" in page
    assert 'value="lots"' in page
    assert Task.objects.filter(pk=task.id).exists()
