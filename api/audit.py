"""The audit log: an append-only, hash-chained record of every access to personal data.

Each row says who (user id, username and role at the time), what (the kind of record, its id
and the data subject's person id), when (UTC), from where (client IP), through which route
(the path template, never the query string) and, for break-glass access, why. Rows are never
updated or deleted: database triggers refuse it, for every user of the database. Each row's
`chain` is sha256(previous row's chain + this row's canonical content), so a row changed or
removed behind the application's back shows in `verify_chain`. Writers take turns (an advisory
lock on PostgreSQL, SQLite's write lock), so the chain has one order.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from weakref import WeakSet

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    event,
    insert,
    select,
    text,
)

from api.accounts import service_metadata
from projections.tables import UTCDateTime

Action = Literal["read", "change", "search", "break_glass"]
GENESIS = "0" * 64
# Any fixed number, distinct from the other advisory locks: audit writers take turns on it.
AUDIT_LOCK = 7_201_152
_Id = BigInteger().with_variant(Integer, "sqlite")

audit_log = Table(
    "audit_log",
    service_metadata,
    Column("id", _Id, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("username", String(80), nullable=False),
    Column("role", String(20), nullable=False),
    Column("action", String(12), nullable=False),
    Column("what", String(40), nullable=False),
    Column("record_id", Uuid),
    Column("person_id", Uuid),
    Column("route", String(200), nullable=False),
    Column("client_ip", String(64)),
    Column("reason", String(500)),
    Column("listed", Integer),  # a search: how many records the list showed
    Column("chain", String(64), nullable=False),
    Index("ix_audit_log_person", "person_id", "id"),
    Index("ix_audit_log_user", "user_id", "id"),
    Index("ix_audit_log_action", "action", "id"),
)

# An admin's review of a break-glass access: a row of its own, never an edit of the audit row.
break_glass_reviews = Table(
    "break_glass_reviews",
    service_metadata,
    Column("audit_id", _Id, ForeignKey("audit_log.id"), primary_key=True),
    Column("at", UTCDateTime(), nullable=False),
    Column("reviewer_id", Uuid, nullable=False),
    Column("reviewer", String(80), nullable=False),
    Column("note", String(1000), nullable=False),
)

APPEND_ONLY = (audit_log.name, break_glass_reviews.name)
FIELDS = tuple(c.name for c in audit_log.columns if c.name != "chain")


@dataclass(frozen=True)
class Actor:
    """Who, from where, through which route."""

    user_id: uuid.UUID
    username: str
    role: str
    route: str
    client_ip: str | None


@dataclass(frozen=True)
class Entry:
    """What was accessed: one record (with its data subject), or a list (`listed` long)."""

    action: Action
    what: str
    record_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    reason: str | None = None
    listed: int | None = None


@dataclass(frozen=True)
class ChainCheck:
    rows: int
    first_broken: int | None
    head: str | None

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def canonical(row: Mapping[str, Any]) -> str:
    """A row's content as one exact string: what its chain link hashes."""
    content = {name: _plain(row[name]) for name in FIELDS}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link(previous: str, row: Mapping[str, Any]) -> str:
    return hashlib.sha256((previous + canonical(row)).encode()).hexdigest()


def append(engine: Engine, actor: Actor, entries: Sequence[Entry]) -> None:
    """Add the entries to the log in one transaction; raises if that cannot be done."""
    if not entries:
        return
    ensure_append_only(engine)
    with engine.connect() as conn:
        _take_turn(conn)
        last = conn.execute(
            select(audit_log.c.id, audit_log.c.chain).order_by(audit_log.c.id.desc()).limit(1)
        ).first()
        next_id, previous = (last.id + 1, last.chain) if last else (1, GENESIS)
        at = datetime.now(UTC)
        rows: list[dict[str, Any]] = []
        for offset, entry in enumerate(entries):
            row = {"id": next_id + offset, "at": at, **asdict(actor), **asdict(entry)}
            previous = row["chain"] = link(previous, row)
            rows.append(row)
        conn.execute(insert(audit_log), rows)
        conn.commit()


def _take_turn(conn: Connection) -> None:
    """Hold the log's write turn until the transaction ends, so that chains never fork."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK})
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # the database's write lock, taken up front


def _rows(engine: Engine, batch: int = 1000) -> Iterator[Any]:
    """Every row in chain order, a batch at a time."""
    after = 0
    while True:
        with engine.connect() as conn:
            found = conn.execute(
                select(audit_log)
                .where(audit_log.c.id > after)
                .order_by(audit_log.c.id)
                .limit(batch)
            ).all()
        yield from found
        if len(found) < batch:
            return
        after = found[-1].id


def verify_chain(engine: Engine) -> ChainCheck:
    """Recompute every link: the first row whose chain does not follow, if any."""
    previous, count = GENESIS, 0
    for row in _rows(engine):
        count += 1
        if row.chain != link(previous, row._mapping):
            return ChainCheck(count, row.id, None)
        previous = row.chain
    return ChainCheck(count, None, previous if count else None)


# --- append-only, enforced by the database ---------------------------------------------------

_SQLITE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS {table}_no_{op} BEFORE {op} ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"""
_PG_FUNCTION = """CREATE OR REPLACE FUNCTION lac_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
  RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only',
    ERRCODE = 'insufficient_privilege';
END $$"""
_PG_TRIGGER = """DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger
                 WHERE tgname = '{table}_append_only' AND tgrelid = '{table}'::regclass) THEN
    CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION lac_append_only();
  END IF;
END $$"""


def _statements(dialect: str, table: str) -> list[str]:
    if dialect == "sqlite":
        return [_SQLITE_TRIGGER.format(table=table, op=op) for op in ("UPDATE", "DELETE")]
    if dialect == "postgresql":
        return [_PG_FUNCTION, _PG_TRIGGER.format(table=table)]
    return []


def _install(conn: Connection, table: str) -> None:
    for statement in _statements(conn.dialect.name, table):
        conn.exec_driver_sql(statement)


_ready: WeakSet[Engine] = WeakSet()
_ready_lock = threading.Lock()


def ensure_append_only(engine: Engine, *, again: bool = False) -> None:
    """Create the triggers that refuse UPDATE and DELETE, once per engine (idempotent)."""
    with _ready_lock:
        if engine in _ready and not again:
            return
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK})
            for table in APPEND_ONLY:
                _install(conn, table)
        _ready.add(engine)


def _on_create(table: Table, conn: Connection, **_: Any) -> None:
    _install(conn, table.name)


for _table in (audit_log, break_glass_reviews):
    event.listen(_table, "after_create", _on_create)
