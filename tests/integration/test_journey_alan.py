"""Alan's story (DOMAIN.md, seed 001 item 5), end to end through the HTTP API on PostgreSQL
with a real Celery worker projecting the read models.

A councillor introduces Alan: evicted, sofa-surfing, a mental-health diagnosis, an addiction,
not engaged with services. Over months his coordinator walks alongside him: the eviction is
challenged, therapy starts, he joins a Prince's Trust programme, his bid for a flat succeeds
and a furniture scheme helps him set it up. His goals are met and the involvement closes.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.integration.journey_steps import Journey, ago, contact, day, measure, outcome, person
from tests.integration.journey_steps import when as at
from tests.integration.services import CeleryProcess
from workers.runtime import Runtime

GOALS = ["Challenge the eviction", "Find a home of my own", "Address my drinking"]
PRINCES_TRUST = {
    "name": "Prince's Trust Team programme",
    "category": "activity",
    "district": "Mansfield",
    "description": "Twelve weeks of teamwork, a community project and a work placement",
    "contact": "Mansfield Prince's Trust team, 01623 000001",
}
FURNITURE = {
    "name": "Furniture reuse scheme",
    "category": "service",
    "district": "Mansfield",
    "contact": "Housing options, 01623 000002",
    "accessibility": "Delivers to the door; referrals from housing or a coordinator",
}


def test_alan_from_a_councillors_introduction_to_a_home_of_his_own(
    client: TestClient, runtime: Runtime, worker: CeleryProcess
) -> None:
    j = Journey(client, runtime)
    lena = j.coordinator("lena.lac", "Lena Okafor", "Mansfield")
    sam = j.coordinator("sam.lac", "Sam Patel", "Mansfield")  # same team: covers her leave

    # The councillor's introduction, recorded by the coordinator as a referral.
    introduced_at, opened_at = ago(200, 9), ago(198, 10)
    introduced = j.post(
        lena,
        "/referrals",
        {
            "person": person("Alan Example", "Mansfield", "1984-02-11", "NG18 2AB", introduced_at),
            "programme": "lac",
            "source": "councillor",
            "referrer": "Councillor for Oak Tree ward",
            "reasons": [
                "Evicted; sofa-surfing with friends",
                "Mental-health diagnosis",
                "Addiction",
                "Not engaged with any services",
            ],
            "consent_to_share": True,
            "occurred_at": introduced_at.isoformat(),
        },
        status=201,
        records=("Person.Registered", "Referral.Received"),
    )
    alan, referral = introduced["person_id"], introduced["id"]
    inbox = j.read(lena, "/referrals/inbox")
    assert [(r["person_name"], r["source"]) for r in inbox["items"]] == [
        ("Alan Example", "councillor")
    ]

    # Accepting the referral opens the involvement, back-dated to when it happened; the
    # councillor said Alan agreed, so his consent is recorded as given through the referrer.
    j.post(
        lena,
        f"/referrals/{referral}/accept",
        {"occurred_at": opened_at.isoformat()},
        records=("Person.ConsentGiven", "Referral.Accepted", "Involvement.Opened"),
    )
    inv = f"/people/{alan}/involvement"
    j.post(
        lena,
        f"{inv}/support-level",
        {"support_level": "walking_alongside"},
        records="Involvement.SupportLevelChanged",
    )
    what_matters = "A place of my own, off the drink, and working with my hands again."
    j.put(
        lena,
        f"{inv}/what-matters",
        {"what_matters": what_matters},
        records="Involvement.WhatMattersRecorded",
    )
    strengths = {
        "personal": ["Good with tools", "Honest about what he finds hard"],
        "family": ["His sister keeps in touch"],
        "community": ["Friends who have put him up"],
    }
    j.put(lena, f"{inv}/strengths", strengths, records="Involvement.StrengthsRecorded")
    goals = [
        j.post(lena, f"{inv}/goals", {"text": text}, status=201, records="Involvement.GoalSet")[
            "id"
        ]
        for text in GOALS
    ]
    j.put(
        lena,
        f"{inv}/next-action",
        {"action": "Go with Alan to the housing appeal", "due_on": day(-180)},
        records="Involvement.NextActionSet",
    )
    for instrument, items in (("swemwbs", [2, 3, 2, 3, 2, 3, 2]), ("ucla3", [3, 3, 3])):
        j.post(
            lena,
            f"/people/{alan}/measures",
            measure(instrument, "baseline", day(-197), items),
            status=201,
            records="Involvement.MeasureRecorded",
        )

    # Two community assets, listed before anyone is connected to them.
    trust = j.post(lena, "/assets", PRINCES_TRUST, status=201)["id"]
    furniture = j.post(lena, "/assets", FURNITURE, status=201)["id"]
    directory = j.read(lena, "/assets", district="Mansfield")
    assert {
        a["name"]: (a["introduced"], a["attended"], a["still_connected"])
        for a in directory["items"]
    } == {
        "Prince's Trust Team programme": (0, 0, 0),
        "Furniture reuse scheme": (0, 0, 0),
    }

    # Contacts over months, recorded after the fact, in order; one by a colleague.
    appeal = "Went with Alan to the housing appeal: the eviction was challenged"
    pro, accompany = ("person", "professional"), "accompanying_to_appointment"
    connecting, practical = ["connecting_to_community"], ["practical_help"]
    visits = [
        (lena, contact(ago(197, 11), 60, "in_person", ["listening", "planning"], "First met")),
        (lena, contact(ago(180, 14), 150, "in_person", [accompany, "advocacy"], appeal, pro)),
        (sam, contact(ago(150, 10), 20, "phone", practical, "A hostel place")),
        (lena, contact(ago(120, 13), 45, "in_person", connecting, "Met them", assets=(trust,))),
        (lena, contact(ago(60, 15), 30, "video", ["planning"], "Planned his bid for a flat", pro)),
        (lena, contact(ago(10, 12), 10, "message", practical, "Sofa", assets=(furniture,))),
    ]
    logged = [
        j.post(who, f"/people/{alan}/contacts", body, status=201, records="SupportContact.Logged")
        for who, body in visits
    ]
    times = [at(body["contact_at"]) for _, body in visits]

    # Connections: introduced -> attended -> still connected; the furniture scheme attended.
    steps = [
        (trust, "introduced", ago(120, 13), 201, "AssetConnection.Introduced"),
        (trust, "attended", ago(105, 10), 200, "AssetConnection.Attended"),
        (furniture, "introduced", ago(12, 9), 201, "AssetConnection.Introduced"),
        (furniture, "attended", ago(10, 12), 200, "AssetConnection.Attended"),
        (trust, "still_connected", ago(30, 10), 200, "AssetConnection.StillConnected"),
    ]
    for asset, status, moment, code, event in steps:
        body = {"asset_id": asset, "status": status, "occurred_at": moment.isoformat()}
        j.post(lena, f"/people/{alan}/connections", body, status=code, records=event)

    # Referrals on to other services, recorded as their outcomes.
    results = [
        ("engaged_with_a_needed_service", "therapy", day(-150), "Weekly therapy with the CMHT"),
        ("employment_volunteering_or_training", "training", day(-105), "Joined the Trust team"),
        ("home_kept_or_found", "tenancy_secured", day(-12), "His bid for a flat succeeded"),
    ]
    for domain, detail, on, evidence in results:
        j.post(
            lena,
            f"/people/{alan}/outcomes",
            outcome(domain, detail, on, evidence),
            status=201,
            records="Involvement.OutcomeRecorded",
        )
    for instrument, items in (("swemwbs", [3, 4, 3, 4, 3, 4, 3]), ("ucla3", [2, 1, 2])):
        j.post(
            lena,
            f"/people/{alan}/measures",
            measure(instrument, "follow_up", day(-10), items),
            status=201,
            records="Involvement.MeasureRecorded",
        )
    for goal in goals:
        j.post(
            lena,
            f"{inv}/goals/{goal}/status",
            {"status": "achieved"},
            records="Involvement.GoalStatusChanged",
        )
    next_action = {"action": "Ring Alan a month after the move", "due_on": day(14)}
    j.put(lena, f"{inv}/next-action", next_action, records="Involvement.NextActionSet")

    # Before closing: on his coordinator's caseload, and on her team colleague's.
    caseload = j.read(lena, "/caseload")
    (row,) = caseload["items"]
    assert (row["person_id"], row["name"], row["coordinator_name"]) == (
        alan,
        "Alan Example",
        "Lena Okafor",
    )
    assert (row["status"], row["support_level"], row["contacts_count"]) == (
        "active",
        "walking_alongside",
        6,
    )
    assert at(row["last_contact_at"]) == times[-1]
    assert (row["next_action"], row["next_action_due"], row["flags"]) == (
        "Ring Alan a month after the move",
        day(14),
        [],
    )
    assert [r["person_id"] for r in j.read(sam, "/caseload")["items"]] == [alan]

    closing = {"reason": "goals_met", "note": "Alan has his own flat and is in training"}
    j.post(lena, f"{inv}/close", closing, records="Involvement.Closed")
    after = j.read(lena, "/caseload")
    assert (after["items"], after["total"]) == ([], 0)

    # The person page.
    page = j.read(lena, f"/people/{alan}/casework")
    involvement = page["involvement"]
    assert (involvement["status"], involvement["close_reason"], involvement["close_note"]) == (
        "closed",
        "goals_met",
        "Alan has his own flat and is in training",
    )
    assert (involvement["referral_id"], involvement["coordinator_id"]) == (referral, str(lena.id))
    assert at(involvement["first_opened_at"]) == at(involvement["opened_at"]) == opened_at
    assert (involvement["what_matters"], involvement["strengths"]) == (what_matters, strengths)
    assert (involvement["contacts_count"], at(involvement["last_contact_at"])) == (6, times[-1])
    assert [(g["text"], g["status"]) for g in page["goals"]] == [(t, "achieved") for t in GOALS]
    contacts = page["contacts"]
    assert [c["contact_id"] for c in contacts] == [made["id"] for made in logged[::-1]]
    assert [at(c["contact_at"]) for c in contacts] == times[::-1]  # newest first
    assert [c["mode"] for c in contacts] == [
        "message",
        "video",
        "in_person",
        "phone",
        "in_person",
        "in_person",
    ]
    hearing = contacts[4]
    assert hearing["purposes"] == ["accompanying_to_appointment", "advocacy"]
    assert (hearing["participants"], hearing["notes"]) == (["person", "professional"], appeal)
    assert contacts[3]["recorded_by"] == str(sam.id)
    assert (contacts[2]["asset_ids"], contacts[0]["asset_ids"]) == ([trust], [furniture])
    assert [(c["asset_name"], c["asset_category"], c["status"]) for c in page["connections"]] == [
        ("Prince's Trust Team programme", "activity", "still_connected"),
        ("Furniture reuse scheme", "service", "attended"),
    ]
    link = page["connections"][0]
    dates = [at(link[k]) for k in ("introduced_at", "attended_at", "checked_at")]
    assert dates == [steps[0][2], steps[1][2], steps[4][2]]
    assert {
        (o["domain"], o["detail"]): (o["occurred_on"], o["evidence"]) for o in page["outcomes"]
    } == {(domain, detail): (on, evidence) for domain, detail, on, evidence in results}
    assert all(o["recorded_by"] == str(lena.id) for o in page["outcomes"])
    scores = {
        (m["instrument"], m["occasion"]): (
            m["raw_score"],
            m["metric_score"],
            m["change_from_baseline"],
        )
        for m in page["measures"]
    }
    assert scores == {
        ("swemwbs", "baseline"): (17, 16.88, None),
        ("ucla3", "baseline"): (9, None, None),
        # The published conversion: raw 17 -> 16.88, raw 24 -> 21.54; the change is derived.
        ("swemwbs", "follow_up"): (24, 21.54, {"metric": 4.66, "raw": None, "items": None}),
        ("ucla3", "follow_up"): (5, None, {"metric": None, "raw": -4, "items": None}),
    }

    # The timeline: every step's events, in order, with who did it.
    timeline = j.read(lena, f"/people/{alan}/timeline")
    j.assert_timeline(timeline)
    assert {e["actor_name"] for e in timeline} == {"Lena Okafor", "Sam Patel"}
    assert timeline[-1]["details"]["reason"] == "goals_met"

    # The assets directory counts the people at each step.
    directory = j.read(lena, "/assets", district="Mansfield")
    counts = {
        a["name"]: (a["introduced"], a["attended"], a["still_connected"], a["dropped"])
        for a in directory["items"]
    }
    assert counts == {
        "Prince's Trust Team programme": (0, 0, 1, 0),
        "Furniture reuse scheme": (0, 1, 0, 0),
    }
