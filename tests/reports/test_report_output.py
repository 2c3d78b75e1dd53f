"""Report renderers: accessible HTML, a paged PDF, CSV and XLSX, each repeatable byte for byte."""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
import zlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from markupsafe import escape
from openpyxl import load_workbook

from api.report_output import chart_svg, csv_zip, render_html, render_pdf, render_xlsx, table_csv
from projections.reports.disclosure import Disclosure, DisclosureRule
from projections.reports.model import (
    Cell,
    Chart,
    Footer,
    Report,
    Section,
    Series,
    Table,
    View,
)

RULE = DisclosureRule()
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def performance_table(disclosure: Disclosure) -> Table:
    raw = (("People referred", 3, 41, 44), ("People introduced", 0, 12, 12))
    rows = [(Cell.label(name), *(disclosure.count(v) for v in values)) for name, *values in raw]
    rows.append(
        (
            Cell.label("Introduced within 10 days"),
            disclosure.percentage(0, 3),
            disclosure.percentage(9, 41),
            Cell("-"),
        )
    )
    rows.append((Cell.label("Mean wellbeing change"), *[disclosure.statistic(None, 0)] * 3))
    return Table(
        id="performance",
        title="Quarterly performance",
        columns=("Indicator", "Quarter 1", "Quarter 2", "Year to date"),
        rows=tuple(rows),
        notes=("Figures are people, not referrals.",),
    )


def ward_table(disclosure: Disclosure) -> Table:
    rows = tuple(
        (Cell.label(f"Ward {n:02d} & district"), disclosure.count(n % 23), Cell("£1,200", 1200))
        for n in range(1, 71)
    )
    return Table("by-ward", "People referred by ward", ("Ward", "People", "Cost"), rows)


def monthly_table(disclosure: Disclosure) -> Table:
    months = ("Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar")
    rows = tuple(
        (Cell.label(name), *(disclosure.count(n * 7 + m) for m in range(12)))
        for n, name in enumerate(("Referred", "Introduced", "Closed"), start=1)
    )
    return Table("by-month", "People by month", ("Stage", *months), rows)


def charts(view: View) -> tuple[Chart, Chart]:
    quarters = ("Quarter 1", "Quarter 2")
    hidden = None if view == "published" else 3
    bar = Chart(
        id="referrals",
        title="People referred and introduced",
        kind="bar",
        categories=quarters,
        series=(Series("Referred", (hidden, 40)), Series("Introduced", (0, 10))),
        table_id="performance",
        description="Referrals rose from quarter 1 to quarter 2.",
    )
    line = Chart(
        id="trend",
        title="Mean wellbeing change <score>",
        kind="line",
        categories=("April", "May", "June", "July"),
        series=(Series("Change", (Decimal("1.5"), None, Decimal("2.25"), Decimal(3))),),
        table_id="performance",
        description="Wellbeing improved.",
        y_label="Points",
    )
    return bar, line


def make_report(view: View = "published") -> Report:
    disclosure = Disclosure(RULE, view)
    footer = Footer(
        position=1234,
        last_recorded_at=datetime(2024, 9, 30, 16, 45, 12, 345, tzinfo=UTC),
        as_at=None,
        digest="ab" * 32,
        facts=5678,
        definitions_version="2024.1",
        imd_edition="English Indices of Deprivation 2019",
        population_edition="ONS mid-2022 estimates",
        disclosure_rule=disclosure.describe(),
        unit_costs="defaults",
    )
    sections = (
        Section(
            "performance",
            "Performance",
            ("How many people the service reached.", "Figures are cumulative."),
            (performance_table(disclosure),),
            charts(view),
        ),
        Section(
            "wards",
            "Where people live",
            ("By ward of residence.",),
            (ward_table(disclosure), monthly_table(disclosure)),
        ),
    )
    title = "Local Area Coordination: quarterly report"
    subtitle = "April to September 2024"
    notes = ("Provisional figures.",)
    return Report(title, subtitle, 2024, 2, view, sections, footer, notes)


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report()


@pytest.fixture(scope="module")
def html(report: Report) -> str:
    return render_html(report)


@pytest.fixture(scope="module")
def pdf(report: Report) -> bytes:
    return render_pdf(report)


def test_html_is_a_self_contained_accessible_page(report: Report, html: str) -> None:
    assert '<html lang="en-GB">' in html
    assert html.count("<h1>") == 1
    assert str(escape(report.marking)) in html
    for table in report.tables():
        assert re.search(rf"<caption>.*{re.escape(str(escape(table.title)))}</caption>", html)
        assert f'<table id="table-{table.id}"' in html
    assert '<th scope="col"' in html
    assert '<th scope="row">Ward 01 &amp; district</th>' in html
    assert 'tabindex="0"' in html
    for line in (*report.footer.lines(), *report.notes):
        assert str(escape(line)) in html


def test_html_numbers_are_right_aligned_and_symbols_explained(html: str) -> None:
    assert '<td class="num suppressed">*</td>' in html
    assert '<td class="num">-</td>' in html
    assert '<td class="num">£1,200</td>' in html
    assert "a count of 1 to 7 people" in html
    assert "not applicable" in html


def test_html_charts_are_figures_that_point_to_their_table(html: str) -> None:
    figures = re.findall(r"<figure.*?</figure>", html, flags=re.DOTALL)
    assert len(figures) == 2
    for figure in figures:
        assert '<svg role="img"' in figure
        assert re.search(r'<figcaption>.*href="#table-performance"', figure, flags=re.DOTALL)
    assert "Mean wellbeing change &lt;score&gt;" in html


def test_html_fetches_nothing(html: str) -> None:
    assert set(re.findall(r"https?://[^\s\"'<>)]+", html)) <= {SVG_NAMESPACE}
    assert "<script" not in html
    assert "<link" not in html
    assert "@import" not in html and "url(http" not in html


def test_internal_view_is_marked_internal() -> None:
    internal = make_report("internal")
    page = render_html(internal)
    assert "INTERNAL - NOT FOR PUBLICATION" in page
    assert 'class="marking marking-internal"' in page
    assert "no disclosure control applied" in page
    assert "For publication" not in page


def test_chart_svg_is_inline_labelled_and_ids_are_unique() -> None:
    bar, line = charts("published")
    bar_svg, line_svg = chart_svg(bar), chart_svg(line)
    assert bar_svg.startswith("<svg ") and "<?xml" not in bar_svg and "DOCTYPE" not in bar_svg
    assert 'aria-labelledby="chart-referrals-title"' in bar_svg
    assert '<title id="chart-referrals-title">People referred and introduced</title>' in bar_svg
    assert "Suppressed values" in bar_svg
    assert "&lt;score&gt;" in line_svg
    ids = [re.findall(r'\bid="([^"]+)"', svg) for svg in (bar_svg, line_svg)]
    assert all(i.startswith("chart-referrals") for i in ids[0])
    assert not set(ids[0]) & set(ids[1])
    references = re.findall(r'(?:href="#|url\(#)([^")]+)', bar_svg)
    assert references and set(references) <= set(ids[0])


def test_pdf_is_paged_and_titled(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF-")
    objects = _pdf_objects(pdf)
    assert len(re.findall(rb"/Type /Page\b", objects)) > 1
    assert b"D:20240930164512" in objects
    assert b"/Lang (en-GB)" in objects


def test_csv_round_trips(report: Report) -> None:
    table = report.tables()[0]
    text = table_csv(table)
    assert text.startswith("Indicator,Quarter 1") and text.endswith("\r\n")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed == [list(table.columns), *([c.text for c in row] for row in table.rows)]


def test_csv_zip_holds_a_file_per_table_and_a_readme(report: Report) -> None:
    with zipfile.ZipFile(io.BytesIO(csv_zip(report))) as archive:
        assert archive.namelist() == [
            "README.txt",
            "performance.csv",
            "by-ward.csv",
            "by-month.csv",
        ]
        readme = archive.read("README.txt").decode()
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    assert report.marking in readme and report.footer.lines()[1] in readme


def test_xlsx_has_about_and_a_sheet_per_table(report: Report) -> None:
    workbook = load_workbook(io.BytesIO(render_xlsx(report)))
    assert workbook.sheetnames == ["About", "performance", "by-ward", "by-month"]
    assert workbook["About"]["A4"].value == report.marking
    sheet = workbook["performance"]
    assert [c.value for c in sheet[1]] == list(report.tables()[0].columns)
    assert sheet["B2"].value == "*" and sheet["C2"].value == 40 and sheet["D4"].value == "-"
    assert sheet["C4"].value == 0.25 and sheet["C4"].number_format == "0%"
    assert workbook["by-ward"]["C2"].number_format.startswith('"£"#,##0')
    assert sheet.freeze_panes == "B2"
    assert workbook.properties.created == datetime(2024, 9, 30, 16, 45, 12)


def test_every_output_is_byte_identical_at_another_time(
    report: Report, html: str, pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    bar, _ = charts("published")
    first = (render_xlsx(report), csv_zip(report), chart_svg(bar))
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 400 * 86_400 + 7)  # over a year later
    assert render_html(report) == html
    assert render_pdf(report) == pdf
    assert (render_xlsx(report), csv_zip(report), chart_svg(bar)) == first


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated, to look for dictionary entries."""
    inflated = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.DOTALL):
        inflated.append(_inflate(stream))
    return b"\n".join(inflated)


def _inflate(stream: bytes) -> bytes:
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return b""
