"""The device scheme read model, built by the projector from events written through the domain
application, on SQLite; the queries are given `today` explicitly, so that overdue and expiring
are checked for any day without back-dating a single event."""

from __future__ import annotations

import csv
import gzip
import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate
from sqlalchemy import select

from domain.application import LacApplication
from domain.device_codes import (
    Agreement,
    Condition,
    ItemKind,
    LoanStatus,
    Need,
    PlaceStatus,
    Provision,
    Recipient,
    SessionKind,
)
from domain.errors import InvalidField
from domain.loan import Kit, Loan
from domain.person import PersonDetails
from domain.scheme import Scheme
from domain.stock import ItemDetails, StockItem, check_imei
from projections import device_queries as q
from projections.devices import DeviceSchemeProjection
from projections.imd import load_imd
from projections.queries import Paging
from workers.runtime import Runtime

K, P, L = ItemKind, Provision, LoanStatus
TODAY = datetime.now(UTC).date()  # the day the domain stamps on reservations
YEAR = "2021-22"
IMD = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "imd2019"
IMD_FILE = IMD / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
# Real LSOAs (IMD 2019 decile): Mansfield 001A (3), Broxtowe 011C (7), Rushcliffe 012B (10).
MANSFIELD, BROXTOWE, RUSHCLIFFE = "E01028224", "E01028075", "E01028412"
_serials = itertools.count(1)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def an_imei() -> str:
    body = f"35{next(_serials):012d}"
    for digit in "0123456789":
        try:
            return check_imei(body + digit)
        except InvalidField:
            continue
    raise AssertionError("no check digit fits")


@dataclass
class Devices:
    """Writes the device scheme through the domain application, dated relative to today."""

    app: LacApplication
    officer: UUID = field(default_factory=uuid4)
    worker: UUID = field(default_factory=uuid4)
    year: str = YEAR

    def open(self, capacity: int = 300, started: int = 120, left: int = 245) -> None:
        self.app.open_scheme(
            self.year, day(-started), day(left), self.officer, capacity=capacity
        )  # £25 an hour of support and £60 a tablet for set-up, by default

    def person(
        self,
        name: str,
        district: str = "Mansfield",
        lsoa: str | None = MANSFIELD,
        address: str = "1 High Street, Mansfield",
    ) -> UUID:
        details = PersonDetails(
            name,
            date(1950, 3, 1),
            "NG18 1AB",
            district,
            lsoa_code=lsoa,
            address=address,
            phone="01623 000000",
            email=f"{name.split()[0].lower()}@example.org",
        )
        return self.app.register_person(details, self.worker).id

    def refer(
        self,
        person_id: UUID,
        tablet: Provision = P.LOAN,
        cares_for: UUID | None = None,
        **plan: Provision,
    ) -> PlaceStatus:
        recipient = Recipient.CARER if cares_for else Recipient.VULNERABLE_ADULT
        kinds = {K.TABLET: tablet, **{K(k): v for k, v in plan.items()}}
        _, status = self.app.refer_to_scheme(
            self.year,
            person_id,
            "CSP-1234",
            Need.CARER_SUPPORT if cares_for else Need.DIGITAL_EXCLUSION,
            recipient,
            kinds,
            ["cannot reach her GP online"],
            self.worker,
            cares_for_id=cares_for,
        )
        return status

    def item(self, kind: ItemKind, cost: str = "10", **extra: Any) -> UUID:
        details = ItemDetails(kind, f"{kind.value}-{next(_serials)}", Decimal(cost), TODAY, **extra)
        return self.app.receive_item(details, self.officer).id

    def tablet(self, cost: str = "200") -> UUID:
        return self.item(K.TABLET, cost, make="Lenovo", model="Tab M10", imei=an_imei())

    def sim(self, starts: int = -100, expires: int = 400, monthly: str = "10") -> UUID:
        return self.item(
            K.SIM,
            "0",
            network="Three",
            data_allowance_gb=20,
            monthly_cost=Decimal(monthly),
            starts_on=day(starts),
            expires_on=day(expires),
        )

    def kit(self, *items: UUID) -> UUID:
        return self.app.assemble_kit(f"Kit {next(_serials)}", list(items), self.officer).id

    def reserve(self, person_id: UUID, kit_id: UUID, due_in: int | None = 60) -> UUID:
        due = None if due_in is None else day(due_in)
        return self.app.reserve_kit(self.year, person_id, kit_id, due, self.officer).id

    def hand_over(self, loan_id: UUID) -> None:
        self.app.hand_over(
            loan_id,
            None,
            Agreement.WITNESSED_VERBAL,
            None,
            "Jo (daughter)",
            True,
            True,
            self.officer,
        )

    def issued(self, person_id: UUID, *items: UUID, due_in: int | None = 60) -> UUID:
        loan_id = self.reserve(person_id, self.kit(*items), due_in)
        self.hand_over(loan_id)
        return loan_id

    def session(
        self, loan_id: UUID, minutes: int, kind: SessionKind = SessionKind.TRAINING
    ) -> UUID:
        session_id = uuid4()
        self.app.change_loan(
            loan_id,
            lambda loan: loan.record_session(
                session_id, kind, TODAY, minutes, "Video calls", "Called her son", self.officer
            ),
        )
        return session_id

    def end(self, loan_id: UUID, status: LoanStatus, **kw: Any) -> None:
        self.app.end_loan(loan_id, status, None, self.officer, **kw)

    def wipe(self, item_id: UUID) -> None:
        self.app.change_item(item_id, lambda i, d: i.step("wipe", d, self.officer))

    def enrol(self, item_id: UUID) -> None:
        self.app.change_item(item_id, lambda i, d: i.enrol(d, self.officer))


@pytest.fixture
def dv(runtime: Runtime) -> Devices:
    devices = Devices(runtime.app)
    devices.open()
    return devices


def small_imd_file(directory: Path) -> Path:
    """The three LSOAs used here, as published (plain CSV is read the same as gzip)."""
    path = directory / "imd.csv"
    with gzip.open(IMD_FILE, "rt", encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    wanted = {MANSFIELD, BROXTOWE, RUSHCLIFFE}
    with path.open("w", encoding="utf-8-sig", newline="") as target:
        writer = csv.writer(target, lineterminator="\r\n")
        writer.writerow(rows[0])
        writer.writerows(r for r in rows[1:] if r[0] in wanted)
    return path


@pytest.fixture
def small_imd(tmp_path: Path) -> Path:
    return small_imd_file(tmp_path)


def items(runtime: Runtime, **kw: Any) -> dict[UUID, dict[str, Any]]:
    runtime.catch_up()
    args: dict[str, Any] = {"kind": None, "state": None, "paging": Paging(1, 100)} | kw
    rows, total, _ = q.stock_board(runtime.engine, **args)
    assert total == len(rows)
    return {r["item_id"]: r for r in rows}


def due(runtime: Runtime, today: date, within: int | None = None, overdue: bool = False) -> Any:
    runtime.catch_up()
    return q.loans_due(
        runtime.engine,
        today=today,
        within_days=within,
        overdue_only=overdue,
        paging=Paging(1, 100),
    )


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
    assert handled == _events(StockItem, Kit, Loan, Scheme)
    assert len(handled) == 4 + 2 + 7 + 5
