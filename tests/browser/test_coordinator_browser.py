"""The coordinator's pages in a real browser: home, finding a person, the person page and its
quick contact form, and a SWEMWBS baseline; accessible (axe-core, WCAG 2.2 AA) at phone and
desktop width, with errors beside the fields."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from api.roles import Role
from tests.browser.harness import PASSWORD, USERNAMES, Site, check_page


def anne(site: Site) -> tuple[str, int]:
    """Anne on the coordinator's caseload, set up through the API as the coordinator: not
    seen for 60 days, her next action overdue, a walking group in her district."""
    with httpx.Client(base_url=site.base_url, timeout=30) as http:
        signed = http.post(
            "/auth/token", data={"username": USERNAMES[Role.COORDINATOR], "password": PASSWORD}
        )
        http.headers["Authorization"] = f"Bearer {signed.json()['access_token']}"
        person = _sent(http, "/people", _person())["id"]
        opened = (datetime.now(UTC) - timedelta(days=60)).isoformat()
        body = {"consent": {"how": "verbal"}, "occurred_at": opened}
        _sent(http, f"/people/{person}/involvement", body)
        due = (date.today() - timedelta(days=2)).isoformat()
        action = {"action": "Ring the housing officer", "due_on": due}
        _sent(http, f"/people/{person}/involvement/next-action", action, "PUT")
        group = {"name": "Oak Tree Walking Group", "category": "group", "district": "Mansfield"}
        at = _sent(http, "/assets", group)["position"]
    return str(person), int(at)


def _person() -> dict[str, str]:
    return {
        "name": "Anne Example",
        "date_of_birth": "1950-03-01",
        "postcode": "NG18 1AB",
        "district": "Mansfield",
    }


def _sent(http: httpx.Client, url: str, body: dict[str, Any], method: str = "POST") -> Any:
    answer = http.request(method, url, json=body)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def test_home_person_page_and_a_contact_logged_with_one_thumb(site: Site) -> None:
    person, at = anne(site)
    page = site.page_as(Role.COORDINATOR)
    page.goto(f"/app/home?after={at}")
    expect(page.get_by_role("heading", name="Who needs me next", level=1)).to_be_visible()
    expect(page.get_by_text("Not seen for 60 days").first).to_be_visible()
    check_page(page, "coordinator-home")
    page.get_by_role("link", name="Anne Example").first.click()
    page.wait_for_url(f"**/app/people/{person}")
    expect(page.get_by_role("heading", name="Anne Example", level=1)).to_be_visible()
    check_page(page, "person")

    _fill_contact(page, minutes="abc")
    expect(page.locator("#duration_minutes-error")).to_contain_text("whole number")
    expect(page.get_by_label("Short note (optional)")).to_have_value("Talked about the choir")
    check_page(page, "person-contact-error")

    page.set_viewport_size({"width": 360, "height": 800})
    _fill_contact(page, minutes="30")
    expect(page.get_by_text("Contact logged.")).to_be_visible()
    expect(page.get_by_text("Talked about the choir").first).to_be_visible()
    check_page(page, "person-contact-logged")
    page.context.close()


def _fill_contact(page: Page, minutes: str) -> None:
    form = page.locator("form.lac-thumb-form")
    form.get_by_label("Phone", exact=True).check()
    form.get_by_label("Minutes").fill(minutes)
    form.get_by_label("Listening").check()
    form.get_by_label("Short note (optional)").fill("Talked about the choir")
    form.get_by_role("button", name="Log contact").click()
    page.wait_for_load_state()


def test_a_swemwbs_baseline_and_finding_a_person(site: Site) -> None:
    person, at = anne(site)
    page = site.page_as(Role.COORDINATOR)
    page.goto(f"/app/people/{person}?after={at}")
    page.get_by_role("link", name="Record a wellbeing measure").click()
    page.wait_for_url(f"**/app/people/{person}/measures")
    check_page(page, "measure-form")
    page.get_by_label("Baseline", exact=True).check()
    for number in range(1, 8):
        page.locator(f"#items-{number}").get_by_label("Often").check()
    page.get_by_role("button", name="Record the measure").click()
    expect(page.get_by_text("SWEMWBS baseline recorded.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("SWEMWBS baseline"))).to_contain_text(
        "25.03 (raw 28)"
    )

    page.goto("/app/people")
    check_page(page, "find-person")
    page.get_by_label("Name or NHS number").fill("Anne")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Anne Example").first).to_be_visible()
    assert "Anne" not in page.url
    check_page(page, "find-person-results")
    page.context.close()


def tab_to(page: Page, target: str, limit: int = 40) -> None:
    """Press Tab until the element matching the CSS selector has the focus."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement.matches(s)", target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} never took the focus with Tab")


def test_a_contact_logged_with_the_keyboard_alone(site: Site) -> None:
    person, at = anne(site)
    page = site.page_as(Role.COORDINATOR)
    page.goto(f"/app/people/{person}?after={at}")
    tab_to(page, "form.lac-thumb-form input[type=radio]")
    page.keyboard.press("ArrowDown")  # from "In person" to "Phone"
    expect(page.locator("form.lac-thumb-form").get_by_label("Phone", exact=True)).to_be_checked()
    tab_to(page, "form.lac-thumb-form input[name=duration_minutes]")
    page.keyboard.type("20")
    tab_to(page, "form.lac-thumb-form input[name=purposes][value=listening]")
    page.keyboard.press("Space")
    tab_to(page, "form.lac-thumb-form textarea")
    page.keyboard.type("Rang her about the lunch club")
    tab_to(page, "form.lac-thumb-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Contact logged.")).to_be_visible()
    expect(page.get_by_text("Rang her about the lunch club").first).to_be_visible()
    page.context.close()
