"""Per-person keys kept beside the events, in the event store's own database."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import ApplicationRecorder


class RecorderKeyStore:
    """Keys in a table of the event store's database (PostgreSQL or SQLite file).

    The table holds one row per person; erasure deletes the row, and with it every way of
    reading that person's sealed fields.
    """

    def __init__(self, recorder: ApplicationRecorder, table: str, *, create_table: bool) -> None:
        self.datastore: Any = getattr(recorder, "datastore")  # noqa: B009
        self.is_postgres = type(self.datastore).__module__.endswith("postgres")
        self.table = table
        self.mark = "%s" if self.is_postgres else "?"
        if create_table:
            self._create_table()

    def _create_table(self) -> None:
        sql = (
            f"CREATE TABLE IF NOT EXISTS {self.table} "
            "(subject_id TEXT PRIMARY KEY, key TEXT NOT NULL)"
        )
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(sql)

    def key_for(self, subject_id: UUID) -> str:
        # One round trip for a new person; a second only when the key already existed.
        m = self.mark
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                f"INSERT INTO {self.table} (subject_id, key) VALUES ({m}, {m}) "
                "ON CONFLICT (subject_id) DO NOTHING RETURNING key",
                (subject_id.hex, AESCipher.create_key(32)),
            )
            row = curs.fetchone()
        if row is not None:
            return str(row["key"] if isinstance(row, dict) else row[0])
        key = self.existing_key(subject_id)
        assert key is not None
        return key

    def existing_key(self, subject_id: UUID) -> str | None:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                f"SELECT key FROM {self.table} WHERE subject_id = {self.mark}", (subject_id.hex,)
            )
            row = curs.fetchone()
        if row is None:
            return None
        return str(row["key"] if isinstance(row, dict) else row[0])

    def destroy(self, subject_id: UUID) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                f"DELETE FROM {self.table} WHERE subject_id = {self.mark}", (subject_id.hex,)
            )
