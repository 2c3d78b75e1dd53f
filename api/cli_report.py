"""`lac report` and `lac extract`: a committee report or a pseudonymised extract into a file.

Both stand at an event-log position and print it with the inputs digest, so that the same
output can be produced again with `--position`. An extract is recorded as an event, made by
the command line's system actor.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5

from pydantic import ValidationError
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from api.cli_tasks import _runtime, console
from api.reporting import (
    FORMATS,
    Format,
    make_extract,
    ready_report_position,
    render,
    report_context,
    wanted_position,
)
from api.schemas_reports import ExtractCreate
from domain.errors import InvalidField
from projections.reports.build import build_report
from projections.reports.extract import extract_csv
from projections.reports.model import Report
from projections.reports.request import BadReportRequest, ReportNotReady, ReportRequest
from workers.runtime import Runtime

# Who the command line acts as when it records something (it has no signed-in user).
CLI_ACTOR = uuid5(NAMESPACE_URL, "lac:cli:system")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("report", help="write the quarterly committee report to a file")
    p.add_argument("--year", type=int, required=True, help="2021 = April 2021 to March 2022")
    p.add_argument("--quarter", type=int, required=True, help="1-4")
    p.add_argument("--format", choices=FORMATS, default="pdf", help="csv gives a zip of tables")
    p.add_argument("--out", type=Path, required=True)
    at = p.add_mutually_exclusive_group()
    at.add_argument("--as-at", help="ISO date-time with a zone, e.g. 2022-04-10T09:00Z")
    at.add_argument("--position", type=int, help="event-log position (from a report's footer)")
    p.add_argument("--view", choices=("published", "internal"), default="published")
    p.set_defaults(run=report_command)
    p = sub.add_parser("extract", help="write a pseudonymised extract for an evaluator (recorded)")
    p.add_argument("--purpose", required=True, help="what it is for; recorded with the request")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--year", type=int, help="only this financial year (April to March)")
    p.add_argument("--position", type=int, help="the event log as it stood at this position")
    p.set_defaults(run=extract_command)


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise BadReportRequest("as_at", "is not an ISO 8601 date-time") from None


def _bad(what: str) -> int:
    console.print(f"[red]bad request:[/red] {what}", soft_wrap=True, highlight=False)
    return 2


def _bad_request(error: BadReportRequest | InvalidField) -> int:
    return _bad(f"--{error.field.replace('_', '-')} {error.message}")


def report_command(args: argparse.Namespace) -> int:
    if not args.out.parent.is_dir():
        return _bad("--out is in a folder that does not exist")
    try:
        when = _when(args.as_at)
        asked = ReportRequest(args.year, args.quarter, args.view, when, args.position)
        asked = asked.checked(datetime.now(UTC).date())
    except BadReportRequest as error:
        return _bad_request(error)
    runtime = _runtime()
    try:
        report, content = _produce(runtime, asked, args.format)
    except BadReportRequest as error:
        return _bad_request(error)
    except ReportNotReady as error:
        console.print(f"[red]not ready:[/red] {error}")
        return 1
    finally:
        runtime.close()
    args.out.write_bytes(content)
    footer = report.footer
    console.print(f"wrote {args.out} ({len(content):,} bytes)", soft_wrap=True)
    console.print(f"log position {footer.position}; inputs digest {footer.digest}", soft_wrap=True)
    return 0


def _produce(runtime: Runtime, asked: ReportRequest, fmt: Format) -> tuple[Report, bytes]:
    """Build (the bar advances at each of the builder's steps), then render."""
    wanted_position(runtime, asked.position)  # refused before the bar starts
    with _progress() as progress:
        task = progress.add_task("bringing the report facts up to date", total=None)
        done = 0

        def step(name: str) -> None:
            nonlocal done
            done += 1
            progress.update(task, description=name, completed=done)

        ready_report_position(runtime, asked)
        step("report facts up to date")
        report = build_report(report_context(runtime), asked, step)
        step(f"rendering {fmt}")
        output = render(report, fmt)
        progress.update(task, description="done", total=done + 1, completed=done + 1)
    return report, output.content


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} steps"),
        TimeElapsedColumn(),
        console=console,
    )


def extract_command(args: argparse.Namespace) -> int:
    try:  # the same checks as POST /reports/extracts
        asked = ExtractCreate(purpose=args.purpose, year=args.year, position=args.position)
    except ValidationError as error:
        problem = error.errors()[0]
        return _bad(f"--{problem['loc'][0]} {problem['msg']}")
    if not args.out.parent.is_dir():
        return _bad("--out is in a folder that does not exist")
    runtime = _runtime()
    try:
        with console.status("building the extract"):
            extract, recorded = make_extract(
                runtime, asked.purpose, asked.year, asked.position, CLI_ACTOR
            )
    except (BadReportRequest, InvalidField) as error:
        return _bad_request(error)
    except ReportNotReady as error:
        console.print(f"[red]not ready:[/red] {error}")
        return 1
    finally:
        runtime.close()
    args.out.write_text(extract_csv(extract), encoding="utf-8")
    rows = len(extract.rows)
    console.print(f"wrote {args.out}: {rows:,} rows; recorded as {recorded.id}", soft_wrap=True)
    console.print(
        f"log position {extract.position}; inputs digest {extract.digest}", soft_wrap=True
    )
    return 0
