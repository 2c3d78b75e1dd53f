"""The forms on and linked from the person page: each calls the API as the coordinator,
confirms and shows the result, or shows the API's errors beside the fields with what was
typed kept and nothing recorded."""

from __future__ import annotations

import html as markup
import re
from datetime import date, timedelta

import pytest

from tests.api.conftest import Api
from tests.web.conftest import Browser, Browsers
from tests.web.coordinator_world import MANSFIELD, add_teams, casework, opened

TODAY = date.today().isoformat()


@pytest.fixture
def teams(api: Api) -> Api:
    add_teams(api)
    return api


@pytest.fixture
def lena(teams: Api, browsers: Browsers) -> Browser:
    return browsers.signed_in(MANSFIELD)


def error_beside(html: str, field: str) -> str:
    found = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', html, re.S)
    assert found, f"no error beside {field}"
    text = re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").strip()
    return markup.unescape(text)


def send(browser: Browser, person: str, path: str, fields: dict[str, str]) -> str:
    """Open the form's page, send it, and answer with the page it ends on."""
    url = f"/app/people/{person}/{path}"
    page = browser.get(url)
    assert page.status_code == 200, page.text[:300]
    sent = browser.submit(url, fields, page=url)
    return sent.text


def test_a_swemwbs_baseline_through_the_form_is_scored_by_the_api(
    teams: Api, lena: Browser
) -> None:
    person = opened(teams, "Anne Example")
    form = lena.get(f"/app/people/{person}/measures")
    assert "I&#39;ve been feeling optimistic about the future" in form.text
    assert form.text.count('type="radio" value="5"') == 7  # seven items, scored 1 to 5
    items = {f"items.{n}": str(v) for n, v in enumerate([4, 3, 3, 4, 2, 3, 4], start=1)}
    fields = {"instrument": "swemwbs", "occasion": "baseline", "taken_on": TODAY, **items}
    html = send(lena, person, "measures", fields)
    assert "SWEMWBS baseline recorded." in html
    measure = casework(teams, person)["measures"][0]
    assert (measure["instrument"], measure["occasion"]) == ("swemwbs", "baseline")
    assert measure["items"] == [4, 3, 3, 4, 2, 3, 4] and measure["raw_score"] == 23
    assert "20.73 (raw 23)" in html  # the published conversion of 23


def test_an_unanswered_item_is_named_beside_it_and_the_answers_are_kept(
    teams: Api, lena: Browser
) -> None:
    person = opened(teams, "Anne Example")
    before = teams.log_position()
    items = {f"items.{n}": "3" for n in range(1, 8) if n != 3}
    fields = {"instrument": "swemwbs", "occasion": "baseline", "taken_on": TODAY, **items}
    html = send(lena, person, "measures", fields)
    assert "I've been feeling relaxed" in error_beside(html, "items-3")
    assert 'id="items-1-3" name="items.1" type="radio" value="3" checked' in html
    assert teams.log_position() == before


def test_a_second_baseline_is_refused_with_the_apis_reason(teams: Api, lena: Browser) -> None:
    person = opened(teams, "Anne Example")
    items = {f"items.{n}": "3" for n in range(1, 8)}
    fields = {"instrument": "swemwbs", "occasion": "baseline", "taken_on": TODAY, **items}
    send(lena, person, "measures", fields)
    before = teams.log_position()
    html = send(lena, person, "measures", fields)
    assert "There is a problem" in html and "baseline" in html.lower()
    assert teams.log_position() == before


def test_an_outcome_is_recorded_and_a_missing_evidence_is_said_beside_it(
    teams: Api, lena: Browser
) -> None:
    person = opened(teams, "Anne Example")
    fields = {"domain": "home_kept_or_found", "detail": "tenancy_secured", "occurred_on": TODAY}
    html = send(lena, person, "outcomes", fields)
    assert "Say how you know" in error_beside(html, "evidence")
    assert 'value="home_kept_or_found" checked' in html
    assert casework(teams, person)["outcomes"] == []
    html = send(lena, person, "outcomes", {**fields, "evidence": "Saw the new tenancy"})
    assert "Outcome recorded." in html
    outcome = casework(teams, person)["outcomes"][0]
    assert (outcome["domain"], outcome["detail"]) == ("home_kept_or_found", "tenancy_secured")
    assert "Home kept or found: tenancy secured" in html


def test_fewer_visits_with_counts(teams: Api, lena: Browser) -> None:
    person = opened(teams, "Anne Example")
    counts = {"visits.gp_before": "6", "visits.gp_after": "2", "visits.ae_before": "1"}
    fields = {"domain": "fewer_gp_or_ae_visits", "occurred_on": TODAY, "evidence": "She said"}
    html = send(lena, person, "outcomes", {**fields, **counts})
    assert "Enter a number of visits" in error_beside(html, "visits-ae_after")
    assert 'value="6"' in html
    html = send(lena, person, "outcomes", {**fields, **counts, "visits.ae_after": "0"})
    assert "Outcome recorded." in html
    visits = casework(teams, person)["outcomes"][0]["visits"]
    assert visits == {"gp_before": 6, "gp_after": 2, "ae_before": 1, "ae_after": 0}


def test_what_matters_and_strengths_are_saved_and_shown_again_to_change(
    teams: Api, lena: Browser
) -> None:
    person = opened(teams, "Anne Example")
    html = send(lena, person, "what-matters", {"what_matters": "Seeing my grandchildren"})
    assert "What matters saved." in html and "Seeing my grandchildren" in html
    strengths = {"personal": "Patient\nGood cook", "family": "", "community": "Knows the vicar"}
    html = send(lena, person, "strengths", strengths)
    assert "Strengths saved." in html
    held = casework(teams, person)["involvement"]["strengths"]
    assert held["personal"] == ["Patient", "Good cook"] and held["community"] == ["Knows the vicar"]
    again = lena.get(f"/app/people/{person}/strengths").text
    assert "Patient\nGood cook</textarea>" in again


def test_no_strengths_at_all_is_refused_at_the_top(teams: Api, lena: Browser) -> None:
    person = opened(teams, "Anne Example")
    before = teams.log_position()
    html = send(lena, person, "strengths", {"personal": "", "family": "", "community": ""})
    assert "Give at least one strength" in html
    assert teams.log_position() == before


def test_a_goal_is_added_then_marked_achieved(teams: Api, lena: Browser) -> None:
    person = opened(teams, "Anne Example")
    html = send(lena, person, "goals", {"text": "Swim once a week"})
    assert "Goal added." in html and "Swim once a week" in html
    goal = casework(teams, person)["goals"][0]
    html = send(lena, person, f"goals/{goal['goal_id']}", {"status": "achieved"})
    assert "Goal updated." in html
    assert casework(teams, person)["goals"][0]["status"] == "achieved"


def test_the_next_action_is_set_and_a_blank_date_is_said_beside_it(
    teams: Api, lena: Browser
) -> None:
    person = opened(teams, "Anne Example")
    html = send(lena, person, "next-action", {"action": "Ring the GP", "due_on": ""})
    assert error_beside(html, "due_on") == "Enter the date it is due by"
    assert 'value="Ring the GP"' in html
    due = (date.today() + timedelta(days=7)).isoformat()
    html = send(lena, person, "next-action", {"action": "Ring the GP", "due_on": due})
    assert "Next action saved." in html
    involvement = casework(teams, person)["involvement"]
    assert (involvement["next_action"], involvement["next_action_due"]) == ("Ring the GP", due)


def test_opening_an_involvement_needs_the_persons_consent(teams: Api, lena: Browser) -> None:
    person = str(teams.register(MANSFIELD, name="Nell New")["id"])
    before = teams.log_position()
    html = send(lena, person, "involvement", {"support_level": "introductory_conversation"})
    assert "Say how the person agreed" in error_beside(html, "consent-how")
    assert "consent to Local Area Coordination support is not recorded" in html
    assert teams.log_position() == before
    fields = {"support_level": "introductory_conversation", "consent.how": "verbal"}
    html = send(lena, person, "involvement", fields)
    assert "Involvement opened." in html and "Involvement active" in html
    assert casework(teams, person)["involvement"]["support_level"] == "introductory_conversation"


def test_pause_resume_and_close(teams: Api, lena: Browser) -> None:
    person = opened(teams, "Anne Example")
    html = send(lena, person, "pause", {"note": "In hospital"})
    assert "Involvement paused." in html and "Involvement paused</strong>" in html
    resumed = lena.submit(f"/app/people/{person}/resume", {})
    assert "Involvement resumed." in resumed.text
    assert casework(teams, person)["involvement"]["status"] == "active"
    html = send(lena, person, "close", {"note": "All done"})
    assert error_beside(html, "reason") == "Choose why it is closing"
    html = send(lena, person, "close", {"reason": "goals_met"})
    assert "Involvement closed." in html and "Reopen the involvement" in html
    assert casework(teams, person)["involvement"]["status"] == "closed"
