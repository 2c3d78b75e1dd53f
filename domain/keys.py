"""Per-person keys kept beside the events, in the event store's own database."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from uuid import UUID

from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import ApplicationRecorder

from domain.cipher_cache import SubjectErased

# A destroyed key leaves its row behind with this value: a tombstone, so that no new key is
# ever made for an erased person (their later events could otherwise be read again).
DESTROYED = ""
# Subjects per query when keys are read for a batch (well under SQLite's parameter limit).
KEYS_PER_QUERY = 500


class RecorderKeyStore:
    """Keys in a table of the event store's database (PostgreSQL or SQLite file).

    The table holds one row per person; erasure overwrites the key with a tombstone, and with
    it every way of reading that person's sealed fields. On SQLite the key table is written
    with `secure_delete` on, so that a destroyed key's bytes are zeroed in the file rather than
    left in free space, and the write-ahead log is truncated after a destruction.
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

    def _secure(self, curs: Any) -> None:
        if not self.is_postgres:
            curs.execute("PRAGMA secure_delete = ON")

    def key_for(self, subject_id: UUID) -> str:
        # One round trip for a new person; a second only when the key already existed.
        m = self.mark
        with self.datastore.transaction(commit=True) as curs:
            self._secure(curs)
            curs.execute(
                f"INSERT INTO {self.table} (subject_id, key) VALUES ({m}, {m}) "
                "ON CONFLICT (subject_id) DO NOTHING RETURNING key",
                (subject_id.hex, AESCipher.create_key(32)),
            )
            row = curs.fetchone()
        if row is not None:
            return _key(row)
        key = self.existing_key(subject_id)
        if key is None:
            raise SubjectErased(subject_id)
        return key

    def existing_key(self, subject_id: UUID) -> str | None:
        """The key; None when there is none or it was destroyed."""
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                f"SELECT key FROM {self.table} WHERE subject_id = {self.mark}", (subject_id.hex,)
            )
            row = curs.fetchone()
        if row is None or _key(row) == DESTROYED:
            return None
        return _key(row)

    def existing_keys(self, subject_ids: Collection[UUID]) -> dict[UUID, str]:
        """The keys of those subjects that have one and not destroyed, a few hundred a query."""
        found: dict[UUID, str] = {}
        wanted = [s.hex for s in subject_ids]
        for start in range(0, len(wanted), KEYS_PER_QUERY):
            chunk = wanted[start : start + KEYS_PER_QUERY]
            marks = ", ".join([self.mark] * len(chunk))
            with self.datastore.transaction(commit=False) as curs:
                curs.execute(
                    f"SELECT subject_id, key FROM {self.table} WHERE subject_id IN ({marks})",
                    chunk,
                )
                rows = curs.fetchall()
            for row in rows:
                subject, key = _pair(row)
                if key != DESTROYED:
                    found[UUID(hex=subject)] = key
        return found

    def is_destroyed(self, subject_id: UUID) -> bool:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(
                f"SELECT key FROM {self.table} WHERE subject_id = {self.mark}", (subject_id.hex,)
            )
            row = curs.fetchone()
        return row is not None and _key(row) == DESTROYED

    def destroy(self, subject_id: UUID) -> None:
        m = self.mark
        with self.datastore.transaction(commit=True) as curs:
            self._secure(curs)
            curs.execute(
                f"INSERT INTO {self.table} (subject_id, key) VALUES ({m}, {m}) "
                f"ON CONFLICT (subject_id) DO UPDATE SET key = {m}",
                (subject_id.hex, DESTROYED, DESTROYED),
            )
        self._truncate_log()

    def _truncate_log(self) -> None:
        """SQLite: copy the log into the file and empty it, so no old page keeps the key.

        Best effort: with a reader in the way the log is truncated by a later destruction."""
        if self.is_postgres:
            return
        with self.datastore.get_connection(commit=True) as conn:
            curs = conn.cursor()
            curs.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            curs.fetchone()


def _pair(row: Any) -> tuple[str, str]:
    if isinstance(row, dict):
        return str(row["subject_id"]), str(row["key"])
    return str(row[0]), str(row[1])


def _key(row: Any) -> str:
    return str(row["key"] if isinstance(row, dict) else row[0])
