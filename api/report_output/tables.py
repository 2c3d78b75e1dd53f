"""Tables for spreadsheets: one CSV per table (zipped with a README) and an XLSX workbook.

Both are deterministic: zip entries carry a fixed timestamp and permissions, and the workbook's
document properties are dated from the report's inputs, never from the clock.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from projections.reports.model import Cell, Report, Table

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_MODE = 0o644 << 16  # a regular file, rw-r--r--
FALLBACK_DATE = datetime(2000, 1, 1, tzinfo=UTC)
SHEET_TITLE_LIMIT = 31
FORBIDDEN_IN_SHEET_TITLES = str.maketrans({c: "-" for c in "[]:*?/\\"})


def report_date(report: Report) -> datetime:
    """The moment a report's documents are dated: its last counted event, in UTC, to the second."""
    when = report.footer.last_recorded_at
    if when is None:
        return FALLBACK_DATE
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.replace(tzinfo=UTC, microsecond=0)


def table_csv(table: Table) -> str:
    """RFC 4180 CSV: the column headings, then each row's cell texts, lines ended by CRLF."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([cell.text for cell in row] for row in table.rows)
    return buffer.getvalue()


def readme_text(report: Report) -> str:
    lines = [report.title, report.subtitle, "", report.marking, "", *report.footer.lines()]
    if report.notes:
        lines += ["", "Notes:", *report.notes]
    lines += ["", "Files:", *(f"{table.id}.csv: {table.title}" for table in report.tables())]
    return "\r\n".join(lines) + "\r\n"


def csv_zip(report: Report) -> bytes:
    """A zip of `{table.id}.csv` for each table, in report order, and a README.txt."""
    files = [("README.txt", readme_text(report).encode("utf-8"))]
    files += [(f"{t.id}.csv", table_csv(t).encode("utf-8")) for t in report.tables()]
    return _zip(files)


def _zip(files: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = ZIP_MODE
            info.create_system = 3  # Unix, whatever the host
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def _normalised_zip(data: bytes) -> bytes:
    """The same zip members in the same order, with fixed timestamps and permissions."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        files = [(info.filename, source.read(info)) for info in source.infolist()]
    return _zip(files)


def render_xlsx(report: Report) -> bytes:
    """An "About" sheet, then one sheet per table with numbers as numbers and `*` as text."""
    workbook = Workbook()
    _about_sheet(workbook.active, report)
    titles: set[str] = {"About"}
    for table in report.tables():
        sheet = workbook.create_sheet(_sheet_title(table.id, titles))
        _table_sheet(sheet, table)
    when = report_date(report).replace(tzinfo=None)  # openpyxl writes naive datetimes as UTC
    workbook.properties.created = when
    workbook.properties.modified = when
    workbook.properties.title = report.title
    workbook.properties.language = "en-GB"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # ExcelWriter, not save_workbook: the latter stamps `modified` with the current time.
        ExcelWriter(workbook, archive).save()
    return _normalised_zip(buffer.getvalue())


def _sheet_title(table_id: str, taken: set[str]) -> str:
    base = table_id.translate(FORBIDDEN_IN_SHEET_TITLES).strip("'")[:SHEET_TITLE_LIMIT] or "Table"
    title, number = base, 1
    while title.casefold() in {t.casefold() for t in taken}:
        number += 1
        suffix = f"-{number}"
        title = base[: SHEET_TITLE_LIMIT - len(suffix)] + suffix
    taken.add(title)
    return title


def _about_sheet(sheet: Worksheet, report: Report) -> None:
    sheet.title = "About"
    rows: list[str] = [report.title, report.subtitle, "", report.marking, ""]
    rows += ["About these figures", *report.footer.lines()]
    if report.notes:
        rows += ["", "Notes", *report.notes]
    rows += ["", "Tables (one sheet each)"]
    for table in report.tables():
        rows += [f"{table.id}: {table.title}", *(f"    {note}" for note in table.notes)]
    for text in rows:
        sheet.append([text])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A4"].font = Font(bold=True, color="D4351C" if report.view == "internal" else None)
    sheet["A6"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 120
    for row in sheet.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _value(cell: Cell) -> str | int | float:
    """The number when there is one (a percentage as a fraction, as spreadsheets expect)."""
    number = cell.number
    if number is None:
        return cell.text
    if cell.text.endswith("%"):
        return float(Decimal(number) / 100)
    if isinstance(number, Decimal):
        return int(number) if number == number.to_integral_value() else float(number)
    return number


def _number_format(cell: Cell) -> str:
    """A display format that shows the number as the report's text does."""
    places = len(cell.text.rstrip("%").partition(".")[2])
    digits = "#,##0" + ("." + "0" * places if places else "")
    if cell.text.endswith("%"):
        return digits.removeprefix("#,##") + "%"
    if "£" in cell.text:
        return f'"£"{digits};-"£"{digits}'
    if cell.text.startswith("+"):
        return f"+{digits};-{digits};{digits}"
    return digits


def _table_sheet(sheet: Worksheet, table: Table) -> None:
    sheet.append(list(table.columns))
    for row in table.rows:
        sheet.append([_value(cell) for cell in row])
        for written, cell in zip(sheet[sheet.max_row], row, strict=False):
            if cell.number is not None:
                written.number_format = _number_format(cell)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=2, column=table.header_columns + 1)
    for index, column in enumerate(table.columns, start=1):
        texts = [row[index - 1].text for row in table.rows if len(row) >= index]
        widest = max([min(len(column), 24), *(len(text) for text in texts)])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, 8), 60)
    for row in sheet.iter_rows(min_row=2):
        for cell in row[table.header_columns :]:
            if isinstance(cell.value, str):
                cell.alignment = Alignment(horizontal="right")
