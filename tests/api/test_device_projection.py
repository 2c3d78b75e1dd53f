"""The device scheme read model, built by the projector from events written through the domain
application, on SQLite; the queries are given `today` explicitly, so that overdue and expiring
are checked for any day without back-dating a single event."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate
from sqlalchemy import select

from domain.device_codes import Condition, PlaceStatus
from domain.erasure import Erasure
from domain.loan import Kit, Loan
from domain.scheme import Scheme
from domain.stock import StockItem
from projections import device_queries as q
from projections.devices import DeviceSchemeProjection
from projections.queries import Paging
from tests.api.device_world import TODAY, YEAR, Devices, K, L, day, due, items
from workers.runtime import Runtime


@pytest.fixture
def dv(runtime: Runtime) -> Devices:
    devices = Devices(runtime.app)
    devices.open()
    return devices


def test_stock_states_and_counts_follow_the_items(runtime: Runtime, dv: Devices) -> None:
    anne = dv.person("Anne Example")
    dv.refer(anne)
    tablet, sim, charger, case = dv.tablet(), dv.sim(), dv.item(K.CHARGER), dv.item(K.CASE)
    spare = dv.tablet()
    kit = dv.kit(tablet, sim, charger, case)
    loan = dv.reserve(anne, kit)
    found = items(runtime)
    assert {found[i]["state"] for i in (tablet, sim, charger, case)} == {"reserved"}
    assert {found[i]["loan_id"] for i in (tablet, sim, charger)} == {loan}
    assert found[tablet]["kit_id"] == kit and found[spare]["kit_id"] is None
    assert (found[tablet]["make"], found[tablet]["imei"][:2]) == ("Lenovo", "35")
    assert (found[sim]["network"], found[sim]["monthly_cost"]) == ("Three", Decimal("10.00"))

    dv.hand_over(loan)
    assert {items(runtime)[i]["state"] for i in (tablet, sim, charger, case)} == {"issued"}
    # Returned without the charger: the tablet waits for a wipe, the charger is lost.
    dv.end(loan, L.RETURNED, condition=Condition.GOOD, accessories_present=[tablet, sim, case])
    found = items(runtime)
    assert {i: found[i]["state"] for i in (tablet, sim, charger, case)} == {
        tablet: "awaiting_wipe",
        sim: "in_stock",
        charger: "lost",
        case: "in_stock",
    }
    assert (found[tablet]["wiped"], found[tablet]["loan_id"]) == (False, None)
    assert found[tablet]["last_loan_id"] == loan
    dv.wipe(tablet)
    dv.enrol(spare)
    found = items(runtime)
    assert (found[tablet]["state"], found[tablet]["wiped"]) == ("in_stock", True)
    assert (found[spare]["enrolled"], found[spare]["enrolled_on"]) == (True, TODAY)

    _, _, counts = q.stock_board(runtime.engine, kind=None, state=None, paging=Paging(1, 1))
    assert [(c["kind"], c["state"], c["count"]) for c in counts] == [
        ("case", "in_stock", 1),
        ("charger", "lost", 1),
        ("sim", "in_stock", 1),
        ("tablet", "in_stock", 2),
    ]
    assert set(items(runtime, kind="tablet")) == {tablet, spare}
    assert set(items(runtime, state="lost")) == {charger}
    first, total, _ = q.stock_board(runtime.engine, kind=None, state=None, paging=Paging(2, 3))
    assert (len(first), total) == (2, 5)


def test_loans_due_and_overdue_are_worked_out_from_the_dates(runtime: Runtime, dv: Devices) -> None:
    anne, bill, cath = (dv.person(n) for n in ("Anne Example", "Bill Example", "Cath Example"))
    for person in (anne, bill, cath):
        dv.refer(person)
    soon = dv.issued(anne, dv.tablet(), due_in=10)
    later = dv.issued(bill, dv.tablet(), due_in=40)
    dv.reserve(cath, dv.kit(dv.tablet()), due_in=5)  # not handed over: not on the list

    rows, total = due(runtime, TODAY)
    assert ([r["loan_id"] for r in rows], total) == ([soon, later], 2)
    assert [(r["days_until_due"], r["overdue"]) for r in rows] == [(10, False), (40, False)]
    assert rows[0]["name"] == "Anne Example" and rows[0]["phone"] == "01623 000000"
    assert [r["loan_id"] for r in due(runtime, TODAY, within=10)[0]] == [soon]
    assert due(runtime, TODAY, overdue=True) == ([], 0)

    # Three weeks on, nothing recorded since: the first loan is overdue, by the dates alone.
    rows, _ = due(runtime, day(21), overdue=True)
    assert [(r["loan_id"], r["days_until_due"], r["overdue"]) for r in rows] == [(soon, -11, True)]
    assert [r["loan_id"] for r in due(runtime, day(21), within=30)[0]] == [soon, later]

    dv.app.change_loan(soon, lambda loan: loan.extend(day(50), dv.officer))
    assert due(runtime, day(21), overdue=True) == ([], 0)
    dv.end(later, L.RETURNED, condition=Condition.FAIR)
    assert [r["loan_id"] for r in due(runtime, TODAY)[0]] == [soon]


def test_connectivity_expiring_lists_sims_on_issue_only(runtime: Runtime, dv: Devices) -> None:
    anne, bill = dv.person("Anne Example"), dv.person("Bill Example")
    dv.refer(anne)
    dv.refer(bill)
    ending, lasting = dv.sim(expires=20), dv.sim(expires=100)
    dv.sim(expires=5)  # in stock: nobody to tell
    loan = dv.issued(anne, dv.tablet(), ending)
    dv.issued(bill, dv.tablet(), lasting)
    runtime.catch_up()

    rows = q.connectivity_expiring(runtime.engine, today=TODAY, within_days=30)
    assert [(r["item_id"], r["days_to_expiry"], r["expired"]) for r in rows] == [
        (ending, 20, False)
    ]
    assert (rows[0]["loan_id"], rows[0]["person_id"], rows[0]["name"]) == (
        loan,
        anne,
        "Anne Example",
    )
    later = q.connectivity_expiring(runtime.engine, today=day(30), within_days=90)
    assert [(r["item_id"], r["expired"]) for r in later] == [(ending, True), (lasting, False)]


def test_the_waiting_list_is_in_order_and_the_first_takes_a_freed_place(
    runtime: Runtime,
) -> None:
    dv = Devices(runtime.app, year="2022-23")
    dv.open(capacity=2)
    a, b, c, d, e = (dv.person(f"{n} Example") for n in ("Ann", "Ben", "Cat", "Dan", "Eve"))
    assert [dv.refer(p) for p in (a, b, c, d, e)] == [PlaceStatus.ENROLLED] * 2 + [
        PlaceStatus.WAITING
    ] * 3
    runtime.catch_up()
    waiting = q.waiting_list(runtime.engine, "2022-23")
    assert waiting is not None
    assert [(w["position"], w["person_id"], w["name"]) for w in waiting] == [
        (1, c, "Cat Example"),
        (2, d, "Dan Example"),
        (3, e, "Eve Example"),
    ]
    dv.app.leave_scheme("2022-23", d, "has a tablet already", dv.officer)
    dv.app.leave_scheme("2022-23", a, "moved away", dv.officer)
    runtime.catch_up()
    assert [w["person_id"] for w in q.waiting_list(runtime.engine, "2022-23") or []] == [e]
    promoted = q.person_devices(runtime.engine, c)
    assert promoted is not None
    (place,) = promoted["places"]
    assert (place["status"], place["enrolled_on"], place["waiting_place"]) == (
        "enrolled",
        TODAY,
        None,
    )
    last = q.person_devices(runtime.engine, e)
    assert last is not None and last["places"][0]["waiting_place"] == 1
    (year,) = q.scheme_years(runtime.engine)
    assert (year["year"], year["enrolled"], year["waiting"], year["left"]) == ("2022-23", 2, 1, 2)
    assert q.waiting_list(runtime.engine, "1999-00") is None


def test_rebuild_from_the_log_gives_identical_rows(runtime: Runtime, dv: Devices) -> None:
    people = [dv.person(f"Person {n}") for n in range(3)]
    for person in people:
        dv.refer(person)
    loans = [dv.issued(p, dv.tablet(), dv.sim(), dv.item(K.CASE)) for p in people]
    dv.session(loans[0], 30)
    ticket = uuid4()
    dv.app.change_loan(loans[1], lambda x: x.open_ticket(ticket, TODAY, "Slow", dv.officer))
    dv.app.change_loan(loans[1], lambda x: x.resolve_ticket(ticket, TODAY, "Updated", dv.officer))
    dv.end(loans[2], L.RETURNED, condition=Condition.GOOD)
    dv.app.leave_scheme(YEAR, people[2], "moved away", dv.officer)
    runtime.catch_up()
    projector = runtime.projector("devices")

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        with runtime.engine.connect() as conn:
            return {
                table.name: sorted((tuple(r) for r in conn.execute(select(table))), key=repr)
                for table in projector.projection.tables
            }

    before = snapshot()
    assert all(before.values())
    projector.reset()
    assert not any(snapshot().values())
    runtime.catch_up()
    assert snapshot() == before
    assert projector.is_caught_up()


def _events(*aggregates: type[Aggregate]) -> set[type[Any]]:
    return {
        value
        for cls in aggregates
        for value in vars(cls).values()
        if isinstance(value, type)
        and issubclass(value, Aggregate.Event)
        and value.__name__ not in ("Event", "Change", "Created")
    }


def test_the_projection_handles_every_event_of_the_scheme() -> None:
    handled = set(DeviceSchemeProjection().handlers())
    # ... and an erasure, which blanks the person's personal columns.
    assert handled == _events(StockItem, Kit, Loan, Scheme) | {Erasure.Recorded}
    assert len(handled) == 4 + 2 + 7 + 5 + 1
