"""Response bodies for the device scheme read side: stock board, loans due, connectivity
expiring, waiting list, a person's devices, the dashboard and the end-of-scheme list.

Money is an exact decimal, given in JSON as a string with pence ("37.50")."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from api.schemas import Page
from domain.device_codes import (
    Agreement,
    BudgetLine,
    Condition,
    ItemKind,
    ItemState,
    LoanStatus,
    Need,
    PlaceStatus,
    Provision,
    Recipient,
    SessionKind,
)


class StockItemRead(BaseModel):
    item_id: UUID
    kind: ItemKind
    serial: str
    make: str | None
    model: str | None
    imei: str | None
    asset_tag: str | None
    network: str | None
    data_allowance_gb: int | None
    monthly_cost: Decimal | None
    starts_on: date | None
    expires_on: date | None
    cost: Decimal
    received_on: date
    description: str | None
    state: ItemState
    wiped: bool
    enrolled: bool
    enrolled_on: date | None
    kit_id: UUID | None
    loan_id: UUID | None = Field(description="The loan holding it while reserved or issued")
    updated_at: datetime


class StockCount(BaseModel):
    kind: ItemKind
    state: ItemState
    count: int


class StockPage(Page):
    items: list[StockItemRead]
    counts: list[StockCount] = Field(description="Every item by kind and state, unfiltered")


class LoanDueRow(BaseModel):
    loan_id: UUID
    person_id: UUID
    name: str | None
    phone: str | None
    kit_id: UUID
    kit_label: str | None
    handed_over_on: date | None
    due_on: date
    days_until_due: int = Field(description="Negative once overdue")
    overdue: bool = Field(description="Worked out from the due date and today, never stored")
    sessions_count: int
    open_tickets: int


class LoansDuePage(Page):
    today: date
    items: list[LoanDueRow]


class ExpiringSim(BaseModel):
    item_id: UUID
    serial: str
    network: str | None
    data_allowance_gb: int | None
    monthly_cost: Decimal | None
    starts_on: date | None
    expires_on: date
    state: ItemState
    loan_id: UUID | None
    person_id: UUID | None
    name: str | None
    phone: str | None
    due_on: date | None
    days_to_expiry: int
    expired: bool


class ExpiringConnectivity(BaseModel):
    today: date
    within_days: int
    items: list[ExpiringSim]


class WaitingRow(BaseModel):
    position: int = Field(description="1 = next to take a freed place")
    person_id: UUID
    name: str | None
    district: str | None
    need: Need
    recipient: Recipient
    cares_for_id: UUID | None
    referred_on: date


class WaitingList(BaseModel):
    year: str
    items: list[WaitingRow]


class PlaceRead(BaseModel):
    year: str
    status: PlaceStatus
    need: Need
    recipient: Recipient
    cares_for_id: UUID | None
    plan: dict[ItemKind, Provision]
    care_plan_ref: str | None
    referred_on: date
    enrolled_on: date | None
    left_on: date | None
    left_reason: str | None
    waiting_place: int | None = Field(description="Place on the waiting list while waiting")


class LoanItem(BaseModel):
    item_id: UUID
    kind: ItemKind
    serial: str
    make: str | None
    model: str | None
    state: ItemState
    provision: Provision | None


class PersonLoan(BaseModel):
    loan_id: UUID
    kit_id: UUID
    kit_label: str | None
    status: LoanStatus
    is_gift: bool
    reserved_on: date
    handed_over_on: date | None
    agreement: Agreement | None
    due_on: date | None
    overdue: bool
    ended_on: date | None
    end_status: LoanStatus | None
    condition: Condition | None
    end_note: str | None
    sessions_count: int
    support_minutes: int
    open_tickets: int
    items: list[LoanItem]


class SessionRead(BaseModel):
    session_id: UUID
    loan_id: UUID
    kind: SessionKind
    on: date
    minutes: int
    topic: str | None
    outcome: str | None


class TicketRead(BaseModel):
    ticket_id: UUID
    loan_id: UUID
    opened_on: date
    problem: str | None
    resolved_on: date | None
    resolution: str | None


class PersonDevices(BaseModel):
    """What the device officer sees of a person on the scheme: contact details for delivery
    and the scheme's own records; nothing of casework, notes or referral reasons."""

    person_id: UUID
    name: str | None = Field(description="None once the person's personal data is erased")
    phone: str | None
    email: str | None
    address: str | None
    postcode: str | None
    places: list[PlaceRead]
    loans: list[PersonLoan]
    sessions: list[SessionRead] = Field(description="Newest first")
    tickets: list[TicketRead] = Field(description="Newest first")


class BudgetLineRead(BaseModel):
    line: BudgetLine
    budget: Decimal
    spend: Decimal = Field(description="Spent to date")
    committed: Decimal = Field(description="Already committed to the scheme's end")
    forecast: Decimal = Field(description="Expected total at the scheme's end")
    remaining: Decimal = Field(description="Budget - forecast")
    method: str = Field(description="How the line is worked out, with its figures")


class BudgetTotal(BaseModel):
    budget: Decimal
    spend: Decimal
    committed: Decimal
    forecast: Decimal
    remaining: Decimal


class BudgetRead(BaseModel):
    lines: list[BudgetLineRead]
    total: BudgetTotal
    support_hourly_rate: Decimal
    setup_cost_per_device: Decimal
    assumptions: list[str]


class Capacity(BaseModel):
    capacity: int
    enrolled: int
    waiting: int
    left: int


class DistrictCount(BaseModel):
    district: str
    people: int


class QuintileCount(BaseModel):
    quintile: int | None = Field(description="1 = most deprived fifth; None = LSOA not known")
    people: int


class SchemeDashboard(BaseModel):
    year: str
    starts_on: date
    ends_on: date
    today: date
    capacity: Capacity
    people_benefited: int = Field(description="Distinct people handed a loan or a gift")
    active_loans: int
    gifts: int = Field(description="Tablets given (at hand-over or by converting a loan)")
    returns: int
    losses: int = Field(description="Lost + stolen + damaged")
    lost: int
    stolen: int
    damaged: int
    training_sessions: int
    remote_support_sessions: int
    support_minutes: int
    support_hours: Decimal
    budget: BudgetRead
    by_district: list[DistrictCount]
    by_deprivation: list[QuintileCount]
    imd_edition: str | None = Field(description="The deprivation index the quintiles come from")


class EndOfSchemeLoan(BaseModel):
    loan_id: UUID
    person_id: UUID
    name: str | None
    phone: str | None
    kit_id: UUID
    handed_over_on: date | None
    due_on: date | None
    plan_tablet: Provision | None = Field(description="What the person's plan says of the tablet")
    recommendation: Literal["recall", "convert to gift"]
    items: list[LoanItem]


class EndOfScheme(BaseModel):
    year: str
    ends_on: date
    recall: int
    convert_to_gift: int
    loans: list[EndOfSchemeLoan]


class SchemeYearRead(BaseModel):
    year: str
    starts_on: date
    ends_on: date
    capacity: int
    enrolled: int
    waiting: int
    left: int
