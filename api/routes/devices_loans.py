"""Loans of kits: reserve, hand over, support sessions and tickets, extend, and the ways a
loan ends (returned, lost, stolen, damaged, converted to a gift, cancelled before hand-over).

The kit's items move with the loan in the same save; an item not in stock (or not wiped) or
held by another loan answers 409, and so does the second of two officers reserving one kit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.accounts import User
from api.auditing import Auditor
from api.commands import execute, existing
from api.deps import RuntimeDep, require
from api.schemas import Recorded
from api.schemas_devices import (
    Cancel,
    Extend,
    GiftConversion,
    HandOver,
    LoanReserve,
    LoanReturn,
    SessionCreate,
    StepWithNote,
    TicketOpen,
    TicketResolve,
)
from domain.application import Recorded as DomainRecorded
from domain.device_codes import LoanStatus
from domain.errors import InvalidField, RecordNotFound
from domain.loan import Loan
from workers.runtime import Runtime

router = APIRouter(prefix="/device-scheme", tags=["device scheme"])

Officer = Annotated[User, Depends(require("devices.loans"))]
Year = Annotated[str, Path(min_length=1, max_length=20, examples=["2021-22"])]
LOAN = "/loans/{loan_id}"


def _not_future(on: date) -> None:
    if on > datetime.now(UTC).date():
        raise InvalidField("on", "must not be in the future")


def _ticket_opened_on(runtime: Runtime, loan_id: uuid.UUID) -> dict[uuid.UUID, date]:
    """Every ticket ever opened on the loan (the aggregate keeps only the open ones)."""
    return {
        e.ticket_id: e.on for e in runtime.app.history(loan_id) if isinstance(e, Loan.TicketOpened)
    }


def _added(runtime: Runtime, loan: Loan, added_id: uuid.UUID) -> DomainRecorded:
    return DomainRecorded(added_id, loan.version, runtime.app.log_position())


def _audited(
    request: Request,
    runtime: Runtime,
    user: User,
    done: JSONResponse,
    loan_id: uuid.UUID,
    what: str = "loan",
    record_id: uuid.UUID | None = None,
) -> JSONResponse:
    """Record the change against the loan's person (the command succeeded: the loan exists);
    the record is the one named, else the one answered (the loan, a session, a ticket)."""
    person_id = runtime.app.get_loan(loan_id).person_id
    return Auditor(request, runtime, user).changed(done, what, person_id, record_id=record_id)


def _change(
    request: Request,
    runtime: Runtime,
    user: User,
    loan_id: uuid.UUID,
    body: BaseModel | None,
    change: Callable[[Loan], None],
) -> JSONResponse:
    done = execute(request, runtime, user, body, lambda _: runtime.app.change_loan(loan_id, change))
    return _audited(request, runtime, user, done, loan_id)


def _end(
    request: Request,
    runtime: Runtime,
    user: User,
    loan_id: uuid.UUID,
    body: BaseModel | None,
    status: LoanStatus,
    on: date | None = None,
    note: str | None = None,
) -> JSONResponse:
    done = execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.end_loan(loan_id, status, on, user.id, note=note),
    )
    return _audited(request, runtime, user, done, loan_id)


@router.post("/{year}/loans", status_code=201, response_model=Recorded)
def reserve(
    year: Year, body: LoanReserve, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """Reserve a kit for a person holding a place (422 naming `person_id` otherwise); the
    person's plan decides, item by item, what is lent and what is gifted."""
    done = execute(
        request,
        runtime,
        user,
        body,
        lambda new_id: (
            existing(runtime, new_id)
            or runtime.app.reserve_kit(
                year, body.person_id, body.kit_id, body.due_on, user.id, loan_id=new_id
            )
        ),
        status_code=201,
    )
    return Auditor(request, runtime, user).changed(done, "loan", body.person_id)


@router.post(f"{LOAN}/hand-over", response_model=Recorded)
def hand_over(
    loan_id: uuid.UUID, body: HandOver, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """Hand the kit over: the agreement (a signature image or a witnessed verbal yes) and the
    safe-use and safeguarding advice, both given."""
    done = execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.hand_over(
            loan_id,
            body.on,
            body.agreement,
            body.signature_png,
            body.witness,
            body.safe_use_advice,
            body.safeguarding_advice,
            user.id,
        ),
    )
    return _audited(request, runtime, user, done, loan_id)


@router.post(f"{LOAN}/sessions", status_code=201, response_model=Recorded)
def record_session(
    loan_id: uuid.UUID, body: SessionCreate, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """A training or remote support session; answers with the session's id."""

    def command(new_id: uuid.UUID | None) -> DomainRecorded:
        session_id = new_id or uuid.uuid4()
        loan = runtime.app.get_loan(loan_id)
        if session_id in loan.sessions:  # an earlier attempt under the same key saved it
            return _added(runtime, loan, session_id)
        _not_future(body.on)
        recorded = runtime.app.change_loan(
            loan_id,
            lambda loan: loan.record_session(
                session_id, body.kind, body.on, body.minutes, body.topic, body.outcome, user.id
            ),
        )
        return DomainRecorded(session_id, recorded.version, recorded.position)

    done = execute(request, runtime, user, body, command, status_code=201)
    return _audited(request, runtime, user, done, loan_id, "session")


@router.post(f"{LOAN}/tickets", status_code=201, response_model=Recorded)
def open_ticket(
    loan_id: uuid.UUID, body: TicketOpen, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """A technical support ticket; answers with the ticket's id."""

    def command(new_id: uuid.UUID | None) -> DomainRecorded:
        ticket_id = new_id or uuid.uuid4()
        if ticket_id in _ticket_opened_on(runtime, loan_id):
            return _added(runtime, runtime.app.get_loan(loan_id), ticket_id)
        _not_future(body.on)
        recorded = runtime.app.change_loan(
            loan_id, lambda loan: loan.open_ticket(ticket_id, body.on, body.problem, user.id)
        )
        return DomainRecorded(ticket_id, recorded.version, recorded.position)

    done = execute(request, runtime, user, body, command, status_code=201)
    return _audited(request, runtime, user, done, loan_id, "ticket")


@contextmanager
def _unknown_ticket(ticket_id: uuid.UUID) -> Iterator[None]:
    """The domain's "no open ticket" names a field; in the URL it is a 404."""
    try:
        yield
    except InvalidField as error:
        if error.field != "ticket_id":
            raise
        raise RecordNotFound("open ticket", ticket_id) from None


@router.post(f"{LOAN}/tickets/{{ticket_id}}/resolve", response_model=Recorded)
def resolve_ticket(
    loan_id: uuid.UUID,
    ticket_id: uuid.UUID,
    body: TicketResolve,
    request: Request,
    runtime: RuntimeDep,
    user: Officer,
) -> JSONResponse:
    """Resolve an open ticket; 404 for a ticket not open on this loan."""

    def command(_: uuid.UUID | None) -> DomainRecorded:
        _not_future(body.on)
        opened_on = _ticket_opened_on(runtime, loan_id).get(ticket_id)
        if opened_on is not None and body.on < opened_on:
            raise InvalidField("on", f"must not be before the ticket was opened ({opened_on})")
        return runtime.app.change_loan(
            loan_id, lambda loan: loan.resolve_ticket(ticket_id, body.on, body.resolution, user.id)
        )

    with _unknown_ticket(ticket_id):
        done = execute(request, runtime, user, body, command)
    return _audited(request, runtime, user, done, loan_id, "ticket", ticket_id)


@router.post(f"{LOAN}/extend", response_model=Recorded)
def extend(
    loan_id: uuid.UUID, body: Extend, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """Move the due date later (a gift has none: 409)."""
    return _change(
        request, runtime, user, loan_id, body, lambda loan: loan.extend(body.due_on, user.id)
    )


@router.post(f"{LOAN}/return", response_model=Recorded)
def return_loan(
    loan_id: uuid.UUID, body: LoanReturn, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """The kit came back: its condition, and which items came back (missing ones are
    recorded as lost). A tablet awaits a wipe; a damaged one goes for repair."""

    def command(_: uuid.UUID | None) -> DomainRecorded:
        if body.accessories_present is not None:
            items = set(runtime.app.get_loan(loan_id).item_ids)
            if not set(body.accessories_present) <= items:
                raise InvalidField("accessories_present", "name only items of this loan's kit")
        return runtime.app.end_loan(
            loan_id,
            LoanStatus.RETURNED,
            body.on,
            user.id,
            body.condition,
            body.accessories_present,
            body.note,
        )

    done = execute(request, runtime, user, body, command)
    return _audited(request, runtime, user, done, loan_id)


@router.post(f"{LOAN}/lost", response_model=Recorded)
def lost(
    loan_id: uuid.UUID, body: StepWithNote, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """The kit was lost (say what happened)."""
    return _end(request, runtime, user, loan_id, body, LoanStatus.LOST, body.on, body.note)


@router.post(f"{LOAN}/stolen", response_model=Recorded)
def stolen(
    loan_id: uuid.UUID, body: StepWithNote, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """The kit was stolen (say what happened)."""
    return _end(request, runtime, user, loan_id, body, LoanStatus.STOLEN, body.on, body.note)


@router.post(f"{LOAN}/damaged", response_model=Recorded)
def damaged(
    loan_id: uuid.UUID, body: StepWithNote, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """The loan ends with the tablet damaged: it goes for repair, the accessories back to
    stock."""
    return _end(request, runtime, user, loan_id, body, LoanStatus.DAMAGED, body.on, body.note)


@router.post(f"{LOAN}/convert-to-gift", response_model=Recorded)
def convert_to_gift(
    loan_id: uuid.UUID, body: GiftConversion, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """Ownership passes to the person; the lent items leave stock as gifts."""
    return _end(request, runtime, user, loan_id, body, LoanStatus.GIFTED, body.on)


@router.post(f"{LOAN}/cancel", response_model=Recorded)
def cancel(
    loan_id: uuid.UUID,
    request: Request,
    runtime: RuntimeDep,
    user: Officer,
    body: Cancel | None = None,
) -> JSONResponse:
    """Cancel a reservation before hand-over; the items go back to stock. The body, if any,
    is `{}`."""
    return _end(request, runtime, user, loan_id, body, LoanStatus.CANCELLED)
