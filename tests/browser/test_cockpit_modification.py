"""An operator skips a stuck activity by modifying the instance, in a real browser."""

import pytest
from playwright.sync_api import expect

from engine.models import Task
from engine.services import ResourceInput, deploy
from engine.services.runtime import start_process_instance
from tests.browser.test_login import log_in
from tests.cockpit.test_modification_page import TWO_STEPS
from tests.factories import bpmn_document

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_operator_modifies_an_instance_to_skip_a_stuck_activity(
    page, live_server_url, demo_user, screenshot
):
    deploy([ResourceInput("two.bpmn", bpmn_document(TWO_STEPS))])
    instance = start_process_instance("twoSteps", business_key="stuck-1")
    log_in(page, live_server_url, "demo", "demo")
    page.goto(f"{live_server_url}/cockpit/instances/{instance.id}/")
    page.get_by_role("link", name="Modify instance…").click()

    page.get_by_label("Stuck step (stuck)").check()
    page.get_by_label("Activity", exact=True).select_option("next")
    page.get_by_label("Annotation").fill("customer called: step done by phone")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_test_id("modify-preview")
    expect(preview).to_contain_text("Cancel Stuck step")
    expect(preview).to_contain_text("Start Next step")
    screenshot("cockpit-modify-preview")
    assert list(Task.objects.values_list("name", flat=True)) == ["Stuck step"]

    page.get_by_label("I have checked the change").check()
    page.get_by_role("button", name="Apply modification").click()
    expect(page.get_by_text("The instance was modified.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Next step")
    assert list(Task.objects.values_list("name", flat=True)) == ["Next step"]
