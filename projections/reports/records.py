"""Plain records of what the event log says, as at a position: what reports count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID


@dataclass
class PersonFacts:
    district: str | None = None
    lsoa_code: str | None = None
    age_band: str | None = None
    sex: str | None = None
    ethnicity: str | None = None


@dataclass
class ReferralFacts:
    person_id: UUID
    programme: str
    source: str
    received_on: date
    decision: str | None = None


@dataclass
class InvolvementFacts:
    person_id: UUID
    district: str | None
    referral_id: UUID | None
    opened_on: list[date] = field(default_factory=list)  # first opening, then each reopening
    steps: list[tuple[date, str]] = field(default_factory=list)  # (day, active|paused|closed)

    def status_on(self, day: date) -> str | None:
        """Where the involvement stood at the end of `day` (None: not opened yet)."""
        status = None
        for when, step in sorted(self.steps, key=lambda s: s[0]):
            if when > day:
                break
            status = step
        return status


@dataclass
class ContactFacts:
    person_id: UUID
    involvement_id: UUID | None
    on: date
    minutes: int
    withdrawn: bool = False


@dataclass
class OutcomeFacts:
    person_id: UUID
    domain: str
    detail: str | None
    on: date
    visits: dict[str, int] | None
    withdrawn: bool = False


@dataclass
class MeasureFacts:
    person_id: UUID
    instrument: str
    occasion: str
    on: date
    items: list[int]
    withdrawn: bool = False


@dataclass
class ConnectionFacts:
    person_id: UUID
    steps: list[tuple[date, str]] = field(default_factory=list)


@dataclass
class LoanFacts:
    person_id: UUID
    provisions: dict[str, str]
    handed_over_on: date | None = None
    ended: tuple[date, str] | None = None


@dataclass
class ItemFacts:
    kind: str
    data: dict[str, str]
    enrolled_on: date | None = None


@dataclass
class SchemeFacts:
    year: str
    starts_on: date
    ends_on: date
    budget: dict[str, str]
    support_hourly_rate: str
    setup_cost_per_device: str


@dataclass
class History:
    """Everything counted, as at `position`."""

    position: int
    last_recorded_at: datetime | None = None
    facts: int = 0
    digest: str = ""
    people: dict[UUID, PersonFacts] = field(default_factory=dict)
    referrals: dict[UUID, ReferralFacts] = field(default_factory=dict)
    involvements: dict[UUID, InvolvementFacts] = field(default_factory=dict)
    contacts: dict[UUID, ContactFacts] = field(default_factory=dict)
    outcomes: dict[str, OutcomeFacts] = field(default_factory=dict)
    measures: dict[str, MeasureFacts] = field(default_factory=dict)
    connections: dict[UUID, ConnectionFacts] = field(default_factory=dict)
    community_work: list[tuple[date, str | None, str]] = field(default_factory=list)
    places: dict[UUID, list[tuple[date, str]]] = field(default_factory=dict)
    loans: dict[UUID, LoanFacts] = field(default_factory=dict)
    sessions: list[tuple[UUID, date, str, int]] = field(default_factory=list)
    items: dict[UUID, ItemFacts] = field(default_factory=dict)
    schemes: dict[UUID, SchemeFacts] = field(default_factory=dict)
    unit_costs: tuple[int, dict[str, Any]] | None = None  # (position, table) of the last set
    # Worked-out figures kept for this position (measure name -> (position, value)).
    memo: dict[str, tuple[int, Any]] = field(default_factory=dict, repr=False, compare=False)
