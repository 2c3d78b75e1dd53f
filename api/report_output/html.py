"""A report as one self-contained, accessible HTML page (inline CSS and SVG, nothing fetched).

The same page is the source of the PDF, so it carries print CSS (A4 pages, running marking and
page numbers, repeated table headings). Nothing here reads the clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from api.report_output.charts import SUPPRESSED_NOTE, chart_svg
from projections.reports.model import Cell, Chart, Report, Section, Table

NOT_APPLICABLE = "-"
SUPPRESSED = "*"
WIDE_TABLE_COLUMNS = 8  # tables with more columns than this get a landscape page in print
QUARTER_ENDS = ("June", "September", "December", "March")
_SUPPRESSED_RANGE = re.compile(r"1 to (\d+) shown as \*")


@dataclass(frozen=True)
class Block:
    """One table or one chart, in the order the section shows them."""

    table: Table | None = None
    chart: Chart | None = None


def template_environment(
    filters: dict[str, Callable[..., Any]], tests: dict[str, Callable[..., bool]]
) -> jinja2.Environment:
    """The templates of this package: autoescaped, strict about undefined names."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("api.report_output", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(filters)
    environment.tests.update(tests)
    return environment


@cache
def _environment() -> jinja2.Environment:
    return template_environment(filters={"css_string": css_string}, tests={"numeric": numeric})


def render_html(report: Report) -> str:
    """The report as a complete HTML document."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        period=period(report),
        short_marking=short_marking(report),
        blocks={section.id: blocks(section) for section in report.sections},
        table_numbers={table.id: n for n, table in enumerate(report.tables(), start=1)},
        table_titles={table.id: table.title for table in report.tables()},
        chart_numbers=_chart_numbers(report),
        chart_notes={chart.id: chart_note(chart) for chart in _charts(report)},
        svgs={chart.id: Markup(chart_svg(chart)) for chart in _charts(report)},
        legends={table.id: legend(table, report) for table in report.tables()},
        wide_table_columns=WIDE_TABLE_COLUMNS,
    )


def numeric(cell: Cell) -> bool:
    """Whether a cell is a figure (right-aligned): a number, suppressed, or not applicable."""
    return cell.number is not None or cell.text in (SUPPRESSED, NOT_APPLICABLE)


def css_string(text: str) -> Markup:
    """A quoted CSS string literal, safe inside a <style> element."""
    escaped = "".join(
        char if char.isalnum() or char in " .,:;()-" else f"\\{ord(char):X} " for char in text
    )
    return Markup(f'"{escaped}"')  # every other character is hex-escaped


def short_marking(report: Report) -> str:
    """The marking repeated at the top of every printed page."""
    return "INTERNAL - NOT FOR PUBLICATION" if report.view == "internal" else "For publication"


def period(report: Report) -> str:
    """Which months the report covers, e.g. "Financial year 2024-25, quarter 2: April to ..."."""
    end_year = report.year + 1 if report.quarter == 4 else report.year
    months = f"April {report.year} to {QUARTER_ENDS[report.quarter - 1]} {end_year}"
    year = f"{report.year}-{(report.year + 1) % 100:02d}"
    return f"Financial year {year}, quarter {report.quarter} ({months})"


def blocks(section: Section) -> list[Block]:
    """Each table followed by the charts drawn from it; charts of other tables at the end."""
    shown = {table.id for table in section.tables}
    ordered: list[Block] = []
    for table in section.tables:
        ordered.append(Block(table=table))
        ordered += [Block(chart=chart) for chart in section.charts if chart.table_id == table.id]
    ordered += [Block(chart=chart) for chart in section.charts if chart.table_id not in shown]
    return ordered


def chart_note(chart: Chart) -> str:
    """Said under a chart with gaps, so that a missing bar or point is not read as zero."""
    gaps = any(value is None for series in chart.series for value in series.values)
    return SUPPRESSED_NOTE if gaps else ""


def legend(table: Table, report: Report) -> list[tuple[str, str]]:
    """The symbols used in a table and what they mean."""
    texts = {cell.text for row in table.rows for cell in row[table.header_columns :]}
    meanings: list[tuple[str, str]] = []
    if SUPPRESSED in texts:
        meanings.append((SUPPRESSED, _suppressed_meaning(report)))
    if NOT_APPLICABLE in texts:
        meanings.append((NOT_APPLICABLE, "not applicable, or no data to show"))
    return meanings


def _suppressed_meaning(report: Report) -> str:
    found = _SUPPRESSED_RANGE.search(report.footer.disclosure_rule)
    if found is None:
        return "suppressed to protect confidentiality (see About these figures)"
    top = int(found.group(1))
    return (
        f"suppressed to protect confidentiality: a count of 1 to {top} people, "
        f"or a figure based on fewer than {top + 1} people"
    )


def _charts(report: Report) -> list[Chart]:
    return [chart for section in report.sections for chart in section.charts]


def _chart_numbers(report: Report) -> dict[str, int]:
    ordered = [b.chart for s in report.sections for b in blocks(s) if b.chart is not None]
    return {chart.id: number for number, chart in enumerate(ordered, start=1)}
