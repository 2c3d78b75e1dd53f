"""Outcomes and wellbeing measures over HTTP: record, withdraw, range checks, who may."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete

from api.idempotency import idempotency_keys
from domain.codes import Instrument, Occasion
from tests.api.conftest import Api
from tests.api.test_involvements_api import (
    NOT_ALLOWED,
    assert_refused,
    coordinator_in,
    events,
    fill,
    involvement,
    opened,
)

TODAY = datetime.now(UTC).date()


def outcome(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "domain": "crisis_avoided",
        "occurred_on": (TODAY - timedelta(days=1)).isoformat(),
        "evidence": "Tenancy succession evidence gathered before the deadline",
    }
    body.update(overrides)
    return body


def measure(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "instrument": "swemwbs",
        "occasion": "baseline",
        "taken_on": TODAY.isoformat(),
        "items": [2, 3, 2, 3, 2, 2, 3],
    }
    body.update(overrides)
    return body


VISITS = {"gp_before": 6, "gp_after": 2, "ae_before": 2, "ae_after": 0}

COMMANDS: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/people/{p}/outcomes", outcome()),
    ("POST", "/people/{p}/outcomes/{g}/withdraw", {"reason": "wrong person"}),
    ("POST", "/people/{p}/measures", measure()),
    ("POST", "/people/{p}/measures/{g}/withdraw", {"reason": "wrong person"}),
]


def test_record_outcomes_of_each_shape(api: Api) -> None:
    person_id = opened(api)
    url = f"/people/{person_id}/outcomes"
    bodies = [
        outcome(),
        outcome(domain="home_kept_or_found", detail="tenancy_secured"),
        outcome(domain="fewer_gp_or_ae_visits", visits=VISITS),
    ]
    ids = []
    for body in bodies:
        response = api.post("coordinator", url, body)
        assert response.status_code == 201, response.text
        assert response.headers["X-Log-Position"] == str(response.json()["position"])
        ids.append(uuid.UUID(response.json()["id"]))
    assert involvement(api, person_id).outcomes == set(ids)
    recorded = [e for e in events(api, person_id) if type(e).__name__ == "OutcomeRecorded"]
    assert [e.outcome_id for e in recorded] == ids
    assert recorded[0].evidence == bodies[0]["evidence"]
    assert recorded[0].actor_id == api.users["coordinator"].id
    assert recorded[2].visits == VISITS


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (outcome(occurred_on=(TODAY + timedelta(days=2)).isoformat()), ["body", "occurred_on"]),
        (outcome(domain="home_kept_or_found"), ["body", "detail"]),
        (outcome(detail="therapy"), ["body", "detail"]),
        (outcome(domain="fewer_gp_or_ae_visits"), ["body", "visits"]),
        (outcome(visits=VISITS), ["body", "visits"]),
        (
            outcome(domain="fewer_gp_or_ae_visits", visits={**VISITS, "gp_before": 201}),
            ["body", "visits", "gp_before"],
        ),
        (outcome(domain="feeling_better"), ["body", "domain"]),
        (outcome(evidence=""), ["body", "evidence"]),
        (outcome(recorded_by="me"), ["body", "recorded_by"]),
    ],
)
def test_bad_outcomes_are_422_and_record_nothing(
    api: Api, body: dict[str, Any], loc: list[str]
) -> None:
    person_id = opened(api)
    refused = assert_refused(api, "coordinator", "POST", f"/people/{person_id}/outcomes", body, 422)
    assert refused["detail"][0]["loc"] == loc


def test_an_outcome_for_a_person_with_no_involvement_is_409(api: Api) -> None:
    person_id = api.register()["id"]
    for url, body in (
        (f"/people/{person_id}/outcomes", outcome()),
        (f"/people/{person_id}/measures", measure()),
    ):
        refused = assert_refused(api, "coordinator", "POST", url, body, 409)
        assert refused["detail"] == f"person {person_id} has no involvement: open one first"


def test_outcomes_can_be_recorded_after_closing_and_withdrawn(api: Api) -> None:
    person_id = opened(api)
    closed = api.post(
        "coordinator", f"/people/{person_id}/involvement/close", {"reason": "goals_met"}
    )
    assert closed.status_code == 200, closed.text
    made = api.post("coordinator", f"/people/{person_id}/outcomes", outcome())
    assert made.status_code == 201, made.text
    url = f"/people/{person_id}/outcomes/{made.json()['id']}/withdraw"
    assert api.post("coordinator", url, {"reason": "recorded twice"}).status_code == 200
    assert involvement(api, person_id).outcomes == set()
    again = assert_refused(api, "coordinator", "POST", url, {"reason": "again"}, 404)
    assert again == {"detail": f"no outcome with id {made.json()['id']}"}


def test_an_outcome_retried_with_its_key_is_recorded_once(api: Api) -> None:
    person_id = opened(api)
    url = f"/people/{person_id}/outcomes"
    answers = [api.post("coordinator", url, outcome(), key="outcome-1") for _ in range(3)]
    assert {r.status_code for r in answers} == {201}
    assert len({r.json()["id"] for r in answers}) == 1
    assert len(involvement(api, person_id).outcomes) == 1
    assert api.log_position() == answers[0].json()["position"]
    with api.runtime.engine.begin() as conn:  # as if the first answer had never been stored
        conn.execute(delete(idempotency_keys))
    rerun = api.post("coordinator", url, outcome(), key="outcome-1")
    assert (rerun.status_code, rerun.json()["id"]) == (201, answers[0].json()["id"])
    assert len(involvement(api, person_id).outcomes) == 1
    assert api.log_position() == answers[0].json()["position"]


def test_measures_baseline_then_follow_up_and_withdraw(api: Api) -> None:
    person_id = opened(api)
    url = f"/people/{person_id}/measures"
    early = assert_refused(api, "coordinator", "POST", url, measure(occasion="follow_up"), 422)
    assert early["detail"][0]["loc"] == ["body", "occasion"]
    baseline = api.post("coordinator", url, measure())
    assert baseline.status_code == 201, baseline.text
    follow_up = api.post("coordinator", url, measure(occasion="follow_up", items=[4] * 7))
    assert follow_up.status_code == 201, follow_up.text
    for body in (
        measure(instrument="ons4", items=[7, 8, 6, 3]),
        measure(instrument="ucla3", items=[2, 2, 3]),
    ):
        assert api.post("coordinator", url, body).status_code == 201
    ids = {uuid.UUID(r.json()["id"]) for r in (baseline, follow_up)}
    measures = involvement(api, person_id).measures
    assert {measures[i] for i in ids} == {
        (Instrument.SWEMWBS, Occasion.BASELINE),
        (Instrument.SWEMWBS, Occasion.FOLLOW_UP),
    }
    recorded = [e for e in events(api, person_id) if type(e).__name__ == "MeasureRecorded"]
    assert (recorded[0].items, recorded[0].taken_on) == ([2, 3, 2, 3, 2, 2, 3], TODAY)
    withdraw = f"{url}/{follow_up.json()['id']}/withdraw"
    assert api.post("coordinator", withdraw, {"reason": "wrong form"}).status_code == 200
    assert uuid.UUID(follow_up.json()["id"]) not in involvement(api, person_id).measures
    assert_refused(api, "coordinator", "POST", withdraw, {"reason": "again"}, 404)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (measure(items=[2, 3, 6, 3, 2, 2, 3]), ["body", "items", "3"]),
        (measure(items=[0, 3, 2, 3, 2, 2, 3]), ["body", "items", "1"]),
        (measure(instrument="ons4", items=[7, 8, 11, 3]), ["body", "items", "3"]),
        (measure(instrument="ucla3", items=[1, 4, 1]), ["body", "items", "2"]),
        (measure(items=[3, 3, 3]), ["body", "items"]),
        (measure(items=[3, 3, "3", 3, 3, 3, 3]), ["body", "items", 2]),
        (measure(taken_on=(TODAY + timedelta(days=2)).isoformat()), ["body", "taken_on"]),
        (measure(instrument="phq9"), ["body", "instrument"]),
        (measure(score=21), ["body", "score"]),
    ],
)
def test_a_score_out_of_range_names_the_item_and_records_nothing(
    api: Api, body: dict[str, Any], loc: list[Any]
) -> None:
    person_id = opened(api)
    refused = assert_refused(api, "coordinator", "POST", f"/people/{person_id}/measures", body, 422)
    assert refused["detail"][0]["loc"] == loc


def test_a_second_baseline_is_422(api: Api) -> None:
    person_id = opened(api)
    url = f"/people/{person_id}/measures"
    assert api.post("coordinator", url, measure()).status_code == 201
    assert_refused(api, "coordinator", "POST", url, measure(), 422)


@pytest.mark.parametrize("username", NOT_ALLOWED)
def test_other_roles_may_not_record_outcomes_or_measures(api: Api, username: str) -> None:
    ids = {"p": opened(api), "g": str(uuid.uuid4())}
    for method, url, body in COMMANDS:
        assert_refused(api, username, method, fill(url, **ids), body, 403)


def test_a_coordinator_outside_the_team_gets_the_unknown_person_404(api: Api) -> None:
    outsider = coordinator_in(api, "Bassetlaw")
    person_id = opened(api)
    api.post("coordinator", f"/people/{person_id}/measures", measure())
    for who in (person_id, str(uuid.uuid4())):
        ids = {"p": who, "g": str(uuid.uuid4())}
        for method, url, body in COMMANDS:
            refused = assert_refused(api, outsider, method, fill(url, **ids), body, 404)
            assert refused == {"detail": f"no person with id {who}"}
