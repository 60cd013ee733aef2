"""Cockpit in a real browser: a decision requirements diagram drawn by dmn-js, with each
decision's evaluations, leading to the decision's page."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_login import log_in
from tests.cockpit.samples import drawn_dinner_drd
from tests.cockpit.test_decision_requirements_page import WINTER_WEEKEND

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_drd_is_drawn_with_evaluations_and_its_decisions_open(
    page, live_server_url, demo_user, screenshot
):
    from engine.services import ResourceInput, deploy
    from engine.services.decisions import evaluate_decision_definition

    deployed = deploy([ResourceInput("dinner.dmn", drawn_dinner_drd())])
    menu = next(row for row in deployed.decision_definitions if row.key == "menu")
    evaluate_decision_definition(menu, WINTER_WEEKEND, user_id=None)

    log_in(page, live_server_url, "demo", "demo")
    page.goto(live_server_url + "/cockpit/decisions/")
    page.get_by_test_id("drd-list").get_by_role("link", name="Dinner Decisions").click()
    expect(page.get_by_role("heading", name="Dinner Decisions")).to_be_visible()
    expect(page.locator("#drd[data-rendered=true]")).to_be_attached()
    expect(page.locator('#drd [data-element-id="dish"]')).to_be_visible()
    expect(page.locator('#drd [data-element-id="dayType"]')).to_be_visible()
    expect(page.locator('.drd-evaluations[data-decision="dish"]')).to_have_text("1")
    expect(page.locator("#drd-status")).to_be_hidden()
    screenshot("cockpit-drd-1280")

    page.locator('#drd [data-element-id="dish"]').click()
    expect(page.get_by_role("heading", name="Dish")).to_be_visible()
