"""SQLAlchemy engines for the read models (SQLite file by default, PostgreSQL in production)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, Table, create_engine, event, text
from sqlalchemy.engine import make_url

from projections import imd as _imd  # noqa: F401 - registers ref_lsoa on the metadata
from projections.tables import metadata


class NoRowValues(logging.Filter):
    """Drops SQLAlchemy's DEBUG record of every row it fetches: rows hold personal data.
    (Statement parameters are hidden by the engines themselves: `hide_parameters`.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


NO_ROW_VALUES = NoRowValues()


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine for a read-model database URL; SQLite gets WAL and a generous busy wait.

    Statement parameters are hidden from errors and logs: they can be personal data.
    """
    # In every process that makes an engine (API, worker, CLI): no fetched values in the log.
    logging.getLogger("sqlalchemy.engine.Engine").addFilter(NO_ROW_VALUES)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=10,
        # A pooled connection that a database restart broke is replaced before use instead of
        # failing a request.
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5},
        # Values can be personal data: keep them out of error messages and logs.
        hide_parameters=True,
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# Any fixed number: processes starting together take turns creating tables.
CREATE_TABLES_LOCK = 7_201_151


def create_tables(engine: Engine, *metadatas: MetaData) -> None:
    """Create every read-model (and given service) table that does not exist yet.

    On PostgreSQL an advisory lock makes processes that start at the same moment take turns,
    so two of them never race on the same CREATE TABLE.
    """
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CREATE_TABLES_LOCK})
        for each in (metadata, *metadatas):
            each.create_all(conn)
        _drop_old_not_nulls(conn)
        _add_new_indexes(conn)


# Columns made nullable after their table was first created (create_all leaves an existing
# table as it is): the old NOT NULL is dropped where it is still there.
MADE_NULLABLE: tuple[tuple[str, str], ...] = (("rm_loan_sessions", "topic"),)


# Indexes added after their table was first created (create_all leaves an existing table's
# indexes as they are): made where they are missing.
ADDED_INDEXES: tuple[tuple[str, str], ...] = (("rm_asset_links", "ix_rm_asset_links_asset"),)


def _add_new_indexes(conn: Connection) -> None:
    for name, index_name in ADDED_INDEXES:
        table = metadata.tables.get(name)
        for index in table.indexes if table is not None else ():
            if index.name == index_name:
                index.create(conn, checkfirst=True)


def _drop_old_not_nulls(conn: Connection) -> None:
    for name, column in MADE_NULLABLE:
        if name not in metadata.tables:
            continue
        if conn.dialect.name == "postgresql":
            still = conn.execute(
                text(
                    "SELECT 1 FROM information_schema.columns WHERE table_schema ="
                    " current_schema() AND table_name = :t AND column_name = :c"
                    " AND is_nullable = 'NO'"
                ),
                {"t": name, "c": column},
            ).first()
            if still is not None:  # only then: ALTER TABLE waits for every reader of the table
                conn.execute(text(f'ALTER TABLE "{name}" ALTER COLUMN "{column}" DROP NOT NULL'))
        elif conn.dialect.name == "sqlite":
            info = conn.execute(text(f'PRAGMA table_info("{name}")')).all()
            if any(row[1] == column and row[3] for row in info):
                _recreate_sqlite_table(conn, metadata.tables[name])


def _recreate_sqlite_table(conn: Connection, table: Table) -> None:
    """SQLite cannot alter a column: the table is made again as declared, rows kept."""
    for index in table.indexes:
        conn.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
    old = f"{table.name}__old"
    conn.execute(text(f'ALTER TABLE "{table.name}" RENAME TO "{old}"'))
    table.create(conn)
    names = ", ".join(f'"{c.name}"' for c in table.columns)
    conn.execute(text(f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM "{old}"'))
    conn.execute(text(f'DROP TABLE "{old}"'))
