"""POST with an Idempotency-Key: the first result is stored and replayed to every retry."""

from __future__ import annotations

import contextlib
import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Integer,
    String,
    Table,
    Uuid,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.sql import Executable

from api.accounts import service_metadata
from projections.erasure import IDEMPOTENCY_TABLE
from projections.tables import UTCDateTime

# Answers can name a person's records: when a person is erased, each read model's erasure
# handler deletes the answers that name that person's records (projections/erasure.py).
idempotency_keys = Table(
    IDEMPOTENCY_TABLE,
    service_metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer),
    Column("body", JSON),
    Column("started_at", UTCDateTime(), nullable=False),
)

KEY_NAMESPACE = uuid.UUID("6f1d3c1e-5b7a-4c1e-9a57-2d4f0c9b8e10")
# A request still marked in progress after this long is taken to have died mid-way.
ABANDONED_AFTER = timedelta(seconds=30)
WAIT_FOR_FIRST = 10.0
# Once the command has run, its answer (or the release of the key) is written through a
# moment's outage, such as a database restart: a key left claimed answers 409 to every retry
# until ABANDONED_AFTER has passed.
SETTLE_SECONDS = 5.0


class KeyReused(Exception):
    """The key was first used for a different request."""


class StillRunning(Exception):
    """The first request with this key has not finished yet."""


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def record_id_for(user_id: uuid.UUID, key: str) -> uuid.UUID:
    """The id a create made under this key gets, so that a re-run finds what it made."""
    return uuid.uuid5(KEY_NAMESPACE, f"{user_id}:{key}")


Run = Callable[[], tuple[int, Any]]


def replay_or_run(
    engine: Engine, user_id: uuid.UUID, key: str, print_: str, run: Run
) -> tuple[int, Any, bool]:
    """(status, body, replayed): runs once per (user, key); retries get the stored result."""
    if not 1 <= len(key) <= 200:
        raise KeyReused("Idempotency-Key must be 1 to 200 characters")
    if not _claim(engine, user_id, key, print_):
        stored = _wait_for_first(engine, user_id, key, print_)
        if stored is not None:
            return stored[0], stored[1], True
    try:
        status, body = run()
    except Exception:
        with contextlib.suppress(OperationalError, InterfaceError):  # then taken over later
            _settle(engine, delete(idempotency_keys).where(*_match(user_id, key)))
        raise
    _settle(
        engine,
        update(idempotency_keys).where(*_match(user_id, key)).values(status_code=status, body=body),
    )
    return status, body, False


def _settle(engine: Engine, statement: Executable) -> None:
    """Run one statement, retrying for up to SETTLE_SECONDS while the database is away."""
    deadline = time.monotonic() + SETTLE_SECONDS
    delay = 0.1
    while True:
        try:
            with engine.begin() as conn:
                conn.execute(statement)
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def _match(user_id: uuid.UUID, key: str) -> tuple[Any, ...]:
    return (idempotency_keys.c.user_id == user_id, idempotency_keys.c.key == key)


def _claim(engine: Engine, user_id: uuid.UUID, key: str, print_: str) -> bool:
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(idempotency_keys).values(
                    user_id=user_id,
                    key=key,
                    fingerprint=print_,
                    started_at=datetime.now(UTC),
                )
            )
        return True
    except IntegrityError:
        return False


def _wait_for_first(
    engine: Engine, user_id: uuid.UUID, key: str, print_: str
) -> tuple[int, Any] | None:
    """The stored result; None when the first attempt was abandoned and this one took over."""
    deadline = time.monotonic() + WAIT_FOR_FIRST
    while True:
        with engine.connect() as conn:
            row = conn.execute(select(idempotency_keys).where(*_match(user_id, key))).first()
        if row is None:
            if _claim(engine, user_id, key, print_):
                return None
            continue
        if row.fingerprint != print_:
            raise KeyReused("this Idempotency-Key was already used for a different request")
        if row.status_code is not None:
            return int(row.status_code), row.body
        if _take_over_abandoned(engine, user_id, key, row.started_at):
            return None
        if time.monotonic() > deadline:
            raise StillRunning("a request with this Idempotency-Key is still in progress")
        time.sleep(0.02)


def _take_over_abandoned(engine: Engine, user_id: uuid.UUID, key: str, started: Any) -> bool:
    if datetime.now(UTC) - started < ABANDONED_AFTER:
        return False
    with engine.begin() as conn:
        moved = conn.execute(
            update(idempotency_keys)
            .where(*_match(user_id, key), idempotency_keys.c.started_at == started)
            .values(started_at=datetime.now(UTC))
        )
    return moved.rowcount == 1
