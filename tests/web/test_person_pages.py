"""The person page: everything recorded about someone's support, within the coordinator's
scope only; and logging a contact from its quick form, with errors beside the fields, the
typed values kept, and nothing lost when the session runs out mid-form."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from api.accounts import issue_token
from tests.api.conftest import PASSWORD, TOKEN_KEY, Api
from tests.web.conftest import Browsers
from tests.web.coordinator_world import (
    ASHFIELD,
    MANSFIELD,
    add_teams,
    asset,
    casework,
    next_action,
    opened,
)


@pytest.fixture
def teams(api: Api) -> Api:
    add_teams(api)
    return api


def contact_form(**fields: str) -> dict[str, str]:
    form = {
        "contact_on": date.today().isoformat(),
        "mode": "phone",
        "duration_minutes": "25",
        "participants": "person",
        "purposes": "listening",
        "notes": "Talked about the garden club",
    }
    form.update(fields)
    return form


def error_beside(html: str, field: str) -> str:
    found = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    assert found, f"no error beside {field}"
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").strip()


def test_the_person_page_shows_what_was_recorded(teams: Api, browsers: Browsers) -> None:
    person = opened(teams, "Anne Example", days_ago=5)
    base = f"/people/{person}/involvement"
    group = asset(teams, "Oak Tree Walking Group")
    for method, url, body in (
        ("put", f"{base}/what-matters", {"what_matters": "Getting back to the allotment"}),
        ("put", f"{base}/strengths", {"personal": ["Kind"], "community": ["Knows the vicar"]}),
        ("post", f"{base}/goals", {"text": "Walk to the shops on her own"}),
        ("post", f"/people/{person}/connections", {"asset_id": group, "status": "introduced"}),
        (
            "post",
            f"/people/{person}/outcomes",
            {
                "domain": "less_isolated",
                "occurred_on": date.today().isoformat(),
                "evidence": "Goes to the group weekly",
            },
        ),
        (
            "post",
            f"/people/{person}/measures",
            {
                "instrument": "swemwbs",
                "occasion": "baseline",
                "taken_on": date.today().isoformat(),
                "items": [3, 3, 3, 3, 3, 3, 3],
            },
        ),
    ):
        answer = getattr(teams, method)(MANSFIELD, url, body)
        assert answer.status_code in (200, 201), answer.text
    at = next_action(teams, person, "Ring the housing officer", 3)

    page = browsers.signed_in(MANSFIELD).get(f"/app/people/{person}", after=at)
    assert page.status_code == 200
    html = page.text
    assert html.count("<h1") == 1 and "Anne Example</h1>" in html
    assert "Involvement active" in html and "Walking alongside" not in html
    for shown in (
        "Ring the housing officer",
        "Getting back to the allotment",
        "Kind",
        "Knows the vicar",
        "Walk to the shops on her own",
        "Oak Tree Walking Group",
        "Less isolated",
        "Goes to the group weekly",
        "SWEMWBS baseline",
        "19.25 (raw 21)",  # 7 items of 3: raw 21, metric 19.25
        "Local Area Coordination support",
        "Given (verbal)",
        "Involvement: goal set",
    ):
        assert shown in html, shown
    assert 'action="/app/people/' + person + '/contacts"' in html


def test_a_person_out_of_the_coordinators_scope_gives_the_404_page(
    teams: Api, browsers: Browsers
) -> None:
    theirs = opened(teams, "Ash Other", district="Ashfield", by=ASHFIELD)
    lena = browsers.signed_in(MANSFIELD)
    for url in (f"/app/people/{theirs}", f"/app/people/{theirs}/contacts"):
        page = lena.get(url)
        assert page.status_code == 404, url
        assert "Page not found" in page.text and "Ash Other" not in page.text
    before = teams.log_position()
    sent = lena.submit(
        f"/app/people/{theirs}/contacts", contact_form(), page="/app/people", follow=False
    )
    assert sent.status_code == 404
    assert teams.log_position() == before


def test_logging_a_contact_records_it_and_confirms(teams: Api, browsers: Browsers) -> None:
    person = opened(teams, "Anne Example")
    lena = browsers.signed_in(MANSFIELD)
    page = f"/app/people/{person}"
    sent = lena.submit(f"{page}/contacts", contact_form(), page=page)
    assert sent.status_code == 200
    assert str(sent.url).startswith(f"http://testserver{page}?after=")
    assert "Contact logged." in sent.text
    contacts = casework(teams, person)["contacts"]
    assert len(contacts) == 1
    logged = contacts[0]
    assert (logged["mode"], logged["duration_minutes"]) == ("phone", 25)
    assert logged["participants"] == ["person"] and logged["purposes"] == ["listening"]
    assert logged["notes"] == "Talked about the garden club"
    assert "Talked about the garden club" in sent.text  # read back on the page at once


def test_a_contact_on_an_earlier_day_with_assets_is_recorded_on_that_day(
    teams: Api, browsers: Browsers
) -> None:
    person = opened(teams, "Anne Example", days_ago=10)
    group = asset(teams, "Oak Tree Walking Group")
    lena = browsers.signed_in(MANSFIELD)
    page = f"/app/people/{person}"
    assert "Oak Tree Walking Group" in lena.get(page).text
    day = (date.today() - timedelta(days=3)).isoformat()
    sent = lena.submit(
        f"{page}/contacts", contact_form(contact_on=day, asset_ids=group, mode="in_person")
    )
    assert "Contact logged." in sent.text
    logged = casework(teams, person)["contacts"][0]
    assert logged["contact_at"].startswith(day) and logged["asset_ids"] == [group]


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("duration_minutes", "abc", "whole number"),
        ("contact_on", (date.today() + timedelta(days=2)).isoformat(), "today or earlier"),
        ("duration_minutes", "0", "1 to 720 minutes"),
        ("mode", "", "Choose how you were in contact"),
    ],
)
def test_a_bad_contact_shows_the_error_beside_the_field_keeps_the_note_and_records_nothing(
    teams: Api, browsers: Browsers, field: str, typed: str, message: str
) -> None:
    person = opened(teams, "Anne Example")
    lena = browsers.signed_in(MANSFIELD)
    page = f"/app/people/{person}"
    before = teams.log_position()
    sent = lena.submit(f"{page}/contacts", contact_form(**{field: typed}), page=page)
    assert sent.status_code == 422
    assert message in error_beside(sent.text, field.replace(".", "-"))
    assert "There is a problem" in sent.text
    assert "Talked about the garden club</textarea>" in sent.text
    if typed:
        assert f'value="{typed}"' in sent.text
    assert teams.log_position() == before
    assert casework(teams, person)["contacts"] == []


def test_no_involvement_says_so_and_offers_to_open_one(teams: Api, browsers: Browsers) -> None:
    person = teams.register(MANSFIELD, name="Nell New")
    page = browsers.signed_in(MANSFIELD).get(f"/app/people/{person['id']}")
    assert page.status_code == 200
    assert "There is no involvement with this person yet." in page.text
    assert f'href="/app/people/{person["id"]}/involvement"' in page.text
    assert "Log a contact" not in page.text


@pytest.mark.parametrize("referer", [False, True])
def test_a_session_that_ends_mid_contact_keeps_what_was_typed_for_after_signing_in(
    teams: Api, browsers: Browsers, referer: bool
) -> None:
    person = opened(teams, "Anne Example")
    lena = browsers.signed_in(MANSFIELD)
    page = f"/app/people/{person}"
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', lena.get(page).text)
    assert csrf
    expired = issue_token(teams.users[MANSFIELD], TOKEN_KEY, -1)
    lena.client.cookies.delete("lac_session")
    lena.client.cookies.set("lac_session", expired)
    before = teams.log_position()
    headers = {"referer": f"http://testserver{page}"} if referer else {}
    typed: dict[str, str | list[str]] = {
        **contact_form(notes="She wants to try the choir", duration_minutes="35"),
        "participants": ["person", "carer_or_family"],  # two boxes ticked: both are kept
    }
    sent = lena.client.post(
        f"{page}/contacts",
        data={"csrf_token": csrf.group(1), **typed},
        headers=headers,
        follow_redirects=False,
    )
    assert sent.status_code == 303
    back_to = page if referer else f"{page}/contacts"
    assert sent.headers["location"].endswith(f"next={back_to.replace('/', '%2F')}") or (
        sent.headers["location"].endswith(f"next={back_to}")
    )
    assert teams.log_position() == before
    lena.client.cookies.delete("lac_session")
    again = lena.submit(
        "/app/sign-in",
        {"username": MANSFIELD, "password": PASSWORD, "next": back_to},
        page="/app/sign-in",
    )
    assert again.status_code == 200 and str(again.url) == f"http://testserver{back_to}"
    assert "Kept for you" in again.text
    assert "She wants to try the choir</textarea>" in again.text
    assert 'value="35"' in again.text
    for ticked in ("person", "carer_or_family"):
        assert re.search(
            rf'name="participants" type="checkbox" value="{ticked}" checked', again.text
        )
    assert casework(teams, person)["contacts"] == []
    resent = lena.submit(f"{page}/contacts", typed)
    assert "Contact logged." in resent.text
    assert casework(teams, person)["contacts"][0]["notes"] == "She wants to try the choir"
