"""Kits, and the loan of a kit to a person: reserve, hand over, support, return or gift."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.device_codes import Agreement, Condition, LoanStatus, Provision, SessionKind
from domain.errors import InvalidField, InvalidTransition
from domain.reference import check_text
from domain.sealing import PersonalData

L = LoanStatus
MAX_SIGNATURE = 200_000  # characters of a base64 PNG
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ENDINGS = (L.RETURNED, L.LOST, L.STOLEN, L.DAMAGED, L.GIFTED, L.CANCELLED)


def is_png(encoded: str) -> bool:
    """A base64 text that decodes to something that starts like a PNG image."""
    try:
        return base64.b64decode(encoded, validate=True).startswith(PNG_MAGIC)
    except (ValueError, binascii.Error):
        return False


class Kit(Aggregate):
    """Items issued and returned as one unit (tablet, SIM, charger, case)."""

    class Assembled(Aggregate.Created):
        label: str
        item_ids: list[UUID]
        actor_id: UUID

    class Dismantled(Aggregate.Event):
        actor_id: UUID

    @event(Assembled)
    def __init__(self, label: str, item_ids: list[UUID], actor_id: UUID) -> None:
        self.label = label
        self.item_ids = list(item_ids)
        self.dismantled = False

    @event(Dismantled)
    def dismantle(self, actor_id: UUID) -> None:
        self.dismantled = True


class Loan(Aggregate):
    """One kit in one person's hands; each item lent or gifted as their plan says."""

    class Event(Aggregate.Event, PersonalData):
        person_id: UUID
        actor_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.apply_change(self)

    class Reserved(Event, Aggregate.Created):
        kit_id: UUID
        item_ids: list[UUID]
        provisions: dict[str, Provision]
        due_on: date | None
        reserved_on: date

        def apply(self, aggregate: Any) -> None:
            pass

    class HandedOver(Event):
        personal_fields = ("signature_png", "witness")
        on: date
        agreement: Agreement
        signature_png: str | None
        witness: str | None
        safe_use_advice: bool
        safeguarding_advice: bool

    class SessionRecorded(Event):
        personal_fields = ("topic", "outcome")  # a topic can name a GP, a relative, a need
        session_id: UUID
        kind: SessionKind
        on: date
        minutes: int
        topic: str | None  # None once erased (or when read without the person's key)
        outcome: str | None

    class TicketOpened(Event):
        personal_fields = ("problem",)
        ticket_id: UUID
        on: date
        problem: str | None

    class TicketResolved(Event):
        personal_fields = ("resolution",)
        ticket_id: UUID
        on: date
        resolution: str | None

    class Extended(Event):
        due_on: date

    class Ended(Event):
        """Returned, lost, stolen, damaged, converted to a gift, or cancelled before hand-over."""

        personal_fields = ("note",)
        status: LoanStatus
        on: date
        condition: Condition | None
        accessories_present: list[str] | None
        note: str | None

    @event(Reserved)
    def __init__(
        self,
        person_id: UUID,
        actor_id: UUID,
        kit_id: UUID,
        item_ids: list[UUID],
        provisions: dict[str, Provision],
        due_on: date | None,
        reserved_on: date,
    ) -> None:
        self.person_id = person_id
        self.kit_id = kit_id
        self.item_ids = list(item_ids)
        self.provisions = dict(provisions)
        self.due_on = due_on
        self.reserved_on = reserved_on
        self.status = L.RESERVED
        self.handed_over_on: date | None = None
        self.ended_on: date | None = None
        self.sessions: set[UUID] = set()
        self.tickets: dict[UUID, date] = {}  # every ticket: the day it was opened
        self.open_tickets: set[UUID] = set()

    @property
    def is_gift(self) -> bool:
        return all(p is Provision.GIFT for p in self.provisions.values())

    def _base(self, actor_id: UUID) -> dict[str, Any]:
        return {"person_id": self.person_id, "actor_id": actor_id}

    def _require(self, action: str, allowed: tuple[LoanStatus, ...], why: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition("loan", self.id, action, self.status.value, why)

    def _not_before(self, field: str, on: date, earlier: date | None, what: str) -> None:
        if earlier is not None and on < earlier:
            raise InvalidField(field, f"must not be before {what} ({earlier})")

    def hand_over(
        self,
        on: date,
        agreement: Agreement,
        signature_png: str | None,
        witness: str | None,
        safe_use_advice: bool,
        safeguarding_advice: bool,
        actor_id: UUID,
    ) -> None:
        self._require("hand over", (L.RESERVED,), "only a reserved kit is handed over")
        self._not_before("on", on, self.reserved_on, "the reservation")
        if not (safe_use_advice and safeguarding_advice):
            raise InvalidField(
                "safeguarding_advice", "give safe-use and safeguarding advice before handing over"
            )
        if agreement is Agreement.SIGNATURE:
            if not signature_png or len(signature_png) > MAX_SIGNATURE or not is_png(signature_png):
                raise InvalidField("signature_png", "attach the signature image (PNG, base64)")
            witness = None
        else:
            witness = check_text("witness", witness or "", 200)
            signature_png = None
        self.trigger_event(
            self.HandedOver,
            on=on,
            agreement=agreement,
            signature_png=signature_png,
            witness=witness,
            safe_use_advice=True,
            safeguarding_advice=True,
            **self._base(actor_id),
        )

    def record_session(
        self,
        session_id: UUID,
        kind: SessionKind,
        on: date,
        minutes: int,
        topic: str,
        outcome: str | None,
        actor_id: UUID,
    ) -> None:
        self._require("record a session on", (L.ACTIVE, L.GIFTED), "hand the kit over first")
        self._not_before("on", on, self.handed_over_on, "the hand-over")
        if not 1 <= minutes <= 8 * 60:
            raise InvalidField("minutes", "must be 1 to 480")
        if session_id in self.sessions:
            raise InvalidField("session_id", "this session is already recorded")
        self.trigger_event(
            self.SessionRecorded,
            session_id=session_id,
            kind=kind,
            on=on,
            minutes=minutes,
            topic=check_text("topic", topic, 200),
            outcome=check_text("outcome", outcome, 2000, required=False) or None
            if outcome
            else None,
            **self._base(actor_id),
        )

    def open_ticket(self, ticket_id: UUID, on: date, problem: str, actor_id: UUID) -> None:
        self._require("open a support ticket on", (L.ACTIVE, L.GIFTED), "hand the kit over first")
        self._not_before("on", on, self.handed_over_on, "the hand-over")
        if ticket_id in self.tickets:
            raise InvalidField("ticket_id", "this ticket is already open or resolved")
        self.trigger_event(
            self.TicketOpened,
            ticket_id=ticket_id,
            on=on,
            problem=check_text("problem", problem, 2000),
            **self._base(actor_id),
        )

    def resolve_ticket(self, ticket_id: UUID, on: date, resolution: str, actor_id: UUID) -> None:
        if ticket_id not in self.open_tickets:
            raise InvalidField("ticket_id", "no open ticket with that id on this loan")
        self._not_before("on", on, self.tickets[ticket_id], "the ticket was opened")
        self.trigger_event(
            self.TicketResolved,
            ticket_id=ticket_id,
            on=on,
            resolution=check_text("resolution", resolution, 2000),
            **self._base(actor_id),
        )

    def extend(self, due_on: date, actor_id: UUID) -> None:
        self._require("extend", (L.RESERVED, L.ACTIVE), "only a live loan is extended")
        if self.is_gift or self.due_on is None:
            raise InvalidTransition("loan", self.id, "extend", "gift", "a gift has no due date")
        if due_on <= self.due_on:
            raise InvalidField("due_on", f"must be after the current due date ({self.due_on})")
        self.trigger_event(self.Extended, due_on=due_on, **self._base(actor_id))

    def end(
        self,
        status: LoanStatus,
        on: date,
        actor_id: UUID,
        condition: Condition | None = None,
        accessories_present: list[str] | None = None,
        note: str | None = None,
    ) -> None:
        if status not in ENDINGS:
            raise InvalidField("status", f"{status.value} is not a way for a loan to end")
        allowed = (L.RESERVED,) if status is L.CANCELLED else (L.ACTIVE,)
        self._require(
            status.value.replace("_", " "),
            allowed,
            "a reservation is cancelled; a handed-over loan ends",
        )
        self._not_before("on", on, self.handed_over_on or self.reserved_on, "the hand-over")
        if status in (L.LOST, L.STOLEN, L.DAMAGED) and not note:
            raise InvalidField("note", "say what happened")
        if status is L.RETURNED and condition is None:
            raise InvalidField("condition", "record the condition it came back in")
        text = check_text("note", note, 2000, required=False) or None if note else None
        self.trigger_event(
            self.Ended,
            status=status,
            on=on,
            condition=condition,
            accessories_present=accessories_present,
            note=text,
            **self._base(actor_id),
        )

    def apply_change(self, e: Any) -> None:
        if isinstance(e, self.HandedOver):
            self.handed_over_on = e.on
            self.status = L.GIFTED if self.is_gift else L.ACTIVE
        elif isinstance(e, self.SessionRecorded):
            self.sessions.add(e.session_id)
        elif isinstance(e, self.TicketOpened):
            self.tickets[e.ticket_id] = e.on
            self.open_tickets.add(e.ticket_id)
        elif isinstance(e, self.TicketResolved):
            self.open_tickets.discard(e.ticket_id)
        elif isinstance(e, self.Extended):
            self.due_on = e.due_on
        elif isinstance(e, self.Ended):
            self.status, self.ended_on = e.status, e.on
