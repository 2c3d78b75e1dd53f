"""Request and response bodies; field-level checks give 422s that name the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

from domain.errors import InvalidField
from domain.nhs_number import normalise_nhs_number
from domain.person import PersonDetails
from domain.reference import (
    Programme,
    ReferralSource,
    ReferralStatus,
    has_control_characters,
)

Text = Annotated[str, Field(min_length=1, max_length=1000)]


class Strict(BaseModel):
    """Request bodies: unknown fields refused, text trimmed, control characters refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        if _has_controls(value):
            raise ValueError("contains control characters (such as NUL) that cannot be kept")
        return value


def _has_controls(value: Any) -> bool:
    if isinstance(value, str):
        return has_control_characters(value)
    if isinstance(value, list | tuple):
        return any(_has_controls(v) for v in value)
    if isinstance(value, dict):
        return any(_has_controls(k) or _has_controls(v) for k, v in value.items())
    return False


class PersonCreate(Strict):
    name: str = Field(min_length=1, max_length=200, examples=["Anne Example"])
    date_of_birth: date
    postcode: str = Field(min_length=5, max_length=10, examples=["NG18 1AB"])
    district: str = Field(min_length=1, max_length=60, examples=["Mansfield"])
    nhs_number: str | None = Field(None, max_length=14, examples=["943 476 5919"])
    lsoa_code: str | None = Field(None, max_length=9, examples=["E01028075"])
    address: str | None = Field(None, max_length=500)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    sex: Literal["female", "male", "other", "not_stated"] | None = None
    ethnicity: Literal["asian", "black", "mixed", "white", "other", "not_stated"] | None = Field(
        None, description="ONS 2021 high-level ethnic group"
    )
    occurred_at: datetime | None = Field(None, description="When it happened, if not now")

    @field_validator("nhs_number")
    @classmethod
    def _nhs_number(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return normalise_nhs_number(value)
        except InvalidField as error:
            raise ValueError(error.message) from None

    def details(self) -> PersonDetails:
        values = self.model_dump(exclude={"occurred_at"})
        return PersonDetails(**values)


class CarerLink(Strict):
    cares_for_id: UUID
    relationship: str = Field(min_length=1, max_length=60, examples=["partner"])


class ReferralCreate(Strict):
    person_id: UUID | None = Field(None, description="An existing person; or give `person`")
    person: PersonCreate | None = Field(None, description="Register this person with the referral")
    programme: Programme
    source: ReferralSource
    referrer: str | None = Field(None, max_length=300, description="Who referred, if not you")
    reasons: list[Text] = Field(min_length=1, max_length=20)
    consent_to_share: StrictBool = Field(
        description="The person agreed to their details being shared"
    )
    occurred_at: datetime | None = None

    @model_validator(mode="after")
    def _one_person(self) -> ReferralCreate:
        if (self.person_id is None) == (self.person is None):
            raise ValueError("give exactly one of person_id (someone known) or person (new)")
        return self


class Accept(Strict):
    coordinator_id: UUID | None = Field(None, description="Assign to; defaults to you")
    occurred_at: datetime | None = None


class Decline(Strict):
    reason: Text
    occurred_at: datetime | None = None


class Redirect(Strict):
    redirected_to: str = Field(min_length=1, max_length=200, examples=["Adult Social Care"])
    note: str | None = Field(None, max_length=2000)
    occurred_at: datetime | None = None


class Close(Strict):
    note: str | None = Field(None, max_length=2000)
    occurred_at: datetime | None = None


class Recorded(BaseModel):
    """What a command recorded; `position` is where it stands in the event log."""

    id: UUID
    version: int
    position: int
    person_id: UUID | None = Field(None, description="For a referral: the person referred")


class PersonRead(BaseModel):
    id: UUID
    name: str | None
    date_of_birth: date | None
    nhs_number: str | None
    postcode: str | None
    address: str | None
    phone: str | None
    email: str | None
    district: str
    lsoa_code: str | None
    age_band: str | None
    sex: str | None
    ethnicity: str | None
    cares_for_id: UUID | None
    carer_relationship: str | None
    registered_at: datetime
    version: int


class ReferralRead(BaseModel):
    id: UUID
    person_id: UUID
    person_name: str | None = None
    district: str | None = None
    programme: Programme
    source: ReferralSource
    referrer: str | None
    reasons: list[str] | None
    consent_to_share: bool
    status: ReferralStatus
    referred_by: UUID
    received_at: datetime
    coordinator_id: UUID | None
    decided_at: datetime | None
    decline_reason: str | None
    redirected_to: str | None
    closed_at: datetime | None
    version: int


class Page(BaseModel):
    total: int
    page: int
    page_size: int


class PeoplePage(Page):
    items: list[PersonRead]


class ReferralsPage(Page):
    items: list[ReferralRead]


class TimelineEntry(BaseModel):
    record: Literal["person", "referral", "involvement", "support_contact", "connection"]
    record_id: UUID
    version: int
    event: str
    occurred_at: datetime | None
    recorded_at: datetime
    actor_id: UUID | None
    actor_name: str | None
    details: dict[str, Any]


class UserCreate(Strict):
    username: str = Field(min_length=3, max_length=80, pattern=r"^[A-Za-z0-9._@-]+$")
    full_name: str = Field(min_length=1, max_length=200)
    role: Literal["coordinator", "social_worker", "device_officer", "evaluator", "admin"]
    password: str = Field(min_length=12, max_length=200)
    district: str | None = Field(None, max_length=60, description="A coordinator's team district")


class UserRead(BaseModel):
    id: UUID
    username: str
    full_name: str
    role: str
    active: bool
    district: str | None = None


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    role: str
