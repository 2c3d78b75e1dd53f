"""What a caller asks for, and what can go wrong before a report is built."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine

from projections.reports.disclosure import DisclosureRule
from projections.reports.model import View

FIRST_YEAR = 2000
QUARTER_MONTHS = ("April to June", "July to September", "October to December", "January to March")


class ReportNotReady(Exception):
    """The report facts have not yet reached the log position asked for (the worker is behind)."""

    def __init__(self, wanted: int, have: int) -> None:
        super().__init__(f"report facts are at position {have}; position {wanted} was asked for")
        self.wanted = wanted
        self.have = have


class BadReportRequest(ValueError):
    """A request that cannot be answered: names the field and what is wrong."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class ReportRequest:
    """Financial year `year` (April `year` to March `year + 1`), up to the end of `quarter`.

    `position` or `as_at` (not both) fixes the event log as it stood; neither means "now".
    """

    year: int
    quarter: int
    view: View = "published"
    as_at: datetime | None = None
    position: int | None = None

    def checked(self, today: date) -> ReportRequest:
        if not FIRST_YEAR <= self.year <= today.year:
            raise BadReportRequest("year", f"must be a financial year from {FIRST_YEAR} to now")
        if self.quarter not in (1, 2, 3, 4):
            raise BadReportRequest("quarter", "must be 1, 2, 3 or 4")
        if self.view not in ("published", "internal"):
            raise BadReportRequest("view", "must be published or internal")
        if self.as_at is not None and self.position is not None:
            raise BadReportRequest("as_at", "give as_at or position, not both")
        if self.as_at is not None and self.as_at.tzinfo is None:
            raise BadReportRequest("as_at", "must include a time zone (e.g. 2022-04-10T09:00Z)")
        if self.position is not None and self.position < 0:
            raise BadReportRequest("position", "must not be negative")
        return self


@dataclass(frozen=True)
class ReportContext:
    """Where the facts are and the rules the council set."""

    engine: Engine
    districts: tuple[str, ...]
    rule: DisclosureRule = field(default_factory=DisclosureRule)
    definitions_file: Path | None = None  # None: the definitions shipped with the product
