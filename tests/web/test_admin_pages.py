"""The administrator's pages: users (add through the form, then sign in as them; errors beside
the fields, the password never sent back), reference data (unit costs edited through the
form, a scheme year opened and its budget changed) and the break-glass review."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from api.accounts import add_user
from api.roles import Role
from api.scope import BREAK_GLASS_HEADER
from tests.api.conftest import PASSWORD, Api
from tests.api.test_audit_api import REASON, person
from tests.web.conftest import Browsers

USERS = "/app/admin/users"
REFERENCE = "/app/admin/reference"
GLASS = "/app/admin/break-glass"
NEW_USER = {
    "full_name": "Priya Natarajan",
    "username": "priya.n",
    "role": "coordinator",
    "district": "Ashfield",
    "password": "correct horse battery staple",
}


def users(api: Api) -> dict[str, dict[str, Any]]:
    return {u["username"]: u for u in api.get("admin", "/users").json()}


def test_signed_out_the_users_page_asks_to_sign_in(browsers: Browsers) -> None:
    response = browsers.anonymous().client.get(USERS, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/app/sign-in?next=/app/admin/users"


def test_the_users_page_lists_role_district_and_whether_they_can_sign_in(
    browsers: Browsers,
) -> None:
    html = browsers.signed_in("admin").get(USERS).text
    assert "Device Officer" in html and "device_officer" in html
    assert "Social worker" in html and "County-wide" in html
    assert f"Everyone who can sign in ({len(browsers.api.users)})" in html


def test_an_admin_adds_a_user_who_can_then_sign_in(api: Api, browsers: Browsers) -> None:
    admin = browsers.signed_in("admin")
    page = admin.submit(USERS, NEW_USER, page=USERS)
    assert page.status_code == 200
    assert "The user was added. They can sign in now." in page.text
    assert "Priya Natarajan" in page.text and "Ashfield" in page.text
    added = users(api)["priya.n"]
    assert (added["role"], added["district"], added["active"]) == ("coordinator", "Ashfield", True)
    assert NEW_USER["password"] not in page.text
    priya = browsers.signed_in("priya.n", NEW_USER["password"])
    assets = priya.get("/app/assets")  # a page coordinators may open
    assert assets.status_code == 200 and "Priya Natarajan (coordinator)" in assets.text


def test_a_taken_username_shows_the_error_beside_it_and_keeps_the_rest(
    api: Api, browsers: Browsers
) -> None:
    admin = browsers.signed_in("admin")
    page = admin.submit(USERS, {**NEW_USER, "username": "coordinator"}, page=USERS)
    assert page.status_code == 409
    assert 'id="username-error"' in page.text and "That username is taken" in page.text
    assert 'value="Priya Natarajan"' in page.text
    assert '<option value="Ashfield" selected>' in page.text
    assert NEW_USER["password"] not in page.text
    assert users(api)["coordinator"]["full_name"] == "Coordinator"  # unchanged


def test_a_short_password_shows_the_error_beside_it_and_adds_no_one(
    api: Api, browsers: Browsers
) -> None:
    admin = browsers.signed_in("admin")
    page = admin.submit(USERS, {**NEW_USER, "password": "short"}, page=USERS)
    assert page.status_code == 422
    assert 'id="password-error"' in page.text
    assert "Enter a password of at least 12 characters" in page.text
    assert 'value="short"' not in page.text and 'value="priya.n"' in page.text
    bad = admin.submit(USERS, {**NEW_USER, "username": "has space", "role": ""}, page=USERS)
    assert 'id="username-error"' in bad.text and 'id="role-error"' in bad.text
    assert "priya.n" not in users(api) and "has space" not in users(api)


def test_unit_costs_are_edited_added_and_removed_through_the_form(
    api: Api, browsers: Browsers
) -> None:
    admin = browsers.signed_in("admin")
    page = admin.get(REFERENCE)
    assert page.status_code == 200
    before = api.get("admin", "/reports/unit-costs").json()
    count = len(before["unit_costs"])
    assert count >= 2 and f'name="unit_costs.{count}.label"' in page.text  # a blank group to add
    fields = {k: v for k, v in _form_values(page.text).items() if k.startswith("unit_costs")}
    fields.update(
        {
            "unit_costs.0.amount": "250.50",
            "unit_costs.1.remove": "yes",
            f"unit_costs.{count}.label": "A night in a hostel",
            f"unit_costs.{count}.key": "hostel_night",
            f"unit_costs.{count}.amount": "45",
            f"unit_costs.{count}.applies_to": "home_kept_or_found",
            f"unit_costs.{count}.quantity": "2",
            f"unit_costs.{count}.source": "Council housing options team, 2021",
            "programme_costs.0.year": "2021",
            "programme_costs.0.amount": "175350",
        }
    )
    done = admin.submit(f"{REFERENCE}/unit-costs", fields, page=REFERENCE)
    assert "Unit costs saved." in done.text
    after = api.get("evaluator", "/reports/unit-costs").json()
    keys = [c["key"] for c in after["unit_costs"]]
    assert before["unit_costs"][1]["key"] not in keys and "hostel_night" in keys
    first = after["unit_costs"][0]
    assert (first["key"], Decimal(first["amount"])) == (
        before["unit_costs"][0]["key"],
        Decimal("250.50"),
    )
    hostel = after["unit_costs"][-1]
    assert (Decimal(hostel["amount"]), Decimal(hostel["quantity"])) == (Decimal(45), Decimal(2))
    assert {y: Decimal(v) for y, v in after["programme_costs"].items()} == {"2021": 175350}
    assert 'value="A night in a hostel"' in done.text


def test_a_bad_unit_cost_shows_the_error_beside_its_field(api: Api, browsers: Browsers) -> None:
    admin = browsers.signed_in("admin")
    page = admin.get(REFERENCE)
    before = api.get("admin", "/reports/unit-costs").json()
    fields = {k: v for k, v in _form_values(page.text).items() if k.startswith("unit_costs")}
    fields.update({"unit_costs.1.amount": "lots", "unit_costs.0.remove": "yes"})
    bad = admin.submit(f"{REFERENCE}/unit-costs", fields, page=REFERENCE)
    assert bad.status_code == 422
    assert 'id="unit_costs-1-amount-error"' in bad.text and 'value="lots"' in bad.text
    assert api.get("admin", "/reports/unit-costs").json() == before


def test_a_scheme_year_is_opened_and_its_budget_changed(api: Api, browsers: Browsers) -> None:
    admin = browsers.signed_in("admin")
    opened = admin.submit(
        f"{REFERENCE}/scheme/new",
        {"year": "2030-31", "starts_on": "2030-04-01", "ends_on": "2031-03-31", "capacity": "120"},
        page=f"{REFERENCE}/scheme/new",
    )
    assert "The scheme year was opened." in opened.text
    assert "2030-31" in opened.text and "1 April 2030 to 31 March 2031" in opened.text
    budget_page = f"{REFERENCE}/scheme/2030-31/budget"
    form = admin.get(budget_page)
    assert 'name="budget.tablets" type="text" value="62000' in form.text
    lines = {
        "budget.tablets": "30000",
        "budget.connectivity_4g": "12000",
        "budget.setup_and_device_management": "8000",
        "budget.service_user_support": "40000",
        "support_hourly_rate": "",
        "setup_cost_per_device": "25",
    }
    bad = admin.submit(budget_page, lines, page=budget_page)
    assert bad.status_code == 422 and 'id="support_hourly_rate-error"' in bad.text
    assert 'value="30000"' in bad.text
    saved = admin.submit(budget_page, {**lines, "support_hourly_rate": "21.50"}, page=budget_page)
    assert "The budget was saved." in saved.text
    budget = api.get("admin", "/device-scheme/2030-31/dashboard").json()["budget"]
    assert Decimal(budget["total"]["budget"]) == 90000
    assert Decimal(budget["support_hourly_rate"]) == Decimal("21.50")
    again = admin.submit(
        f"{REFERENCE}/scheme/new",
        {"year": "2030-31", "starts_on": "2030-04-01", "ends_on": "2031-03-31"},
        page=f"{REFERENCE}/scheme/new",
    )
    assert again.status_code == 409 and 'value="2030-31"' in again.text


def test_the_reference_page_lists_the_districts(browsers: Browsers) -> None:
    html = browsers.signed_in("admin").get(REFERENCE).text
    for district in ("Ashfield", "Newark and Sherwood", "Rushcliffe"):
        assert f"<li>{district}</li>" in html


def test_an_admin_reviews_a_break_glass_access(api: Api, browsers: Browsers) -> None:
    add_user(api.runtime.engine, "ravi", "Ravi", Role.COORDINATOR, PASSWORD, "Ashfield")
    pid = person(api, district="Mansfield")
    headers = {**api.headers("ravi"), BREAK_GLASS_HEADER: REASON}
    assert api.client.get(f"/people/{pid}", headers=headers).status_code == 200
    [item] = api.get("admin", "/audit/break-glass").json()["items"]
    admin = browsers.signed_in("admin")
    page = admin.get(GLASS)
    assert "Audit log check: intact." in page.text
    assert REASON in page.text and "ravi (coordinator)" in page.text
    short = admin.submit(f"{GLASS}/{item['id']}/review", {"note": "ok"}, page=GLASS)
    assert short.status_code == 422
    assert 'id="note-error"' in short.text and "at least 3 characters" in short.text
    assert ">ok</textarea>" in short.text
    note = "Justified: out-of-hours safeguarding call, confirmed with the team manager"
    done = admin.submit(f"{GLASS}/{item['id']}/review", {"note": note}, page=GLASS)
    assert f"Your review of access {item['id']} was recorded." in done.text
    assert "Nothing is waiting for review." in done.text
    reviewed = api.get("admin", "/audit/break-glass", reviewed="true").json()["items"]
    assert reviewed[0]["review"]["note"] == note
    listed = admin.get(GLASS, reviewed="true").text
    assert note in listed and "By admin," in listed
    twice = admin.submit(f"{GLASS}/{item['id']}/review", {"note": note}, page=GLASS)
    assert twice.status_code == 409 and "has been reviewed already" in twice.text


def test_other_roles_cannot_open_the_admin_pages(browsers: Browsers) -> None:
    evaluator = browsers.signed_in("evaluator")
    for url in (USERS, REFERENCE, GLASS):
        response = evaluator.get(url)
        assert response.status_code == 403 and "cannot use this page" in response.text
    refused = evaluator.submit(USERS, NEW_USER, page="/app/reports", follow=False)
    assert refused.status_code == 403
    assert "priya.n" not in users(browsers.api)


def _form_values(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="([^"]+)" type="text" value="([^"]*)"', html))
