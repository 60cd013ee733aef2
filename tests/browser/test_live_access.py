"""An open tasklist follows its user's group memberships live: the socket (in daphne) hears the
change made in another process, re-joins its groups and says hello, and the page re-reads."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from identity.accounts import add_member, remove_member
from tests.browser.test_login import log_in
from tests.tasklist.conftest import deploy_demo, make_user, start_kyc

pytestmark = pytest.mark.django_db(transaction=True)
LIVE = 3_000  # ms


def test_tasks_of_a_group_appear_and_go_as_the_user_joins_and_leaves_it(
    page, live_server_url, db
):
    deploy_demo()
    make_user("carol", "compliance")  # the KYC review is for the compliance group
    make_user("alice")
    start_kyc(business_key="KYC-JOIN")
    log_in(page, live_server_url, "alice", "pw")
    page.goto(live_server_url + "/tasklist/?list=group")
    expect(page.locator("#live-status")).to_have_text("live")
    expect(page.get_by_text("Nothing to pick up.")).to_be_visible()
    page.wait_for_timeout(1000)  # the socket's first hello re-reads once: let it be done

    add_member(None, "compliance", "alice")  # as an administrator would, in another process
    expect(page.locator(".task-card", has_text="KYC-JOIN")).to_be_visible(timeout=LIVE)
    expect(page.locator("#live-status")).to_have_text("live")

    remove_member(None, "compliance", "alice")
    expect(page.get_by_text("Nothing to pick up.")).to_be_visible(timeout=LIVE)
    expect(page.locator("#live-status")).to_have_text("live")
