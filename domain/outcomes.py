"""Checks for coded outcomes before they are recorded on an involvement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.codes import DETAILS, OutcomeDetail, OutcomeDomain
from domain.errors import InvalidField
from domain.reference import check_text

MAX_VISITS = 200


@dataclass(frozen=True)
class VisitCounts:
    """Self-reported GP and A&E visits: the three months before, and the latest three."""

    gp_before: int
    gp_after: int
    ae_before: int
    ae_after: int

    def checked(self) -> VisitCounts:
        for name in ("gp_before", "gp_after", "ae_before", "ae_after"):
            value = getattr(self, name)
            if not 0 <= value <= MAX_VISITS:
                raise InvalidField(f"visits.{name}", f"must be 0 to {MAX_VISITS}")
        if self.gp_after + self.ae_after >= self.gp_before + self.ae_before:
            raise InvalidField(
                "visits", "no fewer GP and A&E visits than before: record another outcome"
            )
        return self


@dataclass(frozen=True)
class OutcomeRecord:
    """One coded outcome as a coordinator records it."""

    domain: OutcomeDomain
    detail: OutcomeDetail | None
    occurred_on: date
    evidence: str
    visits: VisitCounts | None = None

    def checked(self, today: date) -> OutcomeRecord:
        allowed = DETAILS.get(self.domain, ())
        if allowed and self.detail not in allowed:
            names = ", ".join(d.value for d in allowed)
            raise InvalidField("detail", f"{self.domain.value} needs one of: {names}")
        if not allowed and self.detail is not None:
            raise InvalidField("detail", f"{self.domain.value} takes no detail")
        if self.occurred_on > today:
            raise InvalidField("occurred_on", "must not be in the future")
        needs_visits = self.domain is OutcomeDomain.FEWER_GP_AE_VISITS
        if needs_visits and self.visits is None:
            raise InvalidField("visits", "give the GP and A&E visit counts before and after")
        if not needs_visits and self.visits is not None:
            raise InvalidField("visits", "only a fewer-visits outcome takes visit counts")
        return OutcomeRecord(
            self.domain,
            self.detail,
            self.occurred_on,
            check_text("evidence", self.evidence, 2000),
            self.visits.checked() if self.visits else None,
        )
