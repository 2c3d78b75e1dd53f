"""A person's timeline, read straight from the event log: every event, who and when.

It covers the person's own record, their referrals, and every casework record that belongs
to them (involvement, support contacts, connections to community assets)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

from api.accounts import User, list_users
from api.schemas import TimelineEntry
from api.scope import may_see_casework
from domain.person import Person
from projections import casework_queries, queries
from workers.runtime import Runtime

Record = Literal["person", "referral", "involvement", "support_contact", "connection"]
CASEWORK_RECORDS: dict[str, Record] = {
    "involvement": "involvement",
    "support_contact": "support_contact",
    "connection": "connection",
}

HIDDEN = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "actor_id",
    "occurred_at",
}


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _entry(record: Record, event: Any, names: dict[uuid.UUID, str]) -> TimelineEntry:
    state = vars(event)
    actor = state.get("actor_id")
    return TimelineEntry(
        record=record,
        record_id=event.originator_id,
        version=event.originator_version,
        event=type(event).__qualname__,
        occurred_at=state.get("occurred_at") or state.get("contact_at"),
        recorded_at=event.timestamp,
        actor_id=actor,
        actor_name=names.get(actor) if actor else None,
        details={k: _plain(v) for k, v in state.items() if k not in HIDDEN},
    )


def timeline_for(
    runtime: Runtime, person_id: uuid.UUID, user: User | None = None
) -> list[TimelineEntry]:
    """Every event, oldest first. Given the user, casework records are included only when
    the person is within their casework scope (their own caseload or their team's)."""
    app = runtime.app
    app.get_person(person_id)  # 404 for an unknown person
    names = {u.id: u.full_name for u in list_users(runtime.engine)}
    entries = [
        _entry("person", e, names) for e in app.history(person_id) if isinstance(e, Person.Event)
    ]
    for referral_id in queries.referral_ids_for(runtime.engine, person_id):
        entries += [_entry("referral", e, names) for e in app.history(referral_id)]
    if user is None or may_see_casework(runtime, user, person_id):
        for record_id, kind in casework_queries.record_ids_for(runtime.engine, person_id):
            record = CASEWORK_RECORDS[kind]
            entries += [_entry(record, e, names) for e in app.history(record_id)]
    return sorted(entries, key=lambda e: (e.recorded_at, e.record_id.hex, e.version))
