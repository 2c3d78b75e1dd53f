"""What a finished report is: sections of tables and charts, already through disclosure control,
and a footer that says exactly which inputs produced it. Renderers only lay this out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

View = Literal["published", "internal"]
Number = int | Decimal


@dataclass(frozen=True)
class Cell:
    """One cell as shown: its text, and the number behind it when one may be shown.

    `number` is None for text cells and for suppressed figures ("*"); a spreadsheet writes the
    number when there is one and the text otherwise.
    """

    text: str
    number: Number | None = None
    suppressed: bool = False

    @staticmethod
    def label(text: str) -> Cell:
        return Cell(text)


@dataclass(frozen=True)
class Table:
    """A table for publication: `header_columns` leading columns are row headings."""

    id: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    header_columns: int = 1
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Number | None, ...]  # None where the figure is suppressed


@dataclass(frozen=True)
class Chart:
    """A bar or line chart of figures that are also in a table (`table_id`), for screen readers."""

    id: str
    title: str
    kind: Literal["bar", "line"]
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    table_id: str
    description: str
    y_label: str = "People"


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class Footer:
    """Which inputs made the report, so that it can be produced again byte for byte."""

    position: int  # the event-log position the report stands at
    last_recorded_at: datetime | None  # when the last counted event was recorded
    as_at: datetime | None  # the moment asked for, if one was
    digest: str  # sha256 of the facts, definitions, unit costs and reference data used
    facts: int  # how many recorded events the figures rest on
    definitions_version: str
    imd_edition: str
    population_edition: str
    disclosure_rule: str
    unit_costs: str  # where the unit costs came from (defaults, or the table set at a position)

    def lines(self) -> tuple[str, ...]:
        when = self.last_recorded_at.isoformat() if self.last_recorded_at else "no events"
        asked = f"; as at {self.as_at.isoformat()}" if self.as_at else ""
        return (
            f"Event log position {self.position} (last counted event recorded {when}){asked}.",
            f"Inputs digest (SHA-256): {self.digest}; {self.facts} recorded events counted.",
            f"Indicator definitions version {self.definitions_version}.",
            f"Deprivation: {self.imd_edition}. Population: {self.population_edition}.",
            f"Disclosure control: {self.disclosure_rule}",
            f"Unit costs: {self.unit_costs}.",
        )


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    year: int  # financial year starting April `year`
    quarter: int  # 1-4: the report covers April to the end of this quarter
    view: View
    sections: tuple[Section, ...]
    footer: Footer
    notes: tuple[str, ...] = field(default=())

    @property
    def marking(self) -> str:
        """What the reader must be told about the figures before anything else."""
        if self.view == "internal":
            return (
                "INTERNAL - NOT FOR PUBLICATION: unsuppressed figures for the evaluation team. "
                "Small numbers are shown and may identify people."
            )
        return "For publication: figures are disclosure-controlled (see the footer)."

    def tables(self) -> tuple[Table, ...]:
        return tuple(t for s in self.sections for t in s.tables)

    @property
    def file_stem(self) -> str:
        view = "" if self.view == "published" else "-internal"
        return f"lac-report-{self.year}-{(self.year + 1) % 100:02d}-q{self.quarter}{view}"
