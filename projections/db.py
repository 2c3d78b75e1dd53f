"""SQLAlchemy engines for the read models (SQLite file by default, PostgreSQL in production)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event, text
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
