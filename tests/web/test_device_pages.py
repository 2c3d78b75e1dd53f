"""The device officer's stock board, receiving items and assembling kits, and the scheme
dashboard: what the pages show, that their forms record the right thing (read back through
the JSON API), errors beside the fields with what was typed kept, and who may not come in."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.api.device_fixtures import (
    OFFICER,
    SCHEME,
    day,
    handed_over,
    imei,
    kit,
    open_scheme,
    receive,
)
from tests.web.conftest import Browsers

BOARD = "/app/devices/stock"


def stock_item(api: Api, item_id: str) -> dict[str, Any]:
    """An item as the JSON API's stock board has it now."""
    position = api.log_position()
    answer = api.get(OFFICER, f"{SCHEME}/stock", page_size=100, min_position=position)
    assert answer.status_code == 200, answer.text
    found = [i for i in answer.json()["items"] if i["item_id"] == item_id]
    assert found, f"no item {item_id} on the stock board"
    return dict(found[0])


def test_the_board_shows_items_by_state_and_kits(api: Api, browsers: Browsers) -> None:
    tablet = receive(api, "tablet", serial="TAB-BOARD-1")
    receive(api, "charger", serial="CHG-BOARD-1")
    kit_id, items = kit(api)
    officer = browsers.signed_in(OFFICER)
    page = officer.get(BOARD)
    assert page.status_code == 200
    assert "<h1" in page.text and page.text.count("<h1") == 1
    assert "TAB-BOARD-1" in page.text and "CHG-BOARD-1" in page.text
    assert "Received, not enrolled" in page.text  # a new tablet still to enrol
    assert "How many of each kind of item are at each state" in page.text
    first_tablet = stock_item(api, items[0])["serial"]
    assert f"Kit with tablet {first_tablet}" in page.text
    assert f'action="/app/devices/kits/{kit_id}/dismantle"' in page.text
    assert f'action="/app/devices/stock/{tablet}/enrol"' in page.text
    chargers = officer.get(BOARD, kind="charger")
    assert "CHG-BOARD-1" in chargers.text and "TAB-BOARD-1" not in chargers.text


def test_enrolling_through_the_board_changes_the_state(api: Api, browsers: Browsers) -> None:
    tablet = receive(api, "tablet")
    officer = browsers.signed_in(OFFICER)
    done = officer.submit(f"{BOARD}/{tablet}/enrol", {"idempotency_key": "enrol-1"}, page=BOARD)
    assert done.status_code == 200
    assert "Enrolment recorded." in done.text
    assert stock_item(api, tablet)["enrolled"] is True
    again = officer.submit(f"{BOARD}/{tablet}/enrol", {}, page=BOARD)  # already enrolled
    assert again.status_code == 409
    assert "already enrolled" in again.text


def test_repair_needs_a_note_beside_its_field_then_goes_for_repair(
    api: Api, browsers: Browsers
) -> None:
    charger = receive(api, "charger")
    officer = browsers.signed_in(OFFICER)
    before = api.log_position()
    refused = officer.submit(f"{BOARD}/{charger}/repair", {"note": ""}, page=BOARD)
    assert refused.status_code == 422
    assert f'id="repair-{charger}-error"' in refused.text
    assert f'href="#repair-{charger}"' in refused.text  # the summary links to the field
    assert api.log_position() == before
    done = officer.submit(f"{BOARD}/{charger}/repair", {"note": "Cable frayed"}, page=BOARD)
    assert "Recorded as sent for repair." in done.text
    assert stock_item(api, charger)["state"] == "in_repair"
    back = officer.submit(f"{BOARD}/{charger}/repaired", {}, page=BOARD)
    assert "Recorded back from repair." in back.text
    assert stock_item(api, charger)["state"] == "awaiting_wipe"


def test_receiving_an_item_keeps_what_was_typed_when_the_imei_is_wrong(
    api: Api, browsers: Browsers
) -> None:
    officer = browsers.signed_in(OFFICER)
    form = "/app/devices/stock/receive"
    fields = {
        "kind": "tablet",
        "serial": "TAB-NEW-7",
        "cost": "189.50",
        "received_on": day(-1),
        "make": "Lenovo",
        "model": "Tab M10",
        "imei": "123456789012345",
    }
    before = api.log_position()
    refused = officer.submit(form, fields, page=form)
    assert refused.status_code == 422
    assert 'id="imei-error"' in refused.text and "check digit" in refused.text
    assert 'value="TAB-NEW-7"' in refused.text and 'value="189.50"' in refused.text
    assert api.log_position() == before
    done = officer.submit(form, {**fields, "imei": imei()}, page=form)
    assert "Tablet received into stock." in done.text
    assert "TAB-NEW-7" in done.text  # back on the board, reading its own write


def test_assembling_and_dismantling_a_kit(api: Api, browsers: Browsers) -> None:
    tablet = receive(api, "tablet", serial="TAB-KIT-1")
    sim = receive(api, "sim", serial="SIM-KIT-1")
    officer = browsers.signed_in(OFFICER)
    form = "/app/devices/kits/new"
    refused = officer.submit(form, {"label": "KIT-9", "item_ids": [sim]}, page=form)
    assert refused.status_code == 422
    assert 'id="item_ids-error"' in refused.text and "exactly one tablet" in refused.text
    assert f'value="{sim}" checked' in refused.text  # the choice is kept
    done = officer.submit(form, {"label": "KIT-9", "item_ids": [tablet, sim]}, page=form)
    assert "Kit assembled." in done.text
    kit_id = stock_item(api, tablet)["kit_id"]
    assert kit_id and stock_item(api, sim)["kit_id"] == kit_id
    apart = officer.submit(f"/app/devices/kits/{kit_id}/dismantle", {}, page=BOARD)
    assert "Kit taken apart" in apart.text
    assert stock_item(api, tablet)["kit_id"] is None


def test_a_coordinator_cannot_open_the_stock_board_nor_use_its_forms(
    api: Api, browsers: Browsers
) -> None:
    tablet = receive(api, "tablet")
    coordinator = browsers.signed_in("coordinator")
    assert coordinator.get(BOARD).status_code == 403
    before = api.log_position()
    refused = coordinator.submit(f"{BOARD}/{tablet}/enrol", {}, page="/app/", follow=False)
    assert refused.status_code == 403
    assert api.log_position() == before
    assert stock_item(api, tablet)["enrolled"] is False


def test_the_dashboard_for_an_evaluator(api: Api, browsers: Browsers) -> None:
    open_scheme(api)
    handed_over(api)
    evaluator = browsers.signed_in("evaluator")
    page = evaluator.get("/app/devices/dashboard")
    assert page.status_code == 200
    assert "Scheme dashboard for 2021-22" in page.text
    assert "<caption" in page.text and "Budget and spend by line" in page.text
    assert "People helped (handed a loan or gift)" in page.text
    helped = page.text.split("People helped (handed a loan or gift)</th>")[1]
    assert helped.split("</td>")[0].endswith(">1")
    assert "£62,000" in page.text  # the tablets line of the default budget
    assert "<script" not in page.text.split("</header>")[1]  # no page script needed
    officer = browsers.signed_in(OFFICER)
    assert officer.get("/app/devices/dashboard", year="2021-22").status_code == 200
