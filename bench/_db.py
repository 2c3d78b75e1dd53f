"""A throw-away PostgreSQL database per benchmark run, and facts about the machine."""

from __future__ import annotations

import os
import platform
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

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


def _admin() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True
    )


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
