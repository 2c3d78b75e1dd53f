"""The pseudonymised extract for an independent evaluator: one row per person's involvement,
with a keyed pseudonym instead of any identifier, the age band instead of the date of birth,
the LSOA instead of the postcode, and codes instead of notes."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from projections.reports.build import facts_projected_to, history_at
from projections.reports.measures import Period, paired_changes
from projections.reports.performance import year_to_date
from projections.reports.records import History, InvolvementFacts
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


def _row(
    h: History, key: bytes, inv: InvolvementFacts, quintiles: dict[str, int]
) -> tuple[str, ...]:
    who = inv.person_id
    person = h.people.get(who)
    referrals = sorted(
        (r for r in h.referrals.values() if r.person_id == who), key=lambda r: r.received_on
    )
    contacts = sorted(
        (c for c in h.contacts.values() if c.person_id == who and not c.withdrawn),
        key=lambda c: c.on,
    )
    referred = referrals[0].received_on if referrals else None
    first_contact = contacts[0].on if contacts else None
    outcomes = sorted(
        o.domain + (f"/{o.detail}" if o.detail else "")
        for o in h.outcomes.values()
        if o.person_id == who and not o.withdrawn
    )
    connections = [c for c in h.connections.values() if c.person_id == who]
    follow_ups = [
        [(d, s) for d, s in c.steps if s in ("still_connected", "dropped")] for c in connections
    ]
    checks = [steps[-1][1] for steps in follow_ups if steps]
    kits = sorted(
        {
            v
            for loan in h.loans.values()
            if loan.person_id == who and loan.handed_over_on
            for v in loan.provisions.values()
        }
    )
    lsoa = person.lsoa_code if person else None
    return (
        pseudonym(key, who),
        (person.district if person else None) or inv.district or "",
        lsoa or "",
        str(quintiles.get(lsoa or "", "")),
        (person.age_band if person else None) or "",
        (person.sex if person else None) or "",
        (person.ethnicity if person else None) or "",
        referrals[0].source if referrals else "",
        _month(referred),
        _month(min(inv.opened_on)),
        inv.status_on(date.max) or "",
        str(len(contacts)),
        str(
            (Decimal(sum(c.minutes for c in contacts)) / 60).quantize(Decimal("0.1"), ROUND_HALF_UP)
        ),
        str((first_contact - referred).days) if first_contact and referred else "",
        ";".join(outcomes),
        _change(h, who, "swemwbs"),
        _change(h, who, "ucla3"),
        str(sum(1 for c in connections if any(s == "attended" for _d, s in c.steps))),
        str(sum(1 for s in checks if s == "still_connected")) if checks else "",
        "+".join(kits),
    )


def _change(h: History, who: UUID, instrument: str) -> str:
    found = [v for p, v in paired_changes(h, ALL_TIME, instrument, None) if p == who]
    return str(found[0]) if found else ""


def build_extract(
    context: ReportContext, key: bytes, *, year: int | None, position: int | None
) -> Extract:
    have = facts_projected_to(context.engine)
    if position is not None and position > have:
        raise ReportNotReady(position, have)
    if year is not None and not 2000 <= year <= datetime.now(UTC).year:
        raise BadReportRequest("year", "must be a financial year from 2000 to now")
    at = have if position is None else position
    history = history_at(context.engine, at)
    period = year_to_date(year, 4) if year is not None else ALL_TIME
    lsoas = {p.lsoa_code for p in history.people.values() if p.lsoa_code}
    quintiles = load_reference(context.engine, context.districts, lsoas).quintile
    rows = sorted(
        _row(history, key, inv, quintiles)
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
