"""A business user's day in the tasklist, in Chromium: two compliance officers see a KYC review
arrive live, one claims it (it leaves the other's list live), completes the generated form
after an error, then a Camunda Form task; processes are started from the tasklist (a Camunda
start form with a file picked)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engine.models import HistoricVariableInstance, Task
from engine.services import runtime
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_login import log_in
from tests.tasklist.conftest import deploy_demo, make_user, start_kyc
from tests.tasklist.test_start_and_filters import grant_filter_create

pytestmark = pytest.mark.django_db(transaction=True)
NARROW = {"width": 375, "height": 800}
LIVE = 3_000  # ms: the issue asks for "within a second"; allow for a slow shared machine


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def open_group_list(browser, base_url: str, username: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, base_url, username, "pw")
    page.goto(base_url + "/tasklist/?list=group")
    expect(page.locator("#live-status")).to_have_text("live")
    return context, page


def group_count(page):
    return page.get_by_test_id("count-group")


def test_a_kyc_review_arrives_live_is_claimed_and_completed_and_forms_are_validated(
    browser, page, live_server_url, demo_user, screenshot
):
    definitions = deploy_demo()
    make_user("alice", "compliance")
    make_user("bob", "compliance")
    alice_context, alice = open_group_list(browser, live_server_url, "alice")
    bob_context, bob = open_group_list(browser, live_server_url, "bob")
    try:
        expect(alice.get_by_text("Nothing to pick up.")).to_be_visible()
        expect(group_count(bob)).to_have_text("0")

        # The demo admin starts a KYC instance with the generated start form (by HTTP).
        log_in(page, live_server_url, "demo", "demo")
        page.goto(live_server_url + "/tasklist/start/")
        page.get_by_role("link", name="KYC review").click()
        page.get_by_label("Business key").fill("KYC-1")
        page.get_by_role("button", name="Start").click()
        expect(page.locator("#error-customerName")).to_have_text("This field is required.")
        screenshot("tasklist-start-form-error-1280")
        page.get_by_label("Customer name").fill("Ada Lovelace")
        page.get_by_role("button", name="Start").click()
        expect(page.get_by_text("“KYC review” started with business key KYC-1.")).to_be_visible()

        # It appears on both screens without a reload.
        for officer in (alice, bob):
            card = officer.locator(".task-card", has_text="Review customer")
            expect(card).to_be_visible(timeout=LIVE)
            expect(card).to_contain_text("KYC-1")
            expect(group_count(officer)).to_have_text("1", timeout=LIVE)
        shot(bob, "tasklist-group-list-bob-1280")

        # Alice claims it: it leaves Bob's group list live.
        alice.get_by_role("link", name="Review customer").click()
        expect(alice.get_by_test_id("business-key")).to_have_text("KYC-1")
        expect(alice.locator(".djs-element.current-task")).to_be_visible()
        alice.get_by_role("button", name="Claim").click()
        expect(alice.get_by_test_id("assignee")).to_contain_text("alice")
        expect(bob.locator(".task-card", has_text="Review customer")).to_have_count(0, timeout=LIVE)
        expect(bob.get_by_text("Nothing to pick up.")).to_be_visible()
        expect(group_count(bob)).to_have_text("0", timeout=LIVE)

        # A missing required field: the error is next to it, nothing is completed.
        alice.get_by_label("Risk level").select_option("high")
        alice.get_by_role("button", name="Complete").click()
        expect(alice.locator("#error-riskScore")).to_have_text("This field is required.")
        expect(alice.get_by_label("Risk level")).to_have_value("high")
        shot(alice, "tasklist-task-form-error-1280")
        alice.get_by_label(re.compile("^Risk score")).fill("15")
        alice.get_by_label("Review date").fill("03/02/2025")
        alice.get_by_role("button", name="Complete").click()
        expect(alice.get_by_text("“Review customer” completed.")).to_be_visible()
        # The process continues: its next task is offered to the group (live on Bob's screen).
        expect(bob.locator(".task-card", has_text="Inform customer")).to_be_visible(timeout=LIVE)

        # A Camunda Form: the credit limit process, started with its form-js start form.
        page.goto(live_server_url + "/tasklist/start/")
        page.get_by_role("link", name="Credit limit").click()
        expect(page.locator("#form-js .fjs-form")).to_be_visible()
        page.get_by_label("Customer").fill("ACME")
        page.get_by_label("Requested limit").fill("5000")
        # A file picked in the form becomes a File variable of the instance.
        page.locator("#form-js input[type=file]").set_input_files(
            files=[{"name": "statement.txt", "mimeType": "text/plain", "buffer": b"balance 100"}]
        )
        expect(page.locator("#form-js")).to_contain_text("statement.txt")
        page.get_by_role("button", name="Start").click()
        expect(page.get_by_text("“Credit limit” started")).to_be_visible()
        statement = HistoricVariableInstance.objects.get(name="statement")
        assert statement.type == "File"
        assert statement.value["filename"] == "statement.txt"

        card = alice.locator(".task-card", has_text="Approve credit limit")
        expect(card).to_be_visible(timeout=LIVE)
        card.get_by_role("link").click()
        alice.get_by_role("button", name="Claim").click()
        expect(alice.locator("#form-js .fjs-form")).to_be_visible()
        expect(alice.locator("#form-js")).to_contain_text("ACME")
        alice.get_by_label("Approved limit").fill("4000")
        alice.get_by_role("button", name="Complete").click()
        expect(alice.locator("#form-status")).to_have_text("Correct the fields marked in the form.")
        expect(alice.locator("#form-js .fjs-form-field-error").first).to_be_visible()
        shot(alice, "tasklist-camunda-form-error-1280")
        alice.get_by_label("Reason").fill("Good payment history")
        alice.get_by_role("button", name="Complete").click()
        expect(alice.get_by_text("“Approve credit limit” completed.")).to_be_visible()
        expect(alice.locator(".task-card", has_text="Approve credit limit")).to_have_count(0)
        shot(alice, "tasklist-after-complete-1280")

        # Phones: the lists, a task and a start form at 375px.
        bob.set_viewport_size(NARROW)
        bob.reload()
        expect(bob.locator(".task-card", has_text="Inform customer")).to_be_visible()
        shot(bob, "tasklist-group-list-375")
        # by its address: a click can land while the socket's hello re-reads the list
        href = bob.get_by_role("link", name="Inform customer").get_attribute("href")
        bob.goto(live_server_url + href)
        expect(bob.get_by_role("button", name="Claim")).to_be_visible()
        shot(bob, "tasklist-task-375")
        page.set_viewport_size(NARROW)
        page.goto(live_server_url + f"/tasklist/start/{definitions['kyc_review'].id}/")
        screenshot("tasklist-start-form-375")
    finally:
        alice_context.close()
        bob_context.close()


def test_a_user_outside_the_group_sees_no_task_and_cannot_open_it(
    browser, page, live_server_url, db
):
    deploy_demo()
    make_user("mallory", "sales")
    task = start_kyc()
    log_in(page, live_server_url, "mallory", "pw")
    page.goto(live_server_url + "/tasklist/")
    expect(page.get_by_text("Nothing to pick up.")).to_be_visible()
    page.goto(live_server_url + f"/tasklist/tasks/{task.id}/")
    expect(page.get_by_role("alert")).to_contain_text("may not see the task")


def test_text_typed_after_a_number_field_survives_a_pause_and_is_submitted(
    page, live_server_url, db
):
    # form-js's number field sends its value again 300 ms after it re-renders; with the
    # debounce, text typed into the next field within that time was wiped by the re-render.
    deploy_demo()
    make_user("alice", "compliance")
    started = runtime.start_process_instance("credit_limit", variables={"customer": "ACME"})
    task = Task.objects.get(process_instance_id=started.id)
    runtime.claim_task(task.id, "alice")
    log_in(page, live_server_url, "alice", "pw")
    page.goto(live_server_url + f"/tasklist/tasks/{task.id}/")
    page.get_by_label("Approved limit").fill("4000")
    page.get_by_label("Reason").fill("Good payment history")
    page.wait_for_timeout(700)  # a user reading the form: longer than the debounce
    expect(page.get_by_label("Reason")).to_have_value("Good payment history")
    page.get_by_role("button", name="Complete").click()
    expect(page.get_by_text("“Approve credit limit” completed.")).to_be_visible()
    reason = HistoricVariableInstance.objects.get(process_instance_id=started.id, name="reason")
    assert reason.value == "Good payment history"


def test_a_gap_in_the_live_sequence_re_fetches_the_list_and_counts(
    page, live_server_url, db, events_lost
):
    deploy_demo()
    make_user("alice", "compliance")
    log_in(page, live_server_url, "alice", "pw")
    page.goto(live_server_url + "/tasklist/?list=group")
    expect(page.get_by_text("Nothing to pick up.")).to_be_visible()
    with events_lost():  # only the gap can tell the page
        start_kyc(business_key="KYC-GAP")
    page.evaluate(
        """document.dispatchEvent(new CustomEvent("legato:live",
             {detail: {event: {type: "instance.started", seq: 9}, gap: true}}))"""
    )
    expect(page.locator(".task-card", has_text="KYC-GAP")).to_be_visible(timeout=LIVE)
    expect(group_count(page)).to_have_text("1")


def test_a_live_re_read_of_the_list_that_fails_is_tried_again(page, live_server_url, db):
    deploy_demo()
    make_user("alice", "compliance")
    log_in(page, live_server_url, "alice", "pw")
    page.goto(live_server_url + "/tasklist/?list=group")
    expect(page.get_by_text("Nothing to pick up.")).to_be_visible()
    expect(page.locator("#live-status")).to_have_text("live")
    page.wait_for_timeout(1000)  # the socket's hello re-reads once: let it be done

    failed = []

    def fail_once(route):
        if failed or route.request.url != page.url:
            route.continue_()
        else:
            failed.append(route.request.url)
            route.abort()  # the server did not answer

    page.route("**/tasklist/**", fail_once)
    start_kyc(business_key="KYC-RETRY")
    expect(page.locator(".task-card", has_text="KYC-RETRY")).to_be_visible(timeout=10_000)
    assert failed


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, NARROW])
def test_a_filter_with_a_long_unbroken_name_stays_inside_the_page(
    browser, live_server_url, db, viewport
):
    make_user("alice", "compliance")
    grant_filter_create("alice")
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        log_in(page, live_server_url, "alice", "pw")
        page.goto(live_server_url + "/tasklist/")
        page.get_by_text("Save this view as a filter").click()
        page.get_by_label("Name").fill("Q" * 300)  # the field keeps 255
        page.get_by_role("button", name="Save filter").click()
        expect(page.locator(".list-name", has_text="Q" * 255)).to_be_visible()
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1]
    finally:
        context.close()


def test_a_task_created_in_the_tasklist_reaches_its_assignee_live_and_is_completed(
    browser, page, live_server_url, demo_user, screenshot
):
    make_user("alice", "compliance")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    alice = context.new_page()
    alice.set_default_timeout(10_000)
    try:
        log_in(alice, live_server_url, "alice", "pw")
        alice.goto(live_server_url + "/tasklist/?list=mine")
        expect(alice.locator("#live-status")).to_have_text("live")

        log_in(page, live_server_url, "demo", "demo")
        page.goto(live_server_url + "/tasklist/")
        page.get_by_role("link", name="Create task").click()
        page.get_by_label("Name").fill("Call the auditor")
        page.get_by_label("Description").fill("Ask about the Q3 findings")
        page.get_by_label("Assignee").fill("alice")
        page.get_by_role("button", name="Create task").click()
        expect(page.get_by_text("Task “Call the auditor” created.")).to_be_visible()
        expect(page.get_by_test_id("standalone")).to_be_visible()
        screenshot("tasklist-standalone-task-1280")

        card = alice.locator(".task-card", has_text="Call the auditor")
        expect(card).to_be_visible(timeout=LIVE)
        expect(card).to_contain_text("Standalone task")
        card.get_by_role("link", name="Call the auditor").click()
        expect(alice.get_by_text("Ask about the Q3 findings")).to_be_visible()
        alice.get_by_role("button", name="Complete").click()
        expect(alice.get_by_text("“Call the auditor” completed.")).to_be_visible()
        assert not Task.objects.filter(name="Call the auditor").exists()
    finally:
        context.close()


def test_subtasks_added_and_completed_elsewhere_show_live_on_the_parents_page(
    page, live_server_url, db
):
    from engine.services.standalone_tasks import create_task

    deploy_demo()
    make_user("alice", "compliance")
    review = start_kyc()
    log_in(page, live_server_url, "alice", "pw")
    page.goto(live_server_url + f"/tasklist/tasks/{review.id}/")
    expect(page.locator("#live-status")).to_have_text("live")
    subtasks = page.locator("#task-subtasks")
    expect(subtasks).to_contain_text("No open subtasks.")

    create_task(task_id="call", name="Call the bank", assignee="alice", parent_task_id=review.id)
    expect(subtasks.get_by_role("link", name="Call the bank")).to_be_visible(timeout=LIVE)
    runtime.update_task("call", name="Call the bank today", user_id="alice")
    expect(subtasks.get_by_role("link", name="Call the bank today")).to_be_visible(timeout=LIVE)
    runtime.complete_task("call", user_id="alice")
    expect(subtasks).to_contain_text("No open subtasks.", timeout=LIVE)
    # Its subtasks changed, not the task itself: no "someone changed this task" notice.
    expect(page.locator("#task-changed")).to_be_hidden()


def test_a_form_draft_is_kept_in_the_browser_until_the_task_is_completed(page, live_server_url, db):
    # Camunda's Tasklist "Save": what was typed comes back when the task is opened again
    deploy_demo()
    make_user("alice", "compliance")
    review = start_kyc()
    runtime.claim_task(review.id, "alice")
    log_in(page, live_server_url, "alice", "pw")
    page.goto(live_server_url + f"/tasklist/tasks/{review.id}/")
    page.get_by_label("Risk score").fill("42")
    page.get_by_label("Risk level").select_option("high")
    page.get_by_label("Approved").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved in this browser")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Your draft of")).to_be_visible()
    expect(page.get_by_label("Risk score")).to_have_value("42")
    expect(page.get_by_label("Risk level")).to_have_value("high")
    expect(page.get_by_label("Approved")).to_be_checked()
    page.get_by_role("button", name="Discard draft").click()
    expect(page.get_by_label("Risk score")).to_have_value("")
    expect(page.get_by_text("Your draft of")).to_have_count(0)

    # a Camunda Form keeps its draft too, and completing the task forgets it
    started = runtime.start_process_instance("credit_limit", variables={"customer": "ACME"})
    limit = Task.objects.get(process_instance_id=started.id)
    runtime.claim_task(limit.id, "alice")
    page.goto(live_server_url + f"/tasklist/tasks/{limit.id}/")
    page.get_by_label("Reason").fill("Long-standing customer")
    page.get_by_role("button", name="Save draft").click()
    page.reload()
    expect(page.get_by_label("Reason")).to_have_value("Long-standing customer")
    page.get_by_label("Approved limit").fill("4000")
    page.get_by_role("button", name="Complete").click()
    expect(page.get_by_text("“Approve credit limit” completed.")).to_be_visible()
    assert page.evaluate(f"localStorage.getItem('legato-draft:{limit.id}')") is None


def test_a_task_without_a_form_is_completed_with_variables_added_or_loaded(
    page, live_server_url, db
):
    from engine.models import HistoricVariableInstance
    from engine.services import ResourceInput, deploy
    from tests.tasklist.test_generic_form import CHORE

    deploy([ResourceInput("chore.bpmn", CHORE)])
    make_user("alice", "crew")
    started = runtime.start_process_instance("chore", variables={"note": "hi", "count": 3})
    chore = Task.objects.get(process_instance_id=started.id)
    runtime.claim_task(chore.id, "alice")
    log_in(page, live_server_url, "alice", "pw")
    page.goto(live_server_url + f"/tasklist/tasks/{chore.id}/")
    page.get_by_role("button", name="Load variables").click()
    expect(page.get_by_text("2 variables loaded.")).to_be_visible()
    names = page.get_by_label("Variable name")
    expect(names).to_have_count(2)
    expect(names.nth(0)).to_have_value("count")
    page.get_by_label("Variable value").nth(0).fill("4")
    page.get_by_role("button", name="Add a variable").click()
    page.get_by_label("Variable name").nth(2).fill("done")
    page.get_by_label("Variable type").nth(2).select_option("Boolean")
    page.get_by_label("Variable value").nth(2).fill("true")
    page.get_by_role("button", name="Complete").click()
    expect(page.get_by_text("“Do it” completed.")).to_be_visible()
    kept = {v.name: v.value for v in
            HistoricVariableInstance.objects.filter(process_instance_id=started.id)}
    assert (kept["count"], kept["done"], kept["note"]) == (4, True, "hi")


def test_camundas_keyboard_shortcuts_reach_lists_tasks_forms_claims_and_starts(
    page, live_server_url, db, screenshot
):
    deploy_demo()
    make_user("alice", "compliance")
    review = start_kyc()
    log_in(page, live_server_url, "alice", "pw")
    page.goto(live_server_url + "/tasklist/?list=group")

    page.keyboard.press("Control+Shift+F")
    expect(page.locator("#task-lists a").first).to_be_focused()
    page.keyboard.press("Control+Alt+L")
    task_link = page.get_by_role("link", name="Review customer")
    expect(task_link).to_be_focused()
    # a live re-read replaces the list around the focused task: it keeps the focus
    task_link.evaluate("link => link.dataset.before = 'yes'")
    page.evaluate(
        """document.dispatchEvent(new CustomEvent("legato:live",
             {detail: {event: {type: "task.updated", seq: 9}, gap: true}}))"""
    )
    expect(page.locator("a[data-before]")).to_have_count(0, timeout=LIVE)
    expect(task_link).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("assignee")).to_contain_text("nobody")
    # the shortcuts' script is deferred: it listens once the page is parsed, not before
    page.wait_for_load_state("domcontentloaded")
    page.keyboard.press("Control+Alt+C")
    expect(page.get_by_test_id("assignee")).to_have_text("alice")
    assert Task.objects.get(pk=review.id).assignee == "alice"
    page.wait_for_load_state("domcontentloaded")
    page.keyboard.press("Control+Alt+F")
    # the customer's name is read-only: the first field to fill in is the risk level
    expect(page.get_by_label("Risk level")).to_be_focused()

    # the task lists are on the list page: the shortcut goes there and focuses the first
    page.keyboard.press("Control+Shift+F")
    expect(page.locator("#task-lists a").first).to_be_focused()
    expect(page).to_have_url(re.compile(r"/tasklist/$"))

    page.get_by_role("button", name="Keyboard shortcuts").click()
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_contain_text("Claim the open task")
    screenshot("tasklist-shortcuts-1280")
    help_dialog.get_by_role("button", name="Close").click()
    expect(help_dialog).to_be_hidden()

    page.keyboard.press("Control+Alt+P")
    expect(page).to_have_url(re.compile(r"/tasklist/start/$"))


def test_the_form_shortcut_reaches_a_start_forms_first_field(page, live_server_url, demo_user):
    deploy_demo()
    log_in(page, live_server_url, "demo", "demo")
    page.goto(live_server_url + "/tasklist/start/")
    page.get_by_role("link", name="KYC review").click()
    page.wait_for_url(re.compile(r"/tasklist/start/.+"))
    page.wait_for_load_state("domcontentloaded")
    page.keyboard.press("Control+Alt+F")
    expect(page.get_by_label("Business key")).to_be_focused()


def test_the_task_shortcut_on_an_empty_list_stays_on_the_page(page, live_server_url, db):
    make_user("alice", "compliance")
    log_in(page, live_server_url, "alice", "pw")
    page.goto(live_server_url + "/tasklist/?list=group")
    expect(page.get_by_text("Nothing to pick up.")).to_be_visible()
    page.evaluate("window.stayed = true")
    page.keyboard.press("Control+Alt+L")
    page.keyboard.press("Control+Shift+F")
    expect(page.locator("#task-lists a").first).to_be_focused()
    assert page.evaluate("window.stayed") is True  # no reload of the same page
