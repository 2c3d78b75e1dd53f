"""A subject access request: everything held about one person, with its history.

The history is read straight from the event log (every event of the person's own record,
referrals, involvement, contacts, connections, device loans, their part of each device scheme
year, their NHS-number claim, erasure and earlier requests), with who did what; `records` is
what the read models show. After an erasure the sealed fields read as None and the read models
are blank, so the answer says when and why the person was erased and shows nothing personal.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import Table, select

from api.accounts import list_users
from api.cli_report import CLI_ACTOR
from api.schemas_data_protection import ErasureRead, HistoryEntry, SubjectAccessReport
from domain.erasure import RETENTION_ACTOR, erasure_id, subject_access_id
from domain.scheme import scheme_id
from projections import casework_queries, queries
from projections.casework_tables import (
    connections,
    contacts,
    goals,
    involvements,
    measures,
    outcomes,
)
from projections.device_tables import loan_sessions, loan_tickets, loans, scheme_places
from projections.tables import people, referrals
from workers.runtime import Runtime

SYSTEM_ACTORS = {CLI_ACTOR: "command line", RETENTION_ACTOR: "retention schedule"}
HIDDEN = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor_id"}
# What the read models show, table by table (the report facts hold only codes and dates,
# already in the history; the timeline index holds only ids).
READ_MODELS: dict[str, Table] = {
    "referrals": referrals,
    "involvement": involvements,
    "goals": goals,
    "contacts": contacts,
    "outcomes": outcomes,
    "measures": measures,
    "connections": connections,
    "device_scheme_places": scheme_places,
    "device_loans": loans,
    "device_sessions": loan_sessions,
    "device_tickets": loan_tickets,
}


def plain(value: Any) -> Any:
    """A value as JSON has it."""
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def subject_access_report(
    runtime: Runtime, person_id: uuid.UUID, produced_by: str, position: int, at: datetime
) -> SubjectAccessReport:
    """The report; the person must exist (RecordNotFound otherwise)."""
    runtime.app.get_person(person_id)
    names = {u.id: u.full_name for u in list_users(runtime.engine)} | SYSTEM_ACTORS
    history = sorted(
        (_entry(record, e, names) for record, e in _events(runtime, person_id)),
        key=lambda h: (h.recorded_at, h.record_id.hex, h.version),
    )
    return SubjectAccessReport(
        person_id=person_id,
        produced_at=at,
        produced_by=produced_by,
        position=position,
        erased=_erased(runtime, person_id, names),
        details=_details(runtime, person_id),
        records=_records(runtime, person_id),
        history=history,
    )


def _events(runtime: Runtime, person_id: uuid.UUID) -> Iterator[tuple[str, Any]]:
    app = runtime.app
    for record, record_id in _record_ids(runtime, person_id):
        for e in app.history(record_id):
            yield record, e
    for year in _scheme_years(runtime, person_id):
        for e in app.history(scheme_id(year)):
            if getattr(e, "person_id", None) == person_id:
                yield "device_scheme", e


def _record_ids(runtime: Runtime, person_id: uuid.UUID) -> Iterator[tuple[str, uuid.UUID]]:
    app, engine = runtime.app, runtime.engine
    yield "person", person_id
    for referral_id in queries.referral_ids_for(engine, person_id):
        yield "referral", referral_id
    for record_id, kind in casework_queries.record_ids_for(engine, person_id):
        yield kind, record_id
    with engine.connect() as conn:
        found = conn.execute(select(loans.c.loan_id).where(loans.c.person_id == person_id))
        loan_ids = list(found.scalars())
    for loan_id in loan_ids:
        yield "device_loan", loan_id
    claim = _claim_id(runtime, person_id)
    optional = [("nhs_number_claim", claim)] if claim else []
    optional += [
        ("erasure", erasure_id(person_id)),
        ("subject_access", subject_access_id(person_id)),
    ]
    for record, record_id in optional:
        if record_id in app.repository:
            yield record, record_id


def _claim_id(runtime: Runtime, person_id: uuid.UUID) -> uuid.UUID | None:
    number = runtime.app.get_person(person_id).nhs_number
    return None if number is None else runtime.app.claim_id(number)


def _scheme_years(runtime: Runtime, person_id: uuid.UUID) -> list[str]:
    with runtime.engine.connect() as conn:
        years = conn.execute(
            select(scheme_places.c.year).where(scheme_places.c.person_id == person_id)
        ).scalars()
        return sorted(set(years))


def _entry(record: str, event: Any, names: dict[uuid.UUID, str]) -> HistoryEntry:
    state = vars(event)
    actor = state.get("actor_id")
    when = state.get("occurred_at") or state.get("contact_at")
    return HistoryEntry(
        record=record,
        record_id=event.originator_id,
        version=event.originator_version,
        event=type(event).__qualname__,
        occurred_at=when if isinstance(when, datetime) else None,
        recorded_at=event.timestamp,
        actor_id=actor,
        actor_name=names.get(actor) if actor else None,
        details={k: plain(v) for k, v in sorted(state.items()) if k not in HIDDEN},
    )


def _erased(
    runtime: Runtime, person_id: uuid.UUID, names: dict[uuid.UUID, str]
) -> ErasureRead | None:
    try:
        erasure = runtime.app.repository.get(erasure_id(person_id))
    except AggregateNotFoundError:
        return None
    return ErasureRead(
        erasure_id=erasure.id,
        ground=erasure.ground.value,
        note=erasure.note,
        erased_at=erasure.occurred_at,
        erased_by=erasure.actor_id,
        erased_by_name=names.get(erasure.actor_id),
    )


def _details(runtime: Runtime, person_id: uuid.UUID) -> dict[str, Any] | None:
    shown = [c for c in people.c if c.name != "name_search"]  # a lower-case copy of the name
    with runtime.engine.connect() as conn:
        row = conn.execute(select(*shown).where(people.c.id == person_id)).first()
    return None if row is None else _row(row._mapping)


def _records(runtime: Runtime, person_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    with runtime.engine.connect() as conn:
        for name, table in READ_MODELS.items():
            rows = conn.execute(
                select(table).where(table.c.person_id == person_id).order_by(*table.primary_key)
            )
            found[name] = [_row(r._mapping) for r in rows]
    return found


def _row(mapping: Any) -> dict[str, Any]:
    return {str(k): plain(v) for k, v in mapping.items()}
