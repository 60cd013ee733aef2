"""The definition page's diagram views in a real browser: Running, History, Heatmap."""

import pytest
from playwright.sync_api import expect

from engine.services.runtime import delete_process_instance
from tests.browser.test_login import log_in
from tests.cockpit.conftest import deploy_xml
from tests.cockpit.test_definition_history import REVIEW, complete_all, run_review

pytestmark = pytest.mark.django_db(transaction=True)
LIVE = 6_000  # ms: live re-reads of the counts wait up to 2 s for more events


def test_the_heatmap_tints_activities_by_how_often_they_ran_and_running_comes_back(
    page, live_server_url, demo_user, screenshot
):
    definition = deploy_xml("review", REVIEW.read_bytes())
    run_review(definition.id, until="end")
    delete_process_instance(run_review(definition.id, until="Check"), "no longer needed")
    run_review(definition.id, until="Check")  # still running: a badge in the Running view

    log_in(page, live_server_url, "demo", "demo")
    page.goto(f"{live_server_url}/cockpit/processes/{definition.id}/")
    running_badge = page.locator('.activity-counts[data-activity-id="Check"] .running')
    expect(running_badge).to_have_text("1")
    modes = page.get_by_role("group", name="Diagram shows")
    running, heatmap = (modes.get_by_role("button", name=n) for n in ("Running", "Heatmap"))
    expect(running).to_have_attribute("aria-pressed", "true")

    heatmap.focus()
    page.keyboard.press("Enter")
    expect(heatmap).to_have_attribute("aria-pressed", "true")
    expect(running).to_have_attribute("aria-pressed", "false")
    expect(running_badge).to_have_count(0)
    # Vote ran most: 2 votes in each of the three instances.
    vote = page.locator('.history-counts[data-activity-id="Vote"] .heat')
    expect(vote).to_have_text("6")
    expect(vote).to_have_attribute("title", "6 times (6 finished, 0 canceled), 100% of the most "
                                   "frequent activity")
    expect(page.locator('.history-counts[data-activity-id="Check"] .heat')).to_have_text("2")
    expect(page.locator('[data-element-id="Vote"].legato-heat')).to_have_count(1)
    legend = page.locator("#heatmap-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("most, 6 times")
    expect(page.get_by_role("status").filter(has_text="Heatmap:")).to_contain_text(
        "ended in 7 activities"
    )
    screenshot("cockpit-definition-heatmap-1280")
    # an event's badge sits above it: its name below the shape stays readable
    start = page.locator('.history-counts[data-activity-id="Start_1"]').bounding_box()
    label = page.locator('[data-element-id="Start_1_label"]').bounding_box()
    assert start is not None
    assert label is not None
    assert start["y"] + start["height"] <= label["y"]

    modes.get_by_role("button", name="History").click()
    expect(page.locator('.history-counts[data-activity-id="Check"] .finished')).to_have_text("1")
    expect(page.locator('.history-counts[data-activity-id="Check"] .canceled')).to_have_text("1")
    expect(page.locator(".legato-heat")).to_have_count(0)

    running.click()
    expect(running).to_have_attribute("aria-pressed", "true")
    expect(running_badge).to_have_text("1")
    expect(page.locator(".history-counts")).to_have_count(0)
    expect(legend).to_be_hidden()


def test_the_heatmap_counts_follow_instances_that_end_while_it_is_shown(
    page, live_server_url, demo_user
):
    definition = deploy_xml("review", REVIEW.read_bytes())
    run_review(definition.id, until="end")
    waiting = run_review(definition.id, until="Check")

    log_in(page, live_server_url, "demo", "demo")
    page.goto(f"{live_server_url}/cockpit/processes/{definition.id}/")
    expect(page.locator("#live-status")).to_have_text("live")
    page.wait_for_timeout(1000)  # the socket's first hello re-reads once: let it be done
    page.get_by_role("group", name="Diagram shows").get_by_role("button", name="Heatmap").click()
    check = page.locator('.history-counts[data-activity-id="Check"] .heat')
    expect(check).to_have_text("1")

    complete_all(waiting, "Check")  # in another process than the page's server: no reload
    expect(check).to_have_text("2", timeout=LIVE)
    run_review(definition.id, until="end")
    expect(check).to_have_text("3", timeout=LIVE)
    expect(page.get_by_role("status").filter(has_text="Heatmap:")).to_be_visible()

    # Back on Running, the history is not read, however the instances move.
    read = []
    page.on("request", lambda r: read.append(r.url) if "history-counts" in r.url else None)
    page.get_by_role("group", name="Diagram shows").get_by_role("button", name="Running").click()
    run_review(definition.id, until="end")
    page.wait_for_timeout(3000)
    assert read == []
