"""Request and answer bodies for erasure, subject access and retention."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas import Strict
from domain.erasure import NOTE_LENGTH

Ground = Literal["request", "retention", "other"]


class ErasureCreate(Strict):
    ground: Ground = Field(description="Why: the person asked, the retention period ended, other")
    note: str | None = Field(
        None,
        max_length=NOTE_LENGTH,
        description="A reference such as the request's case number. It is kept after the "
        "erasure: never write personal details here.",
    )


class ErasureRead(BaseModel):
    erasure_id: UUID
    ground: str
    note: str | None
    erased_at: datetime
    erased_by: UUID
    erased_by_name: str | None


class HistoryEntry(BaseModel):
    """One event about the person: what, when, who, and what it recorded."""

    record: str
    record_id: UUID
    version: int
    event: str
    occurred_at: datetime | None
    recorded_at: datetime
    actor_id: UUID | None
    actor_name: str | None
    details: dict[str, Any]


class SubjectAccessReport(BaseModel):
    """Everything held about one person: their details and records as the service shows them
    (`details`, `records`), and every event about them, oldest first (`history`)."""

    person_id: UUID
    produced_at: datetime
    produced_by: str
    position: int = Field(description="The event-log position of this request's own record")
    erased: ErasureRead | None
    details: dict[str, Any] | None
    records: dict[str, list[dict[str, Any]]]
    history: list[HistoryEntry]


class RetentionRunRead(BaseModel):
    """What a retention run erased (person ids only) and how many it kept back, and why."""

    retention_years: int
    cutoff: date
    dry_run: bool
    considered: int
    erased_count: int
    erased: list[UUID]
    by_rule: dict[str, int] = Field(
        description="Erased (or due, in a dry run) under each rule: involvement_closed,"
        " declined_referrals, device_scheme_only"
    )
    kept: dict[str, int]
    remaining: int
    finished: int
    recorded_id: UUID | None
    position: int | None
