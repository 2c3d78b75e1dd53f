"""The loans part of the device scheme read model: reservations, hand-overs, training and
remote support sessions, technical support tickets, extensions and endings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, case, delete, func, insert, select, update

from domain.device_codes import Provision
from domain.loan import Loan
from projections.device_tables import loan_sessions, loan_tickets, loans
from projections.projector import Handler


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
        conn.execute(
            insert(loans).values(
                loan_id=e.originator_id,
                person_id=e.person_id,
                kit_id=e.kit_id,
                item_ids=[str(i) for i in e.item_ids],
                provisions=provisions,
                is_gift=all(p == Provision.GIFT.value for p in provisions.values()),
                status="reserved",
                reserved_on=e.reserved_on,
                due_on=e.due_on,
                sessions_count=0,
                support_minutes=0,
                open_tickets=0,
                version=e.originator_version,
                updated_at=e.timestamp,
            )
        )

    def handed_over(self, conn: Connection, e: Loan.HandedOver, _position: int) -> None:
        _touch(
            conn,
            e,
            status=case((loans.c.is_gift, "gifted"), else_="active"),
            handed_over_on=e.on,
            agreement=e.agreement.value,
        )

    def session_recorded(self, conn: Connection, e: Loan.SessionRecorded, _position: int) -> None:
        # A session recorded again under the same id replaces the first.
        conn.execute(delete(loan_sessions).where(loan_sessions.c.session_id == e.session_id))
        conn.execute(
            insert(loan_sessions).values(
                session_id=e.session_id,
                loan_id=e.originator_id,
                person_id=e.person_id,
                kind=e.kind.value,
                on=e.on,
                minutes=e.minutes,
                topic=e.topic,
                outcome=e.outcome,
                recorded_by=e.actor_id,
            )
        )
        mine = loan_sessions.c.loan_id == e.originator_id
        _touch(
            conn,
            e,
            sessions_count=select(func.count()).where(mine).scalar_subquery(),
            support_minutes=select(func.coalesce(func.sum(loan_sessions.c.minutes), 0))
            .where(mine)
            .scalar_subquery(),
        )

    def ticket_opened(self, conn: Connection, e: Loan.TicketOpened, _position: int) -> None:
        conn.execute(delete(loan_tickets).where(loan_tickets.c.ticket_id == e.ticket_id))
        conn.execute(
            insert(loan_tickets).values(
                ticket_id=e.ticket_id,
                loan_id=e.originator_id,
                person_id=e.person_id,
                opened_on=e.on,
                problem=e.problem,
            )
        )
        _touch(conn, e, open_tickets=_open_tickets(e))

    def ticket_resolved(self, conn: Connection, e: Loan.TicketResolved, _position: int) -> None:
        conn.execute(
            update(loan_tickets)
            .where(loan_tickets.c.ticket_id == e.ticket_id)
            .values(resolved_on=e.on, resolution=e.resolution)
        )
        _touch(conn, e, open_tickets=_open_tickets(e))

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


def _open_tickets(e: Any) -> Any:
    return (
        select(func.count())
        .where(loan_tickets.c.loan_id == e.originator_id, loan_tickets.c.resolved_on.is_(None))
        .scalar_subquery()
    )


def _touch(conn: Connection, e: Any, **values: Any) -> None:
    conn.execute(
        update(loans)
        .where(loans.c.loan_id == e.originator_id)
        .values(version=e.originator_version, updated_at=e.timestamp, **values)
    )
