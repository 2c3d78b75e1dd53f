"""The evaluator and the administrator in a real browser: the committee report with its tables
and charts (no one's name on it) and its downloads; users, reference data, the break-glass
review and the community assets directory. Each page passes axe-core (WCAG 2.2 AA) at phone
and desktop width, and the screenshots are saved."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from api.roles import Role
from tests.api.conftest import Api
from tests.api.test_report_role_matrix import QUARTER, YEAR
from tests.api.test_reports_api import PEOPLE, populate
from tests.browser.harness import PASSWORD, USERNAMES, Site, check_page

SIGNS_IN_AS = {  # the API test helpers' usernames -> the site's users
    "social_worker": Role.SOCIAL_WORKER,
    "coordinator": Role.COORDINATOR,
    "admin": Role.ADMIN,
}


@pytest.fixture(scope="module")
def seeded(site: Site) -> Api:
    """Two people referred, accepted, with a contact and an outcome each, through the API."""
    client = httpx.Client(base_url=site.base_url, timeout=30)
    api = Api(client, site.runtime, {})  # type: ignore[arg-type]  # an httpx client will do
    for name, role in SIGNS_IN_AS.items():
        answer = client.post(
            "/auth/token", data={"username": USERNAMES[role], "password": PASSWORD}
        )
        api.tokens[name] = answer.json()["access_token"]
    populate(api)
    assert site.runtime.wait_for(api.log_position(), 30)
    return api


def flashed(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


@pytest.mark.usefixtures("seeded")
def test_the_evaluator_reads_the_quarters_report_and_downloads_it(site: Site) -> None:
    page = site.page_as(Role.EVALUATOR)
    page.goto("/app/reports")
    page.get_by_label("Financial year").select_option(str(YEAR))
    page.get_by_label("Up to the end of").select_option(str(QUARTER))
    page.get_by_role("button", name="Show report").click()
    expect(page.locator("#table-performance")).to_be_visible()
    expect(page.locator("figure svg[role=img]").first).to_be_visible()
    html = page.content()
    for name, postcode, _ in PEOPLE:
        assert name not in html and postcode not in html
    check_page(page, "reports-evaluator")
    for kind, extension in (("PDF", ".pdf"), ("XLSX", ".xlsx"), ("ZIP", ".zip")):
        with page.expect_download() as started:
            page.get_by_role("link", name=f"({kind})").click()
        download = started.value
        assert download.suggested_filename.endswith(extension)
        path = download.path()
        assert path is not None and path.stat().st_size > 500
    page.get_by_label("Internal: unsuppressed").check()
    page.get_by_role("button", name="Show report").click()
    expect(page.get_by_text("INTERNAL - NOT FOR PUBLICATION").first).to_be_visible()
    check_page(page, "reports-evaluator-internal")
    page.context.close()


def test_the_admin_adds_a_user_and_sees_errors_beside_the_fields(site: Site) -> None:
    page = site.page_as(Role.ADMIN)
    page.goto("/app/admin/users")
    check_page(page, "admin-users")
    page.get_by_label("Full name").fill("Priya Natarajan")
    page.get_by_label("Username").fill(USERNAMES[Role.EVALUATOR])  # taken
    page.get_by_label("Role").select_option("coordinator")
    page.get_by_label("First password").fill("correct horse battery staple")
    page.get_by_role("button", name="Add user").click()
    expect(page.locator("#username-error")).to_contain_text("That username is taken")
    expect(page.get_by_label("Full name")).to_have_value("Priya Natarajan")
    expect(page.get_by_label("First password")).to_have_value("")  # never sent back
    check_page(page, "admin-users-error")
    page.get_by_label("Username").fill("priya.n")
    page.get_by_label("First password").fill("short")
    page.get_by_role("button", name="Add user").click()
    expect(page.locator("#password-error")).to_contain_text("at least 12 characters")
    expect(page.get_by_label("Role")).to_have_value("coordinator")
    page.get_by_label("First password").fill("correct horse battery staple")
    page.get_by_role("button", name="Add user").click()
    flashed(page, "The user was added.")
    expect(page.get_by_role("cell", name="priya.n")).to_be_visible()
    page.context.close()


def test_the_admin_edits_reference_data(site: Site) -> None:
    page = site.page_as(Role.ADMIN)
    page.goto("/app/admin/reference")
    check_page(page, "admin-reference")
    page.locator("#unit_costs-0-amount").fill("250.00")
    page.get_by_role("button", name="Save unit costs").click()
    flashed(page, "Unit costs saved.")
    expect(page.locator("#unit_costs-0-amount")).to_have_value("250.00")
    page.get_by_role("link", name="Open a scheme year").click()
    page.get_by_label("Name of the year").fill("2031-32")
    page.get_by_label("First day").fill("2031-04-01")
    page.get_by_label("Last day").fill("2032-03-31")
    check_page(page, "admin-scheme-open")
    page.get_by_role("button", name="Open the scheme year").click()
    flashed(page, "The scheme year was opened.")
    page.get_by_role("link", name="Change the budget for 2031-32").click()
    page.get_by_label("Tablets").fill("50000")
    check_page(page, "admin-scheme-budget")
    page.get_by_role("button", name="Save the budget").click()
    flashed(page, "The budget was saved.")
    page.context.close()


def test_the_break_glass_review_page(site: Site) -> None:
    page = site.page_as(Role.ADMIN)
    page.goto("/app/admin/break-glass")
    expect(page.get_by_text("Audit log check: intact.")).to_be_visible()
    check_page(page, "admin-break-glass")
    page.context.close()


def test_the_assets_directory_search_and_add(site: Site) -> None:
    page = site.page_as(Role.ADMIN)
    page.goto("/app/assets")
    page.get_by_role("button", name="Add a community asset").click()
    page.get_by_role("button", name="Add to the directory").click()
    expect(page.locator("#name-error")).to_be_visible()
    check_page(page, "assets-new-error")
    page.get_by_label("Name").fill("Oak Tree Lane Walking Group")
    page.get_by_label("Group").check()
    page.get_by_label("District").select_option("Mansfield")
    page.get_by_label("What happens there (optional)").fill("A gentle walk every Tuesday")
    page.get_by_role("button", name="Add to the directory").click()
    flashed(page, "The asset was added to the directory.")
    check_page(page, "assets-asset")
    page.goto("/app/assets")
    page.get_by_label("Name contains").fill("oak tree")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Oak Tree Lane Walking Group")).to_be_visible()
    check_page(page, "assets-directory")
    page.context.close()
