"""A Camunda 7 embedded HTML form in Chromium: shown filled in, its deployed scripts not run,
refused with the field's error when a Long is not a whole number, then completed with a file
picked; the engine receives the values typed and the file as a File variable."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine.models import Task
from engine.queries import get_variables
from engine.runtime.values import TypedValue
from tests.browser.test_login import log_in
from tests.tasklist.conftest import make_user
from tests.tasklist.test_embedded_forms import deploy_embedded, start_loan

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_embedded_form_is_filled_refused_then_completed_in_the_browser(
    page, live_server_url, screenshot
):
    deploy_embedded()
    make_user("alice", "compliance")
    task = start_loan(regions=["north", "south"])["approve"]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server_url, "alice", "pw")
    page.goto(f"{live_server_url}/tasklist/tasks/{task.id}/")
    page.get_by_role("button", name="Claim").click()

    form = page.get_by_test_id("embedded-form")
    expect(form.get_by_label("Customer")).to_have_value("ACME")
    expect(form.get_by_label("Amount")).to_have_value("5000")
    expect(page.get_by_test_id("scripts-not-run")).to_be_visible()
    assert page.evaluate("window.formScriptRan === undefined")
    form.get_by_label("Customer").click()  # its deployed onclick is gone
    assert page.evaluate("window.clicked === undefined")

    form.get_by_label("Amount").fill("lots")
    form.get_by_label("Region").select_option("south")
    form.get_by_label("Approved").check()
    form.get_by_role("button", name="Complete").click()
    field_error = page.get_by_test_id("embedded-form-body").get_by_text("Enter a whole number")
    expect(field_error).to_be_visible()
    assert Task.objects.filter(pk=task.id).exists()
    screenshot("tasklist-embedded-form-refused")

    form = page.get_by_test_id("embedded-form")
    expect(form.get_by_label("Region")).to_have_value("south")  # what was entered stays
    form.get_by_label("Amount").fill("7000")
    expect(form.get_by_text("contract: no file")).to_be_visible()  # nothing to download yet
    form.get_by_label("Signed contract").set_input_files(
        files=[{"name": "signed.pdf", "mimeType": "application/pdf", "buffer": b"%PDF signed"}]
    )
    form.get_by_role("button", name="Complete").click()
    expect(page.get_by_text("“Approve loan” completed.")).to_be_visible()
    assert not Task.objects.filter(pk=task.id).exists()
    variables = get_variables(task.process_instance_id)
    assert variables["amount"] == TypedValue("Long", 7000)
    assert variables["region"] == TypedValue("String", "south")
    assert variables["approved"] == TypedValue("Boolean", True)
    signed = variables["signed"].value
    assert (signed.filename, signed.mime_type, signed.content) == (
        "signed.pdf",
        "application/pdf",
        b"%PDF signed",
    )
    assert dialogs == []
