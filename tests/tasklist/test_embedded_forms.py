"""Camunda 7 embedded HTML forms and external forms in the tasklist: the deployed HTML is
shown sanitized and filled in, its bound fields reach the engine typed, and external forms
are linked with Camunda's query parameters."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from engine.models import ProcessDefinition, ProcessInstance, Task
from engine.queries import get_variables
from engine.runtime.values import FileValue, TypedValue
from engine.services import ResourceInput, deploy, runtime
from tests.tasklist.conftest import FIXTURES, login
from tests.tasklist.test_start_and_filters import grant_start

pytestmark = pytest.mark.django_db
EMBEDDED = FIXTURES / "embedded_forms"
RESOURCES = ["embedded_forms.bpmn", "forms/approve.html", "forms/start.html", "review.html"]


def deploy_embedded() -> dict[str, ProcessDefinition]:
    resources = [ResourceInput(name, (EMBEDDED / name).read_bytes()) for name in RESOURCES]
    result = deploy(resources, name="embedded-forms")
    return {d.key: d for d in result.process_definitions}


def start_loan(**variables: object) -> dict[str, Task]:
    """An instance with every kind of form open, one task each, by task definition key."""
    values = {"customer": "ACME", "amount": TypedValue("Long", 5000)} | variables
    started = runtime.start_process_instance("loan_embedded", variables=values)
    return {t.task_definition_key: t for t in Task.objects.filter(process_instance_id=started.id)}


@pytest.fixture
def loans(db: None) -> dict[str, ProcessDefinition]:
    return deploy_embedded()


def form_body(page: str) -> str:
    found = re.search(
        r'data-testid="embedded-form-body">(.*?)</div>\s*(?:<div class="actions">)?<button',
        page, re.S,
    )
    assert found, "the page has no embedded form"
    return found.group(1)


def control(body: str, name: str) -> str:
    """The tag of the control posted as `name`."""
    found = re.search(rf'<(?:input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>', body)
    assert found, f"no control named {name}"
    return found.group(0)


def test_an_embedded_form_is_shown_sanitized_and_filled_in_from_the_variables(loans, alice):
    tasks = start_loan(regions=["north", "south"])
    page = login(alice).get(f"/tasklist/tasks/{tasks['approve'].id}/").content.decode()
    body = form_body(page)
    for unsafe in ("<script", "formScriptRan", "hacked", "onclick", "javascript:",
                   "tracker.example.com", "evil.example.com", "<iframe", "<img"):
        assert unsafe not in body
    assert "formScriptRan" not in page
    assert "hacked" not in page
    assert 'data-testid="scripts-not-run"' in page
    assert 'class="form-control"' in body
    assert 'value="ACME"' in control(body, "cam.customer")
    assert 'value="5000"' in control(body, "cam.amount")
    assert '<option value="north">north</option>' in body
    assert '<option value="south">south</option>' in body
    assert 'name="comment"' not in body  # a field without cam-variable-name is not posted
    assert 'id="ef-amount"' in body
    assert 'for="ef-amount"' in body
    # Not claimed yet: the fields are shown, not editable.
    assert "disabled" in control(body, "cam.amount")


def test_cam_choices_from_a_map_give_keys_as_values_and_entries_as_text(loans, alice):
    tasks = start_loan(regions={"N": "North", "S": "South"}, region="S")
    body = form_body(login(alice).get(f"/tasklist/tasks/{tasks['approve'].id}/").content.decode())
    assert '<option value="N">North</option>' in body
    assert '<option value="S" selected="">South</option>' in body


def test_the_submitted_fields_reach_the_engine_with_their_declared_types(loans, alice):
    tasks = start_loan(regions=["north", "south"])
    task = tasks["approve"]
    runtime.claim_task(task.id, "alice")
    response = login(alice).post(
        f"/tasklist/tasks/{task.id}/complete/",
        {
            "cam.customer": "ACME",  # unchanged: not submitted, as Camunda's Forms SDK does
            "cam.amount": " 7000 ",
            "cam.rate": "2.5",
            "cam.region": "south",
            "cam.note": "good payer",
            "cam.approved": "on",
            "comment": "not bound",
        },
    )
    assert response.status_code == 302
    assert not Task.objects.filter(pk=task.id).exists()
    variables = get_variables(task.process_instance_id)
    assert variables["amount"] == TypedValue("Long", 7000)  # a Long stays a Long
    assert variables["rate"] == TypedValue("Double", 2.5)
    assert variables["region"] == TypedValue("String", "south")
    assert variables["note"] == TypedValue("String", "good payer")
    assert variables["approved"] == TypedValue("Boolean", True)
    assert "comment" not in variables


def test_a_cleared_number_field_sets_its_variable_to_null(loans, alice):
    task = start_loan()["approve"]
    runtime.claim_task(task.id, "alice")
    login(alice).post(f"/tasklist/tasks/{task.id}/complete/", {"cam.amount": ""})
    assert not Task.objects.filter(pk=task.id).exists()
    assert get_variables(task.process_instance_id)["amount"].value is None


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("cam.amount", "12x", "Enter a whole number"),
        ("cam.amount", "9223372036854775808", "Enter a whole number from -9223372036854775808"),
        ("cam.rate", "2,5", "Enter a number"),
        ("cam.region", "west", "Choose one of the listed options."),
    ],
)
def test_a_value_that_does_not_fit_is_refused_and_nothing_completes(
    loans, alice, field, text, message
):
    task = start_loan(regions=["north"])["approve"]
    runtime.claim_task(task.id, "alice")
    refused = login(alice).post(
        f"/tasklist/tasks/{task.id}/complete/", {field: text, "cam.note": "changed"}
    )
    assert refused.status_code == 422
    page = refused.content.decode()
    assert message in page
    assert "The task was not completed" in page
    assert 'aria-invalid="true"' in form_body(page)
    assert Task.objects.filter(pk=task.id).exists()
    variables = get_variables(task.process_instance_id)
    assert variables["amount"] == TypedValue("Long", 5000)
    assert "note" not in variables


def test_embedded_app_forms_are_found_in_the_deployment_by_path_then_by_file_name(loans, alice):
    tasks = start_loan()
    client = login(alice)
    by_path = client.get(f"/tasklist/tasks/{tasks['check_by_path'].id}/").content.decode()
    assert 'name="cam.amount"' in form_body(by_path)
    by_name = client.get(f"/tasklist/tasks/{tasks['review_by_name'].id}/").content.decode()
    assert 'name="cam.verdict"' in form_body(by_name)
    missing = client.get(f"/tasklist/tasks/{tasks['missing_form'].id}/").content.decode()
    assert "its deployment has no file named &#x27;forms/gone.html&#x27; or" in missing
    assert "Deploy the HTML file together with the process." in missing


def test_an_embedded_start_form_starts_with_its_business_key_and_typed_values(loans, alice):
    grant_start("compliance", "loan_embedded")
    url = f"/tasklist/start/{loans['loan_embedded'].id}/"
    client = login(alice)
    page = client.get(url).content.decode()
    assert "cam-business-key" in control(form_body(page), "business_key")
    assert "Business key <span" not in page  # the form's own business key field replaces it
    response = client.post(
        url,
        {
            "business_key": "LOAN-7",
            "cam.customer": "Zed",
            "cam.amount": "42",
            "cam.due": "2026-12-01T10:30:00",
        },
    )
    assert response.status_code == 302
    instance = ProcessInstance.objects.get(business_key="LOAN-7")
    variables = get_variables(instance.id)
    assert variables["customer"] == TypedValue("String", "Zed")
    assert variables["amount"] == TypedValue("Long", 42)
    due = timezone.make_aware(datetime(2026, 12, 1, 10, 30), timezone.get_current_timezone())
    assert variables["due"] == TypedValue("Date", due)
    assert "untyped" not in variables  # left empty: not submitted


def test_a_start_field_of_no_type_and_no_variable_cannot_be_submitted(loans, alice):
    grant_start("compliance", "loan_embedded")
    url = f"/tasklist/start/{loans['loan_embedded'].id}/"
    refused = login(alice).post(url, {"business_key": "LOAN-8", "cam.untyped": "x"})
    assert refused.status_code == 422
    assert "no cam-variable-type" in refused.content.decode()
    assert not ProcessInstance.objects.exists()


def test_external_forms_are_linked_with_camunda_query_parameters(loans, alice, settings):
    settings.LEGATO_FORMS_APP_BASE_URL = "https://apps.example.com/loans/"
    tasks = start_loan()
    client = login(alice)
    app_task = tasks["external_app"]
    page = client.get(f"/tasklist/tasks/{app_task.id}/").content.decode()
    back = f"http%3A%2F%2Ftestserver%2Ftasklist%2Ftasks%2F{app_task.id}%2F"
    assert (
        f'href="https://apps.example.com/loans/forms/external.html?taskId={app_task.id}'
        f'&amp;callbackUrl={back}"' in page
    )
    url_task = tasks["external_url"]
    page = client.get(f"/tasklist/tasks/{url_task.id}/").content.decode()
    assert f'href="https://forms.example.com/approve?lang=en&amp;taskId={url_task.id}' in page
    grant_start("compliance", "loan_external_start")
    start = client.get(f"/tasklist/start/{loans['loan_external_start'].id}/").content.decode()
    assert (
        'href="https://apps.example.com/loans/forms/start-loan.html?processDefinitionKey='
        'loan_external_start&amp;callbackUrl=http%3A%2F%2Ftestserver%2Ftasklist%2F"' in start
    )


def test_an_app_form_without_the_application_address_says_what_is_missing(
    loans, alice, settings
):
    settings.LEGATO_FORMS_APP_BASE_URL = ""
    task = start_loan()["external_app"]
    runtime.claim_task(task.id, "alice")
    client = login(alice)
    page = client.get(f"/tasklist/tasks/{task.id}/").content.decode()
    assert "LEGATO_FORMS_APP_BASE_URL" in page
    assert 'data-testid="external-form"' not in page
    client.post(f"/tasklist/tasks/{task.id}/complete/", {})
    assert Task.objects.filter(pk=task.id).exists()


CONTRACT = "Vertrag über 100 €\n".encode()


def test_a_start_form_uploads_a_file_and_the_task_form_downloads_it(loans, alice):
    # Camunda's invoice example: the start form uploads the document, the approval form
    # links it with cam-file-download.
    grant_start("compliance", "loan_embedded")
    client = login(alice)
    url = f"/tasklist/start/{loans['loan_embedded'].id}/"
    body = form_body(client.get(url).content.decode())
    assert re.search(r'<input[^>]*type="file"[^>]*name="cam.contract"', body)
    upload = SimpleUploadedFile("contract.txt", CONTRACT, "text/plain")
    response = client.post(url, {"business_key": "LOAN-8", "cam.contract": upload})
    assert response.status_code == 302
    instance = ProcessInstance.objects.get(business_key="LOAN-8")
    stored = get_variables(instance.id)["contract"]
    assert stored.type == "File"
    assert (stored.value.filename, stored.value.content) == ("contract.txt", CONTRACT)

    task = Task.objects.get(process_instance_id=instance.id, task_definition_key="approve")
    body = form_body(client.get(f"/tasklist/tasks/{task.id}/").content.decode())
    link = re.search(r'<a[^>]*href="([^"]+)"[^>]*>contract.txt</a>', body)
    assert link, body
    download = client.get(link.group(1))
    assert (download.status_code, download.content) == (200, CONTRACT)
    assert download["Content-Type"] == "text/plain"
    assert 'filename="contract.txt"' in download["Content-Disposition"]


def test_a_file_above_cam_max_filesize_is_refused_and_nothing_starts(loans, alice):
    grant_start("compliance", "loan_embedded")
    upload = SimpleUploadedFile("big.pdf", b"x" * 1001, "application/pdf")
    response = login(alice).post(
        f"/tasklist/start/{loans['loan_embedded'].id}/",
        {"business_key": "LOAN-9", "cam.contract": upload},
    )
    assert response.status_code == 422
    assert "Choose a file of at most 1,000 bytes." in response.content.decode()
    assert not ProcessInstance.objects.filter(business_key="LOAN-9").exists()


def test_a_task_form_file_replaces_the_variable_only_when_one_is_picked(loans, alice):
    tasks = start_loan()
    task = tasks["approve"]
    body = form_body(login(alice).get(f"/tasklist/tasks/{task.id}/").content.decode())
    assert "contract: no file" in body  # the link has nothing to download yet
    assert not re.search(r'<a[^>]*href="[^"]*files/contract', body)
    runtime.claim_task(task.id, "alice")
    signed = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", "application/pdf")
    response = login(alice).post(f"/tasklist/tasks/{task.id}/complete/", {"cam.signed": signed})
    assert response.status_code == 302
    variables = get_variables(task.process_instance_id)
    assert variables["signed"].value.content == b"%PDF-1.4 signed"
    assert variables["signed"].value.mime_type == "application/pdf"
    assert "contract" not in variables  # nothing picked for it in the start form


def test_a_variable_file_downloads_only_for_those_who_may_see_the_task(
    loans, alice, django_user_model
):
    task = start_loan(contract=FileValue(CONTRACT, "contract.txt", "text/plain"))["approve"]
    url = f"/tasklist/tasks/{task.id}/files/contract/"
    assert login(alice).get(url).status_code == 200
    assert login(alice).get(f"/tasklist/tasks/{task.id}/files/customer/").status_code == 404
    stranger = django_user_model.objects.create_user("stranger", password="pw")
    assert login(stranger).get(url).status_code in (403, 404)
