"""Retention for people who never had an involvement: those whose referrals were all declined,
redirected or closed, and those known only to the device scheme.

Such a person is due when nothing of theirs is open and the last thing that happened to them
(a referral received, decided or closed; a loan reserved, handed over or ended; a support
session; a ticket opened or resolved; a scheme place taken or left; the end of a scheme year
in which they held a place) is older than the cutoff. Open means: a referral awaiting a
decision or accepted and not yet closed, a loan reserved or out, a support ticket not
resolved, a place or a place on the waiting list in a scheme year that has not ended.
Someone with no referral, loan or place (registered and nothing else) is not covered.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, func, select

from projections.casework_tables import involvements
from projections.device_tables import loan_sessions, loan_tickets, loans, scheme_places, schemes
from projections.tables import erasures, referrals

DECLINED_REFERRALS = "declined_referrals"  # only referrals, none of them taken up
DEVICE_SCHEME_ONLY = "device_scheme_only"  # a loan or a place on the device scheme
OPEN_REFERRAL = ("received", "accepted")
OPEN_LOAN = ("reserved", "active")
OPEN_PLACE = ("enrolled", "waiting")


@dataclass
class Known:
    """What the read models hold about one person without an involvement."""

    last: date | None = None
    open: str | None = None
    device_scheme: bool = False

    def saw(self, *days: date | datetime | None) -> None:
        for day in days:
            if day is not None:
                on = day.date() if isinstance(day, datetime) else day
                self.last = on if self.last is None or on > self.last else self.last

    def opened(self, reason: str) -> None:
        self.open = self.open or reason


@dataclass
class NoInvolvement:
    """The people due under these rules (oldest last activity first), with the rule of each,
    and how many of those past the cutoff were kept because something is still open."""

    due: list[tuple[UUID, str]] = field(default_factory=list)
    kept: Counter[str] = field(default_factory=Counter)


def without_involvement(conn: Connection, cutoff: date, today: date) -> NoInvolvement:
    known: dict[UUID, Known] = {}
    _referrals(conn, known)
    _loans(conn, known)
    _places(conn, known, today)
    found = NoInvolvement()
    past = [(k.last, p) for p, k in known.items() if k.last is not None and k.last < cutoff]
    for _, person_id in sorted(past):
        person = known[person_id]
        if person.open is not None:
            found.kept[person.open] += 1
        else:
            rule = DEVICE_SCHEME_ONLY if person.device_scheme else DECLINED_REFERRALS
            found.due.append((person_id, rule))
    return found


def _not_involved(person_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """Never had an involvement, and not erased already."""
    involved = select(involvements.c.person_id)
    return person_id.not_in(involved) & person_id.not_in(select(erasures.c.person_id))


def _referrals(conn: Connection, known: dict[UUID, Known]) -> None:
    """A referral to the device scheme is answered by the place it made (see _places), so
    it is never taken for one awaiting a decision."""
    r = referrals.c
    placed = select(scheme_places.c.referral_id)
    rows = conn.execute(
        select(
            r.person_id, r.status, r.received_at, r.decided_at, r.closed_at, r.id.in_(placed)
        ).where(_not_involved(r.person_id))
    )
    for person_id, status, received_at, decided_at, closed_at, to_scheme in rows:
        person = known.setdefault(person_id, Known())
        person.saw(received_at, decided_at, closed_at)
        if status in OPEN_REFERRAL and not to_scheme:
            person.opened("open_referral")


def _loans(conn: Connection, known: dict[UUID, Known]) -> None:
    lo, se, ti = loans.c, loan_sessions.c, loan_tickets.c
    rows = conn.execute(
        select(lo.person_id, lo.status, lo.reserved_on, lo.handed_over_on, lo.ended_on).where(
            _not_involved(lo.person_id)
        )
    )
    for person_id, status, reserved_on, handed_over_on, ended_on in rows:
        person = known.setdefault(person_id, Known(device_scheme=True))
        person.device_scheme = True
        person.saw(reserved_on, handed_over_on, ended_on)
        if status in OPEN_LOAN:
            person.opened("device_loan")
    sessions = select(se.person_id, func.max(se.on)).group_by(se.person_id)
    for person_id, last in conn.execute(sessions.where(_not_involved(se.person_id))):
        if person_id in known:
            known[person_id].saw(last)
    tickets = select(
        ti.person_id,
        func.max(ti.opened_on),
        func.max(ti.resolved_on),
        func.count().filter(ti.resolved_on.is_(None)),
    ).group_by(ti.person_id)
    for person_id, opened, resolved, unresolved in conn.execute(tickets):
        if person_id in known:
            known[person_id].saw(opened, resolved)
            if unresolved:
                known[person_id].opened("support_ticket")


def _places(conn: Connection, known: dict[UUID, Known], today: date) -> None:
    pl, sc = scheme_places.c, schemes.c
    rows = conn.execute(
        select(pl.person_id, pl.status, pl.referred_on, pl.enrolled_on, pl.left_on, sc.ends_on)
        .join_from(scheme_places, schemes, pl.year == sc.year, isouter=True)
        .where(_not_involved(pl.person_id))
    )
    for person_id, status, referred_on, enrolled_on, left_on, ends_on in rows:
        person = known.setdefault(person_id, Known())
        person.device_scheme = True
        person.saw(referred_on, enrolled_on, left_on)
        if status in OPEN_PLACE:
            if ends_on is None or ends_on >= today:
                person.opened("device_scheme_place")
            else:  # the year is over: the place was held until its end
                person.saw(ends_on)
