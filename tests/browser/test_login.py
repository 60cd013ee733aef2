import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(base_url + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_demo_user_logs_in_and_sees_the_cockpit_with_live_updates_on(
    page, live_server_url, demo_user, screenshot
):
    page.goto(live_server_url + "/")
    expect(page).to_have_url(live_server_url + "/login/?next=/")
    screenshot("login")

    log_in(page, live_server_url, "demo", "demo")

    expect(page.get_by_role("heading", name="Cockpit")).to_be_visible()
    expect(page.get_by_test_id("user-name")).to_have_text("Demo Demo")
    # The page's WebSocket reached the server through daphne and was accepted.
    expect(page.locator("#live-status")).to_have_text("live")
    screenshot("cockpit-dashboard")

    page.get_by_role("link", name="Tasklist").click()
    expect(page.get_by_role("heading", name="Tasklist")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_label("Username")).to_be_visible()


def test_wrong_password_shows_an_error_and_stays_on_the_login_page(
    page, live_server_url, demo_user
):
    log_in(page, live_server_url, "demo", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("didn't match")
    expect(page.get_by_role("heading", name="Cockpit")).to_have_count(0)
