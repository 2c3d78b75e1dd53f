"""The referral inbox and one referral's page: who sees which inbox, filters and paging, and
accepting (with assigning), declining and redirecting through the forms; the API's refusals
shown as pages."""

from __future__ import annotations

from typing import Any

import pytest

from api.accounts import add_user
from api.roles import Role
from tests.api.conftest import PASSWORD, Api, nhs_number, person_body
from tests.api.device_fixtures import open_scheme, refer
from tests.web.conftest import Browsers

INBOX = "/app/referrals/inbox"


def referred(api: Api, name: str = "Anne Example", **fields: Any) -> dict[str, Any]:
    person = person_body(
        name=name, nhs_number=nhs_number(), district=fields.pop("district", "Mansfield")
    )
    return api.refer(person=person, **fields)


def referral(api: Api, made: dict[str, Any], position: int | None = None) -> Any:
    return api.referral(made["id"], position or api.log_position())


def user_id(api: Api, username: str) -> str:
    return str(api.users[username].id)


def test_a_coordinator_accepts_assigning_another_coordinator(browsers: Browsers) -> None:
    api = browsers.api
    made = referred(api)
    coordinator = browsers.signed_in("coordinator")
    page = coordinator.get(f"/app/referrals/{made['id']}")
    assert page.status_code == 200
    assert "Referral for Anne Example" in page.text
    assert "recently bereaved, at risk of losing her home" in page.text
    assert "Yes, the person agreed to their details being shared" in page.text
    assert "accepting also opens their Local Area Coordination support" in page.text
    assert f'<option value="{user_id(api, "coordinator2")}">Coordinator2</option>' in page.text
    chosen = {"coordinator_id": user_id(api, "coordinator2")}
    accepted = coordinator.submit(f"/app/referrals/{made['id']}/accept", chosen)
    assert accepted.url.path == f"/app/referrals/{made['id']}"
    assert "Referral accepted and assigned." in accepted.text
    assert "Accepted and assigned to Coordinator2" in accepted.text
    assert "Decide this referral" not in accepted.text
    after = referral(api, made)
    assert (after["status"], after["coordinator_id"]) == ("accepted", chosen["coordinator_id"])
    assert api.runtime.app.has_involvement(made["person_id"])


def test_accepting_twice_says_it_was_already_decided(browsers: Browsers) -> None:
    made = referred(browsers.api)
    coordinator = browsers.signed_in("coordinator")
    form_page = f"/app/referrals/{made['id']}"
    html = coordinator.get(form_page).text
    coordinator.submit(f"/app/referrals/{made['id']}/accept", {})
    again = coordinator.client.post(
        f"/app/referrals/{made['id']}/accept",
        data={"csrf_token": html.split('name="csrf_token" value="')[1].split('"')[0]},
    )
    assert again.status_code == 409
    assert "There is a problem" in again.text and "Status: " in again.text
    assert referral(browsers.api, made)["coordinator_id"] == user_id(browsers.api, "coordinator")


def test_declining_needs_a_reason_then_records_it(browsers: Browsers) -> None:
    api = browsers.api
    made = referred(api)
    coordinator = browsers.signed_in("coordinator")
    url = f"/app/referrals/{made['id']}/decline"
    before = api.log_position()
    empty = coordinator.submit(url, {"reason": ""}, page=f"/app/referrals/{made['id']}")
    assert empty.status_code == 422
    error = empty.text.split('id="reason-error"', 1)[1].split("</p>", 1)[0]
    assert "Enter why the referral is declined" in error
    assert api.log_position() == before
    reason = "Already supported by the community mental health team"
    declined = coordinator.submit(url, {"reason": reason}, page=f"/app/referrals/{made['id']}")
    assert "Referral declined." in declined.text and f"Declined: {reason}" in declined.text
    after = referral(api, made)
    assert (after["status"], after["decline_reason"]) == ("declined", reason)


def test_redirecting_records_where_to_and_keeps_the_note_on_error(browsers: Browsers) -> None:
    api = browsers.api
    made = referred(api)
    coordinator = browsers.signed_in("coordinator")
    page = f"/app/referrals/{made['id']}"
    url = f"{page}/redirect"
    missing = coordinator.submit(
        url, {"redirected_to": "", "note": "Needs a care assessment"}, page=page
    )
    assert missing.status_code == 422
    assert "Enter where the referral is redirected to" in missing.text
    assert "Needs a care assessment</textarea>" in missing.text
    sent = coordinator.submit(
        url, {"redirected_to": "Adult Social Care", "note": "Assessment"}, page=page
    )
    assert "Referral redirected." in sent.text and "Redirected to Adult Social Care" in sent.text
    after = referral(api, made)
    assert (after["status"], after["redirected_to"]) == ("redirected", "Adult Social Care")


def test_a_social_worker_cannot_decide_and_nothing_is_recorded(browsers: Browsers) -> None:
    made = referred(browsers.api)
    worker = browsers.signed_in("social_worker")
    page = worker.get(f"/app/referrals/{made['id']}")
    assert page.status_code == 200 and "Decide this referral" not in page.text
    before = browsers.api.log_position()
    refused = worker.submit(f"/app/referrals/{made['id']}/accept", {})
    assert refused.status_code == 403 and "may not do this" in refused.text
    assert browsers.api.log_position() == before
    assert referral(browsers.api, made)["status"] == "received"


@pytest.fixture
def teams(browsers: Browsers) -> Browsers:
    for username, district in (("lena", "Mansfield"), ("ravi", "Ashfield")):
        add_user(
            browsers.api.runtime.engine,
            username,
            username.title(),
            Role.COORDINATOR,
            PASSWORD,
            district,
        )
    return browsers


def test_a_coordinator_of_another_district_cannot_see_the_referral(teams: Browsers) -> None:
    made = referred(teams.api, "Mansfield Person")
    position = teams.api.log_position()
    ravi = teams.signed_in("ravi")
    page = ravi.get(f"/app/referrals/{made['id']}", after=position)
    assert page.status_code == 404 and "Page not found" in page.text
    assert "Mansfield Person" not in page.text
    assert "Mansfield Person" not in ravi.get(INBOX, after=position).text
    lena = teams.signed_in("lena").get(f"/app/referrals/{made['id']}")
    assert lena.status_code == 200 and "Mansfield Person" in lena.text
    assert ">Ravi</option>" not in lena.text  # only coordinators for the person's district


def test_the_device_officer_has_the_device_inbox_and_not_the_lac_one(browsers: Browsers) -> None:
    api = browsers.api
    lac = referred(api, "Lac Person")
    open_scheme(api)
    device = refer(api)
    officer = browsers.signed_in("device_officer")
    inbox = officer.get(INBOX, after=api.log_position())
    assert '<h1 class="govuk-heading-l">Device referrals</h1>' in inbox.text
    assert f'href="/app/referrals/{device["id"]}"' in inbox.text
    assert f'href="/app/referrals/{lac["id"]}"' not in inbox.text
    assert officer.get(f"/app/referrals/{lac['id']}").status_code == 404
    page = officer.get(f"/app/referrals/{device['id']}")
    assert "Accepting assigns the referral to you." in page.text
    assert 'name="coordinator_id"' not in page.text
    accepted = officer.submit(f"/app/referrals/{device['id']}/accept", {})
    assert "Referral accepted and assigned." in accepted.text
    after = api.referral(device["id"], api.log_position(), "device_officer")
    assert (after["status"], after["coordinator_id"]) == (
        "accepted",
        user_id(api, "device_officer"),
    )


def test_the_inbox_is_oldest_first_filters_and_pages(browsers: Browsers) -> None:
    api = browsers.api
    first = referred(api, "First Person")
    referred(api, "Second Person", source="gp")
    for n in range(19):
        referred(api, f"Filler {n}")
    coordinator = browsers.signed_in("coordinator")
    inbox = coordinator.get(INBOX, after=api.log_position())
    assert inbox.text.index("First Person") < inbox.text.index("Second Person")
    assert "Page 1 of 2 (21 referrals)" in inbox.text
    assert 'href="/app/referrals/inbox?status=received&amp;page=2"' in inbox.text
    second = coordinator.get(INBOX, status="received", page=2)
    assert "Filler 18" in second.text and "First Person" not in second.text
    gp = coordinator.get(INBOX, source="gp")
    assert "Second Person" in gp.text and "First Person" not in gp.text
    api.post("coordinator", f"/referrals/{first['id']}/accept", {})
    accepted = coordinator.get(INBOX, status="accepted", after=api.log_position())
    assert "First Person" in accepted.text and "Second Person" not in accepted.text
    assert '<option value="accepted" selected>' in accepted.text


def test_without_consent_to_share_accepting_assigns_but_opens_no_support(
    browsers: Browsers,
) -> None:
    api = browsers.api
    made = referred(api, consent_to_share=False)
    coordinator = browsers.signed_in("coordinator")
    page = coordinator.get(f"/app/referrals/{made['id']}")
    assert "No, the person has not agreed to their details being shared" in page.text
    assert "Accepting assigns the referral only." in page.text
    accepted = coordinator.submit(f"/app/referrals/{made['id']}/accept", {})
    assert "Referral accepted and assigned." in accepted.text
    assert f'href="/app/people/{made["person_id"]}/involvement"' in accepted.text
    assert referral(api, made)["status"] == "accepted"
    assert not api.runtime.app.has_involvement(made["person_id"])
