"""Sessions in Debian's Chromium: the inactivity time-out (shortened to 3 seconds by a test
setting), one live session per user, cookie flags, and the sign-in pages' accessibility.
Staying active, and the absolute limit, are tested without a browser in tests/accounts/test_sessions.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey import assert_accessible, sign_in
from tests.web.family import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pat(transactional_db):
    return make_user("pat", "practitioner")


@pytest.mark.slow
def test_an_idle_session_times_out_and_the_user_is_told_why(live_server, new_page, pat, settings):
    settings.SESSION_INACTIVITY_TIMEOUT = 3  # seconds; the configuration's unit is minutes
    page = new_page()
    sign_in(page, live_server.url)
    expect(page.get_by_role("heading", name="Why do you need to see this information?")).to_be_visible()
    page.wait_for_timeout(4500)  # idle for longer than the time-out
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Conditions").click()
    page.wait_for_url(live_server.url + "/sign-in?ended=inactive")
    expect(page.locator("#session-ended")).to_contain_text(
        "You have been signed out because you had not done anything for 3 seconds")
    assert_accessible(page)
    page.goto(live_server.url + "/conditions")  # really signed out
    assert page.url.startswith(live_server.url + "/sign-in?next=")


def test_signing_in_in_another_browser_ends_the_first_session(live_server, new_page, pat):
    first, second = new_page(), new_page()
    sign_in(first, live_server.url)
    cookie = next(c for c in first.context.cookies() if c["name"] == "sessionid")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["expires"] == -1
    sign_in(second, live_server.url)
    first.get_by_role("navigation", name="Menu").get_by_role("link", name="Conditions").click()
    first.wait_for_url(live_server.url + "/sign-in?ended=replaced")
    expect(first.locator("#session-ended")).to_contain_text("used to sign in somewhere else")
    second.get_by_role("navigation", name="Menu").get_by_role("link", name="Conditions").click()
    second.wait_for_url(live_server.url + "/conditions")


def test_signing_out_and_the_authenticator_page_are_accessible(live_server, new_page, pat):
    page = new_page()
    sign_in(page, live_server.url)
    page.goto(live_server.url + "/account/authenticator")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(live_server.url + "/sign-in?ended=signed-out")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    assert_accessible(page)
