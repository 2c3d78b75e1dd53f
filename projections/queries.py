"""Read-side queries over the read models (never over the event log)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, Select, func, or_, select

from projections.casework_tables import involvements as rm_involvements
from projections.tables import people, referrals


@dataclass(frozen=True)
class Paging:
    page: int = 1
    page_size: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _page(engine: Engine, query: Select[Any], paging: Paging) -> tuple[list[dict[str, Any]], int]:
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = conn.execute(query.limit(paging.page_size).offset(paging.offset)).mappings()
        return [dict(r) for r in rows], int(total)


def search_people(
    engine: Engine,
    *,
    text: str | None,
    district: str | None,
    nhs_number: str | None,
    paging: Paging,
    team: tuple[str, UUID] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """People by name, district or NHS number; `team` (district, coordinator) limits the
    search to that district's people and the coordinator's own caseload."""
    query = select(people).order_by(people.c.name_search, people.c.id)
    if team is not None:
        district, coordinator_id = team
        own = select(rm_involvements.c.person_id).where(
            rm_involvements.c.coordinator_id == coordinator_id
        )
        query = query.where(or_(people.c.district == district, people.c.id.in_(own)))
    if text:
        escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(people.c.name_search.like(f"%{escaped}%", escape="\\"))
    if district:
        query = query.where(people.c.district == district)
    if nhs_number:
        query = query.where(people.c.nhs_number == nhs_number)
    return _page(engine, query, paging)


def person(engine: Engine, person_id: UUID) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = conn.execute(select(people).where(people.c.id == person_id)).mappings().first()
    return dict(row) if row else None


def _referrals_with_people() -> Select[Any]:
    return select(
        referrals, people.c.name.label("person_name"), people.c.district.label("district")
    ).join(people, people.c.id == referrals.c.person_id, isouter=True)


def inbox(
    engine: Engine,
    *,
    programme: str,
    statuses: list[str],
    source: str | None,
    district: str | None,
    coordinator_id: UUID | None,
    paging: Paging,
) -> tuple[list[dict[str, Any]], int]:
    """A programme's referrals, oldest first, so that nobody waits longest unseen."""
    query = (
        _referrals_with_people()
        .where(referrals.c.programme == programme, referrals.c.status.in_(statuses))
        .order_by(referrals.c.received_at, referrals.c.id)
    )
    if source:
        query = query.where(referrals.c.source == source)
    if district:
        query = query.where(people.c.district == district)
    if coordinator_id:
        query = query.where(referrals.c.coordinator_id == coordinator_id)
    return _page(engine, query, paging)


def referrals_made_by(
    engine: Engine, user_id: UUID, paging: Paging
) -> tuple[list[dict[str, Any]], int]:
    query = (
        _referrals_with_people()
        .where(referrals.c.referred_by == user_id)
        .order_by(referrals.c.received_at.desc(), referrals.c.id)
    )
    return _page(engine, query, paging)


def referral(engine: Engine, referral_id: UUID) -> dict[str, Any] | None:
    with engine.connect() as conn:
        row = (
            conn.execute(_referrals_with_people().where(referrals.c.id == referral_id))
            .mappings()
            .first()
        )
    return dict(row) if row else None


def referral_ids_for(engine: Engine, person_id: UUID) -> list[UUID]:
    with engine.connect() as conn:
        rows = conn.execute(select(referrals.c.id).where(referrals.c.person_id == person_id))
        return [r[0] for r in rows]
