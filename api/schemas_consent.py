"""Request and answer bodies for consent and for sharing with the person's GP."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas import Recorded, Strict
from domain.consent import ConsentHow, ConsentScope, GivenConsent

ConsentNote = Field(
    None,
    max_length=1000,
    description="How it was given or withdrawn (e.g. who was present); kept sealed",
)


class ConsentCreate(Strict):
    scope: ConsentScope = Field(
        description="lac_support: Local Area Coordination support; health_sharing: sharing "
        "information with health, e.g. the GP; device_terms: the device scheme's terms"
    )
    how: ConsentHow = Field(description="verbal, written, via_referrer or signed_agreement")
    given_on: date | None = Field(None, description="The day it was given; default today")
    note: str | None = ConsentNote


class ConsentWithdraw(Strict):
    on: date | None = Field(None, description="The day it was withdrawn; default today")
    note: str | None = ConsentNote


class OpeningConsent(Strict):
    """Consent to Local Area Coordination support given as the involvement is opened (e.g.
    on the phone): recorded in the same save."""

    how: Literal["verbal", "written"]
    given_on: date | None = Field(None, description="The day it was given; default the opening")
    note: str | None = ConsentNote

    def given(self) -> GivenConsent:
        return GivenConsent(ConsentHow(self.how), self.given_on, self.note)


class HealthShareCreate(Strict):
    practice: str = Field(
        min_length=1, max_length=200, description="The GP practice", examples=["Sutton Surgery"]
    )
    summary: str = Field(min_length=1, max_length=4000, description="What is shared, in short")
    outcome_ids: list[UUID] = Field(
        default_factory=list, max_length=20, description="Outcomes recorded on the involvement"
    )


class ConsentStatus(BaseModel):
    """Where one consent stands now."""

    scope: ConsentScope
    label: str
    status: Literal["given", "withdrawn", "not_recorded"]
    how: ConsentHow | None
    given_on: date | None
    withdrawn_on: date | None


class ConsentEntry(BaseModel):
    """One consent given or withdrawn, as recorded (notes for coordinators only)."""

    change: Literal["given", "withdrawn"]
    scope: ConsentScope
    how: ConsentHow | None
    on: date
    note: str | None
    recorded_at: datetime
    recorded_by: UUID
    recorded_by_name: str | None


class SharedOutcomeRead(BaseModel):
    id: UUID
    domain: str
    detail: str | None
    occurred_on: date


class HealthShareRead(BaseModel):
    """What was shared with the person's GP practice, when and by whom."""

    share_id: UUID
    practice: str | None
    summary: str | None
    outcomes: list[SharedOutcomeRead]
    shared_at: datetime
    shared_by: UUID


class ConsentsRead(BaseModel):
    person_id: UUID
    consents: list[ConsentStatus] = Field(description="Each consent you may see, as it stands")
    history: list[ConsentEntry] = Field(description="Every change to them, oldest first")
    shared_with_health: list[HealthShareRead] = Field(
        description="What was shared with the GP (coordinators only)"
    )


class HealthShareRecorded(Recorded):
    shared: HealthShareRead
