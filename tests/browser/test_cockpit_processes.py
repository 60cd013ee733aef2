"""Cockpit in a real browser: deploy through the page, find the process, see its diagram."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_login import log_in
from tests.cockpit.samples import broken_process, drawn_process
from tests.factories import one_task_bpmn

pytestmark = pytest.mark.django_db(transaction=True)
NARROW = {"width": 375, "height": 800}


def bpmn_file(name: str, content: bytes) -> dict:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": content}


def deploy_through_the_page(page, base_url: str) -> None:
    page.goto(base_url + "/cockpit/deployments/")
    page.get_by_label("BPMN files", exact=True).set_input_files(
        [bpmn_file("invoice.bpmn", drawn_process())]
    )
    page.get_by_label("Deployment name").fill("billing")
    page.get_by_role("button", name="Deploy").click()
    expect(page.get_by_test_id("deployed")).to_contain_text("key invoice, version 1")


def test_a_deployed_model_is_listed_and_its_diagram_drawn_by_bpmn_js(
    page, live_server_url, demo_user, screenshot
):
    log_in(page, live_server_url, "demo", "demo")
    deploy_through_the_page(page, live_server_url)
    screenshot("cockpit-deployments-1280")

    page.get_by_role("navigation", name="Cockpit").get_by_role("link", name="Processes").click()
    row = page.get_by_test_id("process-table").get_by_role("row", name=re.compile("invoice"))
    expect(row).to_contain_text("Invoice approval")
    # The live filter narrows the table without a reload and keeps the URL shareable.
    page.get_by_label("Search by name or key").fill("no-such-process")
    expect(page.get_by_text("No process matches")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/cockpit/processes/\?q=no-such-process$"))
    page.get_by_label("Search by name or key").fill("invo")
    expect(page).to_have_url(re.compile(r"\?q=invo$"))
    screenshot("cockpit-processes-1280")

    page.get_by_role("link", name="Invoice approval").click()
    expect(page.get_by_role("heading", name="Invoice approval")).to_be_visible()
    expect(page.locator(".djs-container")).to_be_visible()
    expect(page.locator('[data-element-id="Task_1"]')).to_be_visible()
    expect(page.locator("#diagram-status")).to_be_hidden()
    # The badge hook the live updates will feed draws counts on the activity.
    page.evaluate("LegatoDiagram.showActivityCounts({Task_1: {running: 2, incidents: 1}})")
    expect(page.locator('.activity-counts[data-activity-id="Task_1"] .running')).to_have_text("2")
    expect(page.locator('.activity-counts[data-activity-id="Task_1"] .incidents')).to_have_text("1")
    screenshot("cockpit-definition-1280")

    page.get_by_role("link", name="Dashboard").click()
    card = page.get_by_test_id("deployed-processes")
    expect(card.get_by_role("link", name="1", exact=True)).to_have_attribute(
        "href", "/cockpit/processes/"
    )
    screenshot("cockpit-dashboard-1280")
    page.go_back()

    page.set_viewport_size(NARROW)
    page.reload()
    expect(page.locator('[data-element-id="Task_1"]')).to_be_visible()
    screenshot("cockpit-definition-375")
    page.get_by_role("link", name="Processes", exact=True).first.click()
    expect(page.get_by_role("link", name="Invoice approval")).to_be_visible()
    screenshot("cockpit-processes-375")


def test_a_broken_model_is_refused_with_its_line_and_element(
    page, live_server_url, demo_user, screenshot
):
    log_in(page, live_server_url, "demo", "demo")
    page.set_viewport_size(NARROW)
    page.goto(live_server_url + "/cockpit/deployments/")
    page.get_by_label("BPMN files", exact=True).set_input_files(
        [bpmn_file("broken.bpmn", broken_process())]
    )
    page.get_by_role("button", name="Deploy").click()
    problems = page.get_by_test_id("deploy-problems")
    expect(problems).to_contain_text("Nothing was deployed")
    expect(problems).to_contain_text("broken.bpmn, line 6, element Flow_broken")
    expect(page.get_by_text("No deployments yet.")).to_be_visible()
    screenshot("cockpit-deploy-refused-375")


def test_a_deployment_is_deleted_with_the_keyboard_after_confirming(
    page, live_server_url, demo_user, screenshot
):
    log_in(page, live_server_url, "demo", "demo")
    deploy_through_the_page(page, live_server_url)
    page.set_viewport_size(NARROW)
    page.get_by_role("link", name="Delete deployment billing").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Delete deployment “billing”?")).to_be_visible()
    screenshot("cockpit-delete-confirm-375")
    page.get_by_role("button", name="Delete deployment").focus()
    page.keyboard.press("Enter")
    messages = page.get_by_role("status", name="Messages")
    expect(messages).to_contain_text("Deployment 'billing' was deleted.")
    expect(page.get_by_text("No deployments yet.")).to_be_visible()


def test_a_model_without_a_diagram_layout_says_so_instead_of_drawing(
    page, live_server_url, demo_user
):
    log_in(page, live_server_url, "demo", "demo")
    page.goto(live_server_url + "/cockpit/deployments/")
    files = [bpmn_file("plain.bpmn", one_task_bpmn("plain", name="Plain"))]
    page.get_by_label("BPMN files", exact=True).set_input_files(files)
    page.get_by_role("button", name="Deploy").click()
    page.get_by_test_id("deployed").get_by_role("link", name="Plain").click()
    expect(page.locator("#diagram-status")).to_contain_text("no diagram layout")
