"""The device officer in a real browser: the stock board and assembling a kit, the waiting
list, reserving the kit for Anne, handing it over with a signature drawn by mouse, touch or pen
(pointer events) or, with the keyboard alone, a witnessed verbal agreement; a return; and the
scheme dashboard for an evaluator. Each page passes axe-core (WCAG 2.2 AA) at phone and
desktop width, and the screenshots are saved."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from playwright.sync_api import Page, expect

from api.roles import Role
from tests.api.device_world import Devices, day
from tests.browser.harness import Site, check_page

YEAR = "2021-22"


@pytest.fixture(scope="module")
def devices(site: Site) -> Devices:
    """A scheme year with room for two, Anne and Bea with places, Cy waiting, and stock."""
    world = Devices(
        site.runtime.app,
        officer=site.users[Role.DEVICE_OFFICER].id,
        worker=site.users[Role.SOCIAL_WORKER].id,
    )
    world.open(capacity=2)
    for name in ("Anne Example", "Bea Example", "Cy Example"):
        world.refer(world.person(name))
    tablet = world.tablet()
    world.enrol(tablet)
    world.sim()
    caught_up(site)
    return world


def flashed(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text)


def caught_up(site: Site) -> None:
    site.runtime.start_nudger()  # writes made here, not through the server, nudge the worker too
    position = site.runtime.app.log_position()
    assert site.runtime.wait_for(position, 60), (position, site.runtime.positions())


def draw(page: Page, pointer: str) -> None:
    """A stroke across the signature box with a mouse, or as touch or pen pointer events."""
    canvas = page.locator("canvas[data-signature-canvas]")
    box = canvas.bounding_box()
    assert box is not None
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    if pointer == "mouse":
        page.mouse.move(x, y)
        page.mouse.down()
        for step in range(1, 8):
            page.mouse.move(x + step * 25, y + (10 if step % 2 else -10))
        page.mouse.up()
        return
    for kind, dx in (
        ("pointerdown", 0),
        ("pointermove", 60),
        ("pointermove", 120),
        ("pointerup", 120),
    ):
        canvas.dispatch_event(
            kind,
            {
                "pointerId": 7,
                "pointerType": pointer,
                "isPrimary": True,
                "button": 0,
                "clientX": x + dx,
                "clientY": y + dx / 6,
                "bubbles": True,
            },
        )


def test_an_officer_kits_out_and_hands_over_to_anne(site: Site, devices: Devices) -> None:
    officer = site.page_as(Role.DEVICE_OFFICER)
    officer.goto("/app/devices/stock")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Stock board")
    check_page(officer, "devices-stock")

    officer.get_by_role("link", name="Assemble a kit").click()
    officer.get_by_label("Kit label").fill("KIT-0001")
    officer.get_by_role("button", name="Assemble the kit").click()
    expect(officer.locator("#item_ids-error")).to_contain_text("exactly one tablet")
    check_page(officer, "devices-kit-errors")
    officer.get_by_label(re.compile(r"^Tablet ")).check()
    officer.get_by_label(re.compile(r"^SIM ")).check()
    officer.get_by_role("button", name="Assemble the kit").click()
    flashed(officer, "Kit assembled.")
    expect(officer.get_by_role("heading", name=re.compile("Kit with tablet"))).to_be_visible()

    officer.goto("/app/devices/waiting-list")
    expect(officer.get_by_role("heading", level=1)).to_have_text(f"Waiting list for {YEAR}")
    expect(officer.get_by_role("row", name=re.compile("Cy Example"))).to_be_visible()
    check_page(officer, "devices-waiting-list")
    officer.get_by_role("link", name="Reserve a kit for Anne Example").first.click()
    officer.get_by_label(re.compile("Kit with tablet")).check()
    officer.get_by_label("Due back on").fill(day(90).isoformat())
    check_page(officer, "devices-reserve")
    officer.get_by_role("button", name="Reserve the kit").click()
    flashed(officer, "Kit reserved.")
    check_page(officer, "devices-loan-reserved")

    officer.get_by_role("link", name="Hand the kit over").click()
    expect(officer.locator("canvas[data-signature-canvas]")).to_be_visible()
    expect(officer.get_by_text("Signing on screen needs JavaScript")).to_be_hidden()
    officer.get_by_role("button", name="Record the hand-over").click()  # nothing given yet
    expect(officer.locator("#advice-error")).to_be_visible()
    check_page(officer, "devices-hand-over-errors")
    for pointer in ("touch", "pen", "mouse"):  # each draws; clearing empties the field
        draw(officer, pointer)
        expect(officer.get_by_text("Signed. Clear the signature")).to_be_visible()
        value = officer.locator("input[data-signature-value]").input_value()
        assert value.startswith("data:image/png;base64,"), pointer
        if pointer != "mouse":
            officer.get_by_role("button", name="Clear the signature").click()
            assert officer.locator("input[data-signature-value]").input_value() == ""
    expect(officer.get_by_label("They signed on screen")).to_be_checked()
    officer.get_by_label(re.compile("^Safe-use advice given")).check()
    officer.get_by_label(re.compile("^Safeguarding advice given")).check()
    check_page(officer, "devices-hand-over")
    officer.get_by_role("button", name="Record the hand-over").click()
    flashed(officer, "Kit handed over")
    expect(officer.get_by_text(re.compile("agreement signed on screen"))).to_be_visible()
    check_page(officer, "devices-loan-active")

    officer.get_by_role("link", name="Record the kit's return").click()
    officer.get_by_label("Good").check()
    check_page(officer, "devices-return")
    officer.get_by_role("button", name="Record the return").click()
    flashed(officer, re.compile("Return recorded"))
    expect(officer.get_by_text("Returned, in good condition.")).to_be_visible()


def test_a_verbal_hand_over_with_the_keyboard_alone(site: Site, devices: Devices) -> None:
    bea = next(p for p in _people(devices) if p[1] == "Bea Example")[0]
    tablet = devices.tablet()
    devices.enrol(tablet)
    loan = devices.reserve(bea, devices.kit(tablet))
    caught_up(site)
    officer = site.page_as(Role.DEVICE_OFFICER)
    officer.goto(f"/app/devices/people/{bea}/loans/{loan}/hand-over")
    officer.get_by_label("They agreed out loud, in front of a witness").focus()
    officer.keyboard.press("Space")
    officer.get_by_label("Name of the witness").focus()
    officer.keyboard.type("Jo, her daughter")
    officer.get_by_label(re.compile("^Safe-use advice given")).focus()
    officer.keyboard.press("Space")
    officer.keyboard.press("Tab")
    officer.keyboard.press("Space")
    officer.keyboard.press("Tab")
    expect(officer.get_by_role("button", name="Record the hand-over")).to_be_focused()
    officer.keyboard.press("Enter")
    flashed(officer, "Kit handed over")
    expect(officer.get_by_text(re.compile("agreement verbal, witnessed"))).to_be_visible()
    officer.goto("/app/devices/loans")
    expect(officer.get_by_role("link", name=re.compile("Bea Example"))).to_be_visible()
    check_page(officer, "devices-loans")
    officer.goto(f"/app/devices/people/{bea}")
    check_page(officer, "devices-person")


def test_the_dashboard_for_an_evaluator(site: Site, devices: Devices) -> None:
    evaluator = site.page_as(Role.EVALUATOR)
    evaluator.goto("/app/devices/dashboard")
    expect(evaluator.get_by_role("heading", level=1)).to_have_text(f"Scheme dashboard for {YEAR}")
    expect(evaluator.get_by_role("table", name="Budget and spend by line")).to_be_visible()
    check_page(evaluator, "devices-dashboard")


def _people(devices: Devices) -> list[tuple[UUID, str]]:
    scheme = devices.app.get_scheme(devices.year)
    return [(pid, devices.app.get_person(pid).personal["name"]) for pid in scheme.places]
