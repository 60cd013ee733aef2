"""Generated forms: every constraint checked on the server, values typed, nothing completed on
an error."""

from datetime import datetime

import pytest
from django.utils import timezone

from engine.bpmn.model import FormField, FormFieldConstraint, FormFieldValue
from engine.models import HistoricActivityInstance, Task
from engine.queries import get_variables
from engine.runtime.forms import FormFieldValidationError, submit_form_fields
from engine.services import runtime
from tasklist.generated_forms import field_views, posted_values
from tests.tasklist.conftest import login, start_kyc


def validate(fields, data):
    """What the tasklist does with a post: its text through the engine's form submission."""
    try:
        return submit_form_fields(fields, posted_values(fields, data), {}, timezone.now()), {}
    except FormFieldValidationError as refused:
        return {}, refused.hints()


def field(kind="string", *rules, **extra) -> FormField:
    constraints = tuple(
        FormFieldConstraint(*r) if isinstance(r, tuple) else FormFieldConstraint(r) for r in rules
    )
    return FormField(id="f", label="F", type=kind, constraints=constraints, **extra)


@pytest.mark.parametrize(
    ("form_field", "raw", "message"),
    [
        (field("string", "required"), "  ", "This field is required."),
        (field("string", ("minlength", "3")), "ab", "Enter at least 3 characters."),
        (field("string", ("maxlength", "3")), "abcd", "Enter at most 3 characters."),
        (field("long", ("min", "10")), "9", "Enter 10 or more."),
        (field("long", ("max", "10")), "11", "Enter 10 or less."),
        (field("long"), "4.5", "Enter a whole number, like 42."),
        (
            field("long"),
            "99999999999999999999999",
            "Enter a whole number from -9223372036854775808 to 9223372036854775807.",
        ),
        (field("date"), "2024-01-31", "Enter a date as dd/MM/yyyy."),
        (field("date", date_pattern="yyyy-MM-dd"), "31/01/2024", "Enter a date as yyyy-MM-dd."),
        (
            field("enum", values=(FormFieldValue("a", "A"),)),
            "b",
            "Choose one of the listed options.",
        ),
    ],
)
def test_each_constraint_refuses_with_a_sentence(form_field, raw, message):
    variables, errors = validate([form_field], {"f": raw})
    assert errors == {"f": message}
    assert variables == {}


def test_valid_values_become_typed_variables():
    fields = [
        FormField(id="n", type="long"),
        FormField(id="ok", type="boolean"),
        FormField(id="off", type="boolean"),
        FormField(id="d", type="date"),
        FormField(id="iso", type="date", date_pattern="yyyy-MM-dd"),
        FormField(id="e", type="enum", values=(FormFieldValue("x", "X"),)),
        FormField(id="s", type="string"),
        FormField(id="empty", type="long"),
    ]
    data = {
        "n": "42",
        "ok": "true",
        "d": "31/01/2024",
        "iso": "2024-02-01",
        "e": "x",
        "s": "hi",
        "empty": "",
    }
    variables, errors = validate(fields, data)
    assert errors == {}
    assert {k: (v.type, v.value) for k, v in variables.items()} == {
        "n": ("Long", 42),
        "ok": ("Boolean", True),
        "off": ("Boolean", False),
        "d": ("Date", timezone.make_aware(datetime(2024, 1, 31))),
        "iso": ("Date", timezone.make_aware(datetime(2024, 2, 1))),
        "e": ("String", "x"),
        "s": ("String", "hi"),
        "empty": ("Null", None),
    }


def test_readonly_fields_are_shown_but_never_submitted():
    readonly = field("string", "readonly")
    variables, errors = validate([readonly], {"f": "forged"})
    assert (variables, errors) == ({}, {})
    (view,) = field_views([readonly], {"f": "Ada"}, submitted={"f": "forged"})
    assert (view.readonly, view.value) == (True, "Ada")


def test_properties_and_constraints_reach_the_rendered_input():
    from engine.bpmn.model import Property

    form_field = field(
        "long",
        "required",
        ("min", "0"),
        ("max", "100"),
        properties=(Property(name=None, value="points", id="unit"),),
    )
    (view,) = field_views([form_field], {"f": 7})
    assert (view.required, view.min, view.max, view.value) == (True, "0", "100", "7")
    assert view.properties == {"unit": "points"}


@pytest.mark.django_db
def test_missing_required_field_shows_the_error_next_to_it_and_completes_nothing(demo, alice):
    task = start_kyc()
    runtime.claim_task(task.id, "alice")
    response = login(alice).post(
        f"/tasklist/tasks/{task.id}/complete/", {"riskLevel": "high", "riskScore": ""}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="error-riskScore">This field is required.' in body
    assert 'value="high" selected' in body  # what she chose is kept
    assert Task.objects.filter(pk=task.id).exists()


@pytest.mark.django_db
def test_a_valid_form_completes_the_task_with_typed_variables_and_the_process_continues(
    demo, alice
):
    task = start_kyc()
    runtime.claim_task(task.id, "alice")
    response = login(alice).post(
        f"/tasklist/tasks/{task.id}/complete/",
        {
            "riskLevel": "low",
            "riskScore": "12",
            "approved": "true",
            "reviewDate": "03/02/2025",
            "notes": "fine",
            "customerName": "forged",
        },
    )
    assert response.status_code == 302
    assert not Task.objects.filter(pk=task.id).exists()
    follow_up = Task.objects.get(process_instance_id=task.process_instance_id)
    assert follow_up.name == "Inform customer"
    values = {k: (v.type, v.value) for k, v in get_variables(task.process_instance_id).items()}
    assert values["riskScore"] == ("Long", 12)
    assert values["approved"] == ("Boolean", True)
    assert values["reviewDate"] == ("Date", timezone.make_aware(datetime(2025, 2, 3)))
    assert values["riskLevel"] == ("String", "low")
    assert values["customerName"] == ("String", "Ada Lovelace")  # read-only: unchanged
    assert HistoricActivityInstance.objects.filter(activity_id="inform").exists()


@pytest.mark.django_db
def test_the_form_opens_with_variables_and_defaults(demo, alice):
    task = start_kyc("Grace")
    body = login(alice).get(f"/tasklist/tasks/{task.id}/").content.decode()
    assert 'name="customerName" value="Grace"' in body
    assert 'value="medium" selected' in body
    assert "Claim the task to work on its form." in body


@pytest.mark.django_db
def test_only_the_assignee_completes(demo, alice, bob):
    task = start_kyc()
    runtime.claim_task(task.id, "alice")
    response = login(bob).post(
        f"/tasklist/tasks/{task.id}/complete/", {"riskScore": "1"}, follow=True
    )
    assert "Claim the task before you complete it." in " ".join(
        str(m) for m in response.context["messages"]
    )
    assert Task.objects.filter(pk=task.id).exists()
