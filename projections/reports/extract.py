"""The pseudonymised extract for an independent evaluator: one row per person's involvement,
with a keyed pseudonym instead of any identifier, the age band instead of the date of birth,
the LSOA instead of the postcode, and codes instead of notes."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from projections.reports.build import facts_projected_to, history_at, reports_lock
from projections.reports.measures import Period, paired_changes
from projections.reports.performance import year_to_date
from projections.reports.records import (
    ConnectionFacts,
    ContactFacts,
    History,
    InvolvementFacts,
    PersonFacts,
    ReferralFacts,
)
from projections.reports.reference import load_reference
from projections.reports.request import BadReportRequest, ReportContext, ReportNotReady

COLUMNS = (
    "pseudonym",
    "district",
    "lsoa_code",
    "imd_quintile",
    "age_band",
    "sex",
    "ethnicity",
    "referral_source",
    "referred_month",
    "opened_month",
    "status",
    "support_contacts",
    "contact_hours",
    "days_to_first_contact",
    "outcomes",
    "swemwbs_change",
    "ucla3_change",
    "connections_attended",
    "still_connected_at_follow_up",
    "device_kit",
)
ALL_TIME = Period(date(2000, 1, 1), date(2999, 12, 31))


@dataclass(frozen=True)
class Extract:
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    position: int
    digest: str


def pseudonym(key: bytes, person_id: UUID) -> str:
    """Stable for a person across extracts; not reversible without the key."""
    return hmac.new(key, b"person:" + person_id.bytes, hashlib.sha256).hexdigest()[:20]


def _month(day: date | None) -> str:
    return day.strftime("%Y-%m") if day else ""


def _in_year(inv: InvolvementFacts, period: Period) -> bool:
    if not inv.opened_on or min(inv.opened_on) > period.end:
        return False
    before = date.fromordinal(period.start.toordinal() - 1)
    return inv.status_on(before) != "closed" or any(period.holds(d) for d in inv.opened_on)


@dataclass
class _Person:
    """Everything about one person that a row needs, gathered in one pass."""

    referrals: list[ReferralFacts] = field(default_factory=list)
    contacts: list[ContactFacts] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    connections: list[ConnectionFacts] = field(default_factory=list)
    kits: set[str] = field(default_factory=set)
    changes: dict[str, Decimal] = field(default_factory=dict)


def _gather(h: History) -> dict[UUID, _Person]:
    people: dict[UUID, _Person] = {}

    def of(person_id: UUID) -> _Person:
        return people.setdefault(person_id, _Person())

    for r in h.referrals.values():
        of(r.person_id).referrals.append(r)
    for c in h.contacts.values():
        if not c.withdrawn:
            of(c.person_id).contacts.append(c)
    for o in h.outcomes.values():
        if not o.withdrawn:
            of(o.person_id).outcomes.append(o.domain + (f"/{o.detail}" if o.detail else ""))
    for n in h.connections.values():
        of(n.person_id).connections.append(n)
    for loan in h.loans.values():
        if loan.handed_over_on:
            of(loan.person_id).kits.update(loan.provisions.values())
    for instrument in ("swemwbs", "ucla3"):
        for _day, person_id, change, _key in paired_changes(h, ALL_TIME, instrument, None):
            if person_id is not None:
                of(person_id).changes[instrument] = change
    return people


def _row(
    h: History, key: bytes, inv: InvolvementFacts, got: _Person, quintiles: dict[str, int]
) -> tuple[str, ...]:
    who = inv.person_id
    person = h.people.get(who) or PersonFacts()
    referrals = sorted(got.referrals, key=lambda r: r.received_on)
    contacts = sorted(got.contacts, key=lambda c: c.on)
    referred = referrals[0].received_on if referrals else None
    first_contact = contacts[0].on if contacts else None
    follow_ups = [
        [(d, s) for d, s in c.steps if s in ("still_connected", "dropped")] for c in got.connections
    ]
    checks = [steps[-1][1] for steps in follow_ups if steps]
    hours = Decimal(sum(c.minutes for c in contacts)) / 60
    return (
        pseudonym(key, who),
        person.district or inv.district or "",
        person.lsoa_code or "",
        str(quintiles.get(person.lsoa_code or "", "")),
        person.age_band or "",
        person.sex or "",
        person.ethnicity or "",
        referrals[0].source if referrals else "",
        _month(referred),
        _month(min(inv.opened_on)),
        inv.status_on(date.max) or "",
        str(len(contacts)),
        str(hours.quantize(Decimal("0.1"), ROUND_HALF_UP)),
        str((first_contact - referred).days) if first_contact and referred else "",
        ";".join(sorted(got.outcomes)),
        str(got.changes.get("swemwbs", "")),
        str(got.changes.get("ucla3", "")),
        str(sum(1 for c in got.connections if any(s == "attended" for _d, s in c.steps))),
        str(sum(1 for s in checks if s == "still_connected")) if checks else "",
        "+".join(sorted(got.kits)),
    )


def build_extract(
    context: ReportContext, key: bytes, *, year: int | None, position: int | None
) -> Extract:
    have = facts_projected_to(context.engine)
    if position is not None and position > have:
        raise ReportNotReady(position, have)
    if year is not None and not 2000 <= year <= datetime.now(UTC).year:
        raise BadReportRequest("year", "must be a financial year from 2000 to now")
    at = have if position is None else position
    with reports_lock:
        return _extract(context, key, year, at)


def _extract(context: ReportContext, key: bytes, year: int | None, at: int) -> Extract:
    history = history_at(context.engine, at)
    period = year_to_date(year, 4) if year is not None else ALL_TIME
    lsoas = {p.lsoa_code for p in history.people.values() if p.lsoa_code}
    quintiles = load_reference(context.engine, context.districts, lsoas).quintile
    gathered = _gather(history)
    rows = sorted(
        _row(history, key, inv, gathered.get(inv.person_id) or _Person(), quintiles)
        for inv in history.involvements.values()
        if _in_year(inv, period)
    )
    text = _csv(COLUMNS, rows)
    digest = hashlib.sha256(f"{at}|{history.digest}|".encode() + text.encode()).hexdigest()
    return Extract(COLUMNS, rows, at, digest)


def _csv(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def extract_csv(extract: Extract) -> str:
    return _csv(extract.columns, extract.rows)
