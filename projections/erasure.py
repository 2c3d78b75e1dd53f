"""What each read model does when a person is erased: blank every personal column of theirs.

The columns blanked are exactly those filled from sealed event fields, so a rebuild after the
erasure (when those fields read back as None) gives the same rows as the blanking did. Ids,
codes, dates, counts and districts stay. Each projection also purges the stored answers of
idempotent commands that name its records of the person, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, Table, Text, cast, column, inspect, or_, select, update
from sqlalchemy import table as table_clause

from domain.erasure import Erasure
from projections.batch import flush
from projections.casework_tables import (
    connections,
    contacts,
    goals,
    involvements,
    measures,
    outcomes,
    person_records,
)
from projections.device_tables import loan_sessions, loan_tickets, loans, scheme_places
from projections.projector import Handler
from projections.tables import erasures, people, referrals

# The service table of idempotent command answers (api/idempotency.py names it from here).
IDEMPOTENCY_TABLE = "idempotency_keys"
_answers = table_clause(IDEMPOTENCY_TABLE, column("body"))
IDS_PER_STATEMENT = 50

# table -> the personal columns blanked (all filled from sealed fields only)
PEOPLE: dict[Table, tuple[str, ...]] = {
    people: (
        "name",
        "name_search",
        "date_of_birth",
        "nhs_number",
        "postcode",
        "address",
        "phone",
        "email",
        "carer_relationship",
    ),
}
REFERRALS: dict[Table, tuple[str, ...]] = {
    referrals: ("referrer", "reasons", "decline_reason", "redirected_to", "close_note"),
}
CASEWORK: dict[Table, tuple[str, ...]] = {
    involvements: ("pause_note", "close_note", "what_matters", "strengths", "next_action"),
    goals: ("text",),
    contacts: ("notes", "correction_why", "withdrawn_why"),
    outcomes: ("evidence", "withdrawn_reason"),
    measures: ("withdrawn_reason",),
    connections: ("note",),
}
DEVICES: dict[Table, tuple[str, ...]] = {
    scheme_places: ("care_plan_ref", "left_reason"),
    loans: ("end_note",),
    loan_sessions: ("topic", "outcome"),
    loan_tickets: ("problem", "resolution"),
}

Step = Callable[[Connection, Erasure.Recorded, int], None]


def erasure_handler(columns: dict[Table, tuple[str, ...]], *steps: Step) -> Handler:
    """A handler for Erasure.Recorded: the `steps`, then blank `columns` of the person's rows."""

    def erased(conn: Connection, e: Erasure.Recorded, position: int) -> None:
        flush(conn)  # the rows buffered so far in this batch, before they are read or blanked
        secure_delete(conn)
        for step in steps:
            step(conn, e, position)
        blank(conn, columns, e.person_id)

    return erased


def blank(conn: Connection, columns: dict[Table, tuple[str, ...]], person_id: UUID) -> None:
    for table, names in columns.items():
        key = table.c.id if table is people else table.c.person_id
        conn.execute(update(table).where(key == person_id).values(dict.fromkeys(names)))


def record_erasure(conn: Connection, e: Erasure.Recorded, position: int) -> None:
    """The people projection's note of the erasure (for lists and the retention run)."""
    conn.execute(
        erasures.insert().values(
            person_id=e.person_id,
            erasure_id=e.originator_id,
            ground=e.ground.value,
            erased_by=e.actor_id,
            erased_at=e.occurred_at,
            position=position,
        )
    )


# the stored answers of idempotent commands ----------------------------------------------------


def purge_answers(conn: Connection, ids: Iterable[UUID]) -> int:
    """Delete the stored command answers that mention any of the ids; returns how many."""
    wanted = sorted({str(i) for i in ids})
    if not wanted or not inspect(conn).has_table(IDEMPOTENCY_TABLE):
        return 0
    purged = 0
    body = cast(_answers.c.body, Text)
    for at in range(0, len(wanted), IDS_PER_STATEMENT):
        chunk = wanted[at : at + IDS_PER_STATEMENT]
        found = conn.execute(_answers.delete().where(or_(*(body.contains(i) for i in chunk))))
        purged += found.rowcount
    return purged


def purge_person_answers(conn: Connection, e: Erasure.Recorded, _position: int) -> None:
    purge_answers(conn, [e.person_id])


def purge_referral_answers(conn: Connection, e: Erasure.Recorded, _position: int) -> None:
    purge_answers(conn, _ids(conn, e.person_id, referrals.c.id))


def purge_casework_answers(conn: Connection, e: Erasure.Recorded, _position: int) -> None:
    found = _ids(
        conn,
        e.person_id,
        person_records.c.record_id,
        goals.c.goal_id,
        outcomes.c.outcome_id,
        measures.c.measure_id,
    )
    purge_answers(conn, found)


def purge_device_answers(conn: Connection, e: Erasure.Recorded, _position: int) -> None:
    found = _ids(
        conn, e.person_id, loans.c.loan_id, loan_sessions.c.session_id, loan_tickets.c.ticket_id
    )
    purge_answers(conn, found)


def _ids(conn: Connection, person_id: UUID, *wanted: Any) -> list[UUID]:
    """The ids in each column given, of the rows whose person_id is the person's."""
    found: list[UUID] = []
    for id_column in wanted:
        owner = id_column.table.c.person_id
        found += conn.execute(select(id_column).where(owner == person_id)).scalars()
    return found


# SQLite files: leave no old copy of a blanked value behind -----------------------------------


def secure_delete(conn: Connection) -> None:
    """SQLite: zero what this connection frees from now on, instead of leaving it in the file."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")


def scrub(engine: Engine) -> None:
    """SQLite: rewrite the read-model file and empty its write-ahead log, so that no value
    overwritten before an erasure (a corrected note, a page split) survives in free space.

    PostgreSQL keeps old row versions until VACUUM reuses their space; there it is the
    database's own housekeeping (and encryption at rest) that covers them.
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
        conn.exec_driver_sql("VACUUM")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
