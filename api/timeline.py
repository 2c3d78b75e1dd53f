"""A person's timeline, read straight from the event log: every event, who and when."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import Enum
from typing import Any

from api.accounts import list_users
from api.schemas import TimelineEntry
from domain.person import Person
from projections import queries
from workers.runtime import Runtime

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


def _entry(record: str, event: Any, names: dict[uuid.UUID, str]) -> TimelineEntry:
    state = vars(event)
    actor = state.get("actor_id")
    return TimelineEntry(
        record="person" if record == "person" else "referral",
        record_id=event.originator_id,
        version=event.originator_version,
        event=type(event).__qualname__,
        occurred_at=state.get("occurred_at"),
        recorded_at=event.timestamp,
        actor_id=actor,
        actor_name=names.get(actor) if actor else None,
        details={k: _plain(v) for k, v in state.items() if k not in HIDDEN},
    )


def timeline_for(runtime: Runtime, person_id: uuid.UUID) -> list[TimelineEntry]:
    app = runtime.app
    app.get_person(person_id)  # 404 for an unknown person
    names = {u.id: u.full_name for u in list_users(runtime.engine)}
    entries = [
        _entry("person", e, names) for e in app.history(person_id) if isinstance(e, Person.Event)
    ]
    for referral_id in queries.referral_ids_for(runtime.engine, person_id):
        entries += [_entry("referral", e, names) for e in app.history(referral_id)]
    return sorted(entries, key=lambda e: (e.recorded_at, e.record_id.hex, e.version))
