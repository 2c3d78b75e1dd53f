"""Bad input and faults on loans: each a clear 4xx and nothing recorded. Issuing an item not
in stock or not wiped, a second live loan of an item, a gift of an item on loan to someone
else, a person without a place, dates out of order, a bad agreement."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.device_fixtures import (
    GIFTED,
    OFFICER,
    SCHEME,
    YEAR,
    day,
    hand_over_body,
    handed_over,
    kit,
    ok,
    open_scheme,
    receive,
    refer,
    refused,
    reserve,
)

LOANS = f"{SCHEME}/loans"
RESERVE = f"{SCHEME}/{YEAR}/loans"


def _reserve_body(person_id: str, kit_id: str, **fields: Any) -> dict[str, Any]:
    return {"person_id": person_id, "kit_id": kit_id, "due_on": day(60), **fields}


def test_only_a_person_holding_a_place_gets_a_kit(api: Api) -> None:
    open_scheme(api, capacity=1)
    refer(api)
    kit_id, _ = kit(api)
    waiting = refer(api)["person_id"]
    stranger = str(api.register()["id"])
    for person_id in (waiting, stranger, str(uuid.uuid4())):
        detail = refused(api, OFFICER, RESERVE, _reserve_body(person_id, kit_id), 422)["detail"]
        assert detail[0]["loc"] == ["body", "person_id"]


def test_a_second_live_loan_of_the_same_kit_or_item_is_409(api: Api) -> None:
    open_scheme(api)
    first, second = (refer(api)["person_id"] for _ in range(2))
    kit_id, items = kit(api)
    reserve(api, first, kit_id)
    detail = refused(api, OFFICER, RESERVE, _reserve_body(second, kit_id), 409)["detail"]
    assert "it is reserved" in detail
    # Nor can its tablet be put in another kit and lent from there.
    body = {"label": "K-other", "item_ids": [items[0], receive(api, "charger")]}
    refused(api, OFFICER, f"{SCHEME}/kits", body, 409)


def test_a_gift_of_an_item_on_loan_to_someone_else_is_409(api: Api) -> None:
    open_scheme(api)
    _, _, items = handed_over(api)
    given = refer(api, plan=GIFTED)["person_id"]
    kit_id = str(api.runtime.app.get_item(uuid.UUID(items[0])).kit_id)
    detail = refused(api, OFFICER, RESERVE, _reserve_body(given, kit_id, due_on=None), 409)
    assert "it is issued" in detail["detail"]


def test_an_item_not_in_stock_or_not_wiped_is_not_issued(api: Api) -> None:
    open_scheme(api)
    person_id = refer(api)["person_id"]
    kit_id, items = kit(api)
    ok(api.post(OFFICER, f"{SCHEME}/stock/{items[1]}/dispose", {"note": "SIM failed"}))
    detail = refused(api, OFFICER, RESERVE, _reserve_body(person_id, kit_id), 409)["detail"]
    assert "it is disposed" in detail
    # A returned tablet is not wiped: its kit cannot be reserved until it is.
    _, loan_id, returned = handed_over(api)
    ok(api.post(OFFICER, f"{LOANS}/{loan_id}/return", {"condition": "good"}))
    again = str(api.runtime.app.get_item(uuid.UUID(returned[0])).kit_id)
    detail = refused(api, OFFICER, RESERVE, _reserve_body(person_id, again), 409)["detail"]
    assert "awaiting_wipe" in detail


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"due_on": None}, 422, "due_on"),  # a loan needs a due date
        ({"due_on": day()}, 422, "due_on"),  # after today
        ({"kit_id": str(uuid.uuid4())}, 404, None),
        ({"kit_id": "not-a-uuid"}, 422, "kit_id"),
        ({"owner": "me"}, 422, "owner"),
    ],
)
def test_a_bad_reservation_is_refused(
    api: Api, change: dict[str, Any], code: int, field: str | None
) -> None:
    open_scheme(api)
    kit_id, _ = kit(api)
    body = {**_reserve_body(refer(api)["person_id"], kit_id), **change}
    answer = refused(api, OFFICER, RESERVE, body, code)
    if field is not None:
        assert field in answer["detail"][0]["loc"]
    refused(api, OFFICER, f"{SCHEME}/2099-00/loans", _reserve_body(body["person_id"], kit_id), 404)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"signature_png": base64.b64encode(b"GIF89a....").decode()}, "signature_png"),
        ({"signature_png": "not base64!"}, "signature_png"),
        ({"signature_png": None}, "signature_png"),  # a signature agreement needs the image
        ({"agreement": "witnessed_verbal", "signature_png": None}, "witness"),
        ({"safe_use_advice": "true"}, "safe_use_advice"),  # a bool, not a string
        ({"safeguarding_advice": False}, "safeguarding_advice"),
        ({"on": day(1)}, "on"),  # in the future
        ({"on": day(-1)}, "on"),  # before the reservation
        ({"agreement": "nod"}, "agreement"),
    ],
)
def test_a_bad_hand_over_is_refused_naming_the_field(
    api: Api, change: dict[str, Any], field: str
) -> None:
    open_scheme(api)
    kit_id, _ = kit(api)
    loan_id = reserve(api, refer(api)["person_id"], kit_id)
    body = hand_over_body(**change)
    detail = refused(api, OFFICER, f"{LOANS}/{loan_id}/hand-over", body, 422)["detail"]
    assert field in detail[0]["loc"]


def test_a_kit_is_handed_over_once(api: Api) -> None:
    open_scheme(api)
    _, loan_id, _ = handed_over(api)
    refused(api, OFFICER, f"{LOANS}/{loan_id}/hand-over", hand_over_body(), 409)
    refused(api, OFFICER, f"{LOANS}/{uuid.uuid4()}/hand-over", hand_over_body(), 404)


@pytest.mark.parametrize(
    ("path", "body", "code", "field"),
    [
        ("return", {"condition": "good", "on": day(-1)}, 422, "on"),  # before the hand-over
        ("return", {"condition": "good", "on": day(1)}, 422, "on"),  # in the future
        ("return", {"condition": "broken"}, 422, "condition"),
        ("return", {"condition": "good", "accessories_present": ["{stranger}"]}, 422, None),
        ("sessions", {"kind": "training", "on": day(-1), "minutes": 30, "topic": "x"}, 422, "on"),
        ("sessions", {"kind": "training", "on": day(1), "minutes": 30, "topic": "x"}, 422, "on"),
        ("sessions", {"kind": "training", "on": day(), "minutes": 0, "topic": "x"}, 422, None),
        ("sessions", {"kind": "training", "on": day(), "minutes": "30", "topic": "x"}, 422, None),
        ("sessions", {"kind": "chat", "on": day(), "minutes": 30, "topic": "x"}, 422, "kind"),
        ("tickets", {"on": day(-1), "problem": "no sound"}, 422, "on"),
        ("tickets", {"on": day(), "problem": ""}, 422, "problem"),
        ("extend", {"due_on": day(10)}, 422, "due_on"),  # not after the due date
        ("convert-to-gift", {"on": day(-1)}, 422, "on"),
        ("cancel", {}, 409, None),  # handed over: it ends, not cancelled
        ("cancel", {"why": "x"}, 422, "why"),
    ],
)
def test_dates_out_of_order_and_bad_values_on_a_live_loan_are_refused(
    api: Api, path: str, body: dict[str, Any], code: int, field: str | None
) -> None:
    open_scheme(api)
    _, loan_id, _ = handed_over(api)
    if "accessories_present" in body:
        body = {**body, "accessories_present": [receive(api, "charger")]}
    answer = refused(api, OFFICER, f"{LOANS}/{loan_id}/{path}", body, code)
    if field is not None:
        assert field in answer["detail"][0]["loc"]


def test_a_ticket_is_not_resolved_before_it_was_opened_nor_on_another_loan(api: Api) -> None:
    open_scheme(api)
    _, loan_id, _ = handed_over(api)
    url = f"{LOANS}/{loan_id}"
    ticket = ok(api.post(OFFICER, f"{url}/tickets", {"on": day(), "problem": "no wifi"}), 201)
    resolve = {"on": day(-1), "resolution": "router reset"}
    detail = refused(api, OFFICER, f"{url}/tickets/{ticket['id']}/resolve", resolve, 422)["detail"]
    assert detail[0]["loc"] == ["body", "on"]
    _, other, _ = handed_over(api)
    resolve["on"] = day()
    refused(api, OFFICER, f"{LOANS}/{other}/tickets/{ticket['id']}/resolve", resolve, 404)
    refused(api, OFFICER, f"{LOANS}/{uuid.uuid4()}/tickets", {"on": day(), "problem": "x"}, 404)


def test_support_is_recorded_only_after_the_hand_over(api: Api) -> None:
    open_scheme(api)
    kit_id, _ = kit(api)
    loan_id = reserve(api, refer(api)["person_id"], kit_id)
    session = {"kind": "training", "on": day(), "minutes": 30, "topic": "x"}
    refused(api, OFFICER, f"{LOANS}/{loan_id}/sessions", session, 409)
    refused(api, OFFICER, f"{LOANS}/{loan_id}/tickets", {"on": day(), "problem": "x"}, 409)
    refused(api, OFFICER, f"{LOANS}/{loan_id}/return", {"condition": "good"}, 409)
