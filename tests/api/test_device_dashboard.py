"""The device scheme dashboard, end-of-scheme list and a person's devices page, from the read
model built by the projector on SQLite; queries are given `today` explicitly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from uuid import uuid4

import pytest

from domain.device_codes import Condition, SessionKind
from projections import device_queries as q
from projections.imd import load_imd
from tests.api.device_world import (
    BROXTOWE,
    RUSHCLIFFE,
    TODAY,
    YEAR,
    Devices,
    K,
    L,
    P,
    day,
    items,
    small_imd_file,
)
from workers.runtime import Runtime


@pytest.fixture
def dv(runtime: Runtime) -> Devices:
    devices = Devices(runtime.app)
    devices.open()
    return devices


@pytest.fixture
def small_imd(tmp_path: Path) -> Path:
    return small_imd_file(tmp_path)


def test_dashboard_budget_from_a_small_worked_example(runtime: Runtime, dv: Devices) -> None:
    """Two tablets at £200 and a charger at £10; one SIM at £10 a month from 100 days ago (3
    whole months) running past the scheme's end (11 whole months within it); one tablet
    enrolled at £60; 90 minutes of support at £25 an hour. The scheme began 120 days ago
    and ends in 245 days: 366 days, of which 121 (today included) have gone."""
    anne = dv.person("Anne Example")
    dv.refer(anne)
    first, second = dv.tablet(), dv.tablet()
    loan = dv.issued(anne, first, dv.sim(), dv.item(K.CHARGER, "10"))
    dv.enrol(first)
    dv.session(loan, 60)
    dv.session(loan, 30, SessionKind.REMOTE_SUPPORT)
    runtime.catch_up()
    board = q.scheme_dashboard(runtime.engine, YEAR, today=TODAY)
    assert board is not None
    lines = {line["line"]: line for line in board["budget"]["lines"]}

    def figures(line: str) -> tuple[str, ...]:
        keys = ("budget", "spend", "committed", "forecast", "remaining")
        return tuple(str(lines[line][k]) for k in keys)

    assert figures("tablets") == ("62000.00", "410.00", "0.00", "410.00", "61590.00")
    assert figures("connectivity_4g") == ("29500.00", "30.00", "80.00", "110.00", "29390.00")
    # The second tablet, received and not yet enrolled, is a commitment of another £60.
    assert figures("setup_and_device_management") == (
        "18000.00",
        "60.00",
        "60.00",
        "120.00",
        "17880.00",
    )
    forecast = (Decimal("37.50") * 366 / 121).quantize(Decimal("0.01"))
    assert forecast == Decimal("113.43")
    assert figures("service_user_support") == ("96000.00", "37.50", "0.00", "113.43", "95886.57")
    total = board["budget"]["total"]
    assert (total["budget"], total["spend"], total["forecast"]) == (
        Decimal("205500.00"),
        Decimal("537.50"),
        Decimal("753.43"),
    )
    assert total["remaining"] == Decimal("205500.00") - Decimal("753.43")
    assumptions = " ".join(board["budget"]["assumptions"])
    assert "£25.00 an hour" in lines["service_user_support"]["method"]
    assert "Support hourly rate: £25.00" in assumptions and "£60.00 per tablet" in assumptions
    assert (board["budget"]["support_hourly_rate"], board["support_hours"]) == (
        Decimal("25.00"),
        Decimal("1.50"),
    )
    assert (board["training_sessions"], board["remote_support_sessions"]) == (1, 1)
    assert (board["people_benefited"], board["active_loans"], board["gifts"]) == (1, 1, 0)
    assert board["capacity"] == {"capacity": 300, "enrolled": 1, "waiting": 0, "left": 0}
    assert items(runtime)[second]["enrolled"] is False


def test_dashboard_counts_gifts_returns_losses_by_district_and_deprivation(
    runtime: Runtime, dv: Devices, small_imd: Path
) -> None:
    load_imd(runtime.engine, small_imd)
    people = {
        "anne": dv.person("Anne Example"),
        "bill": dv.person("Bill Example", "Broxtowe", BROXTOWE),
        "cath": dv.person("Cath Example", "Rushcliffe", RUSHCLIFFE),
        "dora": dv.person("Dora Example", "Rushcliffe", None),
        "evan": dv.person("Evan Example"),
        "fred": dv.person("Fred Example"),
        "gina": dv.person("Gina Example"),
    }
    for name, person in people.items():
        dv.refer(person, P.GIFT if name in ("bill", "cath") else P.LOAN)
    gift = dv.issued(people["bill"], dv.tablet(), due_in=None)
    dv.issued(people["cath"], dv.tablet(), due_in=None)
    returned = dv.issued(people["anne"], dv.tablet())
    dv.end(returned, L.RETURNED, condition=Condition.DAMAGED)
    lost = dv.issued(people["dora"], dv.tablet())
    dv.end(lost, L.STOLEN, note="taken from her bag")
    broken = dv.issued(people["gina"], dv.tablet())
    dv.end(broken, L.DAMAGED, note="dropped down the stairs")
    converted = dv.issued(people["evan"], dv.tablet())
    dv.end(converted, L.GIFTED)
    dv.reserve(people["fred"], dv.kit(dv.tablet()))  # reserved only: nobody benefited yet
    runtime.catch_up()

    board = q.scheme_dashboard(runtime.engine, YEAR, today=TODAY)
    assert board is not None
    assert board["people_benefited"] == 6
    assert (board["gifts"], board["returns"], board["losses"]) == (3, 1, 2)
    assert (board["lost"], board["stolen"], board["damaged"]) == (0, 1, 1)
    assert board["active_loans"] == 0
    assert board["by_district"] == [
        {"district": "Broxtowe", "people": 1},
        {"district": "Mansfield", "people": 3},
        {"district": "Rushcliffe", "people": 2},
    ]
    # Mansfield 001A is decile 3 (quintile 2), Broxtowe 011C decile 7 (4), Rushcliffe 012B 10 (5).
    assert board["by_deprivation"] == [
        {"quintile": 1, "people": 0},
        {"quintile": 2, "people": 3},
        {"quintile": 3, "people": 0},
        {"quintile": 4, "people": 1},
        {"quintile": 5, "people": 1},
        {"quintile": None, "people": 1},
    ]
    assert board["imd_edition"] == "English Indices of Deprivation 2019"
    # Returned damaged, or reported damaged: both tablets are off for repair.
    assert len(items(runtime, state="in_repair")) == 2
    bill = q.person_devices(runtime.engine, people["bill"])
    assert bill is not None
    assert [(x["loan_id"], x["status"], x["is_gift"]) for x in bill["loans"]] == [
        (gift, "gifted", True)
    ]
    assert q.scheme_dashboard(runtime.engine, "1999-00", today=TODAY) is None


def test_end_of_scheme_list_recalls_loans_and_converts_planned_gifts(
    runtime: Runtime, dv: Devices
) -> None:
    anne, bill, cath = (dv.person(n) for n in ("Anne Example", "Bill Example", "Cath Example"))
    dv.refer(anne)
    dv.refer(bill, P.GIFT, sim=P.LOAN)  # the tablet is hers to keep, the SIM is lent
    dv.refer(cath, P.GIFT)
    recall = dv.issued(anne, dv.tablet(), dv.sim(), due_in=300)
    mixed_sim = dv.sim()
    convert = dv.issued(bill, dv.tablet(), mixed_sim, due_in=200)
    dv.issued(cath, dv.tablet(), due_in=None)  # all given at hand-over: nothing to do
    runtime.catch_up()

    found = q.end_of_scheme_list(runtime.engine, YEAR)
    assert found is not None
    assert (found["ends_on"], found["recall"], found["convert_to_gift"]) == (day(245), 1, 1)
    rows = {r["loan_id"]: r for r in found["loans"]}
    assert set(rows) == {recall, convert}
    assert (rows[recall]["recommendation"], rows[recall]["plan_tablet"]) == ("recall", "loan")
    assert rows[convert]["recommendation"] == "convert to gift"
    provisions = {i["kind"]: (i["provision"], i["state"]) for i in rows[convert]["items"]}
    assert provisions == {"tablet": ("gift", "gifted"), "sim": ("loan", "issued")}
    assert q.end_of_scheme_list(runtime.engine, "1999-00") is None


def test_a_persons_devices_sessions_and_tickets(runtime: Runtime, dv: Devices) -> None:
    cared_for = dv.person("Anne Example")
    carer = dv.person("Bill Example")
    dv.refer(cared_for)
    dv.refer(carer, P.GIFT, cares_for=cared_for)
    loan = dv.issued(cared_for, dv.tablet(), dv.sim())
    session = dv.session(loan, 45)
    ticket = uuid4()
    dv.app.change_loan(loan, lambda x: x.open_ticket(ticket, TODAY, "No signal", dv.officer))
    other = uuid4()
    dv.app.change_loan(loan, lambda x: x.open_ticket(other, TODAY, "Forgot PIN", dv.officer))
    dv.app.change_loan(loan, lambda x: x.resolve_ticket(other, TODAY, "PIN reset", dv.officer))
    runtime.catch_up()

    page = q.person_devices(runtime.engine, cared_for, today=day(90))
    assert page is not None
    contact = {k: page[k] for k in ("name", "phone", "email", "address", "postcode")}
    assert contact == {
        "name": "Anne Example",
        "phone": "01623 000000",
        "email": "anne@example.org",
        "address": "1 High Street, Mansfield",
        "postcode": "NG18 1AB",
    }
    (place,) = page["places"]
    assert (place["year"], place["need"], place["plan"]) == (
        YEAR,
        "digital_exclusion",
        {"tablet": "loan"},
    )
    (lent,) = page["loans"]
    assert (lent["loan_id"], lent["status"], lent["agreement"], lent["overdue"]) == (
        loan,
        "active",
        "witnessed_verbal",
        True,  # due in 60 days; seen from 90 days on
    )
    assert (lent["sessions_count"], lent["support_minutes"], lent["open_tickets"]) == (1, 45, 1)
    assert sorted(i["kind"] for i in lent["items"]) == ["sim", "tablet"]
    assert [s["session_id"] for s in page["sessions"]] == [session]
    assert {t["ticket_id"]: t["resolution"] for t in page["tickets"]} == {
        ticket: None,
        other: "PIN reset",
    }
    carer_page = q.person_devices(runtime.engine, carer)
    assert carer_page is not None
    assert carer_page["places"][0]["recipient"] == "carer"
    assert carer_page["places"][0]["cares_for_id"] == cared_for
    assert q.person_devices(runtime.engine, dv.person("Not Referred")) is None
