"""Read-side queries for casework: the caseload, a person's casework page, the assets
directory and community work. Flags are computed here, from dates, at query time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import ColumnElement, Engine, and_, case, func, or_, select

from projections import casework_tables as tables
from projections.casework_tables import (
    assets,
    connections,
    contacts,
    goals,
    measures,
    outcomes,
    person_records,
)
from projections.queries import Paging, _page
from projections.tables import people

inv, work = tables.involvements, tables.community_work
Rows = tuple[list[dict[str, Any]], int]
# In the order the caseload sorts by what needs attention; "paused" is for information.
FLAGS = ("next_action_overdue", "no_contact", "no_next_action", "safeguarding", "paused")
SAFEGUARDING_DAYS = 90
OPEN = ("active", "paused")


def flag_conditions(now: datetime, no_contact_days: int) -> dict[str, ColumnElement[bool]]:
    """Each flag as a SQL condition on rm_involvements, for a given moment."""
    if now.tzinfo is None:
        raise ValueError("now must include a time zone")
    today = now.date()
    return {
        "next_action_overdue": inv.c.next_action_due < today,
        "no_contact": _since() <= now - timedelta(days=no_contact_days),
        "no_next_action": inv.c.next_action_due.is_(None),
        "safeguarding": inv.c.safeguarding_raised_at >= today - timedelta(SAFEGUARDING_DAYS),
        "paused": inv.c.status == "paused",
    }


def _since() -> ColumnElement[datetime]:
    """Days without contact count from the last contact, or from the opening before one."""
    return func.coalesce(inv.c.last_contact_at, inv.c.opened_at)


def caseload(
    engine: Engine,
    *,
    coordinator_id: UUID | None,
    district: str | None,
    now: datetime,
    no_contact_days: int,
    flag: str | None,
    paging: Paging,
    match: Literal["any", "all"] = "any",
) -> Rows:
    """Active and paused involvements, whoever needs attention first.

    Given both a coordinator and a district, an involvement matches either (a coordinator's
    own caseload plus their team district's) or, with match="all", both.
    """
    conditions = flag_conditions(now, no_contact_days)
    flagged = {name: case((cond, 1), else_=0) for name, cond in conditions.items()}
    since = _since()
    query = (
        select(
            inv.c.person_id,
            inv.c.involvement_id,
            people.c.name,
            inv.c.district,
            inv.c.coordinator_id,
            inv.c.status,
            inv.c.support_level,
            inv.c.opened_at,
            inv.c.last_contact_at,
            inv.c.contacts_count,
            inv.c.next_action,
            inv.c.next_action_due,
            inv.c.safeguarding_raised_at,
            since.label("since"),
            *(value.label(f"flag_{name}") for name, value in flagged.items()),
        )
        .select_from(inv.outerjoin(people, people.c.id == inv.c.person_id))
        .where(inv.c.status.in_(OPEN))
        .order_by(
            flagged["next_action_overdue"].desc(),
            flagged["no_contact"].desc(),
            case((inv.c.next_action_due.is_(None), 1), else_=0),
            inv.c.next_action_due,
            since,
            inv.c.person_id,
        )
    )
    scopes: list[ColumnElement[bool]] = []
    if coordinator_id is not None:
        scopes.append(inv.c.coordinator_id == coordinator_id)
    if district is not None:
        scopes.append(inv.c.district == district)
    if scopes:
        query = query.where(or_(*scopes) if match == "any" else and_(*scopes))
    if flag is not None:
        if flag not in conditions:
            raise ValueError(f"unknown flag {flag!r}")
        query = query.where(conditions[flag])
    rows, total = _page(engine, query, paging)
    for row in rows:
        row["flags"] = [name for name in FLAGS if row.pop(f"flag_{name}")]
        row["days_since_contact"] = max(0, (now - row.pop("since")).days)
    return rows, total


# a person's casework page ---------------------------------------------------------------------


def person_casework(engine: Engine, person_id: UUID) -> dict[str, Any] | None:
    """Everything recorded in casework about one person; None if the person is unknown."""
    with engine.connect() as conn:

        def rows(query: Any) -> list[dict[str, Any]]:
            return [dict(r) for r in conn.execute(query).mappings()]

        found = rows(
            select(people.c.id.label("person_id"), people.c.name, people.c.district).where(
                people.c.id == person_id
            )
        )
        if not found:
            return None
        involvement = rows(select(inv).where(inv.c.person_id == person_id))
        page = found[0]
        page["involvement"] = involvement[0] if involvement else None
        page["goals"] = rows(
            select(goals)
            .where(goals.c.person_id == person_id)
            .order_by(goals.c.set_at, goals.c.goal_id)
        )
        page["contacts"] = rows(
            select(contacts)
            .where(contacts.c.person_id == person_id)
            .order_by(contacts.c.contact_at.desc(), contacts.c.contact_id)
        )
        page["connections"] = rows(
            select(
                connections,
                assets.c.name.label("asset_name"),
                assets.c.category.label("asset_category"),
            )
            .select_from(connections.outerjoin(assets, assets.c.asset_id == connections.c.asset_id))
            .where(connections.c.person_id == person_id)
            .order_by(connections.c.introduced_at, connections.c.connection_id)
        )
        page["outcomes"] = rows(
            select(outcomes)
            .where(outcomes.c.person_id == person_id)
            .order_by(outcomes.c.occurred_on.desc(), outcomes.c.recorded_at.desc())
        )
        page["measures"] = with_changes(
            rows(
                select(measures)
                .where(measures.c.person_id == person_id)
                .order_by(measures.c.taken_on, measures.c.recorded_at, measures.c.measure_id)
            )
        )
    return page


def with_changes(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add each follow-up's change from its instrument's baseline (withdrawn ones left out)."""
    baselines = {
        r["instrument"]: r for r in rows if r["occasion"] == "baseline" and not r["withdrawn"]
    }
    for row in rows:
        base = baselines.get(row["instrument"])
        follow_up = row["occasion"] != "baseline" and not row["withdrawn"]
        row["change_from_baseline"] = change(row, base) if follow_up and base else None
    return rows


def change(row: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """SWEMWBS: metric score; UCLA-3: raw score; ONS4: each item (it has no total)."""
    if row["instrument"] == "swemwbs":
        return {"metric": row["metric_score"] - base["metric_score"]}
    if row["instrument"] == "ucla3":
        return {"raw": row["raw_score"] - base["raw_score"]}
    return {"items": [now - then for now, then in zip(row["items"], base["items"], strict=True)]}


def record_ids_for(engine: Engine, person_id: UUID) -> list[tuple[UUID, str]]:
    """Every casework record that belongs to the person, with its kind."""
    query = (
        select(person_records.c.record_id, person_records.c.kind)
        .where(person_records.c.person_id == person_id)
        .order_by(person_records.c.kind, person_records.c.record_id)
    )
    with engine.connect() as conn:
        return [(r.record_id, str(r.kind)) for r in conn.execute(query)]


# the assets directory and community work ------------------------------------------------------


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def assets_directory(
    engine: Engine,
    *,
    district: str | None,
    category: str | None,
    text: str | None,
    include_retired: bool,
    paging: Paging,
) -> Rows:
    query = select(assets).order_by(assets.c.name_search, assets.c.asset_id)
    if district:
        query = query.where(assets.c.district == district)
    if category:
        query = query.where(assets.c.category == category)
    if text:
        query = query.where(assets.c.name_search.like(_like(text), escape="\\"))
    if not include_retired:
        query = query.where(assets.c.retired.is_(False))
    return _page(engine, query, paging)


def asset(engine: Engine, asset_id: UUID) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(select(assets).where(assets.c.asset_id == asset_id)).mappings().first()
    return dict(row) if row else None


def community_work(
    engine: Engine, *, district: str | None, kind: str | None, paging: Paging
) -> Rows:
    """Community development work, most recent first."""
    query = (
        select(work, assets.c.name.label("asset_name"))
        .select_from(work.outerjoin(assets, assets.c.asset_id == work.c.asset_id))
        .order_by(work.c.occurred_on.desc(), work.c.recorded_at.desc(), work.c.work_id)
    )
    if district:
        query = query.where(work.c.district == district)
    if kind:
        query = query.where(work.c.kind == kind)
    return _page(engine, query, paging)
