"""A read-model table made before a column became nullable is brought up to date when the
tables are created, its rows kept: the session topic (sealed, blanked on erasure)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, MetaData, inspect, select, update

from projections.db import create_tables, make_engine
from projections.device_tables import loan_sessions


def check_topic_made_nullable(engine: Engine) -> None:
    old = MetaData()
    table = loan_sessions.to_metadata(old)
    table.c.topic.nullable = False  # as it was declared before
    row = {
        "session_id": uuid.uuid4(),
        "loan_id": uuid.uuid4(),
        "person_id": uuid.uuid4(),
        "kind": "training",
        "on": date(2024, 5, 1),
        "minutes": 30,
        "topic": "video calls",
        "outcome": None,
        "recorded_by": uuid.uuid4(),
    }
    with engine.begin() as conn:
        old.create_all(conn)
        conn.execute(table.insert().values(row))
    nullable = {c["name"]: c["nullable"] for c in inspect(engine).get_columns(table.name)}
    assert nullable["topic"] is False

    create_tables(engine)
    create_tables(engine)  # and again: nothing left to change

    nullable = {c["name"]: c["nullable"] for c in inspect(engine).get_columns(table.name)}
    assert nullable["topic"] is True
    indexed = {tuple(i["column_names"]) for i in inspect(engine).get_indexes(table.name)}
    assert {("loan_id",), ("person_id",)} <= indexed
    with engine.begin() as conn:
        kept = conn.execute(select(loan_sessions)).mappings().one()
        assert dict(kept) == row
        conn.execute(update(loan_sessions).values(topic=None))  # what an erasure does
        assert conn.execute(select(loan_sessions.c.topic)).scalar_one() is None


def test_an_old_sqlite_sessions_table_takes_a_blank_topic(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    try:
        check_topic_made_nullable(engine)
    finally:
        engine.dispose()
