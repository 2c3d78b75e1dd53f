"""The committee report inside a page: the API's JSON report made back into the report model,
then laid out by the same helpers the report's own HTML uses (periods, blocks of tables and
charts, legends, inline SVG charts), in the service's layout with its heading levels."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from api.report_output.charts import chart_svg
from api.report_output.html import blocks, chart_note, legend, numeric, period
from projections.reports.model import Cell, Chart, Footer, Number, Report, Section, Series, Table

# The chart's printed size gives way to the page's width (scrolling sideways below 30rem,
# where its labels would otherwise be too small to read).
_SVG_SIZE = re.compile(r'^(<svg\b[^>]*?) width="[^"]*" height="[^"]*"')
_SVG_STYLE = 'style="display:block;width:100%;height:auto;max-width:42rem;min-width:30rem"'


def report_of(body: dict[str, Any]) -> Report:
    """The report from the API's JSON (Decimals come as text, datetimes as ISO 8601)."""
    return Report(
        title=str(body["title"]),
        subtitle=str(body["subtitle"]),
        year=int(body["year"]),
        quarter=int(body["quarter"]),
        view="internal" if body["view"] == "internal" else "published",
        sections=tuple(_section(s) for s in body["sections"]),
        footer=_footer(body["footer"]),
        notes=tuple(str(n) for n in body.get("notes") or ()),
    )


def laid_out(report: Report) -> dict[str, Any]:
    """What the page's report template needs, as the report's own HTML has it."""
    charts = [chart for section in report.sections for chart in section.charts]
    ordered = [b.chart for s in report.sections for b in blocks(s) if b.chart is not None]
    return {
        "report": report,
        "period": period(report),
        "blocks": {section.id: blocks(section) for section in report.sections},
        "table_numbers": {table.id: n for n, table in enumerate(report.tables(), start=1)},
        "table_titles": {table.id: table.title for table in report.tables()},
        "chart_numbers": {chart.id: n for n, chart in enumerate(ordered, start=1)},
        "chart_notes": {chart.id: chart_note(chart) for chart in charts},
        "svgs": {chart.id: svg(chart) for chart in charts},
        "legends": {table.id: legend(table, report) for table in report.tables()},
        "numeric": numeric,
    }


def svg(chart: Chart) -> Markup:
    """The chart's inline SVG, sized by the page rather than in points."""
    drawn = chart_svg(chart)
    return Markup(_SVG_SIZE.sub(lambda m: f"{m.group(1)} {_SVG_STYLE}", drawn, count=1))


def _number(value: Any) -> Number | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return Decimal(str(value))


def _cell(body: dict[str, Any]) -> Cell:
    return Cell(str(body["text"]), _number(body.get("number")), bool(body.get("suppressed")))


def _table(body: dict[str, Any]) -> Table:
    return Table(
        id=str(body["id"]),
        title=str(body["title"]),
        columns=tuple(str(c) for c in body["columns"]),
        rows=tuple(tuple(_cell(c) for c in row) for row in body["rows"]),
        header_columns=int(body.get("header_columns", 1)),
        notes=tuple(str(n) for n in body.get("notes") or ()),
    )


def _chart(body: dict[str, Any]) -> Chart:
    return Chart(
        id=str(body["id"]),
        title=str(body["title"]),
        kind="line" if body["kind"] == "line" else "bar",
        categories=tuple(str(c) for c in body["categories"]),
        series=tuple(
            Series(str(s["name"]), tuple(_number(v) for v in s["values"])) for s in body["series"]
        ),
        table_id=str(body["table_id"]),
        description=str(body["description"]),
        y_label=str(body.get("y_label", "People")),
    )


def _section(body: dict[str, Any]) -> Section:
    return Section(
        id=str(body["id"]),
        title=str(body["title"]),
        paragraphs=tuple(str(p) for p in body.get("paragraphs") or ()),
        tables=tuple(_table(t) for t in body.get("tables") or ()),
        charts=tuple(_chart(c) for c in body.get("charts") or ()),
    )


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def _footer(body: dict[str, Any]) -> Footer:
    return Footer(
        position=int(body["position"]),
        last_recorded_at=_when(body.get("last_recorded_at")),
        as_at=_when(body.get("as_at")),
        digest=str(body["digest"]),
        facts=int(body["facts"]),
        definitions_version=str(body["definitions_version"]),
        imd_edition=str(body["imd_edition"]),
        population_edition=str(body["population_edition"]),
        disclosure_rule=str(body["disclosure_rule"]),
        unit_costs=str(body["unit_costs"]),
    )
