"""The device scheme's changes of personal data are audited: a referral, a place left, and
every step of a loan record a `change` row naming the person; stock and kit steps, which
touch nobody, and refused requests record none."""

from __future__ import annotations

import uuid
from typing import Any

from tests.api.conftest import Api
from tests.api.device_fixtures import (
    OFFICER,
    SCHEME,
    YEAR,
    day,
    hand_over_body,
    kit,
    ok,
    open_scheme,
    refer,
    refused,
    reserve,
)
from tests.api.test_audit_api import rows

LOANS = f"{SCHEME}/loans"


def changes(api: Api, **where: Any) -> list[dict[str, Any]]:
    return rows(api, action="change", **where)


def test_a_hand_over_and_a_session_record_changes_naming_the_person(api: Api) -> None:
    open_scheme(api)
    person_id = uuid.UUID(refer(api)["person_id"])
    kit_id, _ = kit(api)
    assert changes(api, username=OFFICER) == []  # the scheme, stock and kit name nobody
    loan_id = reserve(api, str(person_id), kit_id)
    ok(api.post(OFFICER, f"{LOANS}/{loan_id}/hand-over", hand_over_body()))
    training = {"kind": "training", "on": day(), "minutes": 45, "topic": "video calls"}
    session = ok(api.post(OFFICER, f"{LOANS}/{loan_id}/sessions", training), 201)
    found = [
        (r["what"], r["record_id"], r["person_id"], r["route"])
        for r in changes(api, username=OFFICER)
    ]
    loan = uuid.UUID(loan_id)
    assert found == [
        ("loan", loan, person_id, "POST /device-scheme/{year}/loans"),
        ("loan", loan, person_id, "POST /device-scheme/loans/{loan_id}/hand-over"),
        (
            "session",
            uuid.UUID(session["id"]),
            person_id,
            "POST /device-scheme/loans/{loan_id}/sessions",
        ),
    ]
    [referral] = changes(api, username="social_worker", what="device_referral")
    assert referral["person_id"] == person_id


def test_every_way_a_loan_goes_on_or_ends_is_recorded_against_the_person(api: Api) -> None:
    open_scheme(api)
    person_id = uuid.UUID(refer(api)["person_id"])
    steps = {
        "tickets": {"on": day(), "problem": "no sound"},
        "extend": {"due_on": day(120)},
        "lost": {"note": "left on the bus"},
    }
    loan_id = reserve(api, str(person_id), kit(api)[0])
    ok(api.post(OFFICER, f"{LOANS}/{loan_id}/hand-over", hand_over_body()))
    for step, body in steps.items():
        assert api.post(OFFICER, f"{LOANS}/{loan_id}/{step}", body).is_success
    cancelled = reserve(api, str(person_id), kit(api)[0])
    ok(api.post(OFFICER, f"{LOANS}/{cancelled}/cancel", {}))
    routes = [r["route"].rsplit("/", 1)[-1] for r in changes(api, username=OFFICER)]
    assert routes == ["loans", "hand-over", "tickets", "extend", "lost", "loans", "cancel"]
    assert {r["person_id"] for r in changes(api, username=OFFICER)} == {person_id}


def test_leaving_records_the_leaver_and_whoever_takes_the_place(api: Api) -> None:
    open_scheme(api, capacity=1)
    first = uuid.UUID(refer(api)["person_id"])
    waiting = uuid.UUID(refer(api)["person_id"])
    leave = f"{SCHEME}/{YEAR}/people/{first}/leave"
    ok(api.post(OFFICER, leave, {"reason": "finished"}))
    places = changes(api, what="place")
    assert [(r["record_id"], r["person_id"]) for r in places] == [
        (waiting, waiting),
        (first, first),
    ]


def test_a_refused_command_records_nothing(api: Api) -> None:
    open_scheme(api)
    person_id = refer(api)["person_id"]
    loan_id = reserve(api, person_id, kit(api)[0])
    before = rows(api)
    future = {"kind": "training", "on": day(5), "minutes": 45, "topic": "video calls"}
    refused(api, OFFICER, f"{LOANS}/{loan_id}/sessions", future, 422)  # not handed over
    refused(api, OFFICER, f"{LOANS}/{uuid.uuid4()}/hand-over", hand_over_body(), 404)
    refused(api, "social_worker", f"{LOANS}/{loan_id}/extend", {"due_on": day(120)}, 403)
    leave = f"{SCHEME}/{YEAR}/people/{uuid.uuid4()}/leave"
    refused(api, OFFICER, leave, {"reason": "x"}, 422)
    assert rows(api) == before
