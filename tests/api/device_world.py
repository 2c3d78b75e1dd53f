"""Shared by the device scheme read-model tests: writes the scheme through the domain
application, dated relative to today, and reads the projection back."""

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

from domain.application import LacApplication
from domain.device_codes import (
    Agreement,
    ItemKind,
    LoanStatus,
    Need,
    PlaceStatus,
    Provision,
    Recipient,
    SessionKind,
)
from domain.errors import InvalidField
from domain.person import PersonDetails
from domain.stock import ItemDetails, check_imei
from projections import device_queries as q
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
