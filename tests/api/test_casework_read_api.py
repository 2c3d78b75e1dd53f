"""The casework read API: caseload, a person's casework page, the timeline, the assets
directory and community work. Events are written through the domain application; every
read passes min_position to read its own writes."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from api.accounts import User, add_user
from api.roles import Role
from api.timeline import timeline_for
from domain.codes import (
    CommunityWorkKind,
    ConnectionStatus,
    GoalStatus,
    Instrument,
    Occasion,
    OutcomeDomain,
    StrengthKind,
)
from domain.reference import Programme, ReferralSource
from tests.api.casework_world import Casework
from tests.api.conftest import PASSWORD, Api


@pytest.fixture
def team(api: Api) -> dict[str, User]:
    """Coordinators with team districts, besides the county-wide "coordinator"."""
    found = {
        name: add_user(api.runtime.engine, name, name.title(), Role.COORDINATOR, PASSWORD, district)
        for name, district in (
            ("mansfield_lac", "Mansfield"),
            ("mansfield_lac2", "Mansfield"),
            ("ashfield_lac", "Ashfield"),
        )
    }
    found["coordinator"] = api.users["coordinator"]
    return found


@pytest.fixture
def cw(api: Api) -> Casework:
    return Casework(api.runtime.app)


def read(api: Api, username: str, url: str, status: int = 200, **params: Any) -> Any:
    position = api.runtime.app.log_position()
    response = api.get(username, url, min_position=position, **params)
    assert response.status_code == status, response.text
    return response.json()


def ids(page: dict[str, Any]) -> list[UUID]:
    return [UUID(item["person_id"]) for item in page["items"]]


def test_caseload_is_own_and_team_district_neediest_first(
    api: Api, team: dict[str, User], cw: Casework
) -> None:
    me, colleague, other = (team[n].id for n in ("mansfield_lac", "mansfield_lac2", "ashfield_lac"))
    mine_here = cw.opened(me, "Mansfield", name="Anne Example")
    cw.contact(mine_here, 50)
    cw.next_action(mine_here, -1)
    mine_there = cw.opened(me, "Ashfield", name="Alan Example")
    cw.contact(mine_there, 3)
    cw.next_action(mine_there, 5)
    colleagues = cw.opened(colleague, "Mansfield", days_ago=10, name="Vicky Example")
    county = cw.opened(team["coordinator"].id, "Mansfield", days_ago=2)
    theirs = cw.opened(other, "Ashfield")

    page = read(api, "mansfield_lac", "/caseload")
    assert ids(page) == [mine_here, mine_there, colleagues, county]
    assert (page["total"], page["page"], page["page_size"], page["no_contact_days"]) == (
        4,
        1,
        20,
        42,
    )
    first = page["items"][0]
    assert first["flags"] == ["next_action_overdue", "no_contact"]
    assert (first["name"], first["days_since_contact"], first["contacts_count"]) == (
        "Anne Example",
        50,
        1,
    )
    assert (first["coordinator_name"], first["status"], first["district"]) == (
        "Mansfield_Lac",
        "active",
        "Mansfield",
    )
    assert first["next_action_due"] == cw.day(-1).isoformat()
    assert page["items"][2]["flags"] == ["no_next_action"]
    assert page["items"][2]["days_since_contact"] == 10

    assert ids(read(api, "mansfield_lac", "/caseload", coordinator_id=me)) == [
        mine_here,
        mine_there,
    ]
    assert ids(read(api, "mansfield_lac", "/caseload", coordinator_id=colleague)) == [colleagues]
    assert ids(read(api, "mansfield_lac", "/caseload", district="Mansfield")) == [
        mine_here,
        colleagues,
        county,
    ]
    assert ids(read(api, "mansfield_lac", "/caseload", flag="no_contact")) == [mine_here]
    second = read(api, "mansfield_lac", "/caseload", page=2, page_size=3)
    assert (ids(second), second["total"]) == ([county], 4)

    for outside in (
        {"district": "Ashfield"},
        {"coordinator_id": other},
        {"coordinator_id": uuid4()},
    ):
        read(api, "mansfield_lac", "/caseload", 403, **outside)
    read(api, "mansfield_lac", "/caseload", 422, flag="lonely")
    read(api, "social_worker", "/caseload", 403)

    # A coordinator with no team district works county-wide; by default, their own caseload.
    assert ids(read(api, "coordinator", "/caseload")) == [county]
    assert ids(read(api, "coordinator", "/caseload", district="Ashfield")) == [
        theirs,  # not seen since opened 100 days ago
        mine_there,
    ]


def test_person_casework_page(api: Api, team: dict[str, User], cw: Casework) -> None:
    app, actor = cw.app, cw.actor
    me = team["mansfield_lac"].id
    person_id = cw.opened(me)
    club = cw.asset("Knit and Natter")
    app.record_strengths(person_id, {StrengthKind.PERSONAL: ["Good cook"]}, actor)
    goal = app.set_goal(person_id, "Keep the tenancy", actor).id
    app.change_goal(person_id, goal, GoalStatus.ACHIEVED, actor)
    cw.next_action(person_id, 3)
    old, new = cw.contact(person_id, 20, club), cw.contact(person_id, 2)
    app.withdraw_contact(new, "wrong person", actor)
    cw.connect(person_id, club, ConnectionStatus.INTRODUCED)
    cw.connect(person_id, club, ConnectionStatus.ATTENDED)
    cw.outcome(person_id, OutcomeDomain.CRISIS_AVOIDED, 1)
    cw.measure(person_id, Instrument.SWEMWBS, Occasion.BASELINE, [3] * 7)
    cw.measure(person_id, Instrument.SWEMWBS, Occasion.FOLLOW_UP, [4] * 7)
    url = f"/people/{person_id}/casework"

    page = read(api, "mansfield_lac", url)
    involvement = page["involvement"]
    assert (page["person_id"], page["name"], page["district"]) == (
        str(person_id),
        "Anne Example",
        "Mansfield",
    )
    assert (involvement["status"], involvement["coordinator_id"]) == ("active", str(me))
    assert involvement["strengths"] == {"personal": ["Good cook"]}
    assert involvement["contacts_count"] == 1
    assert [(g["text"], g["status"]) for g in page["goals"]] == [("Keep the tenancy", "achieved")]
    assert [(c["contact_id"], c["withdrawn"]) for c in page["contacts"]] == [
        (str(new), True),
        (str(old), False),
    ]
    assert page["contacts"][1]["asset_ids"] == [str(club)]
    assert page["contacts"][1]["purposes"] == ["listening", "planning"]
    (link,) = page["connections"]
    assert (link["asset_name"], link["status"]) == ("Knit and Natter", "attended")
    assert [o["domain"] for o in page["outcomes"]] == ["crisis_avoided"]
    baseline, follow_up = page["measures"]
    assert (baseline["raw_score"], baseline["metric_score"]) == (21, 19.25)
    assert baseline["change_from_baseline"] is None
    assert follow_up["change_from_baseline"] == {"metric": 5.78, "raw": None, "items": None}

    assert read(api, "mansfield_lac2", url)["person_id"] == str(person_id)  # same team
    assert read(api, "coordinator", url)["person_id"] == str(person_id)  # county-wide
    hidden = read(api, "ashfield_lac", url, 404)
    unknown_id = uuid4()
    unknown = read(api, "ashfield_lac", f"/people/{unknown_id}/casework", 404)
    assert hidden["detail"].replace(str(person_id), "?") == unknown["detail"].replace(
        str(unknown_id), "?"
    )
    read(api, "social_worker", url, 403)

    newcomer = cw.person(name="Not Yet Opened")
    fresh = read(api, "mansfield_lac", f"/people/{newcomer}/casework")
    assert fresh["involvement"] is None
    assert fresh["goals"] == fresh["contacts"] == fresh["measures"] == []
    read(api, "ashfield_lac", f"/people/{newcomer}/casework", 404)


def test_timeline_includes_involvement_contacts_and_connections(
    api: Api, team: dict[str, User], cw: Casework
) -> None:
    app, actor = cw.app, cw.actor
    person_id = cw.person()
    referral = app.make_referral(
        person_id, Programme.LAC, ReferralSource.SELF, None, ["bereaved"], True, actor
    )
    app.accept_referral(referral.id, team["mansfield_lac"].id, actor)
    club = cw.asset("Knit and Natter")
    cw.contact(person_id, 0.01, club)
    cw.connect(person_id, club, ConnectionStatus.INTRODUCED)
    cw.connect(person_id, club, ConnectionStatus.ATTENDED)

    entries = read(api, "coordinator", f"/people/{person_id}/timeline")
    events = [(e["record"], e["event"]) for e in entries]
    assert events[:2] == [("person", "Person.Registered"), ("referral", "Referral.Received")]
    # Accepting the referral (made with her consent to share) recorded her consent to Local
    # Area Coordination support and opened the involvement, in the same save.
    assert set(events[2:5]) == {
        ("referral", "Referral.Accepted"),
        ("person", "Person.ConsentGiven"),
        ("involvement", "Involvement.Opened"),
    }
    assert events[5:] == [
        ("support_contact", "SupportContact.Logged"),
        ("connection", "AssetConnection.Introduced"),
        ("connection", "AssetConnection.Attended"),
    ]
    logged = entries[5]["details"]
    assert logged["notes"] == "Talked about the tenancy letter"
    assert logged["asset_ids"] == [str(club)]

    # Out of a coordinator's casework scope, the casework records are left out.
    outside = timeline_for(api.runtime, person_id, team["ashfield_lac"])
    assert {e.record for e in outside} == {"person", "referral"}
    inside = timeline_for(api.runtime, person_id, team["mansfield_lac2"])
    assert len(inside) == len(entries)


def test_assets_directory_with_usage_counts(api: Api, cw: Casework) -> None:
    club = cw.asset("Knit and Natter")
    cafe = cw.asset("Memory Cafe", "Ashfield")
    shut = cw.app.get_asset(cw.asset("Old Bowls Club"))
    shut.retire("closed down", cw.actor)
    cw.app.save(shut)
    first, second = cw.opened(uuid4()), cw.opened(uuid4())
    for person_id in (first, second):
        cw.connect(person_id, club, ConnectionStatus.INTRODUCED)
    cw.connect(first, club, ConnectionStatus.ATTENDED)
    cw.connect(second, club, ConnectionStatus.DROPPED)

    page = read(api, "evaluator", "/assets")
    assert [a["name"] for a in page["items"]] == ["Knit and Natter", "Memory Cafe"]
    counts = {k: page["items"][0][k] for k in ("introduced", "attended", "still_connected")}
    assert counts | {"dropped": page["items"][0]["dropped"]} == {
        "introduced": 0,
        "attended": 1,
        "still_connected": 0,
        "dropped": 1,
    }
    assert page["items"][0]["contact"] == "Jo, 01623 000000"
    assert page["total"] == 2
    assert read(api, "coordinator", "/assets", include_retired=True)["total"] == 3
    assert [a["asset_id"] for a in read(api, "admin", "/assets", district="Ashfield")["items"]] == [
        str(cafe)
    ]
    assert read(api, "social_worker", "/assets", q="NATTER")["items"][0]["asset_id"] == str(club)
    assert read(api, "coordinator", "/assets", category="place")["total"] == 0
    second_page = read(api, "coordinator", "/assets", page=2, page_size=1)
    assert [a["name"] for a in second_page["items"]] == ["Memory Cafe"]
    read(api, "coordinator", "/assets", 422, category="pub")
    read(api, "device_officer", "/assets", 403)

    one = read(api, "coordinator", f"/assets/{club}")
    assert (one["name"], one["category"], one["attended"], one["retired"]) == (
        "Knit and Natter",
        "group",
        1,
        False,
    )
    assert read(api, "coordinator", f"/assets/{shut.id}")["retired"] is True
    read(api, "coordinator", f"/assets/{uuid4()}", 404)


def test_community_work_list_and_filters(api: Api, cw: Casework) -> None:
    cafe = cw.asset("Memory Cafe", "Ashfield")
    record = cw.app.record_community_work
    record(
        CommunityWorkKind.FINDING_FUNDING, "Ashfield", cafe, "Lottery bid", 90, cw.day(-3), cw.actor
    )
    record(
        CommunityWorkKind.GAP_IDENTIFIED,
        "Mansfield",
        None,
        "No dads' group",
        30,
        cw.day(0),
        cw.actor,
    )
    record(
        CommunityWorkKind.SUPPORTING_GROUP, "Ashfield", cafe, "Committee", 60, cw.day(-1), cw.actor
    )

    page = read(api, "evaluator", "/community-work")
    assert [w["description"] for w in page["items"]] == [
        "No dads' group",
        "Committee",
        "Lottery bid",
    ]
    assert page["items"][1]["asset_name"] == "Memory Cafe"
    ashfield = read(api, "coordinator", "/community-work", district="Ashfield")
    assert ashfield["total"] == 2
    funding = read(api, "coordinator", "/community-work", kind="helping_find_funding")
    assert [(w["minutes"], w["occurred_on"]) for w in funding["items"]] == [
        (90, cw.day(-3).isoformat())
    ]
    paged = read(api, "evaluator", "/community-work", page=3, page_size=1)
    assert ([w["description"] for w in paged["items"]], paged["total"]) == (["Lottery bid"], 3)
    read(api, "coordinator", "/community-work", 422, kind="gossip")
    for role in ("social_worker", "device_officer", "admin"):
        read(api, role, "/community-work", 403)


def test_reads_wait_for_the_position_they_are_given(api: Api, team: dict[str, User]) -> None:
    cw = Casework(api.runtime.app)
    person_id: UUID = cw.opened(team["mansfield_lac"].id)
    position = api.runtime.app.log_position()
    response = api.get("mansfield_lac", "/caseload", min_position=position)
    assert response.status_code == 200, response.text
    assert ids(response.json()) == [person_id]
