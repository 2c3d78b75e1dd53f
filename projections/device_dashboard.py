"""The device scheme dashboard (people benefited, loans, support, capacity, the budget and
breakdowns by district and deprivation) and the end-of-scheme list, with the helpers that the
other device queries share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, Engine, and_, func, select

from domain.device_codes import ItemKind, LoanStatus, PlaceStatus, Provision
from projections.device_budget import budget_lines, money
from projections.device_tables import loan_sessions, loans, scheme_places, schemes, stock_items
from projections.imd import imd_edition, ref_lsoa
from projections.tables import people

ACTIVE, GIFTED = LoanStatus.ACTIVE.value, LoanStatus.GIFTED.value
LOSSES = (LoanStatus.LOST.value, LoanStatus.STOLEN.value, LoanStatus.DAMAGED.value)
ITEM_COLUMNS = ("item_id", "kind", "serial", "make", "model", "state")


def rows_of(conn: Connection, query: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(query).mappings()]


def scheme_row(conn: Connection, year: str) -> dict[str, Any] | None:
    found = conn.execute(select(schemes).where(schemes.c.year == year)).mappings().first()
    return dict(found) if found else None


def items_of(conn: Connection, loan_rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    ids = sorted({UUID(i) for row in loan_rows for i in row["item_ids"]}, key=str)
    found: dict[str, dict[str, Any]] = {}
    columns = [stock_items.c[name] for name in ITEM_COLUMNS]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in rows_of(conn, select(*columns).where(stock_items.c.item_id.in_(chunk))):
            found[str(row["item_id"])] = row
    return found


def with_items(loan: dict[str, Any], items: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**items[i], "provision": loan["provisions"].get(i)} for i in loan["item_ids"] if i in items
    ]


# the dashboard and the end of the scheme ----------------------------------------------------


def _in_year(scheme: dict[str, Any]) -> list[ColumnElement[bool]]:
    """A loan belongs to a scheme year when its person holds a place (or held one) in that
    year and it was reserved within the year's dates."""
    return [
        loans.c.person_id.in_(
            select(scheme_places.c.person_id).where(scheme_places.c.year == scheme["year"])
        ),
        loans.c.reserved_on.between(scheme["starts_on"], scheme["ends_on"]),
    ]


def scheme_dashboard(engine: Engine, year: str, *, today: date) -> dict[str, Any] | None:
    """People benefited, loans, gifts, returns, losses, support, capacity and the budget (with
    its assumptions), and the people benefited by district and by deprivation quintile."""
    with engine.connect() as conn:
        scheme = scheme_row(conn, year)
        if scheme is None:
            return None
        year_loans = rows_of(conn, select(loans).where(*_in_year(scheme)))
        tablets = {
            str(i)
            for i in conn.execute(
                select(stock_items.c.item_id).where(stock_items.c.kind == ItemKind.TABLET.value)
            ).scalars()
        }
        sessions = conn.execute(
            select(loan_sessions.c.kind, loan_sessions.c.minutes).where(
                loan_sessions.c.loan_id.in_(select(loans.c.loan_id).where(*_in_year(scheme))),
                loan_sessions.c.on.between(scheme["starts_on"], min(today, scheme["ends_on"])),
            )
        ).all()
        items = rows_of(conn, select(stock_items))
        places: dict[str, int] = {
            str(status): int(count)
            for status, count in conn.execute(
                select(scheme_places.c.status, func.count())
                .where(scheme_places.c.year == year)
                .group_by(scheme_places.c.status)
            ).all()
        }
        benefited = select(loans.c.person_id).where(
            *_in_year(scheme), loans.c.handed_over_on.is_not(None)
        )
        where = conn.execute(
            select(people.c.id, people.c.district, ref_lsoa.c.imd_quintile)
            .select_from(people.outerjoin(ref_lsoa, ref_lsoa.c.lsoa_code == people.c.lsoa_code))
            .where(people.c.id.in_(benefited))
        ).all()
    handed = [loan for loan in year_loans if loan["handed_over_on"] is not None]
    ends = Counter(str(loan["end_status"]) for loan in year_loans)
    minutes = sum(int(m) for _, m in sessions)
    kinds = Counter(str(k) for k, _ in sessions)
    by_quintile = Counter(q for _, _, q in where)
    return {
        "year": year,
        "starts_on": scheme["starts_on"],
        "ends_on": scheme["ends_on"],
        "today": today,
        "capacity": {"capacity": scheme["capacity"]}
        | {s.value: int(places.get(s.value, 0)) for s in PlaceStatus},
        "people_benefited": len({loan["person_id"] for loan in handed}),
        "active_loans": sum(1 for loan in year_loans if loan["status"] == ACTIVE),
        "gifts": sum(1 for loan in handed if _tablet_gifted(loan, tablets)),
        "returns": ends[LoanStatus.RETURNED.value],
        "losses": sum(ends[s] for s in LOSSES),
        **{s: ends[s] for s in LOSSES},
        "training_sessions": kinds["training"],
        "remote_support_sessions": kinds["remote_support"],
        "support_minutes": minutes,
        "support_hours": money(Decimal(minutes) / 60),
        "budget": budget_lines(scheme, items, minutes, today),
        "by_district": [
            {"district": d, "people": n}
            for d, n in sorted(Counter(str(d) for _, d, _ in where).items())
        ],
        "by_deprivation": [{"quintile": q, "people": by_quintile[q]} for q in (1, 2, 3, 4, 5)]
        + [{"quintile": None, "people": by_quintile[None]}],
        "imd_edition": imd_edition(engine),
    }


def _tablet_gifted(loan: dict[str, Any], tablets: set[str]) -> bool:
    """Converted to a gift, or handed over with the tablet given as the plan said."""
    gift = Provision.GIFT.value
    return loan["status"] == GIFTED or any(
        loan["provisions"].get(i) == gift for i in loan["item_ids"] if i in tablets
    )


def end_of_scheme_list(engine: Engine, year: str) -> dict[str, Any] | None:
    """Every loan still active in the scheme year, each with a recommendation for the
    scheme's end: "convert to gift" where the person's plan gives the tablet, else "recall"."""
    query = (
        select(
            loans.c.loan_id,
            loans.c.person_id,
            people.c.name,
            people.c.phone,
            loans.c.kit_id,
            loans.c.handed_over_on,
            loans.c.due_on,
            loans.c.item_ids,
            loans.c.provisions,
            scheme_places.c.plan,
        )
        .select_from(
            loans.join(
                scheme_places,
                and_(scheme_places.c.person_id == loans.c.person_id, scheme_places.c.year == year),
            ).outerjoin(people, people.c.id == loans.c.person_id)
        )
        .order_by(loans.c.due_on, loans.c.loan_id)
    )
    with engine.connect() as conn:
        scheme = scheme_row(conn, year)
        if scheme is None:
            return None
        rows = rows_of(conn, query.where(*_in_year(scheme), loans.c.status == ACTIVE))
        items = items_of(conn, rows)
    for row in rows:
        plan = row.pop("plan") or {}
        row["plan_tablet"] = plan.get(ItemKind.TABLET.value)
        gift = row["plan_tablet"] == Provision.GIFT.value
        row["recommendation"] = "convert to gift" if gift else "recall"
        row["items"] = with_items(row, items)
        del row["item_ids"], row["provisions"]
    counts = Counter(str(r["recommendation"]) for r in rows)
    return {
        "year": year,
        "ends_on": scheme["ends_on"],
        "recall": counts["recall"],
        "convert_to_gift": counts["convert to gift"],
        "loans": rows,
    }
