"""Poison events: events a projection's handler cannot apply, recorded, retried, then skipped.

A failing handler rolls its whole batch back; the failure is recorded here in a transaction of
its own (attempts + 1) and the batch runs again. Once an event has failed 1 + retries times,
the next batch skips it (and marks the row skipped, in the batch's own transaction), so one bad
event never stalls a read model. The message holds where the error was raised and the
database's error code, never the error's text: that can quote stored (personal) values.
Rebuilding a projection (`Projector.reset`) forgets its failures, so a fixed handler gets
another go at the events it skipped.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Integer,
    String,
    Table,
    Uuid,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from projections.tables import UTCDateTime, metadata

projection_failures = Table(
    "projection_failures",
    metadata,
    Column("projection", String(60), primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("topic", String(255), nullable=False),
    Column("originator_id", Uuid),
    Column("error_type", String(200), nullable=False),
    Column("message", String(500), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("first_seen", UTCDateTime(), nullable=False),
    Column("last_seen", UTCDateTime(), nullable=False),
    Column("skipped_at", UTCDateTime()),
)

_ROOT = Path(__file__).resolve().parents[1]
_BATCH = _ROOT / "projections" / "batch.py"


@dataclass(frozen=True)
class Failure:
    """One event a handler could not apply, described without its content."""

    projection: str
    position: int
    topic: str
    originator_id: Any
    error_type: str
    message: str


def describe(error: BaseException) -> tuple[str, str]:
    """(error type, message): where it was raised and the database's error code only."""
    cause = getattr(error, "orig", None)  # SQLAlchemy wraps the driver's error
    kind = type(error).__name__
    if cause is not None:
        kind += f" ({type(cause).__name__})"
    parts = []
    frame = _last_own_frame(error)
    if frame is not None:
        parts.append(f"raised in {frame}")
    # PostgreSQL's SQLSTATE or SQLite's error name: codes, never the text (it quotes values).
    code = getattr(cause, "sqlstate", None) or getattr(cause, "sqlite_errorname", None)
    if isinstance(code, str) and code.replace("_", "").isalnum() and len(code) <= 60:
        parts.append(f"database error {code}")
    return kind[:200], ("; ".join(parts) or "no detail kept (it could hold personal data)")[:500]


def _last_own_frame(error: BaseException) -> str | None:
    """The innermost frame in this project's code: file, line and function, no values."""
    found = None
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename).resolve()
        # The row buffer (projections/batch.py) writes for a handler: name the handler.
        if path.is_relative_to(_ROOT) and ".venv" not in path.parts and path != _BATCH:
            found = f"{path.relative_to(_ROOT)}:{frame.lineno} ({frame.name})"
    return found


def record_attempt(engine: Engine, failure: Failure) -> int:
    """Count one more failed attempt at this event; returns the attempts so far."""
    now = datetime.now(UTC)
    insert_ = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert
    stmt = insert_(projection_failures).values(
        projection=failure.projection,
        position=failure.position,
        topic=failure.topic[:255],
        originator_id=failure.originator_id,
        error_type=failure.error_type,
        message=failure.message,
        attempts=1,
        first_seen=now,
        last_seen=now,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["projection", "position"],
        set_={
            "attempts": projection_failures.c.attempts + 1,
            "last_seen": now,
            "error_type": failure.error_type,
            "message": failure.message,
        },
    )
    with engine.begin() as conn:
        conn.execute(stmt)
        attempts = conn.execute(
            select(projection_failures.c.attempts).where(
                *_row(failure.projection, failure.position)
            )
        ).scalar_one()
    return int(attempts)


def given_up(conn: Connection, projection: str, after: int, attempts: int) -> set[int]:
    """Positions after `after` that have failed `attempts` times: the batch skips them."""
    rows = conn.execute(
        select(projection_failures.c.position).where(
            projection_failures.c.projection == projection,
            projection_failures.c.position > after,
            projection_failures.c.attempts >= attempts,
        )
    ).scalars()
    return {int(p) for p in rows}


def mark_skipped(conn: Connection, projection: str, position: int) -> None:
    """In the batch's transaction: the event was left out of the read model."""
    conn.execute(
        update(projection_failures)
        .where(*_row(projection, position), projection_failures.c.skipped_at.is_(None))
        .values(skipped_at=datetime.now(UTC))
    )


def forget(conn: Connection, projection: str) -> None:
    """A rebuild starts with a clean slate: skipped events get tried again."""
    conn.execute(delete(projection_failures).where(projection_failures.c.projection == projection))


def count_skipped(engine: Engine) -> int:
    with engine.connect() as conn:
        found = conn.execute(
            select(func.count()).where(projection_failures.c.skipped_at.is_not(None))
        ).scalar_one()
    return int(found)


def list_failures(engine: Engine, limit: int = 500) -> list[dict[str, Any]]:
    """Failures (skipped or still being retried), newest first."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(projection_failures)
            .order_by(projection_failures.c.last_seen.desc(), projection_failures.c.position)
            .limit(limit)
        ).mappings()
        return [dict(row) for row in rows]


def _row(projection: str, position: int) -> tuple[Any, ...]:
    return (
        projection_failures.c.projection == projection,
        projection_failures.c.position == position,
    )
