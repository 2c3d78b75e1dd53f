"""Committee reports from the API and the CLI: the builder's context from the settings, making
sure the report facts have reached the position asked for, and each output format."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal
from uuid import UUID

from domain.recorded import Recorded
from projections.reports.disclosure import DisclosureRule
from projections.reports.extract import Extract, build_extract
from projections.reports.model import Report
from projections.reports.request import (
    BadReportRequest,
    ReportContext,
    ReportNotReady,
    ReportRequest,
)
from workers.runtime import Runtime

FACTS = "report_facts"
Format = Literal["html", "pdf", "csv", "xlsx", "json"]
FORMATS: tuple[Format, ...] = ("html", "pdf", "csv", "xlsx", "json")


def report_context(runtime: Runtime) -> ReportContext:
    """Where the facts are and the council's rules, from the settings."""
    settings = runtime.settings
    return ReportContext(
        engine=runtime.engine,
        districts=tuple(settings.districts),
        rule=DisclosureRule(settings.disclosure_smallest_shown, settings.disclosure_round_to),
        definitions_file=settings.report_definitions,
    )


def ready_report_position(runtime: Runtime, request: ReportRequest) -> int:
    """Make sure the report facts reach what the request needs; returns that position."""
    return ready_position(runtime, request.position)


def ready_position(runtime: Runtime, position: int | None) -> int:
    """The facts reach `position` (default: the log's end now) or ReportNotReady is raised.

    Embedded, the facts projection is caught up here and now; with a worker, this waits for it
    (as reads with `min_position` do). A position beyond the log's end is a bad request.
    """
    wanted = wanted_position(runtime, position)
    projector = runtime.projector(FACTS)
    if projector.position() >= wanted:
        return wanted
    if runtime.settings.embedded:
        projector.catch_up()
    else:
        _wait(runtime, wanted, runtime.settings.wait_timeout_seconds)
    have = projector.position()
    if have < wanted:
        raise ReportNotReady(wanted, have)
    return wanted


def wanted_position(runtime: Runtime, position: int | None) -> int:
    """The position asked for, or the log's end now; beyond the end is a bad request."""
    end = runtime.app.log_position()
    if position is not None and position > end:
        raise BadReportRequest("position", "is beyond the end of the event log")
    return end if position is None else position


def _wait(runtime: Runtime, wanted: int, timeout: float) -> None:
    projector = runtime.projector(FACTS)
    deadline = time.monotonic() + timeout
    delay = 0.005
    runtime.nudge()
    while projector.position() < wanted and time.monotonic() < deadline:
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


# --- outputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Output:
    """A rendered report: its bytes, media type and (for downloads) file name."""

    content: bytes
    media_type: str
    filename: str | None  # None: shown inline

    def headers(self) -> dict[str, str]:
        if self.filename is None:
            return {}
        return {"Content-Disposition": f'attachment; filename="{self.filename}"'}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render(report: Report, fmt: Format) -> Output:
    """The report in one format (the renderers are imported only when needed: PDF is heavy)."""
    import api.report_output as out

    stem = report.file_stem
    if fmt == "html":
        return Output(out.render_html(report).encode(), "text/html; charset=utf-8", None)
    if fmt == "pdf":
        return Output(out.render_pdf(report), "application/pdf", f"{stem}.pdf")
    if fmt == "csv":
        return Output(out.csv_zip(report), "application/zip", f"{stem}.zip")
    if fmt == "xlsx":
        return Output(out.render_xlsx(report), XLSX, f"{stem}.xlsx")
    return Output(report_json(report).encode(), "application/json", None)


def table_output(report: Report, table_id: str) -> Output | None:
    """One table of the report as CSV; None when the report has no table with that id."""
    import api.report_output as out

    for table in report.tables():
        if table.id == table_id:
            text = out.table_csv(table)
            return Output(
                text.encode(), "text/csv; charset=utf-8", f"{report.file_stem}-{table.id}.csv"
            )
    return None


def report_headers(report: Report) -> dict[str, str]:
    return {"X-Log-Position": str(report.footer.position), "X-Inputs-Digest": report.footer.digest}


def report_json(report: Report) -> str:
    """The report's dataclasses as JSON: Decimals as strings, datetimes in ISO 8601."""
    import json

    body = {**jsonable(report), "marking": report.marking, "file_stem": report.file_stem}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


# --- extracts --------------------------------------------------------------------------------


def make_extract(
    runtime: Runtime, purpose: str, year: int | None, position: int | None, actor_id: UUID
) -> tuple[Extract, Recorded]:
    """Build the pseudonymised extract, then record that it was handed out (nothing is handed
    out if recording fails)."""
    ready_position(runtime, position)
    extract = build_extract(
        report_context(runtime), runtime.settings.extract_key(), year=year, position=position
    )
    recorded = runtime.app.record_extract(
        purpose, year, extract.position, len(extract.rows), extract.digest, actor_id
    )
    runtime.nudge()
    return extract, recorded


def extract_filename(extract: Extract, year: int | None) -> str:
    span = f"{year}-{(year + 1) % 100:02d}" if year is not None else "all"
    return f"lac-extract-{span}-p{extract.position}.csv"
