"""Request and response bodies for the digital device lending and gifting scheme.

Pydantic checks the shape (types, codes, lengths, amounts) and answers 422 naming the field;
the domain checks the rules (dates in order, capacity, states) and answers 422 or 409.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, StrictBool, StrictInt, field_validator, model_validator

from api.schemas import PersonCreate, Strict, Text
from domain.device_codes import (
    Agreement,
    BudgetLine,
    Condition,
    ItemKind,
    Need,
    PlaceStatus,
    Provision,
    Recipient,
    SessionKind,
)
from domain.stock import ItemDetails

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL = "data:image/png;base64,"
MAX_SIGNATURE = 200_000  # characters of base64, as the domain allows

Pounds = Annotated[Decimal, Field(ge=0, le=10_000_000, decimal_places=2)]
Rate = Annotated[Decimal, Field(ge=0, le=1000, decimal_places=2, description="Pounds an hour")]
SetupCost = Annotated[Decimal, Field(ge=0, le=5000, decimal_places=2, description="Pounds")]
Day = Annotated[date | None, Field(description="The day it happened, if not today")]
Note = Annotated[str, Field(min_length=1, max_length=2000)]
Short = Annotated[str | None, Field(max_length=100)]

# scheme ----------------------------------------------------------------------------------


class Budget(Strict):
    """The four cost lines of the scheme year, in pounds."""

    tablets: Pounds = Field(examples=[62000])
    connectivity_4g: Pounds = Field(examples=[29500])
    setup_and_device_management: Pounds = Field(examples=[18000])
    service_user_support: Pounds = Field(examples=[96000])

    def lines(self) -> dict[BudgetLine, Decimal]:
        return {line: getattr(self, line.value) for line in BudgetLine}


class SchemeOpen(Strict):
    year: str = Field(min_length=1, max_length=20, examples=["2021-22"])
    starts_on: date
    ends_on: date
    capacity: StrictInt = Field(300, ge=1, le=100_000, description="People with a place")
    budget: Budget | None = Field(None, description="Default: the seed paper's £205,500")
    support_hourly_rate: Rate | None = None
    setup_cost_per_device: SetupCost | None = None


class BudgetSet(Strict):
    budget: Budget
    support_hourly_rate: Rate
    setup_cost_per_device: SetupCost


class DevicePlan(Strict):
    """Per item, as the care and support plan says: lent or gifted. Items not named go the
    way of the tablet."""

    tablet: Provision
    sim: Provision | None = None
    charger: Provision | None = None
    case: Provision | None = None
    other_accessory: Provision | None = None

    def by_kind(self) -> dict[ItemKind, Provision]:
        chosen = {kind: getattr(self, kind.value) for kind in ItemKind}
        return {kind: provision for kind, provision in chosen.items() if provision is not None}


class SchemeReferral(Strict):
    person_id: UUID | None = Field(None, description="An existing person; or give `person`")
    person: PersonCreate | None = Field(None, description="Register this person with the referral")
    care_plan_ref: str = Field(min_length=1, max_length=60, description="Care and support plan")
    need: Need
    recipient: Recipient
    cares_for_id: UUID | None = Field(
        None, description="For a carer: the person cared for, living at the same address"
    )
    plan: DevicePlan
    reasons: list[Text] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _one_person(self) -> SchemeReferral:
        if (self.person_id is None) == (self.person is None):
            raise ValueError("give exactly one of person_id (someone known) or person (new)")
        return self


class Leave(Strict):
    reason: str = Field(min_length=1, max_length=500)


class PlaceRecorded(BaseModel):
    """A referral to the scheme: its id, and the place the person got (or the queue)."""

    id: UUID
    version: int
    position: int
    person_id: UUID
    place: PlaceStatus


class LeaveRecorded(BaseModel):
    id: UUID
    version: int
    position: int
    place_taken_by: UUID | None = Field(None, description="Who took the freed place, if anyone")


# stock and kits --------------------------------------------------------------------------


class ItemReceive(Strict):
    kind: ItemKind
    serial: str = Field(min_length=1, max_length=60)
    cost: Decimal = Field(ge=0, le=5000, decimal_places=2, description="Purchase cost, pounds")
    received_on: date
    make: Short = None
    model: Short = None
    imei: str | None = Field(None, max_length=20, description="15 digits, Luhn check digit")
    asset_tag: str | None = Field(None, max_length=60)
    network: str | None = Field(None, max_length=60)
    data_allowance_gb: StrictInt | None = Field(None, ge=0, le=10_000)
    monthly_cost: Decimal | None = Field(None, ge=0, le=500, decimal_places=2)
    starts_on: date | None = None
    expires_on: date | None = None
    description: str | None = Field(None, max_length=1000)

    def details(self) -> ItemDetails:
        return ItemDetails(**self.model_dump())


class StepOn(Strict):
    on: Day = None


class StepWithNote(Strict):
    on: Day = None
    note: Note


class KitAssemble(Strict):
    label: str = Field(min_length=1, max_length=100, examples=["KIT-0001"])
    item_ids: list[UUID] = Field(min_length=1, max_length=10, description="Exactly one tablet")


# loans -----------------------------------------------------------------------------------


class LoanReserve(Strict):
    person_id: UUID
    kit_id: UUID
    due_on: date | None = Field(None, description="Needed unless every item is a gift")


class HandOver(Strict):
    on: Day = None
    agreement: Agreement
    signature_png: str | None = Field(
        None, max_length=MAX_SIGNATURE, description="The signature as a base64 PNG image"
    )
    witness: str | None = Field(None, max_length=200, description="Who witnessed a verbal yes")
    safe_use_advice: StrictBool
    safeguarding_advice: StrictBool

    @field_validator("signature_png")
    @classmethod
    def _png(cls, value: str | None) -> str | None:
        if not value:
            return None
        text = value.removeprefix(DATA_URL)
        try:
            image = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("is not base64") from None
        if not image.startswith(PNG_MAGIC):
            raise ValueError("is not a PNG image")
        return text


class SessionCreate(Strict):
    kind: SessionKind
    on: date
    minutes: StrictInt = Field(ge=1, le=480)
    topic: str = Field(min_length=1, max_length=200)
    outcome: str | None = Field(None, max_length=2000)


class TicketOpen(Strict):
    on: date
    problem: Note


class TicketResolve(Strict):
    on: date
    resolution: Note


class Extend(Strict):
    due_on: date


class LoanReturn(Strict):
    on: Day = None
    condition: Condition
    accessories_present: list[UUID] | None = Field(
        None, max_length=10, description="Items of the kit that came back; default: all"
    )
    note: str | None = Field(None, max_length=2000)


class GiftConversion(Strict):
    on: Day = None


class Cancel(Strict):
    pass
