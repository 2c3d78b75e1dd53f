"""`lac erase`, `lac sar` and `lac retention`: data protection from the command line.

They act as the command line's system actor (recorded as such). Nothing they print holds
personal data: ids, counts and the file written.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

from api.cli_report import CLI_ACTOR
from api.cli_tasks import _runtime, console
from api.report_output.subject_access import render_sar_pdf
from api.subject_access import subject_access_report
from domain.erasure import ErasureGround
from domain.errors import DomainError
from projections.erasure import scrub
from workers.retention import run_retention
from workers.runtime import Runtime


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("erase", help="erase a person for good (their key is destroyed)")
    p.add_argument("person_id", type=uuid.UUID)
    p.add_argument("--ground", choices=[g.value for g in ErasureGround], required=True)
    p.add_argument("--note", help="a reference such as a case number; never personal details")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(run=erase_command)
    p = sub.add_parser("sar", help="everything held about a person, into a file (recorded)")
    p.add_argument("person_id", type=uuid.UUID)
    p.add_argument("--format", choices=("json", "pdf"), default="pdf")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(run=sar_command)
    p = sub.add_parser("retention", help="erase people past the retention period")
    p.add_argument("--dry-run", action="store_true", help="only say who would be erased")
    p.set_defaults(run=retention_command)


def _confirmed(person_id: uuid.UUID) -> bool:
    if not sys.stdin.isatty():
        console.print("[red]not erased:[/red] give --yes to erase without a prompt")
        return False
    answer = console.input(f"Erase person {person_id} for good? This cannot be undone [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def erase_command(args: argparse.Namespace) -> int:
    if not args.yes and not _confirmed(args.person_id):
        return 1
    runtime = _runtime()
    try:
        ground = ErasureGround(args.ground)
        recorded = runtime.app.erase_person(args.person_id, CLI_ACTOR, ground, args.note)
        _settle(runtime)
    except DomainError as error:
        console.print(f"[red]not erased:[/red] {error}", soft_wrap=True, highlight=False)
        return 1
    finally:
        runtime.close()
    console.print(f"erased person {args.person_id}: erasure {recorded.id} at {recorded.position}")
    return 0


def sar_command(args: argparse.Namespace) -> int:
    if not args.out.parent.is_dir():
        console.print("[red]bad request:[/red] --out is in a folder that does not exist")
        return 2
    runtime = _runtime()
    try:
        recorded = runtime.app.record_subject_access(args.person_id, CLI_ACTOR, args.format)
        report = subject_access_report(
            runtime, args.person_id, "command line", recorded.position, datetime.now(UTC)
        )
    except DomainError as error:
        console.print(f"[red]not produced:[/red] {error}", soft_wrap=True, highlight=False)
        return 1
    finally:
        runtime.close()
    if args.format == "pdf":
        args.out.write_bytes(render_sar_pdf(report))
    else:
        args.out.write_text(report.model_dump_json(indent=2), encoding="utf-8")
    console.print(
        f"wrote {args.out} ({len(report.history)} events; recorded at {recorded.position})"
    )
    return 0


def retention_command(args: argparse.Namespace) -> int:
    runtime = _runtime()
    try:
        report = run_retention(runtime, CLI_ACTOR, dry_run=args.dry_run)
        if report.erased and not report.dry_run:
            _settle(runtime)
    finally:
        runtime.close()
    console.print_json(json.dumps(report.as_dict()))
    return 0


def _settle(runtime: Runtime) -> None:
    """Embedded: blank the read models now and scrub the SQLite file; else nudge the workers."""
    if runtime.settings.embedded:
        runtime.catch_up()
        scrub(runtime.engine)
        return
    runtime.start_nudger()
    runtime.nudge()
