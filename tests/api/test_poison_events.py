"""Poison events at unit level (embedded SQLite, the projector in-process): an event a handler
cannot apply is recorded, retried a bounded number of times, then skipped; the other events of
its batch are applied exactly once, and the projector keeps going."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, insert, select
from sqlalchemy.exc import OperationalError

from domain.person import Person
from projections.failures import list_failures
from projections.projector import Handler, Projector
from tests.integration.helpers import POISON_NAME, record_many, record_poison
from workers.runtime import Runtime
from workers.settings import Settings

probe_metadata = MetaData()
probe_rows = Table(
    "test_poison_probe",
    probe_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("person_id", String(36), nullable=False),
    Column("position", Integer, nullable=False),
)
BUFFER = "test_poison_probe_rows"


class ProbeProjection:
    """Writes a row per registration through a buffer (like report_facts); raises on one name,
    or with a database error when told to."""

    name = "poison_probe"
    tables = (probe_rows,)
    buffer_key = BUFFER

    def __init__(self, error: Exception | None = None) -> None:
        self.calls: Counter[str] = Counter()
        self.error = error

    def handlers(self) -> dict[type[Any], Handler]:
        return {Person.Registered: self.registered}

    def registered(self, conn: Connection, e: Any, position: int) -> None:
        name = (e.personal or {}).get("name", "")
        self.calls[name] += 1
        if name == POISON_NAME:
            raise self.error or ValueError(f"cannot apply the registration of {name}")
        row = {"person_id": str(e.originator_id), "position": position}
        conn.info.setdefault(BUFFER, []).append(row)

    @staticmethod
    def flush(conn: Connection) -> None:
        rows = conn.info.pop(BUFFER, [])
        if rows:
            conn.execute(insert(probe_rows), rows)


@pytest.fixture
def runtime(tmp_path: Any) -> Iterator[Runtime]:
    rt = Runtime(Settings(data_dir=tmp_path, secret_key="x" * 40, database_url=None))
    probe_metadata.create_all(rt.engine)
    try:
        yield rt
    finally:
        rt.close()


def _rows(runtime: Runtime) -> Counter[str]:
    with runtime.engine.connect() as conn:
        found = conn.execute(select(probe_rows.c.person_id)).scalars()
        return Counter(found)


def _probe(runtime: Runtime, retries: int = 3, error: Exception | None = None) -> Projector:
    projection = ProbeProjection(error)
    return Projector(runtime.app, runtime.engine, projection, batch_size=50, poison_retries=retries)


def test_a_poison_event_is_retried_then_skipped_and_the_rest_applied_once(
    runtime: Runtime,
) -> None:
    actor = uuid.uuid4()
    record_many(runtime, 10, actor, per_save=4)
    poison = record_poison(runtime, actor)
    last = record_many(runtime, 10, actor, per_save=4)
    projector = _probe(runtime)
    probe: Any = projector.projection

    projector.catch_up()

    assert projector.position() == last  # not stalled
    assert probe.calls[POISON_NAME] == 4  # the first try and three retries
    rows = _rows(runtime)
    assert len(rows) == 20 and set(rows.values()) == {1}  # every other person, once
    [failure] = list_failures(runtime.engine)
    assert failure["projection"] == "poison_probe"
    assert failure["position"] == poison
    assert failure["topic"] == "domain.person:Person.Registered"
    assert failure["error_type"] == "ValueError"
    assert failure["attempts"] == 4
    assert failure["skipped_at"] is not None
    assert failure["first_seen"] <= failure["last_seen"] <= failure["skipped_at"]
    assert failure["message"].startswith("raised in tests/api/test_poison_events.py:")
    assert "Poison" not in failure["message"]  # the error's text can hold personal data

    record_many(runtime, 3, actor)
    projector.catch_up()
    assert probe.calls[POISON_NAME] == 4  # a skipped event is not tried again
    assert len(_rows(runtime)) == 23


def test_retries_are_configurable_and_a_rebuild_tries_skipped_events_again(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LAC_POISON_RETRIES", "1")
    assert Settings().poison_retries == 1
    actor = uuid.uuid4()
    record_poison(runtime, actor)
    record_many(runtime, 5, actor)
    projector = _probe(runtime, retries=Settings().poison_retries)
    probe: Any = projector.projection
    projector.catch_up()
    assert probe.calls[POISON_NAME] == 2
    before = _rows(runtime)

    projector.reset()
    assert list_failures(runtime.engine) == []
    projector.catch_up()
    assert probe.calls[POISON_NAME] == 4
    assert [f["attempts"] for f in list_failures(runtime.engine)] == [2]
    assert sorted(_rows(runtime)) == sorted(before)


def test_a_database_error_is_not_held_against_the_event(runtime: Runtime) -> None:
    actor = uuid.uuid4()
    record_many(runtime, 3, actor)
    record_poison(runtime, actor)
    gone = OperationalError("SELECT 1", {}, Exception("server closed the connection"))
    projector = _probe(runtime, error=gone)
    probe: Any = projector.projection
    for _ in range(6):
        with pytest.raises(OperationalError):
            projector.run_batch()
    assert probe.calls[POISON_NAME] == 6
    assert projector.position() == 0  # waits for the database, never skips
    assert list_failures(runtime.engine) == []
    assert _rows(runtime) == Counter()


def test_the_real_people_projection_skips_a_registration_it_cannot_store(
    runtime: Runtime,
) -> None:
    actor = uuid.uuid4()
    record_many(runtime, 5, actor)
    poison = record_poison(runtime, actor)
    last = record_many(runtime, 5, actor)
    runtime.catch_up()
    assert min(runtime.positions().values()) == last
    people = [f for f in list_failures(runtime.engine) if f["projection"] == "people"]
    assert [(f["position"], f["attempts"]) for f in people] == [(poison, 4)]
    assert people[0]["error_type"] == "IntegrityError (IntegrityError)"
    pattern = r"raised in projections/people\.py:\d+ \(registered\); database error SQLITE_\w+"
    assert re.fullmatch(pattern, people[0]["message"])
