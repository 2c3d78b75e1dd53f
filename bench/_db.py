"""A throw-away PostgreSQL database per benchmark run, and facts about the machine."""

from __future__ import annotations

import os
import platform
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import psycopg
from psycopg import sql

PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")


@dataclass(frozen=True)
class BenchDatabase:
    name: str
    host: str = PG_HOST
    port: int = PG_PORT
    user: str = PG_USER

    @property
    def url(self) -> str:
        """The form LAC_DATABASE_URL takes (trust auth: no password)."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.name}"

    def lac_env(self) -> dict[str, str]:
        return {"LAC_DATABASE_URL": self.url}

    def settings_kwargs(self) -> dict[str, object]:
        return {"database_url": self.url}

    def raw_env(self, pool_size: int) -> dict[str, str]:
        return self.eventsourcing_env(pool_size)

    def eventsourcing_env(self, pool_size: int) -> dict[str, str]:
        """Plain eventsourcing settings pointing at this database."""
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.name,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": "",
            "POSTGRES_POOL_SIZE": str(pool_size),
            "POSTGRES_MAX_OVERFLOW": str(pool_size),
            "POSTGRES_LOCK_TIMEOUT": "5",
        }


def _admin(patience: float = 120) -> psycopg.Connection[tuple[object, ...]]:
    """A maintenance connection; waits while the shared server has no connection slot left."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return psycopg.connect(
                host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
            )
        except psycopg.OperationalError as error:
            if "too many clients" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(1)


@contextmanager
def fresh_database() -> Iterator[BenchDatabase]:
    """Create `lac_bench_<random>`; drop it afterwards, whatever happened in between."""
    db = BenchDatabase(f"lac_bench_{secrets.token_hex(4)}")
    with _admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db.name)))
    try:
        yield db
    finally:
        with _admin() as conn:
            # FORCE ends any connection a crashed server or pool left behind (PostgreSQL 13+).
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db.name))
            )


def server_version() -> str:
    with _admin() as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


@dataclass(frozen=True)
class SqliteStore:
    """Embedded mode: the product's SQLite files in one directory, the raw library's beside."""

    directory: Path
    name: str = "sqlite"

    def lac_env(self) -> dict[str, str]:
        return {"LAC_DATA_DIR": str(self.directory)}

    def settings_kwargs(self) -> dict[str, object]:
        return {"data_dir": self.directory}

    def raw_env(self, pool_size: int) -> dict[str, str]:
        del pool_size  # one connection per thread in the library's SQLite recorder
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(self.directory / "raw.sqlite"),
            "SQLITE_LOCK_TIMEOUT": "30",
        }


class Store(Protocol):
    """Where a commands benchmark runs: PostgreSQL (BenchDatabase) or SQLite files."""

    @property
    def name(self) -> str: ...

    def lac_env(self) -> dict[str, str]: ...

    def settings_kwargs(self) -> dict[str, object]: ...

    def raw_env(self, pool_size: int) -> dict[str, str]: ...
