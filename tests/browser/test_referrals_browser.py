"""Referrals in a real browser: a social worker refers Anne (a bad NHS number first, shown
beside the field), sees her in "my referrals"; a person already known is warned of; the
Mansfield coordinator finds Anne in the inbox and accepts; the device officer's inbox. Each
page passes axe-core (WCAG 2.2 AA) at phone and desktop width."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from api.roles import Role
from tests.api.conftest import nhs_number
from tests.browser.harness import Site, check_page


def fill_person(page: Page, name: str, number: str) -> None:
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1950")
    page.get_by_label("NHS number (optional)").fill(number)
    page.get_by_label("Postcode").fill("NG18 1AB")
    page.get_by_label("District they live in").select_option("Mansfield")
    page.get_by_label("Why are you referring them?").fill(
        "Recently bereaved\nTold she must present as homeless"
    )
    page.get_by_role("group", name=re.compile("agreed to their details")).get_by_label(
        "Yes"
    ).check()


def test_a_social_worker_refers_anne_and_a_coordinator_accepts(site: Site) -> None:
    worker = site.page_as(Role.SOCIAL_WORKER)
    worker.goto("/app/referrals/new")
    check_page(worker, "referral-new")
    number = nhs_number(spaced=True)
    fill_person(worker, "Anne Example", number[:-1] + str((int(number[-1]) + 1) % 10))
    worker.get_by_role("button", name="Send referral").click()
    expect(worker.locator("#person-nhs_number-error")).to_contain_text("Modulus 11")
    expect(worker.get_by_label("Full name")).to_have_value("Anne Example")
    check_page(worker, "referral-new-errors")
    worker.get_by_label("NHS number (optional)").fill(number)
    worker.get_by_role("button", name="Send referral").click()
    worker.wait_for_url(re.compile(r"/app/referrals/mine"))
    expect(worker.get_by_text("Referral sent.")).to_be_visible()
    row = worker.get_by_role("row", name=re.compile("Anne Example"))
    expect(row).to_contain_text("Received")
    check_page(worker, "referrals-mine")

    coordinator = site.page_as(Role.COORDINATOR)
    coordinator.goto("/app/referrals/inbox")
    check_page(coordinator, "referral-inbox")
    coordinator.get_by_role("link", name=re.compile("Anne Example")).first.click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Referral for Anne Example")
    check_page(coordinator, "referral")
    coordinator.get_by_label("Assign to").select_option(label="Cara Coordinator (you)")
    coordinator.get_by_role("button", name="Accept referral").click()
    expect(coordinator.get_by_text("Referral accepted and assigned.")).to_be_visible()
    expect(coordinator.get_by_text("Accepted and assigned to Cara Coordinator")).to_be_visible()
    check_page(coordinator, "referral-accepted")

    worker.reload()
    expect(worker.get_by_role("row", name=re.compile("Anne Example"))).to_contain_text("Accepted")


def test_a_person_already_known_is_warned_of_and_referred_with_the_keyboard(site: Site) -> None:
    worker = site.page_as(Role.SOCIAL_WORKER)
    number = nhs_number(spaced=True)
    worker.goto("/app/referrals/new")
    fill_person(worker, "Alan Example", number)
    worker.get_by_role("button", name="Send referral").click()
    worker.wait_for_url(re.compile(r"/app/referrals/mine"))
    worker.goto("/app/referrals/new")
    fill_person(worker, "Alan Typed Again", number)
    worker.get_by_role("button", name="Send referral").click()
    expect(worker.get_by_text("This person is already known to the service")).to_be_visible()
    expect(worker.get_by_label("Full name")).to_have_value("Alan Typed Again")
    check_page(worker, "referral-duplicate")
    worker.get_by_role("button", name="Refer the person already known").focus()
    worker.keyboard.press("Enter")
    worker.wait_for_url(re.compile(r"/app/referrals/mine"))
    expect(worker.get_by_text("Referral sent.")).to_be_visible()
    expect(worker.get_by_role("row", name=re.compile("Alan Example"))).to_have_count(2)


def test_the_device_officer_sees_the_device_inbox(site: Site) -> None:
    officer = site.page_as(Role.DEVICE_OFFICER)
    officer.goto("/app/referrals/inbox")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Device referrals")
    expect(officer.get_by_text("Anne Example")).to_have_count(0)
    check_page(officer, "device-referral-inbox")
