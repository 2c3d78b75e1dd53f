"""The coordinator's home ("who needs me next") and finding a person: their caseload and
their team's, never another team's, with flags and due actions first."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import Api
from tests.web.conftest import Browsers
from tests.web.coordinator_world import (
    ASHFIELD,
    MANSFIELD,
    add_teams,
    contact,
    next_action,
    opened,
)


@pytest.fixture
def teams(api: Api) -> Api:
    add_teams(api)
    return api


def test_home_shows_flags_and_due_actions_for_the_caseload_not_another_teams(
    teams: Api, browsers: Browsers
) -> None:
    overdue = opened(teams, "Olive Overdue", days_ago=10)
    next_action(teams, overdue, "Ring the housing officer", -2)
    unseen = opened(teams, "Una Unseen", days_ago=60)
    next_action(teams, unseen, "Visit at home", 5)
    soon = opened(teams, "Sam Soon")
    next_action(teams, soon, "Go to the walking group together", 1)
    other = opened(teams, "Ash Other", district="Ashfield", by=ASHFIELD, days_ago=10)
    at = next_action(teams, other, "Other team's action", -1, by=ASHFIELD)

    page = browsers.signed_in(MANSFIELD).get("/app/home", after=at)
    assert page.status_code == 200
    html = page.text
    assert '<h1 class="govuk-heading-l">Who needs me next</h1>' in html
    flagged = html.split('id="flagged"')[1].split('id="due"')[0]
    assert "Olive Overdue" in flagged and "Next action overdue" in flagged
    assert "Una Unseen" in flagged and "Not seen for 60 days" in flagged
    assert "Sam Soon" not in flagged
    due = html.split('id="due"')[1].split('id="recent"')[0]
    order = [due.index(n) for n in ("Olive Overdue", "Sam Soon", "Una Unseen")]
    assert order == sorted(order), "due actions are listed by due date, overdue first"
    assert "Ring the housing officer" in due and "Overdue" in due
    assert f'href="/app/people/{overdue}"' in due
    assert "Ash Other" not in html and "Other team's action" not in html


def test_home_says_so_in_plain_english_when_the_caseload_is_empty(
    teams: Api, browsers: Browsers
) -> None:
    page = browsers.signed_in(MANSFIELD).get("/app/home")
    assert page.status_code == 200
    assert "Nobody is on your caseload or your team's yet." in page.text


def test_recent_contacts_are_listed_newest_first(teams: Api, browsers: Browsers) -> None:
    first, second = opened(teams, "Fran First"), opened(teams, "Sid Second")
    contact(teams, first, days_ago=0.5)
    at = contact(teams, second, days_ago=0)
    html = browsers.signed_in(MANSFIELD).get("/app/home", after=at).text
    recent = html.split('id="recent"')[1]
    assert recent.index("Sid Second") < recent.index("Fran First")
    assert "1 contact in all" in recent


def test_finding_a_person_by_name_links_to_their_page_and_keeps_names_out_of_the_address(
    teams: Api, browsers: Browsers
) -> None:
    mine = opened(teams, "Anne Findable")
    opened(teams, "Anne Elsewhere", district="Ashfield", by=ASHFIELD)
    lena = browsers.signed_in(MANSFIELD)
    form = lena.get("/app/people")
    assert form.status_code == 200 and 'name="q"' in form.text
    found = lena.submit("/app/people", {"q": "Anne"}, page="/app/people")
    assert found.status_code == 200
    assert "1 person found" in found.text
    assert f'<a class="govuk-link" href="/app/people/{mine}">Anne Findable</a>' in found.text
    assert "Anne Elsewhere" not in found.text
    assert "Anne" not in str(found.url), "what was searched for stays out of the address"
    assert 'value="Anne"' in found.text


def test_an_empty_search_says_what_to_enter_beside_the_box(teams: Api, browsers: Browsers) -> None:
    page = browsers.signed_in(MANSFIELD).submit("/app/people", {"q": ""}, page="/app/people")
    assert page.status_code == 422
    assert re.search(r'id="q-error"[^>]*>.*Enter part of a name, or an NHS number', page.text)


def test_nobody_found_is_said_plainly(teams: Api, browsers: Browsers) -> None:
    page = browsers.signed_in(MANSFIELD).submit("/app/people", {"q": "Zebedee"}, page="/app/people")
    assert "0 people found" in page.text
    assert "Nobody on your caseload or in your team's district matches." in page.text


def test_other_roles_cannot_open_the_coordinators_home(teams: Api, browsers: Browsers) -> None:
    page = browsers.signed_in("social_worker").get("/app/home")
    assert page.status_code == 403
    assert "cannot use this page" in page.text
