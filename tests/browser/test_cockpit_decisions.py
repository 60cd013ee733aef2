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


def test_a_decision_edited_in_the_cockpit_is_deployed_as_its_next_version(
    page, live_server_url, demo_user, screenshot
):
    from engine.models import DecisionDefinition
    from tests.engine.test_decisions import DISH, SINGLE_DISH, deploy_dinner

    (dish,) = deploy_dinner(DISH, **SINGLE_DISH).decision_definitions
    log_in(page, live_server_url, "demo", "demo")
    page.goto(live_server_url + f"/cockpit/decisions/{dish.id}/")
    page.get_by_test_id("edit-decision").click()
    expect(page.locator("#decision-editor[data-rendered=true]")).to_be_attached()
    cell = page.locator("#decision-editor td.output-cell", has_text="Spareribs")
    expect(cell).to_be_visible()
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type('"Pulled pork"')
    screenshot("cockpit-decision-edit-1280")
    page.get_by_role("button", name="Deploy a new version").click()

    expect(page.get_by_text("Deployed: version 2")).to_be_visible()
    expect(page.get_by_test_id("rule-table")).to_contain_text('"Pulled pork"')
    expect(page.get_by_test_id("rule-table")).not_to_contain_text("Spareribs")
    assert DecisionDefinition.objects.filter(key="decision").count() == 2


def test_a_dmn_1_1_drd_is_drawn_from_its_camunda_modeler_layout(page, live_server_url, demo_user):
    from engine.models import DecisionRequirementsDefinition
    from engine.services import ResourceInput, deploy
    from tests.cockpit.samples import dmn11_dinner_drd

    deploy([ResourceInput("dinner11.dmn", dmn11_dinner_drd())])
    drd = DecisionRequirementsDefinition.objects.get()
    log_in(page, live_server_url, "demo", "demo")
    page.goto(live_server_url + f"/cockpit/decision-requirements/{drd.id}/")
    expect(page.locator("#drd[data-rendered=true]")).to_be_attached()
    expect(page.locator('#drd [data-element-id="dish"]')).to_be_visible()
    expect(page.locator('#drd [data-element-id="informationRequirement_dish_season"]')) \
        .to_be_attached()
