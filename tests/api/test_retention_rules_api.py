"""Retention for people who never had an involvement (embedded setup): only declined,
redirected or closed referrals, or only the device scheme. Runs are dated years ahead
(`today=`) so that what was recorded now is past the period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.api.conftest import Api
from tests.api.device_fixtures import (
    GIFTED,
    OFFICER,
    SCHEME,
    day,
    handed_over,
    ok,
    open_scheme,
    refer,
)
from workers.retention import RetentionReport, run_retention


def ahead(years: int) -> date:
    return datetime.now(UTC).date() + timedelta(days=365 * years + 2)


def run(api: Api, years_ahead: int, dry_run: bool = False) -> RetentionReport:
    """A run as it would go that many years from now, once the read models have caught up."""
    assert api.runtime.wait_for(api.log_position(), 10)
    report = run_retention(
        api.runtime, api.users["admin"].id, dry_run=dry_run, today=ahead(years_ahead)
    )
    if report.position is not None:
        assert api.runtime.wait_for(report.position, 10)
    return report


def name(api: Api, person_id: Any) -> Any:
    shown = api.get("coordinator", f"/people/{person_id}", min_position=api.log_position())
    return ok(shown)["name"]


def decided(api: Api, step: str, body: dict[str, str], programme: str = "lac") -> str:
    made = api.refer(programme=programme)
    who = "coordinator" if programme == "lac" else OFFICER
    ok(api.post(who, f"/referrals/{made['id']}/{step}", body))
    return str(made["person_id"])


def test_people_whose_referrals_were_all_turned_down_are_erased_after_the_period(
    api: Api,
) -> None:
    declined = decided(api, "decline", {"reason": "already supported by the warden"})
    redirected = decided(api, "redirect", {"redirected_to": "Adult Social Care"})
    first = api.refer(programme="devices")  # accepted, then closed
    closed = str(first["person_id"])
    ok(api.post(OFFICER, f"/referrals/{first['id']}/accept", {}))
    ok(api.post(OFFICER, f"/referrals/{first['id']}/close", {"note": "done"}))
    second = api.refer(programme="devices", person_id=closed)  # and one declined
    ok(api.post(OFFICER, f"/referrals/{second['id']}/decline", {"reason": "one is enough"}))
    waiting = api.refer()  # awaiting a decision
    accepted = decided(api, "accept", {}, programme="devices")  # taken up, not closed
    both = decided(api, "decline", {"reason": "not now"})
    api.refer(person_id=both)  # declined once, referred again: waiting
    registered_only = str(api.register()["id"])

    assert run(api, 5, dry_run=True).erased == []  # not yet past the period
    dry = run(api, 7, dry_run=True)
    assert dry.recorded_id is None and dry.by_rule == {"declined_referrals": 3}
    assert {str(p) for p in dry.erased} == {declined, redirected, closed}
    assert dry.kept == {"open_referral": 3}
    assert name(api, declined) == "Anne Example"  # a dry run erases nobody

    done = run(api, 7)
    assert set(done.as_dict()["erased"]) == {declined, redirected, closed}
    assert done.as_dict()["by_rule"] == {"declined_referrals": 3}
    for person_id in (declined, redirected, closed):
        assert name(api, person_id) is None
    for person_id in (waiting["person_id"], accepted, both, registered_only):
        assert name(api, person_id) == "Anne Example"
    assert run(api, 7).erased == []  # nobody twice


def test_people_known_only_to_the_device_scheme_are_erased_after_their_last_loan_ended(
    api: Api,
) -> None:
    open_scheme(api)
    returned_person, returned, _ = handed_over(api)
    ok(api.post(OFFICER, f"{SCHEME}/loans/{returned}/return", {"condition": "good"}))
    lost_person, lost, _ = handed_over(api)
    ok(api.post(OFFICER, f"{SCHEME}/loans/{lost}/lost", {"note": "left on the bus"}))
    gifted_person, _, _ = handed_over(api, plan=GIFTED)
    out_person, _, _ = handed_over(api)  # still has the kit
    ticket_person, ticket_loan, _ = handed_over(api, plan=GIFTED)
    opened = {"on": day(), "problem": "no sound"}
    ok(api.post(OFFICER, f"{SCHEME}/loans/{ticket_loan}/tickets", opened), 201)
    waiting_person = refer(api)["person_id"]  # a place, never a kit
    referred_person, referred, _ = handed_over(api)
    ok(api.post(OFFICER, f"{SCHEME}/loans/{referred}/return", {"condition": "good"}))
    api.refer(person_id=referred_person)  # and now a LAC referral awaiting a decision

    assert run(api, 5, dry_run=True).erased == []
    dry = run(api, 7, dry_run=True)
    due = {returned_person, lost_person, gifted_person, waiting_person}
    assert {str(p) for p in dry.erased} == due
    assert dry.by_rule == {"device_scheme_only": 4}
    assert dry.kept == {"device_loan": 1, "support_ticket": 1, "open_referral": 1}

    done = run(api, 7)
    assert {str(p) for p in done.erased} == due
    for person_id in due:
        assert name(api, person_id) is None
    for person_id in (out_person, ticket_person, referred_person):
        assert name(api, person_id) == "Anne Example"


def test_a_place_in_a_scheme_year_still_running_keeps_the_person(api: Api) -> None:
    open_scheme(api, year="2040-41", starts_on=day(-30), ends_on=day(365 * 8))
    person_id = refer(api, year="2040-41")["person_id"]
    report = run(api, 7, dry_run=True)
    assert report.erased == [] and report.kept == {"device_scheme_place": 1}
    assert name(api, person_id) == "Anne Example"


def test_the_retention_route_reports_each_rule(api: Api) -> None:
    decided(api, "decline", {"reason": "already supported"})
    answer = ok(api.post("admin", "/retention/run?dry_run=true"))
    assert (answer["by_rule"], answer["erased"]) == ({}, [])
