"""A social worker's referral pages: make a referral (NHS number check, the duplicate-person
warning and referring the person already known), refer to the device scheme, and "my
referrals" with where each stands."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import nhs_number
from tests.api.device_fixtures import open_scheme
from tests.web.conftest import Browsers

NEW = "/app/referrals/new"
DEVICES = "/app/referrals/new/devices"


def anne(**changes: str) -> dict[str, str]:
    fields = {
        "person.name": "Anne Example",
        "dob_day": "1",
        "dob_month": "3",
        "dob_year": "1950",
        "person.nhs_number": nhs_number(spaced=True),
        "person.postcode": "NG18 1AB",
        "person.district": "Mansfield",
        "person.phone": "01623 000000",
        "reasons": "Recently bereaved\nAt risk of losing her home",
        "source": "social_worker",
        "consent_to_share": "yes",
    }
    fields.update(changes)
    return fields


def mine(browsers: Browsers, username: str = "social_worker") -> list[dict[str, Any]]:
    position = browsers.api.log_position()
    answer = browsers.api.get(username, "/referrals/mine", min_position=position)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def test_a_referral_made_through_the_form_is_in_my_referrals_and_the_teams_inbox(
    browsers: Browsers,
) -> None:
    worker = browsers.signed_in("social_worker")
    form = worker.get(NEW)
    assert form.status_code == 200
    assert 'for="person-nhs_number"' in form.text and 'name="consent_to_share"' in form.text
    sent = worker.submit(NEW, anne(), page=NEW)
    assert sent.status_code == 200
    assert sent.url.path == "/app/referrals/mine" and "after=" in str(sent.url)
    assert "Referral sent." in sent.text and "Anne Example" not in sent.headers.get(
        "set-cookie", ""
    )
    row = sent.text.split("Anne Example", 1)[1].split("</tr>", 1)[0]
    assert 'govuk-tag--blue">Received</strong>' in row
    [made] = mine(browsers)
    assert (made["status"], made["programme"], made["source"]) == (
        "received",
        "lac",
        "social_worker",
    )
    assert made["reasons"] == ["Recently bereaved", "At risk of losing her home"]
    assert made["consent_to_share"] is True and made["person_name"] == "Anne Example"
    inbox = browsers.signed_in("coordinator").get("/app/referrals/inbox")
    assert f'href="/app/referrals/{made["id"]}"' in inbox.text and "Anne Example" in inbox.text
    devices = browsers.signed_in("device_officer").get("/app/referrals/inbox")
    assert devices.status_code == 200 and "Anne Example" not in devices.text


def test_a_bad_nhs_number_is_shown_beside_the_field_keeping_everything_and_records_nothing(
    browsers: Browsers,
) -> None:
    worker = browsers.signed_in("social_worker")
    before = browsers.api.log_position()
    page = worker.submit(NEW, anne(**{"person.nhs_number": "943 476 5918"}), page=NEW)
    assert page.status_code == 422
    error = page.text.split('id="person-nhs_number-error"', 1)[1].split("</p>", 1)[0]
    assert "NHS number: fails the Modulus 11 check" in error
    assert page.text.count("Modulus 11") == 2  # beside the field and in the summary, once each
    assert 'href="#person-nhs_number"' in page.text
    for kept in ('value="943 476 5918"', 'value="Anne Example"', 'value="NG18 1AB"'):
        assert kept in page.text
    assert 'value="1950"' in page.text and "At risk of losing her home</textarea>" in page.text
    assert '<option value="Mansfield" selected>' in page.text
    assert 'value="yes" checked' in page.text
    assert browsers.api.log_position() == before
    assert mine(browsers) == []


def test_missing_answers_are_asked_for_beside_each_field(browsers: Browsers) -> None:
    worker = browsers.signed_in("social_worker")
    before = browsers.api.log_position()
    page = worker.submit(NEW, {"dob_day": "31", "source": "gp"}, page=NEW)
    assert page.status_code == 422
    for field, message in (
        ("person-name", "Enter the person&#39;s full name"),
        ("person-date_of_birth", "Enter the date of birth as a day, month and year"),
        ("person-postcode", "Enter the person&#39;s postcode"),
        ("person-district", "Choose the district the person lives in"),
        ("reasons", "Enter at least one reason for the referral"),
        ("consent_to_share", "Select yes if the person agreed to their details being shared"),
    ):
        error = page.text.split(f'id="{field}-error"', 1)[1].split("</p>", 1)[0]
        assert message in error, field
    assert 'value="31"' in page.text and '<option value="gp" selected>' in page.text
    assert browsers.api.log_position() == before


def test_a_person_already_known_is_warned_of_and_can_be_referred_instead(
    browsers: Browsers,
) -> None:
    number = nhs_number()
    known = browsers.api.register("coordinator", nhs_number=number, name="Anne Known")
    worker = browsers.signed_in("social_worker")
    before = browsers.api.log_position()
    typed = anne(**{"person.nhs_number": number, "person.name": "Anne Typed"})
    warned = worker.submit(NEW, typed, page=NEW)
    assert warned.status_code == 409
    assert "This person is already known" in warned.text and 'href="#refer-existing"' in warned.text
    assert f'name="person_id" value="{known["id"]}"' in warned.text
    assert 'name="use_existing" value="yes">Refer the person already known</button>' in warned.text
    assert 'value="Anne Typed"' in warned.text and f'value="{number}"' in warned.text
    assert "At risk of losing her home</textarea>" in warned.text
    assert browsers.api.log_position() == before
    sent = worker.submit(NEW, {**typed, "person_id": known["id"], "use_existing": "yes"})
    assert sent.url.path == "/app/referrals/mine" and "Referral sent." in sent.text
    [made] = mine(browsers)
    assert made["person_id"] == known["id"] and made["person_name"] == "Anne Known"
    people = browsers.api.get("coordinator", "/people", nhs_number=number).json()
    assert people["total"] == 1  # nobody new was registered


def test_my_referrals_shows_only_mine_newest_first_with_their_status(
    browsers: Browsers,
) -> None:
    first = browsers.api.refer(person={**anne_api(), "name": "Older Person"})
    browsers.api.refer(person={**anne_api(), "name": "Newer Person"})
    browsers.api.refer("social_worker2", person={**anne_api(), "name": "Not Mine"})
    decline = {"reason": "Already supported by the housing team"}
    declined = browsers.api.post("coordinator", f"/referrals/{first['id']}/decline", decline)
    assert declined.status_code == 200, declined.text
    page = browsers.signed_in("social_worker").get(
        "/app/referrals/mine", after=declined.json()["position"]
    )
    assert page.status_code == 200
    assert page.text.index("Newer Person") < page.text.index("Older Person")
    assert "Not Mine" not in page.text
    row = page.text.split("Older Person", 1)[1].split("</tr>", 1)[0]
    assert "Declined" in row
    detail = browsers.signed_in("social_worker").get(f"/app/referrals/{first['id']}")
    assert "Declined: Already supported by the housing team" in detail.text
    assert "Decide this referral" not in detail.text


def anne_api() -> dict[str, str]:
    return {
        "name": "Anne Example",
        "date_of_birth": "1950-03-01",
        "postcode": "NG18 1AB",
        "district": "Mansfield",
        "nhs_number": nhs_number(),
    }


def test_a_social_worker_refers_to_the_device_scheme_and_the_device_officer_sees_it(
    browsers: Browsers,
) -> None:
    open_scheme(browsers.api)
    worker = browsers.signed_in("social_worker")
    form = worker.get(DEVICES)
    assert form.status_code == 200 and 'name="care_plan_ref"' in form.text
    fields = {
        **anne(**{"person.name": "Dev Person"}),
        "year": "2021-22",
        "care_plan_ref": "CSP-1001",
        "need": "digital_exclusion",
        "recipient": "vulnerable_adult",
        "plan.tablet": "loan",
        "plan.sim": "gift",
        "reasons": "Cannot reach her support group online",
    }
    wrong_year = worker.submit(DEVICES, {**fields, "year": "2030-31"}, page=DEVICES)
    assert wrong_year.status_code == 422
    assert "There is no device scheme open for that year" in wrong_year.text
    assert 'value="Dev Person"' in wrong_year.text and 'value="CSP-1001"' in wrong_year.text
    sent = worker.submit(DEVICES, fields, page=DEVICES)
    assert sent.url.path == "/app/referrals/mine"
    assert "The person has a place on the device scheme." in sent.text
    [made] = mine(browsers)
    assert (made["programme"], made["status"]) == ("devices", "received")
    officer = browsers.signed_in("device_officer").get("/app/referrals/inbox")
    assert "Device referrals" in officer.text and "Dev Person" in officer.text
    team = browsers.signed_in("coordinator").get("/app/referrals/inbox")
    assert "Dev Person" not in team.text


def test_a_carer_needs_the_person_they_care_for(browsers: Browsers) -> None:
    open_scheme(browsers.api)
    worker = browsers.signed_in("social_worker")
    before = browsers.api.log_position()
    fields = {
        **anne(),
        "year": "2021-22",
        "care_plan_ref": "CSP-1002",
        "need": "carer_support",
        "recipient": "carer",
        "cares_for_nhs_number": nhs_number(),
        "plan.tablet": "gift",
    }
    page = worker.submit(DEVICES, fields, page=DEVICES)
    assert page.status_code == 422
    error = page.text.split('id="cares_for_nhs_number-error"', 1)[1].split("</p>", 1)[0]
    assert "No one with this NHS number is known" in error
    assert browsers.api.log_position() == before


def test_only_a_social_worker_refers_to_the_device_scheme(browsers: Browsers) -> None:
    page = browsers.signed_in("coordinator").get(DEVICES)
    assert page.status_code == 403
    assert "refer to the device scheme" not in browsers.signed_in("coordinator").get(NEW).text
