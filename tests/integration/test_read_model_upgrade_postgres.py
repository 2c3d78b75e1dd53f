"""The session topic's old NOT NULL is dropped on PostgreSQL too (rows kept)."""

from __future__ import annotations

from projections.db import make_engine
from tests.api.test_read_model_upgrade import check_topic_made_nullable
from tests.integration.services import create_database, drop_database


def test_an_old_postgres_sessions_table_takes_a_blank_topic() -> None:
    url = create_database()
    engine = make_engine(url)
    try:
        check_topic_made_nullable(engine)
    finally:
        engine.dispose()
        drop_database(url)
