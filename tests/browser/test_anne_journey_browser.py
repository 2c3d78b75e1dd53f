"""Anne's journey through every role, in a real browser against the real server and a real
Celery worker on PostgreSQL and Redis: a social worker refers her (and, she being known by then,
into the device scheme too); the Mansfield coordinator accepts, logs two contacts, records an
outcome and a SWEMWBS baseline; the device officer lends her a kit, signed for on screen; the
evaluator sees her counted in this quarter's report (suppressed in the published view, 1 in the
internal one) and downloads its PDF. Every page passes axe-core at phone and desktop width."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Page, expect

from api.roles import Role
from tests.api.conftest import nhs_number
from tests.api.device_world import Devices, day
from tests.browser.harness import Site, check_page

INTRODUCED = "People introduced to Local Area Coordination"


def financial_year(today: date) -> int:
    return today.year if today.month >= 4 else today.year - 1


def quarter(today: date) -> int:
    return ((today.month - 4) % 12) // 3 + 1


def scheme_year(today: date) -> str:
    start = financial_year(today)
    return f"{start}-{(start + 1) % 100:02d}"


@pytest.fixture(scope="module")
def kit_ready(site: Site) -> Devices:
    """This year's device scheme with room, and one kit (tablet and SIM) ready to lend."""
    world = Devices(
        site.runtime.app,
        officer=site.users[Role.DEVICE_OFFICER].id,
        worker=site.users[Role.SOCIAL_WORKER].id,
        year=scheme_year(datetime.now(UTC).date()),
    )
    world.open(capacity=10)
    tablet = world.tablet()
    world.enrol(tablet)
    world.kit(tablet, world.sim())
    assert site.runtime.wait_for(site.runtime.app.log_position(), 60)
    return world


def flashed(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def fill_anne(page: Page, number: str) -> None:
    page.get_by_label("Full name").fill("Anne Journey")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year", exact=True).fill("1950")
    page.get_by_label("NHS number (optional)").fill(number)
    page.get_by_label("Postcode").fill("NG18 1AB")
    page.get_by_label("District they live in").select_option("Mansfield")


def test_anne_is_referred_supported_lent_a_kit_and_counted(site: Site, kit_ready: Devices) -> None:
    number = nhs_number(spaced=True)
    social_worker_refers(site, number, kit_ready.year)
    person_id = coordinator_supports(site)
    device_officer_lends(site, person_id)
    evaluator_counts(site)


def social_worker_refers(site: Site, number: str, year: str) -> None:
    page = site.page_as(Role.SOCIAL_WORKER)
    page.goto("/app/referrals/new")
    fill_anne(page, number)
    page.get_by_label("Why are you referring them?").fill("Recently bereaved, very isolated")
    page.get_by_role("group", name=re.compile("agreed to their details")).get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Send referral").click()
    flashed(page, "Referral sent.")
    expect(page.get_by_role("row", name=re.compile("Anne Journey"))).to_contain_text("Received")
    check_page(page, "journey-1-social-worker-my-referrals")

    page.goto("/app/referrals/new/devices")
    page.get_by_label("Scheme year").fill(year)
    fill_anne(page, number)
    page.get_by_label("Care and support plan reference").fill("CSP-2026-17")
    page.get_by_role("group", name="What is the device for?").locator("input").first.check()
    page.get_by_role("group", name="Who is the device for?").locator("input").first.check()
    page.get_by_role("group", name="Is the tablet lent or gifted?").locator("input").first.check()
    page.get_by_label("Why do they need it?").fill("Cannot reach her GP online")
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_text("already known to the service")).to_be_visible()
    check_page(page, "journey-2-social-worker-device-referral-known")
    page.get_by_role("button", name="Refer the person already known").click()
    flashed(page, re.compile("[Rr]eferr"))
    page.context.close()


def coordinator_supports(site: Site) -> str:
    page = site.page_as(Role.COORDINATOR)
    page.goto("/app/referrals/inbox")
    page.get_by_role("link", name=re.compile("Anne Journey")).first.click()
    page.get_by_label("Assign to").select_option(label="Cara Coordinator (you)")
    page.get_by_role("button", name="Accept referral").click()
    flashed(page, "Referral accepted and assigned.")
    check_page(page, "journey-3-coordinator-accepted")
    page.goto("/app/home")
    page.get_by_role("link", name="Anne Journey").first.click()
    page.wait_for_url(re.compile(r"/app/people/[0-9a-f-]{36}"))
    person_id = page.url.split("/app/people/")[1].split("?")[0]
    for minutes, note in (("40", "Met at home; talked about the choir"), ("25", "Rang her")):
        form = page.locator("form.lac-thumb-form")
        form.get_by_label("Phone", exact=True).check()
        form.get_by_label("Minutes").fill(minutes)
        form.get_by_label("Listening").check()
        form.get_by_label("Short note (optional)").fill(note)
        form.get_by_role("button", name="Log contact").click()
        flashed(page, "Contact logged.")
    expect(page.get_by_text("Rang her").first).to_be_visible()
    check_page(page, "journey-4-coordinator-person-two-contacts")
    record_outcome(page)
    record_swemwbs(page)
    page.context.close()
    return person_id


def record_outcome(page: Page) -> None:
    page.get_by_role("link", name=re.compile("Record an outcome")).first.click()
    page.get_by_label("Connected to community").check()
    page.get_by_label("How you know").fill("She joined the Tuesday choir at the library")
    check_page(page, "journey-5-coordinator-outcome-form")
    page.get_by_role("button", name="Record the outcome").click()
    flashed(page, re.compile("[Oo]utcome"))


def record_swemwbs(page: Page) -> None:
    page.get_by_role("link", name="Record a wellbeing measure").click()
    page.get_by_label("Baseline", exact=True).check()
    for item in range(1, 8):
        page.locator(f"#items-{item}").get_by_label("Often").check()
    page.get_by_role("button", name="Record the measure").click()
    flashed(page, "SWEMWBS baseline recorded.")
    expect(page.get_by_role("row", name=re.compile("SWEMWBS baseline"))).to_contain_text("(raw 28)")
    check_page(page, "journey-6-coordinator-person-measured")


def device_officer_lends(site: Site, person_id: str) -> None:
    page = site.page_as(Role.DEVICE_OFFICER)
    page.goto(f"/app/devices/people/{person_id}")
    check_page(page, "journey-7-device-officer-person")
    page.goto(f"/app/devices/people/{person_id}/reserve")
    page.get_by_label(re.compile("Kit with tablet|Kit ")).first.check()
    page.get_by_label("Due back on").fill(day(90).isoformat())
    page.get_by_role("button", name="Reserve the kit").click()
    flashed(page, "Kit reserved.")
    page.get_by_role("link", name="Hand the kit over").click()
    canvas = page.locator("canvas[data-signature-canvas]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(x + step * 25, y + (10 if step % 2 else -10))
    page.mouse.up()
    expect(page.get_by_label("They signed on screen")).to_be_checked()
    page.get_by_label(re.compile("^Safe-use advice given")).check()
    page.get_by_label(re.compile("^Safeguarding advice given")).check()
    check_page(page, "journey-8-device-officer-hand-over")
    page.get_by_role("button", name="Record the hand-over").click()
    flashed(page, "Kit handed over")
    expect(page.get_by_text(re.compile("agreement signed on screen"))).to_be_visible()
    page.context.close()


def evaluator_counts(site: Site) -> None:
    today = datetime.now(UTC).date()
    assert site.runtime.wait_for(site.runtime.app.log_position(), 60)
    page = site.page_as(Role.EVALUATOR)
    page.goto("/app/reports")
    page.get_by_label("Financial year").select_option(str(financial_year(today)))
    page.get_by_label("Up to the end of").select_option(str(quarter(today)))
    page.get_by_role("button", name="Show report").click()
    expect(page.locator("#table-performance")).to_be_visible()
    assert "Anne Journey" not in page.content()
    assert this_quarter(page) == "*"  # one person: too few to publish
    check_page(page, "journey-9-evaluator-report")
    with page.expect_download() as started:
        page.get_by_role("link", name="(PDF)").click()
    path = started.value.path()
    assert path is not None and path.read_bytes().startswith(b"%PDF")
    page.get_by_label("Internal: unsuppressed").check()
    page.get_by_role("button", name="Show report").click()
    expect(page.get_by_text("INTERNAL - NOT FOR PUBLICATION").first).to_be_visible()
    assert this_quarter(page) == "1"
    page.context.close()


def this_quarter(page: Page) -> str:
    """The performance table's cell for people introduced, in the column of the quarter."""
    cells: list[str] = page.evaluate(
        """([label]) => {
            const table = document.querySelector('#table-performance');
            const heads = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
            const row = [...table.querySelectorAll('tbody tr')]
                .find(tr => tr.innerText.includes(label));
            const cells = [...row.querySelectorAll('th, td')].map(c => c.innerText.trim());
            return [JSON.stringify(heads), JSON.stringify(cells)];
        }""",
        [INTRODUCED],
    )
    heads, row = json.loads(cells[0]), json.loads(cells[1])
    column = next((i for i, h in enumerate(heads) if h.endswith(f" Q{quarter_now()}")), None)
    assert column is not None and len(row) == len(heads), (heads, row)
    return str(row[column])


def quarter_now() -> int:
    return quarter(datetime.now(UTC).date())
