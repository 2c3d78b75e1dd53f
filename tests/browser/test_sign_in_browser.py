"""Signing in, in a real browser: accessible at phone and desktop width, usable with the
keyboard alone, with errors beside the fields."""

from __future__ import annotations

from playwright.sync_api import expect

from api.roles import Role
from tests.browser.harness import DESKTOP, PASSWORD, USERNAMES, Site, check_page


def test_sign_in_page_is_accessible_and_shows_errors_beside_fields(site: Site) -> None:
    context = site.browser.new_context(viewport=DESKTOP, base_url=site.base_url)
    page = context.new_page()
    page.goto("/app/sign-in")
    check_page(page, "sign-in")
    page.get_by_label("Username").fill(USERNAMES[Role.COORDINATOR])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#password-error")).to_contain_text("Enter your password")
    expect(page.get_by_label("Username")).to_have_value(USERNAMES[Role.COORDINATOR])
    check_page(page, "sign-in-error")
    context.close()


def test_sign_in_and_out_with_the_keyboard_alone(site: Site) -> None:
    context = site.browser.new_context(viewport=DESKTOP, base_url=site.base_url)
    page = context.new_page()
    page.goto("/app/sign-in")
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_text("Skip to main content")).to_be_focused()
    page.get_by_label("Username").focus()
    page.keyboard.type(USERNAMES[Role.COORDINATOR])
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/app/home")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/app/sign-in")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    context.close()
