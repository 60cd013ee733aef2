"""A saved filter's variable columns in Chromium: added in the save form, shown on the task
cards with a tooltip for a long value, and offered by the sort control; a filter's stored
sorting shown by the control, and a picked sort saved on the filter."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine.models import Task
from engine.services import runtime
from tasklist.models import TaskFilter
from tests.browser.test_login import log_in
from tests.tasklist.conftest import deploy_demo, make_user
from tests.tasklist.test_start_and_filters import grant_filter_create

pytestmark = pytest.mark.django_db(transaction=True)
LIVE = 5_000  # ms


def test_a_filter_with_variable_columns_shows_them_on_its_task_cards(page, live_server_url):
    deploy_demo()
    make_user("alice", "compliance")
    grant_filter_create("alice")
    note = "A long remark that does not fit on a card " * 3
    for key, amount in (("KYC-1", 1200), ("KYC-2", 900)):
        runtime.start_process_instance(
            "kyc_review", variables={"customerName": "Ada", "amount": amount, "note": note},
            business_key=key,
        )
    assert Task.objects.count() == 2
    log_in(page, live_server_url, "alice", "pw")
    page.goto(live_server_url + "/tasklist/?list=group")
    page.get_by_text("Save this view as a filter").click()
    page.get_by_label("Name", exact=True).fill("Amounts")
    form = page.locator("form", has=page.get_by_role("button", name="Save filter"))
    form.get_by_label("Variable", exact=True).fill("amount")
    form.get_by_label("Label", exact=True).fill("Amount")
    form.get_by_role("button", name="Add variable").click()
    form.get_by_label("Variable", exact=True).nth(1).fill("note")
    form.get_by_label("Label", exact=True).nth(1).fill("Note")
    form.get_by_role("button", name="Add variable").click()
    form.get_by_role("button", name="Remove").nth(2).click()  # the empty third row goes
    expect(form.get_by_label("Variable", exact=True)).to_have_count(2)
    form.get_by_role("button", name="Save filter").click()

    card = page.locator(".task-card", has_text="KYC-2")
    expect(card.locator(".card-variable", has_text="Amount")).to_contain_text("900")
    shown = card.locator(".card-variable", has_text="Note").locator("dd")
    expect(shown).to_have_attribute("title", note.strip())
    assert shown.inner_text().endswith("…")
    keys = page.locator(".task-card .business-key")
    expect(keys).to_have_text(["KYC-2", "KYC-1"])  # newest first
    # Highest amount first, as numbers (as text "900" would come before "1200").
    page.get_by_label("Sort by").select_option(label="Amount")
    expect(keys).to_have_text(["KYC-1", "KYC-2"])
    page.get_by_label("Order", exact=True).select_option("asc")
    expect(keys).to_have_text(["KYC-2", "KYC-1"])


def test_a_card_shows_a_variable_changed_elsewhere_without_a_reload(page, live_server_url):
    deploy_demo()
    make_user("alice", "compliance")
    saved = TaskFilter.objects.create(
        name="Amounts", owner="alice", query={"list": "group"},
        properties={"variables": [{"name": "amount", "label": "Amount"}]},
    )
    started = {
        key: runtime.start_process_instance(
            "kyc_review", variables={"amount": 100}, business_key=key
        ).id
        for key in ("KYC-1", "KYC-2")
    }
    log_in(page, live_server_url, "alice", "pw")
    page.goto(f"{live_server_url}/tasklist/?list=filter-{saved.pk}")
    expect(page.locator("#live-status")).to_have_text("live")
    card = page.locator(".task-card", has_text="KYC-2")
    amount = card.locator(".card-variable", has_text="Amount")
    expect(amount).to_contain_text("100")
    page.wait_for_timeout(1000)  # the socket's first hello re-reads once: let it be done

    runtime.set_variables(started["KYC-2"], {"amount": 250})  # in another process
    expect(amount).to_contain_text("250", timeout=LIVE)
    expect(page.locator(".task-card", has_text="KYC-1")).to_contain_text("100")


def test_a_filters_stored_sort_is_shown_and_a_picked_sort_is_saved_on_it(page, live_server_url):
    deploy_demo()
    make_user("alice", "compliance")
    by_amount = {"sortBy": "processVariable", "sortOrder": "asc",
                 "parameters": {"variable": "amount", "type": "Integer"}}
    saved = TaskFilter.objects.create(
        name="Amounts", owner="alice", query={"list": "group", "sorting": [by_amount]},
        properties={"variables": [{"name": "amount", "label": "Amount"}]},
    )
    for key, amount in (("KYC-1", 1200), ("KYC-2", 900), ("KYC-3", 50)):
        runtime.start_process_instance(
            "kyc_review", variables={"amount": amount}, business_key=key
        )
    log_in(page, live_server_url, "alice", "pw")
    page.goto(f"{live_server_url}/tasklist/?list=filter-{saved.pk}")
    expect(page.locator("#live-status")).to_have_text("live")
    page.wait_for_timeout(1000)  # the socket's first hello re-reads once: let it be done

    keys = page.locator(".task-card .business-key")
    expect(keys).to_have_text(["KYC-3", "KYC-2", "KYC-1"])  # the filter's order
    expect(page.get_by_label("Sort by")).to_have_value("var:amount")
    expect(page.get_by_label("Order", exact=True)).to_have_value("asc")
    save = page.get_by_role("button", name="Save this sort on the filter")
    expect(save).to_have_count(0)  # it is the filter's own sort
    page.get_by_label("Sort by").select_option(label="Created")
    expect(keys).to_have_text(["KYC-1", "KYC-2", "KYC-3"])  # oldest first
    save.click()
    expect(page.get_by_text("now keeps this sort")).to_be_visible()
    assert page.url.endswith(f"/tasklist/?list=filter-{saved.pk}")  # no sort in the URL
    expect(keys).to_have_text(["KYC-1", "KYC-2", "KYC-3"])
    expect(page.get_by_label("Sort by")).to_have_value("created")
    saved.refresh_from_db()
    assert saved.query["sorting"] == [{"sortBy": "created", "sortOrder": "asc"}]
