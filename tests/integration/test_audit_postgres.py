"""The audit log on the real PostgreSQL: the database refuses UPDATE, DELETE and TRUNCATE of
the audit tables, and many readers at once still make one unbroken hash chain."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from api.accounts import User
from api.audit import audit_log, ensure_append_only, verify_chain
from api.roles import Role
from tests.integration.conftest import headers_for
from tests.integration.helpers import person_body
from workers.runtime import Runtime
from workers.settings import Settings

THREADS, READS = 6, 8


@pytest.fixture
def settings(make_settings: Callable[[str | None], Settings]) -> Settings:
    """Embedded (no Redis, no worker): only PostgreSQL matters here."""
    return make_settings(None)


def register(client: TestClient, headers: dict[str, str]) -> str:
    made = client.post("/people", json=person_body(), headers=headers)
    assert made.status_code == 201, made.text
    read = client.get(
        f"/people/{made.json()['id']}",
        params={"min_position": made.json()["position"]},
        headers=headers,
    )
    assert read.status_code == 200, read.text
    return str(made.json()["id"])


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET username = 'someone_else'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log CASCADE",
        "UPDATE break_glass_reviews SET note = 'x'",
        "DELETE FROM break_glass_reviews",
    ],
)
def test_postgres_refuses_to_change_or_remove_audit_rows(
    client: TestClient, runtime: Runtime, users: dict[Role, User], statement: str
) -> None:
    register(client, headers_for(client, Role.COORDINATOR))
    ensure_append_only(runtime.engine, again=True)  # idempotent: a second start changes nothing
    with pytest.raises(DBAPIError, match="append-only"), runtime.engine.begin() as conn:
        conn.execute(text(statement))
    with runtime.engine.connect() as conn:
        assert len(conn.execute(select(audit_log.c.id)).all()) == 2
    assert verify_chain(runtime.engine).intact


def test_concurrent_readers_make_one_unbroken_chain(
    client: TestClient, runtime: Runtime, users: dict[Role, User]
) -> None:
    headers = headers_for(client, Role.COORDINATOR)
    people = [register(client, headers) for _ in range(3)]

    def read(n: int) -> list[int]:
        codes = []
        for i in range(READS):
            url = f"/people/{people[(n + i) % len(people)]}"
            codes.append(client.get(url, headers=headers).status_code)
        codes.append(client.get("/people", params={"q": "Test"}, headers=headers).status_code)
        return codes

    with ThreadPoolExecutor(THREADS) as pool:
        codes = [c for batch in pool.map(read, range(THREADS)) for c in batch]
    assert set(codes) == {200}

    checked = verify_chain(runtime.engine)
    # per person: the registration and its read-back; per thread: the reads, and one search
    # with a read row for each of the three people
    expected = 2 * len(people) + THREADS * (READS + 1 + len(people))
    assert (checked.intact, checked.rows) == (True, expected)
    with runtime.engine.connect() as conn:
        ids = list(conn.execute(select(audit_log.c.id).order_by(audit_log.c.id)).scalars())
    assert ids == list(range(1, expected + 1))
