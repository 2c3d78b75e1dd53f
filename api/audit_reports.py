"""Reading the audit log: per person, per user, the break-glass review list, and reviews."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, exists, func, insert, select
from sqlalchemy.exc import IntegrityError

from api.accounts import User
from api.audit import audit_log, break_glass_reviews, ensure_append_only

Rows = tuple[list[dict[str, Any]], int]


class NotBreakGlass(LookupError):
    """No break-glass access with that id."""


class AlreadyReviewed(Exception):
    """That access has been reviewed already."""


def _page(engine: Engine, where: ColumnElement[bool], page: int, page_size: int) -> Rows:
    query = select(audit_log).where(where)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        found = conn.execute(
            query.order_by(audit_log.c.id.desc()).limit(page_size).offset((page - 1) * page_size)
        ).mappings()
        return [dict(row) for row in found], int(total)


def about_person(engine: Engine, person_id: uuid.UUID, page: int, page_size: int) -> Rows:
    """Every row about the person, newest first."""
    return _page(engine, audit_log.c.person_id == person_id, page, page_size)


def by_user(engine: Engine, user_id: uuid.UUID, page: int, page_size: int) -> Rows:
    """Everything the user did, newest first."""
    return _page(engine, audit_log.c.user_id == user_id, page, page_size)


def _reviewed() -> ColumnElement[bool]:
    return exists().where(break_glass_reviews.c.audit_id == audit_log.c.id)


def break_glass(engine: Engine, reviewed: bool, page: int, page_size: int) -> Rows:
    """Break-glass accesses awaiting review (or reviewed), newest first, with any review."""
    is_glass = audit_log.c.action == "break_glass"
    rows, total = _page(
        engine, is_glass & (_reviewed() if reviewed else ~_reviewed()), page, page_size
    )
    ids = [row["id"] for row in rows]
    with engine.connect() as conn:
        reviews = {
            r["audit_id"]: r
            for r in conn.execute(
                select(break_glass_reviews).where(break_glass_reviews.c.audit_id.in_(ids))
            ).mappings()
        }
    return [{**row, "review": _review(reviews.get(row["id"]))} for row in rows], total


def _review(row: Any) -> dict[str, Any] | None:
    return {k: v for k, v in row.items() if k != "audit_id"} if row else None


def review(engine: Engine, audit_id: int, reviewer: User, note: str) -> dict[str, Any]:
    """Record an admin's review of a break-glass access, once: a row of its own."""
    ensure_append_only(engine)
    values = {
        "audit_id": audit_id,
        "at": datetime.now(UTC),
        "reviewer_id": reviewer.id,
        "reviewer": reviewer.username,
        "note": note,
    }
    try:
        with engine.begin() as conn:
            action = conn.execute(
                select(audit_log.c.action).where(audit_log.c.id == audit_id)
            ).scalar_one_or_none()
            if action != "break_glass":
                raise NotBreakGlass(audit_id)
            conn.execute(insert(break_glass_reviews).values(**values))
    except IntegrityError:  # one review per access: its key is the access's id
        raise AlreadyReviewed(audit_id) from None
    return _review(values) or {}
