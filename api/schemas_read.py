"""Response bodies for the casework read side: caseload, person page, assets, community work."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, PlainSerializer

from api.schemas import Page
from domain.codes import (
    AssetCategory,
    CloseReason,
    CommunityWorkKind,
    ConnectionStatus,
    ContactMode,
    ContactPurpose,
    GoalStatus,
    Instrument,
    InvolvementStatus,
    Occasion,
    OutcomeDetail,
    OutcomeDomain,
    Participant,
    SupportLevel,
)

# Scores are exact decimals inside; JSON gives them as numbers (two decimal places).
Score = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]
Flag = Literal["next_action_overdue", "no_contact", "no_next_action", "safeguarding", "paused"]


class CaseloadRow(BaseModel):
    person_id: UUID
    involvement_id: UUID
    name: str | None = Field(description="None once the person's personal data is erased")
    district: str
    coordinator_id: UUID
    coordinator_name: str | None = None
    status: InvolvementStatus
    support_level: SupportLevel
    opened_at: datetime
    last_contact_at: datetime | None
    contacts_count: int
    days_since_contact: int = Field(description="Since the last contact, or since opening")
    next_action: str | None
    next_action_due: date | None
    safeguarding_raised_at: date | None
    flags: list[Flag]


class CaseloadPage(Page):
    no_contact_days: int
    items: list[CaseloadRow]


class InvolvementRead(BaseModel):
    involvement_id: UUID
    coordinator_id: UUID
    district: str
    status: InvolvementStatus
    support_level: SupportLevel
    referral_id: UUID | None
    first_opened_at: datetime
    opened_at: datetime
    paused_at: datetime | None
    pause_note: str | None
    closed_at: datetime | None
    close_reason: CloseReason | None
    close_note: str | None
    what_matters: str | None
    strengths: dict[str, list[str]] | None
    next_action: str | None
    next_action_due: date | None
    last_contact_at: datetime | None
    contacts_count: int
    safeguarding_raised_at: date | None
    version: int


class GoalRead(BaseModel):
    goal_id: UUID
    text: str | None
    status: GoalStatus
    set_at: datetime
    changed_at: datetime


class ContactRead(BaseModel):
    contact_id: UUID
    contact_at: datetime
    duration_minutes: int
    mode: ContactMode
    participants: list[Participant]
    purposes: list[ContactPurpose]
    notes: str | None
    asset_ids: list[UUID]
    recorded_by: UUID
    recorded_at: datetime
    corrected: bool
    corrected_at: datetime | None
    withdrawn: bool
    withdrawn_at: datetime | None
    version: int


class ConnectionRead(BaseModel):
    connection_id: UUID
    asset_id: UUID
    asset_name: str | None
    asset_category: AssetCategory | None
    status: ConnectionStatus
    introduced_at: datetime
    attended_at: datetime | None
    checked_at: datetime | None
    dropped_at: datetime | None
    note: str | None
    version: int


class OutcomeRead(BaseModel):
    outcome_id: UUID
    domain: OutcomeDomain
    detail: OutcomeDetail | None
    occurred_on: date
    evidence: str | None
    visits: dict[str, int] | None
    recorded_by: UUID
    recorded_at: datetime
    withdrawn: bool
    withdrawn_reason: str | None


class ScoreChange(BaseModel):
    """Derived, never typed in: SWEMWBS by metric score, UCLA-3 by raw score, ONS4 by item."""

    metric: Score | None = None
    raw: int | None = None
    items: list[int] | None = None


class MeasureRead(BaseModel):
    measure_id: UUID
    instrument: Instrument
    occasion: Occasion
    taken_on: date
    items: list[int]
    raw_score: int | None
    metric_score: Score | None
    recorded_by: UUID
    recorded_at: datetime
    withdrawn: bool
    withdrawn_reason: str | None
    change_from_baseline: ScoreChange | None = Field(
        description="For a follow-up: the change from the baseline (None if either is withdrawn)"
    )


class PersonCasework(BaseModel):
    person_id: UUID
    name: str | None
    district: str
    involvement: InvolvementRead | None
    goals: list[GoalRead]
    contacts: list[ContactRead] = Field(description="Newest first; withdrawn ones are marked")
    connections: list[ConnectionRead]
    outcomes: list[OutcomeRead]
    measures: list[MeasureRead]


class AssetRead(BaseModel):
    asset_id: UUID
    name: str
    category: AssetCategory
    district: str
    description: str | None
    contact: str | None
    accessibility: str | None
    last_verified_on: date | None
    retired: bool
    introduced: int = Field(description="People introduced and not yet attending")
    attended: int
    still_connected: int
    dropped: int
    version: int


class AssetsPage(Page):
    items: list[AssetRead]


class CommunityWorkRead(BaseModel):
    work_id: UUID
    kind: CommunityWorkKind
    district: str
    asset_id: UUID | None
    asset_name: str | None
    description: str
    minutes: int
    occurred_on: date
    recorded_by: UUID
    recorded_at: datetime


class CommunityWorkPage(Page):
    items: list[CommunityWorkRead]
