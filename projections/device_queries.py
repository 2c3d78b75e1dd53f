"""Read-side queries for the device scheme: the stock board, loans due, connectivity expiring,
the waiting list, a person's devices, the scheme dashboard and the end-of-scheme list.

Overdue and expiring are worked out here from dates, for the `today` the caller gives.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, func, select

from domain.device_codes import ItemKind, ItemState, PlaceStatus
from projections.device_dashboard import (
    ACTIVE,
    end_of_scheme_list,
    items_of,
    rows_of,
    scheme_dashboard,
    scheme_row,
    with_items,
)
from projections.device_tables import (
    kits,
    loan_sessions,
    loan_tickets,
    loans,
    scheme_places,
    schemes,
    stock_items,
)
from projections.queries import Paging, _page
from projections.tables import people

__all__ = [
    "connectivity_expiring",
    "end_of_scheme_list",
    "loans_due",
    "person_devices",
    "scheme_dashboard",
    "scheme_years",
    "stock_board",
    "waiting_list",
]

Rows = tuple[list[dict[str, Any]], int]
ON_ISSUE = (ItemState.RESERVED.value, ItemState.ISSUED.value)
WAITING = PlaceStatus.WAITING.value
CONTACT = (people.c.name, people.c.phone, people.c.email, people.c.address, people.c.postcode)


# stock, loans due, connectivity -------------------------------------------------------------


def stock_board(
    engine: Engine, *, kind: str | None, state: str | None, paging: Paging
) -> tuple[list[dict[str, Any]], int, list[dict[str, Any]]]:
    """Items by kind and serial (optionally one kind or state), and how many of every kind
    are at every state (all items, whatever the filter)."""
    query = select(stock_items).order_by(
        stock_items.c.kind, stock_items.c.serial, stock_items.c.item_id
    )
    if kind:
        query = query.where(stock_items.c.kind == kind)
    if state:
        query = query.where(stock_items.c.state == state)
    rows, total = _page(engine, query, paging)
    counted = (
        select(stock_items.c.kind, stock_items.c.state, func.count().label("count"))
        .group_by(stock_items.c.kind, stock_items.c.state)
        .order_by(stock_items.c.kind, stock_items.c.state)
    )
    with engine.connect() as conn:
        counts = rows_of(conn, counted)
    return rows, total, counts


def loans_due(
    engine: Engine,
    *,
    today: date,
    within_days: int | None,
    overdue_only: bool,
    paging: Paging,
) -> Rows:
    """Handed-over loans with a due date, soonest first: all, those due within N days of today
    (overdue ones included), or only the overdue."""
    query = (
        select(
            loans.c.loan_id,
            loans.c.person_id,
            people.c.name,
            people.c.phone,
            loans.c.kit_id,
            kits.c.label.label("kit_label"),
            loans.c.handed_over_on,
            loans.c.due_on,
            loans.c.sessions_count,
            loans.c.open_tickets,
        )
        .select_from(
            loans.outerjoin(people, people.c.id == loans.c.person_id).outerjoin(
                kits, kits.c.kit_id == loans.c.kit_id
            )
        )
        .where(loans.c.status == ACTIVE, loans.c.due_on.is_not(None))
        .order_by(loans.c.due_on, loans.c.loan_id)
    )
    if overdue_only:
        query = query.where(loans.c.due_on < today)
    elif within_days is not None:
        query = query.where(loans.c.due_on <= today + timedelta(days=within_days))
    rows, total = _page(engine, query, paging)
    for row in rows:
        row["days_until_due"] = (row["due_on"] - today).days
        row["overdue"] = row["due_on"] < today
    return rows, total


def connectivity_expiring(engine: Engine, *, today: date, within_days: int) -> list[dict[str, Any]]:
    """SIMs reserved or on issue whose contract ends within N days of today (or has ended)."""
    query = (
        select(
            stock_items.c.item_id,
            stock_items.c.serial,
            stock_items.c.network,
            stock_items.c.data_allowance_gb,
            stock_items.c.monthly_cost,
            stock_items.c.starts_on,
            stock_items.c.expires_on,
            stock_items.c.state,
            stock_items.c.loan_id,
            loans.c.person_id,
            loans.c.due_on,
            people.c.name,
            people.c.phone,
        )
        .select_from(
            stock_items.outerjoin(loans, loans.c.loan_id == stock_items.c.loan_id).outerjoin(
                people, people.c.id == loans.c.person_id
            )
        )
        .where(
            stock_items.c.kind == ItemKind.SIM.value,
            stock_items.c.state.in_(ON_ISSUE),
            stock_items.c.expires_on <= today + timedelta(days=within_days),
        )
        .order_by(stock_items.c.expires_on, stock_items.c.item_id)
    )
    with engine.connect() as conn:
        rows = rows_of(conn, query)
    for row in rows:
        row["days_to_expiry"] = (row["expires_on"] - today).days
        row["expired"] = row["expires_on"] < today
    return rows


# scheme years, the waiting list, a person's devices -----------------------------------------


def scheme_years(engine: Engine) -> list[dict[str, Any]]:
    """Every scheme year, latest first, with how many people are at each place status."""
    with engine.connect() as conn:
        years = rows_of(conn, select(schemes).order_by(schemes.c.starts_on.desc(), schemes.c.year))
        counted = conn.execute(
            select(scheme_places.c.year, scheme_places.c.status, func.count()).group_by(
                scheme_places.c.year, scheme_places.c.status
            )
        ).all()
    counts = {(str(y), str(s)): int(n) for y, s, n in counted}
    return [
        {
            "year": y["year"],
            "starts_on": y["starts_on"],
            "ends_on": y["ends_on"],
            "capacity": y["capacity"],
            **{s.value: counts.get((y["year"], s.value), 0) for s in PlaceStatus},
        }
        for y in years
    ]


def waiting_list(engine: Engine, year: str) -> list[dict[str, Any]] | None:
    """Who is waiting for a place, first come first served; None for an unknown year."""
    query = (
        select(
            scheme_places.c.person_id,
            people.c.name,
            people.c.district,
            scheme_places.c.need,
            scheme_places.c.recipient,
            scheme_places.c.cares_for_id,
            scheme_places.c.referred_on,
        )
        .select_from(scheme_places.outerjoin(people, people.c.id == scheme_places.c.person_id))
        .where(scheme_places.c.year == year, scheme_places.c.status == WAITING)
        .order_by(scheme_places.c.waiting_position, scheme_places.c.person_id)
    )
    with engine.connect() as conn:
        if scheme_row(conn, year) is None:
            return None
        rows = rows_of(conn, query)
    return [{"position": n, **row} for n, row in enumerate(rows, start=1)]


def person_devices(
    engine: Engine, person_id: UUID, *, today: date | None = None
) -> dict[str, Any] | None:
    """The device officer's view of one person: contact details for delivery, their places,
    loans with their items, sessions and tickets. None unless they have a scheme place."""
    with engine.connect() as conn:
        places = rows_of(
            conn,
            select(scheme_places)
            .where(scheme_places.c.person_id == person_id)
            .order_by(scheme_places.c.referred_on, scheme_places.c.year),
        )
        if not places:
            return None
        for place in places:
            place["waiting_place"] = _waiting_place(conn, place)
        found = conn.execute(select(*CONTACT).where(people.c.id == person_id)).mappings().first()
        their_loans = rows_of(
            conn,
            select(loans, kits.c.label.label("kit_label"))
            .select_from(loans.outerjoin(kits, kits.c.kit_id == loans.c.kit_id))
            .where(loans.c.person_id == person_id)
            .order_by(loans.c.reserved_on, loans.c.loan_id),
        )
        items = items_of(conn, their_loans)
        sessions = rows_of(
            conn,
            select(loan_sessions)
            .where(loan_sessions.c.person_id == person_id)
            .order_by(loan_sessions.c.on.desc(), loan_sessions.c.session_id),
        )
        tickets = rows_of(
            conn,
            select(loan_tickets)
            .where(loan_tickets.c.person_id == person_id)
            .order_by(loan_tickets.c.opened_on.desc(), loan_tickets.c.ticket_id),
        )
    for loan in their_loans:
        loan["items"] = with_items(loan, items)
        due = loan["due_on"]
        live = loan["status"] == ACTIVE and due is not None and today is not None
        loan["overdue"] = bool(live and due < today)
    contact = dict(found) if found else {c.name: None for c in CONTACT}
    return {
        "person_id": person_id,
        **contact,
        "places": places,
        "loans": their_loans,
        "sessions": sessions,
        "tickets": tickets,
    }


def _waiting_place(conn: Connection, place: dict[str, Any]) -> int | None:
    if place["status"] != WAITING:
        return None
    ahead = conn.execute(
        select(func.count()).where(
            scheme_places.c.year == place["year"],
            scheme_places.c.status == WAITING,
            scheme_places.c.waiting_position <= place["waiting_position"],
        )
    ).scalar_one()
    return int(ahead)
