"""Device scheme stock over HTTP: receive items (serial and IMEI unique, IMEI check digit),
step them (enrol, wipe, repair, repaired, dispose), assemble kits; and the separation of
duties between the device officer and Local Area Coordination casework."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from domain.device_codes import ItemKind, ItemState
from domain.stock import item_id
from tests.api.conftest import Api
from tests.api.device_fixtures import (
    OFFICER,
    SCHEME,
    YEAR,
    day,
    get_kit,
    item,
    item_body,
    kit,
    ok,
    open_scheme,
    receive,
    refer,
    refused,
    states,
)

STOCK = f"{SCHEME}/stock"
KITS = f"{SCHEME}/kits"


def test_items_are_received_into_stock_with_their_details(api: Api) -> None:
    body = item_body("tablet", serial="r9-abc 1")
    made = ok(api.post(OFFICER, STOCK, body), 201)
    assert made["id"] == str(item_id(ItemKind.TABLET, "R9-ABC 1"))
    tablet = item(api, made["id"])
    assert (tablet.state, tablet.wiped, tablet.enrolled) == (ItemState.IN_STOCK, True, False)
    assert tablet.details["imei"] == body["imei"]
    assert tablet.details["cost"] == Decimal("199.99")
    sim = item(api, receive(api, "sim"))
    assert (sim.kind, sim.details["network"], sim.details["monthly_cost"]) == (
        ItemKind.SIM,
        "Vodafone",
        Decimal("8.20"),
    )
    assert (
        item(api, receive(api, "other_accessory", description="stylus")).state is ItemState.IN_STOCK
    )


def test_a_duplicate_serial_or_imei_is_409_and_nothing_recorded(api: Api) -> None:
    first = item_body("tablet")
    ok(api.post(OFFICER, STOCK, first), 201)
    same_serial = item_body("tablet", serial=first["serial"].lower())
    assert "serial" in refused(api, OFFICER, STOCK, same_serial, 409)["detail"]
    same_imei = item_body("tablet", imei=first["imei"])
    assert "IMEI" in refused(api, OFFICER, STOCK, same_imei, 409)["detail"]
    # The same serial on a different kind of item is a different item.
    ok(api.post(OFFICER, STOCK, item_body("charger", serial=first["serial"])), 201)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"imei": "352099000000001"}, "imei"),  # wrong check digit
        ({"imei": "35209900000000"}, "imei"),  # 14 digits
        ({"cost": "-1"}, "cost"),
        ({"cost": "10000"}, "cost"),
        ({"received_on": day(3)}, "received_on"),
        ({"model": None}, "model"),  # a tablet needs its make and model
        ({"kind": "laptop"}, "kind"),
        ({"serial": ""}, "serial"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_bad_item_is_refused_naming_the_field(
    api: Api, change: dict[str, object], field: str
) -> None:
    detail = refused(api, OFFICER, STOCK, {**item_body("tablet"), **change}, 422)["detail"]
    assert field in detail[0]["loc"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"network": None}, "network"),
        ({"monthly_cost": None}, "monthly_cost"),
        ({"expires_on": day(-6)}, "expires_on"),  # before it starts
        ({"data_allowance_gb": "30"}, "data_allowance_gb"),
    ],
)
def test_a_bad_sim_is_refused_naming_the_field(
    api: Api, change: dict[str, object], field: str
) -> None:
    detail = refused(api, OFFICER, STOCK, item_body("sim", **change), 422)["detail"]
    assert field in detail[0]["loc"]


def test_items_are_enrolled_wiped_repaired_and_disposed_of(api: Api) -> None:
    tablet = receive(api)
    url = f"{STOCK}/{tablet}"
    ok(api.post(OFFICER, f"{url}/enrol", {"on": day(-1)}))
    assert item(api, tablet).enrolled
    assert "already enrolled" in refused(api, OFFICER, f"{url}/enrol", {}, 409)["detail"]
    charger = receive(api, "charger")
    refused(api, OFFICER, f"{STOCK}/{charger}/enrol", {}, 422)
    ok(api.post(OFFICER, f"{url}/repair", {"note": "cracked screen"}))
    assert item(api, tablet).state is ItemState.IN_REPAIR
    # Not from in repair: a wipe (409, with the reason), a second repair.
    detail = refused(api, OFFICER, f"{url}/wipe", {}, 409)["detail"]
    assert "only from awaiting_wipe or in_stock" in detail
    refused(api, OFFICER, f"{url}/repair", {"note": "again"}, 409)
    ok(api.post(OFFICER, f"{url}/repaired", {}))
    assert (item(api, tablet).state, item(api, tablet).wiped) == (ItemState.AWAITING_WIPE, False)
    ok(api.post(OFFICER, f"{url}/wipe", {"on": day()}))
    assert (item(api, tablet).state, item(api, tablet).wiped) == (ItemState.IN_STOCK, True)
    ok(api.post(OFFICER, f"{url}/dispose", {"note": "beyond economic repair"}))
    assert item(api, tablet).state is ItemState.DISPOSED
    refused(api, OFFICER, f"{url}/wipe", {}, 409)
    refused(api, OFFICER, f"{url}/repaired", {}, 409)


@pytest.mark.parametrize(
    ("step", "body", "code"),
    [
        ("wipe", {"on": day(1)}, 422),  # in the future
        ("repair", {}, 422),  # says what is wrong
        ("dispose", {"note": ""}, 422),
        ("wipe", {"on": "yesterday"}, 422),
        ("shred", {}, 404),
    ],
)
def test_a_bad_step_is_refused(api: Api, step: str, body: dict[str, object], code: int) -> None:
    refused(api, OFFICER, f"{STOCK}/{receive(api)}/{step}", body, code)


def test_a_step_for_an_unknown_item_is_404(api: Api) -> None:
    refused(api, OFFICER, f"{STOCK}/{uuid.uuid4()}/wipe", {}, 404)


def test_a_kit_is_assembled_from_items_in_stock(api: Api) -> None:
    kit_id, items = kit(api)
    assembled = get_kit(api, kit_id)
    assert [str(i) for i in assembled.item_ids] == items
    assert all(item(api, i).kit_id == assembled.id for i in items)
    assert states(api, items) == ["in_stock"] * 4
    # An item already in a kit.
    detail = refused(api, OFFICER, KITS, {"label": "K2", "item_ids": [items[0]]}, 409)["detail"]
    assert "take it out of its kit first" in detail
    # No tablet, two tablets.
    two = [receive(api), receive(api)]
    for item_ids in ([receive(api, "charger")], two):
        detail = refused(api, OFFICER, KITS, {"label": "K3", "item_ids": item_ids}, 422)["detail"]
        assert detail[0]["loc"] == ["body", "item_ids"]
    # An item not in stock; an unknown item.
    ok(api.post(OFFICER, f"{STOCK}/{two[0]}/repair", {"note": "no sound"}))
    refused(api, OFFICER, KITS, {"label": "K4", "item_ids": [two[0]]}, 409)
    refused(api, OFFICER, KITS, {"label": "K5", "item_ids": [two[1], str(uuid.uuid4())]}, 404)
    refused(api, OFFICER, KITS, {"label": "K6", "item_ids": []}, 422)


def test_a_kit_made_again_under_the_same_key_is_the_same_kit(api: Api) -> None:
    body = {"label": "KIT-A", "item_ids": [receive(api), receive(api, "sim")]}
    made = ok(api.post(OFFICER, KITS, body, key="kit-a"), 201)
    again = api.post(OFFICER, KITS, body, key="kit-a")
    assert (again.status_code, again.json()) == (201, made)


def test_a_repair_is_not_the_way_to_take_a_device_off_a_loan(api: Api) -> None:
    open_scheme(api)
    person_id = refer(api)["person_id"]
    kit_id, items = kit(api)
    body = {"person_id": person_id, "kit_id": kit_id, "due_on": day(60)}
    ok(api.post(OFFICER, f"{SCHEME}/{YEAR}/loans", body), 201)
    detail = refused(api, OFFICER, f"{STOCK}/{items[0]}/repair", {"note": "broken"}, 409)["detail"]
    assert "end the loan as damaged" in detail


# --- separation of duties ------------------------------------------------------------------


def test_a_device_officer_cannot_reach_local_area_coordination_casework(api: Api) -> None:
    person_id = str(api.register()["id"])
    casework: list[tuple[str, dict[str, Any]]] = [
        (f"/people/{person_id}/involvement", {}),
        (f"/people/{person_id}/contacts", {}),
        (f"/people/{person_id}/outcomes", {}),
        ("/community-work", {}),
    ]
    for url, body in casework:
        detail = refused(api, OFFICER, url, body, 403)["detail"]
        assert detail.startswith("your role (device_officer) may not do this")
    for url in (f"/people/{person_id}/casework", "/caseload", f"/people/{person_id}/timeline"):
        assert api.get(OFFICER, url).status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        SCHEME,
        f"{SCHEME}/{YEAR}/people/{uuid.uuid4()}/leave",
        STOCK,
        f"{STOCK}/{uuid.uuid4()}/wipe",
        KITS,
        f"{SCHEME}/{YEAR}/loans",
        f"{SCHEME}/loans/{uuid.uuid4()}/hand-over",
        f"{SCHEME}/loans/{uuid.uuid4()}/sessions",
        f"{SCHEME}/loans/{uuid.uuid4()}/return",
    ],
)
def test_a_coordinator_cannot_call_device_routes(api: Api, url: str) -> None:
    detail = refused(api, "coordinator", url, {}, 403)["detail"]
    assert detail.startswith("your role (coordinator) may not do this (devices.")


def test_a_kit_is_dismantled_and_its_items_re_kitted(api: Api) -> None:
    items = [receive(api, "tablet"), receive(api, "charger")]
    made = api.post("device_officer", "/device-scheme/kits", {"label": "K", "item_ids": items})
    assert made.status_code == 201, made.text
    url = f"/device-scheme/kits/{made.json()['id']}/dismantle"
    assert api.post("coordinator", url).status_code == 403
    assert api.post("device_officer", url).status_code == 200
    assert api.post("device_officer", url).status_code == 409
    again = api.post("device_officer", "/device-scheme/kits", {"label": "K2", "item_ids": items})
    assert again.status_code == 201, again.text
