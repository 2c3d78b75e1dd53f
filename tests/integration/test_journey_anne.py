"""Anne's story (DOMAIN.md, seed 001 item 5), end to end through the HTTP API on PostgreSQL
with a real Celery worker projecting the read models.

Anne gets in touch herself after her partner, her carer and the named tenant, dies. She is on
oxygen 15 hours a day and has been told she must "present as homeless". Her coordinator opens
an involvement straight away (no referral, no eligibility test), makes an immediate plan,
gathers the tenancy succession evidence, starts a social care assessment, refers her for a
warden call system and introduces a local citizen who visits. Crisis avoided; no
safeguarding concern. The caseload shows who needs the coordinator first, and why.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.integration.journey_steps import (
    VERBAL,
    Actor,
    Journey,
    ago,
    contact,
    day,
    outcome,
    person,
)
from tests.integration.journey_steps import when as at
from tests.integration.services import CeleryProcess
from workers.runtime import Runtime

SUCCESSION = (
    "Tenancy succession evidence: joint residence since 2009 (council tax bills, GP letters); "
    "housing confirmed the tenancy passes to Anne"
)
NEIGHBOURS = {
    "name": "Good neighbour visiting scheme",
    "category": "group",
    "district": "Gedling",
    "description": "Local volunteers who visit people living alone",
    "contact": "Carlton community centre, 0115 000 0003",
    "accessibility": "Volunteers visit at home",
}


def opened(j: Journey, jo: Actor, name: str, days_ago: float) -> str:
    """Someone else on Jo's caseload, their involvement opened `days_ago`."""
    registered = ago(days_ago + 1)
    made = j.post(
        jo, "/people", person(name, "Gedling", "1961-07-19", "NG4 1AB", registered), status=201
    )
    body = {
        "support_level": "walking_alongside",
        "occurred_at": ago(days_ago).isoformat(),
        "consent": VERBAL,
    }
    j.post(jo, f"/people/{made['id']}/involvement", body, status=201)
    return str(made["id"])


def test_anne_self_referral_after_bereavement_crisis_avoided(
    client: TestClient, runtime: Runtime, worker: CeleryProcess
) -> None:
    j = Journey(client, runtime)
    jo = j.coordinator("jo.lac", "Jo Bennett", "Gedling")

    # Two others on Jo's caseload: one not seen for 60 days, one seen yesterday.
    bob = opened(j, jo, "Bob Example", 60)
    j.put(jo, f"/people/{bob}/involvement/next-action", {"action": "Visit", "due_on": day(10)})
    carol = opened(j, jo, "Carol Example", 5)
    j.post(
        jo,
        f"/people/{carol}/contacts",
        contact(ago(1), 30, "phone", ["listening"], "Checked in"),
        status=201,
    )
    j.put(jo, f"/people/{carol}/involvement/next-action", {"action": "Call", "due_on": day(3)})

    # Anne gets in touch herself; Jo opens an involvement there and then.
    rang_at = ago(3)
    anne = j.post(
        jo,
        "/people",
        person("Anne Example", "Gedling", "1949-03-01", "NG4 2CD", rang_at),
        status=201,
        records="Person.Registered",
    )["id"]
    inv = f"/people/{anne}/involvement"
    # Anne agrees on the phone to Jo working alongside her: recorded with the opening.
    agreed = {**VERBAL, "note": "Agreed on the phone to Jo working alongside her"}
    opening = {
        "support_level": "walking_alongside",
        "occurred_at": rang_at.isoformat(),
        "consent": agreed,
    }
    j.post(jo, inv, opening, status=201, records=("Person.ConsentGiven", "Involvement.Opened"))
    consents = j.read(jo, f"/people/{anne}/consents")
    lac = {c["scope"]: c for c in consents["consents"]}["lac_support"]
    assert (lac["status"], lac["how"], lac["given_on"]) == (
        "given",
        "verbal",
        rang_at.date().isoformat(),
    )
    j.put(
        jo,
        f"{inv}/what-matters",
        {"what_matters": "To stay in the home Bill and I shared, with his garden"},
        records="Involvement.WhatMattersRecorded",
    )
    # The immediate plan: due the day after she rang, so overdue now.
    plan = {"action": "Immediate plan: gather the succession evidence", "due_on": day(-2)}
    j.put(jo, f"{inv}/next-action", plan, records="Involvement.NextActionSet")
    crisis = contact(
        rang_at,
        90,
        "in_person",
        ["crisis_support", "listening", "planning"],
        "Told to present as homeless; on oxygen 15 hours a day",
    )
    j.post(jo, f"/people/{anne}/contacts", crisis, status=201, records="SupportContact.Logged")

    # Who needs Jo first: the overdue plan, then no contact for 42+ days, then by due date.
    caseload = j.read(jo, "/caseload")
    rows = {r["person_id"]: r for r in caseload["items"]}
    assert [r["person_id"] for r in caseload["items"]] == [anne, bob, carol]
    assert (caseload["total"], caseload["no_contact_days"]) == (3, 42)
    assert [rows[p]["flags"] for p in (anne, bob, carol)] == [
        ["next_action_overdue"],
        ["no_contact"],
        [],
    ]
    assert (rows[anne]["name"], rows[anne]["next_action"], rows[anne]["next_action_due"]) == (
        "Anne Example",
        plan["action"],
        day(-2),
    )
    assert (at(rows[anne]["last_contact_at"]), rows[anne]["contacts_count"]) == (rang_at, 1)
    assert (rows[bob]["last_contact_at"], rows[bob]["days_since_contact"]) == (None, 60)
    assert rows[anne]["safeguarding_raised_at"] is None
    overdue = j.read(jo, "/caseload", flag="next_action_overdue")
    assert [r["person_id"] for r in overdue["items"]] == [anne]
    unseen = j.read(jo, "/caseload", flag="no_contact")
    assert [r["person_id"] for r in unseen["items"]] == [bob]

    # The plan carried out: advocacy with housing, a local citizen who visits.
    advocacy = contact(
        ago(2),
        40,
        "phone",
        ["advocacy", "practical_help"],
        "Gave housing the succession evidence; asked adult social care for an assessment",
        participants=("professional",),
    )
    j.post(jo, f"/people/{anne}/contacts", advocacy, status=201, records="SupportContact.Logged")
    scheme = j.post(jo, "/assets", NEIGHBOURS, status=201)["id"]
    for status, days_ago, code, event in (
        ("introduced", 2, 201, "AssetConnection.Introduced"),
        ("attended", 1, 200, "AssetConnection.Attended"),
    ):
        step = {"asset_id": scheme, "status": status, "occurred_at": ago(days_ago).isoformat()}
        j.post(jo, f"/people/{anne}/connections", step, status=code, records=event)
    results = [
        ("crisis_avoided", None, day(-1), "Did not present as homeless; oxygen supply kept"),
        ("home_kept_or_found", "tenancy_secured", day(-1), SUCCESSION),
        ("engaged_with_a_needed_service", "social_care_assessment", day(-1), "Assessment begun"),
        ("engaged_with_a_needed_service", "warden_call", day(0), "Warden call system fitted"),
        ("connected_to_community", None, day(0), "Margaret from the scheme visits on Tuesdays"),
    ]
    for domain, detail, on, evidence in results:
        j.post(
            jo,
            f"/people/{anne}/outcomes",
            outcome(domain, detail, on, evidence),
            status=201,
            records="Involvement.OutcomeRecorded",
        )
    follow_up = {"action": "Visit with Margaret from the scheme", "due_on": day(7)}
    j.put(jo, f"{inv}/next-action", follow_up, records="Involvement.NextActionSet")

    # No longer overdue: the one not seen comes first, then the earliest due date.
    caseload = j.read(jo, "/caseload")
    assert [r["person_id"] for r in caseload["items"]] == [bob, carol, anne]
    assert [r["flags"] for r in caseload["items"]] == [["no_contact"], [], []]
    assert caseload["items"][2]["contacts_count"] == 2

    page = j.read(jo, f"/people/{anne}/casework")
    involvement = page["involvement"]
    assert (involvement["status"], involvement["referral_id"]) == ("active", None)
    assert at(involvement["opened_at"]) == rang_at
    assert involvement["safeguarding_raised_at"] is None
    assert [(c["purposes"], c["participants"]) for c in page["contacts"]] == [
        (["advocacy", "practical_help"], ["professional"]),
        (["crisis_support", "listening", "planning"], ["person"]),
    ]
    assert [(c["asset_name"], c["status"]) for c in page["connections"]] == [
        ("Good neighbour visiting scheme", "attended")
    ]
    recorded = [
        (o["domain"], o["detail"], o["occurred_on"], o["evidence"]) for o in page["outcomes"]
    ]
    assert sorted(recorded) == sorted(results)
    assert "safeguarding_concern_raised" not in {o["domain"] for o in page["outcomes"]}
    directory = j.read(jo, "/assets", district="Gedling")
    assert [(a["name"], a["introduced"], a["attended"]) for a in directory["items"]] == [
        ("Good neighbour visiting scheme", 0, 1)
    ]

    # Closed: now supported by services and her neighbours; off the caseload.
    closing = {"reason": "now_supported_by_services", "note": "Tenancy secured; warden call"}
    j.post(jo, f"{inv}/close", closing, records="Involvement.Closed")
    caseload = j.read(jo, "/caseload")
    assert [r["person_id"] for r in caseload["items"]] == [bob, carol]
    closed = j.read(jo, f"/people/{anne}/casework")["involvement"]
    assert (closed["status"], closed["close_reason"]) == ("closed", "now_supported_by_services")

    # Her timeline: no referral at all, every step in order, by Jo.
    timeline = j.read(jo, f"/people/{anne}/timeline")
    j.assert_timeline(timeline)
    assert {e["record"] for e in timeline} == {
        "person",
        "involvement",
        "support_contact",
        "connection",
    }
