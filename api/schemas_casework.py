"""Request bodies for casework: involvements, contacts, connections, outcomes, measures, assets.

Pydantic checks the shape (types, codes, lengths) and answers 422 naming the field; the
domain checks the rules (dates not in the future, score ranges, districts) and does the same.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, Field, StrictInt, model_validator

from api.schemas import Strict
from api.schemas_consent import OpeningConsent
from domain.codes import (
    AssetCategory,
    CloseReason,
    CommunityWorkKind,
    ConnectionStatus,
    ContactMode,
    ContactPurpose,
    GoalStatus,
    Instrument,
    Occasion,
    OutcomeDetail,
    OutcomeDomain,
    Participant,
    StrengthKind,
    SupportLevel,
)
from domain.community import AssetDetails
from domain.contact import ContactDetails
from domain.outcomes import OutcomeRecord, VisitCounts

Note = Annotated[str | None, Field(max_length=2000)]
When = Annotated[datetime | None, Field(description="When it happened, if not now")]
Reason = Annotated[str, Field(min_length=1, max_length=1000)]
Strength = Annotated[str, Field(min_length=1, max_length=500)]

# involvements ----------------------------------------------------------------------------


class InvolvementOpen(Strict):
    coordinator_id: UUID | None = Field(None, description="The coordinator; defaults to you")
    support_level: SupportLevel = SupportLevel.INTRODUCTORY
    referral_id: UUID | None = Field(None, description="The LAC referral it came from, if any")
    occurred_at: When = None
    consent: OpeningConsent | None = Field(
        None,
        description="The person's consent to Local Area Coordination support, given now "
        "(needed unless already recorded, e.g. through the referral)",
    )


class Reassign(Strict):
    coordinator_id: UUID


class SupportLevelChange(Strict):
    support_level: SupportLevel


class WhatMatters(Strict):
    what_matters: str = Field(
        min_length=1, max_length=4000, description="The person's vision of a good life"
    )


class Strengths(Strict):
    personal: list[Strength] = Field(default_factory=list, max_length=50)
    family: list[Strength] = Field(default_factory=list, max_length=50)
    community: list[Strength] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _at_least_one(self) -> Strengths:
        if not (self.personal or self.family or self.community):
            raise ValueError("give at least one strength (personal, family or community)")
        return self

    def by_kind(self) -> dict[StrengthKind, list[str]]:
        return {
            StrengthKind.PERSONAL: self.personal,
            StrengthKind.FAMILY: self.family,
            StrengthKind.COMMUNITY: self.community,
        }


class GoalCreate(Strict):
    text: str = Field(min_length=1, max_length=1000)


class GoalStatusChange(Strict):
    status: GoalStatus


class NextAction(Strict):
    action: str = Field(min_length=1, max_length=500)
    due_on: date


class Pause(Strict):
    note: Note = None


class Resume(Strict):
    pass


class InvolvementClose(Strict):
    reason: CloseReason
    note: Note = None
    occurred_at: When = None


# outcomes and measures -------------------------------------------------------------------


class Visits(Strict):
    """Self-reported GP and A&E visits: the three months before, and the latest three."""

    gp_before: StrictInt
    gp_after: StrictInt
    ae_before: StrictInt
    ae_after: StrictInt


class OutcomeCreate(Strict):
    domain: OutcomeDomain
    detail: OutcomeDetail | None = None
    occurred_on: date
    evidence: str = Field(min_length=1, max_length=2000)
    visits: Visits | None = None

    def record(self) -> OutcomeRecord:
        visits = VisitCounts(**self.visits.model_dump()) if self.visits else None
        return OutcomeRecord(self.domain, self.detail, self.occurred_on, self.evidence, visits)


class Withdraw(Strict):
    reason: Reason


class MeasureCreate(Strict):
    instrument: Instrument
    occasion: Occasion
    taken_on: date
    items: list[StrictInt] = Field(max_length=20, description="Item scores, in order")


# support contacts and connections --------------------------------------------------------


class ContactBody(Strict):
    contact_at: AwareDatetime
    duration_minutes: StrictInt
    mode: ContactMode
    participants: list[Participant] = Field(max_length=len(Participant))
    purposes: list[ContactPurpose] = Field(max_length=len(ContactPurpose))
    notes: str | None = Field(None, max_length=5000, description="Sealed under the person's key")
    asset_ids: list[UUID] = Field(default_factory=list, max_length=50)

    def details(self) -> ContactDetails:
        return ContactDetails(
            self.contact_at,
            self.duration_minutes,
            self.mode,
            tuple(self.participants),
            tuple(self.purposes),
            self.notes or None,
            tuple(self.asset_ids),
        )


class ContactCorrection(ContactBody):
    why: str = Field(min_length=1, max_length=500, description="Why the record was wrong")


class ContactWithdraw(Strict):
    why: str = Field(min_length=1, max_length=500)


class ConnectionStep(Strict):
    asset_id: UUID
    status: ConnectionStatus
    note: str | None = Field(None, max_length=1000)
    occurred_at: When = None


# community assets and community work -----------------------------------------------------


class AssetBody(Strict):
    name: str = Field(min_length=1, max_length=200, examples=["Oak Tree Lane Walking Group"])
    category: AssetCategory
    district: str = Field(min_length=1, max_length=60, examples=["Mansfield"])
    description: str | None = Field(None, max_length=2000)
    contact: str | None = Field(None, max_length=300)
    accessibility: str | None = Field(None, max_length=1000)
    last_verified_on: date | None = None

    def details(self) -> AssetDetails:
        return AssetDetails(**self.model_dump())


class AssetVerify(Strict):
    verified_on: date


class AssetRetire(Strict):
    reason: str = Field(min_length=1, max_length=500)


class CommunityWorkCreate(Strict):
    kind: CommunityWorkKind
    district: str = Field(min_length=1, max_length=60)
    asset_id: UUID | None = None
    description: str = Field(min_length=1, max_length=2000)
    minutes: StrictInt
    occurred_on: date
