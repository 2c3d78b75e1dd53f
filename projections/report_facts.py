"""Report facts: a slim, append-only copy of the events that committee reports count.

One row per event, keyed by its position in the event log, holding only analytic fields
(codes, dates, minutes, districts; never a name, NHS number, address or note). Rows are never
updated: a report "as at" a position reads the rows up to it and folds them in order, so late
corrections recorded after that position are left out, exactly as the event log stood.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    Date,
    Integer,
    LargeBinary,
    String,
    Table,
    Uuid,
    insert,
)

from domain.community import AssetConnection, CommunityWork
from domain.contact import SupportContact
from domain.involvement import Involvement
from domain.loan import Loan
from domain.person import Person
from domain.referral import Referral
from domain.reporting import EvaluationExtract, UnitCostTable
from domain.scheme import Scheme
from domain.stock import StockItem
from projections.projector import Handler
from projections.tables import UTCDateTime, metadata

report_facts = Table(
    "rf_facts",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("entity_id", Uuid, nullable=False),
    Column("person_id", Uuid),
    Column("on_date", Date),
    Column("district", String(100)),
    Column("code", String(60)),
    Column("detail", String(60)),
    Column("number", Integer),
    Column("data", JSON),
    # sha256 of the row's canonical text (first 16 bytes): a report's inputs digest is built
    # from these without formatting every row again.
    Column("digest", LargeBinary(16), nullable=False),
)

Extract = Callable[[Any], dict[str, Any]]
Inv, C, SC = Involvement, AssetConnection, SupportContact


def _value(code: Enum | None) -> Any:
    return None if code is None else code.value


def _day(e: Any) -> dict[str, Any]:
    return {"on_date": e.occurred_at.date()}


def _contact(e: Any) -> dict[str, Any]:
    return {
        "on_date": e.contact_at.date(),
        "number": e.duration_minutes,
        "code": e.mode.value,
        "data": {"purposes": sorted(p.value for p in e.purposes)},
    }


def _person(e: Any) -> dict[str, Any]:
    analytic = {k: v for k, v in e.analytic.items() if v is not None}
    return {"on_date": e.occurred_at.date(), "district": analytic.get("district"), "data": analytic}


def _money(values: dict[str, Decimal]) -> dict[str, str]:
    return {str(k): str(v) for k, v in values.items()}


def _item(e: StockItem.Received) -> dict[str, Any]:
    keep = ("cost", "received_on", "monthly_cost", "starts_on", "expires_on")
    data = {k: str(e.details[k]) for k in keep if e.details.get(k) is not None}
    return {"code": e.kind.value, "data": data}


# event class -> (kind, what to keep beyond the common columns)
FACTS: dict[type[Any], tuple[str, Extract]] = {
    Person.Registered: ("person.registered", _person),
    Person.DetailsCorrected: ("person.corrected", _person),
    Referral.Received: (
        "referral.received",
        lambda e: {**_day(e), "code": e.source.value, "detail": e.programme.value},
    ),
    Referral.Accepted: ("referral.accepted", _day),
    Referral.Declined: ("referral.declined", _day),
    Referral.Redirected: ("referral.redirected", _day),
    Referral.Closed: ("referral.closed", _day),
    Inv.Opened: (
        "involvement.opened",
        lambda e: {
            **_day(e),
            "district": e.district,
            "code": e.support_level.value,
            "data": {"referral_id": str(e.referral_id) if e.referral_id else None},
        },
    ),
    Inv.Reassigned: ("involvement.reassigned", lambda e: {**_day(e), "district": e.district}),
    Inv.Paused: ("involvement.paused", _day),
    Inv.Resumed: ("involvement.resumed", _day),
    Inv.Closed: ("involvement.closed", lambda e: {**_day(e), "code": e.reason.value}),
    Inv.Reopened: (
        "involvement.reopened",
        lambda e: {
            **_day(e),
            "district": e.district,
            "data": {"referral_id": str(e.referral_id) if e.referral_id else None},
        },
    ),
    Inv.OutcomeRecorded: (
        "outcome.recorded",
        lambda e: {
            "on_date": e.occurred_on,
            "code": e.domain.value,
            "detail": _value(e.detail),
            "data": {"id": str(e.outcome_id), "visits": e.visits},
        },
    ),
    Inv.OutcomeWithdrawn: ("outcome.withdrawn", lambda e: {"data": {"id": str(e.outcome_id)}}),
    Inv.MeasureRecorded: (
        "measure.recorded",
        lambda e: {
            "on_date": e.taken_on,
            "code": e.instrument.value,
            "detail": e.occasion.value,
            "data": {"id": str(e.measure_id), "items": list(e.items)},
        },
    ),
    Inv.MeasureWithdrawn: ("measure.withdrawn", lambda e: {"data": {"id": str(e.measure_id)}}),
    SC.Logged: ("contact.logged", lambda e: {**_contact(e), "district": e.district}),
    SC.Corrected: ("contact.corrected", _contact),
    SC.Withdrawn: ("contact.withdrawn", lambda e: {}),
    C.Introduced: ("connection.introduced", lambda e: {**_day(e), "district": e.district}),
    C.Attended: ("connection.attended", _day),
    C.StillConnected: ("connection.still_connected", _day),
    C.Dropped: ("connection.dropped", _day),
    C.Reintroduced: ("connection.reintroduced", _day),
    CommunityWork.Recorded: (
        "community_work.recorded",
        lambda e: {
            "on_date": e.occurred_on,
            "district": e.district,
            "code": e.kind.value,
            "number": e.minutes,
        },
    ),
    Scheme.Opened: (
        "scheme.opened",
        lambda e: {
            "on_date": e.starts_on,
            "code": e.year,
            "data": {
                "ends_on": e.ends_on.isoformat(),
                "capacity": e.capacity,
                "budget": _money(e.budget),
                "support_hourly_rate": str(e.support_hourly_rate),
                "setup_cost_per_device": str(e.setup_cost_per_device),
            },
        },
    ),
    Scheme.BudgetSet: (
        "scheme.budget_set",
        lambda e: {
            "data": {
                "budget": _money(e.budget),
                "support_hourly_rate": str(e.support_hourly_rate),
                "setup_cost_per_device": str(e.setup_cost_per_device),
            }
        },
    ),
    Scheme.PersonReferred: (
        "scheme.person_referred",
        lambda e: {
            "on_date": e.on,
            "code": e.status.value,
            "detail": e.recipient.value,
            "data": {"need": e.need.value},
        },
    ),
    Scheme.PlaceTaken: ("scheme.place_taken", lambda e: {"on_date": e.on}),
    Scheme.PlaceLeft: ("scheme.place_left", lambda e: {"on_date": e.on}),
    Loan.Reserved: (
        "loan.reserved",
        lambda e: {
            "on_date": e.reserved_on,
            "data": {"provisions": {str(k): v.value for k, v in e.provisions.items()}},
        },
    ),
    Loan.HandedOver: ("loan.handed_over", lambda e: {"on_date": e.on}),
    Loan.SessionRecorded: (
        "loan.session",
        lambda e: {"on_date": e.on, "code": e.kind.value, "number": e.minutes},
    ),
    Loan.Ended: ("loan.ended", lambda e: {"on_date": e.on, "code": e.status.value}),
    StockItem.Received: ("item.received", _item),
    StockItem.Enrolled: ("item.enrolled", lambda e: {"on_date": e.on}),
    UnitCostTable.Set: (
        "unit_costs.set",
        lambda e: {"data": {"costs": e.costs, "programme_costs": e.programme_costs}},
    ),
    EvaluationExtract.Requested: (
        "extract.requested",
        lambda e: {"number": e.rows, "data": {"year": e.year, "position": e.position}},
    ),
}


def _person_id(e: Any) -> UUID | None:
    if isinstance(e, Person.Registered | Person.DetailsCorrected):
        return UUID(str(e.originator_id))
    found = getattr(e, "person_id", None)
    return found if isinstance(found, UUID) else None


def fact_row(e: Any, position: int) -> dict[str, Any]:
    kind, extract = FACTS[type(e)]
    recorded_at: datetime = e.timestamp
    row = {
        "position": position,
        "kind": kind,
        "entity_id": e.originator_id,
        "person_id": _person_id(e),
        **extract(e),
    }
    return {**EMPTY, **row, "recorded_at": recorded_at, "digest": row_digest(row)}


# Every column, so that a batch of rows can be inserted in one statement.
EMPTY = dict.fromkeys(("on_date", "district", "code", "detail", "number", "data"))
CANONICAL = (
    "position",
    "kind",
    "entity_id",
    "person_id",
    "on_date",
    "district",
    "code",
    "detail",
    "number",
)


def row_digest(row: dict[str, Any]) -> bytes:
    """The same fact gives the same bytes on any database."""
    data = row.get("data")
    text = "|".join("" if row.get(n) is None else str(row[n]) for n in CANONICAL)
    if data is not None:
        text += "|" + json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).digest()[:16]


BUFFER = "report_facts_rows"


class ReportFactsProjection:
    name = "report_facts"
    reads_personal_fields = False  # analytic fields only: events come with personal ones sealed
    buffer_key = BUFFER  # the projector drops what a failed batch left on the connection
    tables: tuple[Table, ...] = (report_facts,)

    def handlers(self) -> dict[type[Any], Handler]:
        return dict.fromkeys(FACTS, self.record)

    @staticmethod
    def record(conn: Connection, e: Any, position: int) -> None:
        """Buffered on the connection (each batch has its own), written by `flush`."""
        conn.info.setdefault(BUFFER, []).append(fact_row(e, position))

    @staticmethod
    def flush(conn: Connection) -> None:
        rows = conn.info.pop(BUFFER, [])
        if rows:
            conn.execute(insert(report_facts), rows)
