"""The retention schedule: erase people a set number of years after their involvement closed.

A person is due when their involvement closed more than `retention_years` ago and was not
reopened, and nothing of theirs is still open: no referral awaiting a decision, no device loan
reserved or out, no place (or place on the waiting list) in the device scheme. People who
never had an involvement (only declined, redirected or closed referrals, or only the device
scheme) are due the same period after the last thing that happened to them, with nothing open
(workers/retention_rules.py). The read models find the candidates; the aggregates confirm each
one (the involvement closed since before the cutoff, or never opened) before it is erased with
the ground `retention`. Each run is recorded as a `RetentionRun.Completed` event holding counts
and person ids only, and answered as a `RetentionReport`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select

from domain.codes import InvolvementStatus
from domain.erasure import AlreadyErased, ErasureGround
from projections.casework_tables import involvements
from projections.device_tables import loans, scheme_places
from projections.erasure import scrub
from projections.tables import erasures, referrals
from workers.retention_rules import without_involvement
from workers.runtime import Runtime

INVOLVEMENT_CLOSED = "involvement_closed"  # the rule for people who had an involvement
# Erasures per run: a first run on years of history does the rest on the following days.
MAX_PER_RUN = 1000
OPEN: dict[str, tuple[Any, Any, tuple[str, ...]]] = {
    "open_referral": (referrals.c.person_id, referrals.c.status, ("received",)),
    "device_loan": (loans.c.person_id, loans.c.status, ("reserved", "active")),
    "device_scheme_place": (
        scheme_places.c.person_id,
        scheme_places.c.status,
        ("enrolled", "waiting"),
    ),
}


@dataclass
class RetentionReport:
    """What a run erased (ids only) and how many it kept back, and why."""

    retention_years: int
    cutoff: date
    dry_run: bool
    considered: int = 0
    erased: list[UUID] = field(default_factory=list)
    by_rule: dict[str, int] = field(default_factory=dict)  # erased (or due, dry run) per rule
    kept: dict[str, int] = field(default_factory=dict)
    remaining: int = 0
    finished: int = 0
    recorded_id: UUID | None = None
    position: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "retention_years": self.retention_years,
            "cutoff": self.cutoff.isoformat(),
            "dry_run": self.dry_run,
            "considered": self.considered,
            "erased_count": len(self.erased),
            "erased": [str(p) for p in self.erased],
            "by_rule": dict(sorted(self.by_rule.items())),
            "kept": dict(sorted(self.kept.items())),
            "remaining": self.remaining,
            "finished": self.finished,
            "recorded_id": str(self.recorded_id) if self.recorded_id else None,
            "position": self.position,
        }


def cutoff_for(today: date, years: int) -> date:
    """The same day `years` earlier (29 February becomes the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def run_retention(
    runtime: Runtime,
    actor_id: UUID,
    *,
    dry_run: bool = False,
    today: date | None = None,
    limit: int = MAX_PER_RUN,
) -> RetentionReport:
    """Erase everyone due (or, with dry_run, only say who would be); record the run."""
    years = runtime.settings.retention_years
    today = today or datetime.now(UTC).date()
    cutoff = cutoff_for(today, years)
    report = RetentionReport(years, cutoff, dry_run)
    due, kept = _candidates(runtime, cutoff, today)
    report.considered, report.kept = len(due) + sum(kept.values()), dict(kept)
    confirmed = [(p, rule) for p, rule in due if _still_due(runtime, p, rule, cutoff, report)]
    report.remaining = max(0, len(confirmed) - limit)
    for person_id, rule in confirmed[:limit]:
        if dry_run or _erase(runtime, person_id, actor_id, report):
            report.erased.append(person_id)
            report.by_rule[rule] = report.by_rule.get(rule, 0) + 1
    if dry_run:
        return report
    report.finished = _finish_interrupted(runtime)
    recorded = runtime.app.record_retention_run(
        years, cutoff, report.considered, report.erased, report.kept, actor_id
    )
    report.recorded_id, report.position = recorded.id, recorded.position
    return report


def settle(runtime: Runtime, position: int) -> bool:
    """Embedded mode: wait until the read models have blanked what was erased, then scrub
    the SQLite file. True when done (False: the read models were too slow; they catch up
    later, and the next erasure or run scrubs)."""
    if not runtime.wait_for(position, runtime.settings.wait_timeout_seconds):
        return False
    scrub(runtime.engine)
    return True


def _candidates(
    runtime: Runtime, cutoff: date, today: date
) -> tuple[list[tuple[UUID, str]], Counter[str]]:
    before = datetime.combine(cutoff, time.min, tzinfo=UTC)
    with runtime.engine.connect() as conn:
        closed = conn.execute(
            select(involvements.c.person_id)
            .where(involvements.c.status == "closed", involvements.c.closed_at < before)
            .where(involvements.c.person_id.not_in(select(erasures.c.person_id)))
            .order_by(involvements.c.closed_at, involvements.c.person_id)
        ).scalars()
        people = list(closed)
        still_open = _open(conn, people)
        others = without_involvement(conn, cutoff, today)
    kept: Counter[str] = Counter(still_open.values()) + others.kept
    due = [(p, INVOLVEMENT_CLOSED) for p in people if p not in still_open]
    return due + others.due, kept


def _open(conn: Connection, people: list[UUID]) -> dict[UUID, str]:
    """For each person with something still open, the first reason found."""
    found: dict[UUID, str] = {}
    for reason, (person, status, values) in OPEN.items():
        for at in range(0, len(people), 500):
            chunk = people[at : at + 500]
            rows = conn.execute(
                select(person).where(person.in_(chunk), status.in_(values)).distinct()
            ).scalars()
            for person_id in rows:
                found.setdefault(person_id, reason)
    return found


def _still_due(
    runtime: Runtime, person_id: UUID, rule: str, cutoff: date, report: RetentionReport
) -> bool:
    """The involvement itself (not the read model) says it is closed, and since before cutoff;
    for the other rules, that there is still no involvement."""
    if rule != INVOLVEMENT_CLOSED:
        if not runtime.app.has_involvement(person_id):
            return True
        report.kept["involvement_opened"] = report.kept.get("involvement_opened", 0) + 1
        return False
    involvement = runtime.app.get_involvement(person_id)
    closed_at = involvement.closed_at
    if involvement.status is InvolvementStatus.CLOSED and closed_at and closed_at.date() < cutoff:
        return True
    report.kept["reopened"] = report.kept.get("reopened", 0) + 1
    return False


def _erase(runtime: Runtime, person_id: UUID, actor_id: UUID, report: RetentionReport) -> bool:
    try:
        runtime.app.erase_person(person_id, actor_id, ErasureGround.RETENTION)
    except AlreadyErased:  # erased by hand since the read model was read
        report.kept["already_erased"] = report.kept.get("already_erased", 0) + 1
        return False
    return True


def _finish_interrupted(runtime: Runtime) -> int:
    """Destroy any key left behind by an erasure that stopped half-way (see domain.erasure)."""
    with runtime.engine.connect() as conn:
        erased = list(conn.execute(select(erasures.c.person_id)).scalars())
    return sum(runtime.app.finish_erasure(p) for p in erased)
