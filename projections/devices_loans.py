"""The loans part of the device scheme read model: reservations, hand-overs, training and
remote support sessions, technical support tickets, extensions and endings.

Rows go through the batch's row buffer (projections/batch.py). A loan's session count, support
minutes and open tickets are not set by each event: each loan a batch touched is counted again
from its sessions and tickets once, after they are written. A count taken at the end of the
batch is the one each event would have taken, as long as no loan's sessions or tickets change
between the event that asked for its count and the end of the batch except by events of that
loan. Only a session or ticket id used again on another loan does that: `_before_move` writes
the batch out first then, so that the loan it leaves is counted as it stood.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, bindparam, func, select, update

from domain.device_codes import Provision
from domain.loan import Loan
from projections.batch import Recompute, rows
from projections.device_tables import loan_sessions, loan_tickets, loans
from projections.projector import Handler

_LOAN = loans.c.loan_id == bindparam("key")
_MINE = loan_sessions.c.loan_id == loans.c.loan_id
# A loan's session count and support minutes from its sessions (key: the loan).
RECOUNT_SESSIONS: Recompute = (
    update(loans)
    .where(_LOAN)
    .values(
        sessions_count=select(func.count()).where(_MINE).scalar_subquery(),
        support_minutes=select(func.coalesce(func.sum(loan_sessions.c.minutes), 0))
        .where(_MINE)
        .scalar_subquery(),
    )
)
# A loan's open tickets from its tickets (key: the loan).
RECOUNT_TICKETS: Recompute = (
    update(loans)
    .where(_LOAN)
    .values(
        open_tickets=select(func.count())
        .where(loan_tickets.c.loan_id == loans.c.loan_id, loan_tickets.c.resolved_on.is_(None))
        .scalar_subquery()
    )
)
_IS_GIFT = select(loans.c.is_gift).where(loans.c.loan_id == bindparam("loan_id"))
_OWNER = {
    table: select(table.c.loan_id).where(next(iter(table.primary_key)) == bindparam("id"))
    for table in (loan_sessions, loan_tickets)
}
# Every column of a session or a ticket but its id: one recorded again replaces them all.
SESSION_COLUMNS = tuple(c.name for c in loan_sessions.columns if not c.primary_key)
TICKET_COLUMNS = tuple(c.name for c in loan_tickets.columns if not c.primary_key)


class LoanHandlers:
    """Mixed into DeviceSchemeProjection."""

    def loan_handlers(self) -> dict[type[Any], Handler]:
        return {
            Loan.Reserved: self.loan_reserved,
            Loan.HandedOver: self.handed_over,
            Loan.SessionRecorded: self.session_recorded,
            Loan.TicketOpened: self.ticket_opened,
            Loan.TicketResolved: self.ticket_resolved,
            Loan.Extended: self.extended,
            Loan.Ended: self.loan_ended,
        }

    def loan_reserved(self, conn: Connection, e: Loan.Reserved, _position: int) -> None:
        provisions = {str(k): Provision(v).value for k, v in e.provisions.items()}
        row = {
            "loan_id": e.originator_id,
            "person_id": e.person_id,
            "kit_id": e.kit_id,
            "item_ids": [str(i) for i in e.item_ids],
            "provisions": provisions,
            "is_gift": all(p == Provision.GIFT.value for p in provisions.values()),
            "status": "reserved",
            "reserved_on": e.reserved_on,
            "due_on": e.due_on,
            "sessions_count": 0,
            "support_minutes": 0,
            "open_tickets": 0,
            "version": e.originator_version,
            "updated_at": e.timestamp,
        }
        rows(conn).insert(conn, loans, row)

    def handed_over(self, conn: Connection, e: Loan.HandedOver, _position: int) -> None:
        # is_gift is set when the loan is reserved and never changes.
        buffered = rows(conn).pending(loans, e.originator_id)
        if buffered is not None:
            is_gift = buffered["is_gift"]
        else:
            is_gift = conn.execute(_IS_GIFT, {"loan_id": e.originator_id}).scalar()
            if is_gift is None:
                return  # no loan row to change
        status = "gifted" if is_gift else "active"
        _touch(conn, e, status=status, handed_over_on=e.on, agreement=e.agreement.value)

    def session_recorded(self, conn: Connection, e: Loan.SessionRecorded, _position: int) -> None:
        # A session recorded again under the same id replaces the first.
        row = {
            "session_id": e.session_id,
            "loan_id": e.originator_id,
            "person_id": e.person_id,
            "kind": e.kind.value,
            "on": e.on,
            "minutes": e.minutes,
            "topic": e.topic,
            "outcome": e.outcome,
            "recorded_by": e.actor_id,
        }
        _before_move(conn, loan_sessions, e.session_id, e.originator_id, RECOUNT_SESSIONS)
        rows(conn).upsert(conn, loan_sessions, row, SESSION_COLUMNS)
        rows(conn).recompute(conn, RECOUNT_SESSIONS, e.originator_id)
        _touch(conn, e)

    def ticket_opened(self, conn: Connection, e: Loan.TicketOpened, _position: int) -> None:
        # A ticket opened again under the same id replaces the first.
        row = {
            "ticket_id": e.ticket_id,
            "loan_id": e.originator_id,
            "person_id": e.person_id,
            "opened_on": e.on,
            "problem": e.problem,
            "resolved_on": None,
            "resolution": None,
        }
        _before_move(conn, loan_tickets, e.ticket_id, e.originator_id, RECOUNT_TICKETS)
        rows(conn).upsert(conn, loan_tickets, row, TICKET_COLUMNS)
        rows(conn).recompute(conn, RECOUNT_TICKETS, e.originator_id)
        _touch(conn, e)

    def ticket_resolved(self, conn: Connection, e: Loan.TicketResolved, _position: int) -> None:
        values = {"resolved_on": e.on, "resolution": e.resolution}
        _before_move(conn, loan_tickets, e.ticket_id, e.originator_id, RECOUNT_TICKETS)
        rows(conn).update(conn, loan_tickets, e.ticket_id, values)
        rows(conn).recompute(conn, RECOUNT_TICKETS, e.originator_id)
        _touch(conn, e)

    def extended(self, conn: Connection, e: Loan.Extended, _position: int) -> None:
        _touch(conn, e, due_on=e.due_on)

    def loan_ended(self, conn: Connection, e: Loan.Ended, _position: int) -> None:
        _touch(
            conn,
            e,
            status=e.status.value,
            ended_on=e.on,
            end_status=e.status.value,
            condition=None if e.condition is None else e.condition.value,
            accessories_present=e.accessories_present,
            end_note=e.note,
        )


def _before_move(
    conn: Connection, table: Table, id_: UUID, loan_id: UUID, recount: Recompute
) -> None:
    """Before a session or ticket row of another loan than `loan_id` changes (its id used again
    on this loan), write the batch out if that loan waits to be counted: its count is then the
    one taken before the change, as when every event wrote at once."""
    buffer = rows(conn)
    waiting = buffer.asked(recount)
    if buffer.direct or not any(key != loan_id for key in waiting):
        return
    buffered = buffer.pending(table, id_)
    if buffered is not None:
        owner = buffered["loan_id"]
    else:
        owner = conn.execute(_OWNER[table], {"id": id_}).scalar()
    if owner is not None and owner != loan_id and owner in waiting:
        buffer.flush(conn)


def _touch(conn: Connection, e: Any, **values: Any) -> None:
    values.update(version=e.originator_version, updated_at=e.timestamp)
    rows(conn).update(conn, loans, e.originator_id, values)
