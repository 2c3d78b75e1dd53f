"""Loans over HTTP: reserve a kit, hand it over, support sessions and tickets, extend, and
every way a loan ends; the kit's items move with it. Two officers reserving one kit at once:
one wins, the other gets 409."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import httpx
import pytest

from domain.device_codes import Agreement, Condition, LoanStatus, Provision, SessionKind
from tests.api.conftest import Api
from tests.api.device_fixtures import (
    GIFTED,
    OFFICER,
    PNG,
    SCHEME,
    YEAR,
    day,
    events,
    get_kit,
    hand_over_body,
    handed_over,
    item,
    kit,
    loan,
    ok,
    open_scheme,
    refer,
    refused,
    reserve,
    scheme,
    second_officer,
    states,
    today,
)

LOANS = f"{SCHEME}/loans"


def test_a_kit_is_lent_supported_extended_and_returned(api: Api) -> None:
    open_scheme(api)
    person_id = refer(api, plan={"tablet": "loan", "sim": "gift"})["person_id"]
    kit_id, items = kit(api)
    tablet, sim, charger, case = items
    body = {"person_id": person_id, "kit_id": kit_id, "due_on": day(90)}
    made = ok(api.post(OFFICER, f"{SCHEME}/{YEAR}/loans", body), 201)
    loan_id = made["id"]
    reserved = loan(api, loan_id)
    assert (reserved.status, reserved.due_on, str(reserved.person_id)) == (
        LoanStatus.RESERVED,
        today(90),
        person_id,
    )
    assert reserved.provisions[sim] is Provision.GIFT
    assert reserved.provisions[charger] is Provision.LOAN  # not named: as the tablet
    assert states(api, items) == ["reserved"] * 4
    url = f"{LOANS}/{loan_id}"
    ok(
        api.post(
            OFFICER,
            f"{url}/hand-over",
            hand_over_body(signature_png=f"data:image/png;base64,{PNG}"),
        )
    )
    active = loan(api, loan_id)
    assert (active.status, active.handed_over_on) == (LoanStatus.ACTIVE, today())
    assert states(api, items) == ["issued", "gifted", "issued", "issued"]
    handed = events(api, loan_id)[1]
    assert (handed.agreement, handed.signature_png) == (Agreement.SIGNATURE, PNG)
    # Training and remote support sessions; a ticket opened and resolved.
    training = {"kind": "training", "on": day(), "minutes": 45, "topic": "video calls"}
    session = ok(api.post(OFFICER, f"{url}/sessions", training), 201)
    remote = {**training, "kind": "remote_support", "minutes": 20, "outcome": "joined her group"}
    ok(api.post(OFFICER, f"{url}/sessions", remote), 201)
    assert uuid.UUID(session["id"]) in loan(api, loan_id).sessions
    kinds = [e.kind for e in events(api, loan_id) if hasattr(e, "minutes")]
    assert kinds == [SessionKind.TRAINING, SessionKind.REMOTE_SUPPORT]
    ticket = ok(api.post(OFFICER, f"{url}/tickets", {"on": day(), "problem": "no sound"}), 201)
    assert loan(api, loan_id).open_tickets == {uuid.UUID(ticket["id"])}
    resolve = f"{url}/tickets/{ticket['id']}/resolve"
    ok(api.post(OFFICER, resolve, {"on": day(), "resolution": "volume was muted"}))
    assert loan(api, loan_id).open_tickets == set()
    refused(api, OFFICER, resolve, {"on": day(), "resolution": "again"}, 404)
    # Extended; then returned without its case, which is recorded as lost.
    ok(api.post(OFFICER, f"{url}/extend", {"due_on": day(120)}))
    assert loan(api, loan_id).due_on == today(120)
    refused(api, OFFICER, f"{url}/extend", {"due_on": day(100)}, 422)
    back = {"condition": "good", "accessories_present": [charger], "note": "case left at home"}
    ok(api.post(OFFICER, f"{url}/return", back))
    returned = loan(api, loan_id)
    assert (returned.status, returned.ended_on) == (LoanStatus.RETURNED, today())
    assert states(api, items) == ["awaiting_wipe", "gifted", "in_stock", "lost"]
    ended = events(api, loan_id)[-1]
    assert (ended.condition, ended.accessories_present) == (Condition.GOOD, [charger])
    assert not item(api, tablet).wiped and item(api, case).loan_id is None


def test_a_returned_tablet_is_wiped_then_lent_to_the_next_person_waiting(api: Api) -> None:
    open_scheme(api, capacity=1)
    first, loan_id, items = handed_over(api)
    waiting = refer(api)
    assert waiting["place"] == "waiting"
    ok(api.post(OFFICER, f"{LOANS}/{loan_id}/return", {"condition": "fair"}))
    assert states(api, items) == ["awaiting_wipe", "in_stock", "in_stock", "in_stock"]
    leave = f"{SCHEME}/{YEAR}/people/{first}/leave"
    assert (
        ok(api.post(OFFICER, leave, {"reason": "finished"}))["place_taken_by"]
        == waiting["person_id"]
    )
    kit_id = str(item(api, items[0]).kit_id)
    body = {"person_id": waiting["person_id"], "kit_id": kit_id, "due_on": day(30)}
    detail = refused(api, OFFICER, f"{SCHEME}/{YEAR}/loans", body, 409)["detail"]
    assert "awaiting_wipe" in detail
    ok(api.post(OFFICER, f"{SCHEME}/stock/{items[0]}/wipe", {}))
    second = reserve(api, waiting["person_id"], kit_id, 30)
    assert states(api, items) == ["reserved"] * 4
    assert str(item(api, items[0]).loan_id) == second


def test_a_gift_is_handed_over_with_a_witnessed_verbal_agreement(api: Api) -> None:
    open_scheme(api)
    person_id = refer(api, plan=GIFTED)["person_id"]
    kit_id, items = kit(api)
    loan_id = reserve(api, person_id, kit_id, None)
    assert loan(api, loan_id).due_on is None
    url = f"{LOANS}/{loan_id}"
    verbal = hand_over_body(agreement="witnessed_verbal", signature_png=None, witness="J. Daughter")
    ok(api.post(OFFICER, f"{url}/hand-over", verbal))
    assert loan(api, loan_id).status is LoanStatus.GIFTED
    assert states(api, items) == ["gifted"] * 4
    ok(
        api.post(
            OFFICER,
            f"{url}/sessions",
            {"kind": "training", "on": day(), "minutes": 30, "topic": "email"},
        ),
        201,
    )
    refused(api, OFFICER, f"{url}/extend", {"due_on": day(200)}, 409)
    refused(api, OFFICER, f"{url}/return", {"condition": "good"}, 409)
    refused(api, OFFICER, f"{url}/convert-to-gift", {}, 409)


@pytest.mark.parametrize(
    ("end", "status", "after"),
    [
        ("lost", LoanStatus.LOST, ["lost"] * 4),
        ("stolen", LoanStatus.STOLEN, ["stolen"] * 4),
        ("damaged", LoanStatus.DAMAGED, ["in_repair", "in_stock", "in_stock", "in_stock"]),
    ],
)
def test_a_loan_ends_lost_stolen_or_damaged_with_what_happened(
    api: Api, end: str, status: LoanStatus, after: list[str]
) -> None:
    open_scheme(api)
    _, loan_id, items = handed_over(api)
    url = f"{LOANS}/{loan_id}/{end}"
    refused(api, OFFICER, url, {}, 422)  # say what happened
    refused(api, OFFICER, url, {"note": "left on a bus", "on": day(-1)}, 422)  # before hand-over
    ok(api.post(OFFICER, url, {"note": "left on a bus"}))
    assert loan(api, loan_id).status is status
    assert states(api, items) == after
    refused(api, OFFICER, url, {"note": "again"}, 409)


def test_a_loan_is_converted_to_a_gift_and_its_items_leave_stock(api: Api) -> None:
    open_scheme(api)
    _, loan_id, items = handed_over(api)
    ok(api.post(OFFICER, f"{LOANS}/{loan_id}/convert-to-gift", {"on": day()}))
    assert loan(api, loan_id).status is LoanStatus.GIFTED
    assert states(api, items) == ["gifted"] * 4
    assert all(item(api, i).loan_id is None for i in items)
    refused(api, OFFICER, f"{LOANS}/{loan_id}/return", {"condition": "good"}, 409)
    refused(api, OFFICER, f"{SCHEME}/stock/{items[0]}/wipe", {}, 409)


def test_a_reservation_is_cancelled_and_its_kit_goes_back_to_stock(api: Api) -> None:
    open_scheme(api)
    person_id = refer(api)["person_id"]
    kit_id, items = kit(api)
    loan_id = reserve(api, person_id, kit_id)
    response = api.client.post(f"{LOANS}/{loan_id}/cancel", headers=api.headers(OFFICER))
    ok(response)  # no body at all is fine
    assert loan(api, loan_id).status is LoanStatus.CANCELLED
    assert states(api, items) == ["in_stock"] * 4
    refused(api, OFFICER, f"{LOANS}/{loan_id}/cancel", {}, 409)
    # The kit is free again; a handed-over loan is not cancelled but ends.
    other = reserve(api, person_id, kit_id)
    ok(api.post(OFFICER, f"{LOANS}/{other}/hand-over", hand_over_body()))
    refused(api, OFFICER, f"{LOANS}/{other}/cancel", {}, 409)
    assert not get_kit(api, kit_id).dismantled


def test_sessions_and_tickets_made_again_under_the_same_key_are_recorded_once(api: Api) -> None:
    open_scheme(api)
    _, loan_id, _ = handed_over(api)
    url = f"{LOANS}/{loan_id}"
    session = {"kind": "training", "on": day(), "minutes": 60, "topic": "safe browsing"}
    first = ok(api.post(OFFICER, f"{url}/sessions", session, key="s-1"), 201)
    again = api.post(OFFICER, f"{url}/sessions", session, key="s-1")
    assert (again.status_code, again.json()) == (201, first)
    ticket = {"on": day(), "problem": "forgot PIN"}
    opened = ok(api.post(OFFICER, f"{url}/tickets", ticket, key="t-1"), 201)
    assert api.post(OFFICER, f"{url}/tickets", ticket, key="t-1").json() == opened
    held = loan(api, loan_id)
    assert (len(held.sessions), held.open_tickets) == (1, {uuid.UUID(opened["id"])})
    # A reservation under a key answers with the loan the key made.
    person_id = refer(api)["person_id"]
    kit_id, _ = kit(api)
    body = {"person_id": person_id, "kit_id": kit_id, "due_on": day(30)}
    made = ok(api.post(OFFICER, f"{SCHEME}/{YEAR}/loans", body, key="r-1"), 201)
    assert api.post(OFFICER, f"{SCHEME}/{YEAR}/loans", body, key="r-1").json() == made


@pytest.mark.parametrize("attempt", range(3))
def test_two_officers_reserving_one_kit_at_once_one_wins(api: Api, attempt: int) -> None:
    open_scheme(api)
    people = [refer(api)["person_id"] for _ in range(2)]
    kit_id, items = kit(api)
    who = [OFFICER, second_officer(api)]
    headers = {name: api.headers(name) for name in who}
    barrier = threading.Barrier(2)
    results: dict[str, httpx.Response] = {}

    def reserve_for(name: str, person_id: str) -> None:
        body = {"person_id": person_id, "kit_id": kit_id, "due_on": day(60)}
        barrier.wait()
        results[name] = api.client.post(f"{SCHEME}/{YEAR}/loans", json=body, headers=headers[name])

    threads = [
        threading.Thread(target=reserve_for, args=pair) for pair in zip(who, people, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    codes = sorted(r.status_code for r in results.values())
    assert codes == [201, 409], {n: r.text for n, r in results.items()}
    winner = next(r for r in results.values() if r.status_code == 201).json()
    assert {str(item(api, i).loan_id) for i in items} == {winner["id"]}
    assert states(api, items) == ["reserved"] * 4
    assert scheme(api).enrolled == 2
    assert today() - loan(api, winner["id"]).reserved_on == timedelta(0)
