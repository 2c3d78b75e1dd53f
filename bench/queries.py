"""Part 4: the caseload page and a person's timeline over HTTP at a seeded population, each
against its bare read (the read-model query in-process; the library reading the timeline's
events), and the quarterly report (HTML and PDF, through bench.reports).

    .venv/bin/python -m bench.queries [--people 50000] [--queries 200] [--repeat 3]

A coordinator with a team district signs in (a seed user) and pages through their caseload,
then opens the timelines of people on it, one request at a time.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from uuid import UUID

import httpx

from bench._load import percentile
from bench._report import Section, console, exact_command, machine, print_footer
from bench._seeded import Seeded, open_runtime, seeded_database
from bench._server import running_server

PAGE_SIZE = 20
PAGES = 10  # the first pages of the caseload, as a coordinator reads them


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--people", type=int, default=50_000, help="seeded population")
    parser.add_argument("--queries", type=int, default=200, help="requests per query kind")
    parser.add_argument("--repeat", type=int, default=3, help="report runs (median)")


def timed(calls: list[Callable[[], Any]]) -> list[float]:
    seconds = []
    for call in calls:
        began = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - began)
    return sorted(seconds)


def cell(seconds: list[float]) -> str:
    p50, p95 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.95) * 1000
    return f"p50 {p50:.1f} ms, p95 {p95:.1f} ms (n={len(seconds)})"


def sign_in(http: httpx.Client, username: str) -> None:
    from workers.seed import DEFAULT_PASSWORD

    answer = http.post("/auth/token", data={"username": username, "password": DEFAULT_PASSWORD})
    answer.raise_for_status()
    http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"


def http_queries(base_url: str, district: str, people: list[str], n: int) -> dict[str, Any]:
    from workers.seed_names import coordinator_username

    rng = random.Random(1)
    with httpx.Client(base_url=base_url, timeout=60) as http:
        sign_in(http, coordinator_username(district))
        user_id = UUID(http.get("/auth/me").json()["id"])

        def page(number: int) -> Any:
            answer = http.get("/caseload", params={"page": number, "page_size": PAGE_SIZE})
            answer.raise_for_status()
            return answer.json()

        first = page(1)
        pages = max(1, min(PAGES, -(-int(first["total"]) // PAGE_SIZE)))
        caseload = timed([partial(page, (i % pages) + 1) for i in range(n)])
        chosen = [rng.choice(people) for _ in range(n)] if people else []
        ids: dict[str, set[str]] = {}

        def timeline(person: str) -> None:
            answer = http.get(f"/people/{person}/timeline")
            answer.raise_for_status()
            ids[person] = {str(e["record_id"]) for e in answer.json()}

        timelines = timed([partial(timeline, p) for p in chosen])
    return {"user": user_id, "total": first["total"], "caseload": caseload,
            "timeline": timelines, "records": ids, "pages": pages}  # fmt: skip


def busiest_district(runtime: Any) -> tuple[str, list[str]]:
    """The district with the most open involvements, and people with casework there (the
    seed's window is in the past, so most involvements are closed; their timelines are full)."""
    from sqlalchemy import func, select

    from projections.casework_tables import involvements as inv

    with runtime.engine.connect() as conn:
        busiest = conn.execute(
            select(inv.c.district)
            .where(inv.c.status != "closed")
            .group_by(inv.c.district)
            .order_by(func.count().desc())
            .limit(1)
        ).scalar()
        district = str(busiest or runtime.settings.districts[0])
        people = conn.execute(
            select(inv.c.person_id).where(inv.c.district == district).limit(1000)
        ).scalars()
        return district, [str(p) for p in people]


def bare_queries(runtime: Any, district: str, found: dict[str, Any], n: int) -> dict[str, Any]:
    from projections import casework_queries
    from projections.queries import Paging

    def caseload(number: int) -> None:
        casework_queries.caseload(
            runtime.engine,
            coordinator_id=found["user"],
            district=district,
            now=datetime.now(UTC),
            no_contact_days=runtime.settings.no_contact_days,
            flag=None,
            paging=Paging(number, PAGE_SIZE),
            match="any",
        )

    def events(records: set[str]) -> None:
        for record in records:
            runtime.app.recorder.select_events(UUID(record))

    pages, records = found["pages"], list(found["records"].values())
    return {
        "caseload": timed([partial(caseload, (i % pages) + 1) for i in range(n)]),
        "timeline": timed([partial(events, records[i % len(records)]) for i in range(n)])
        if records
        else [],
    }


def report_rows(runtime: Any, repeat: int) -> list[tuple[str, float]]:
    from bench.reports import measure

    wanted = ("HTML report, cold", "HTML report, warm", "PDF report, warm")
    return [(name, s) for name, s in measure(runtime, repeat) if name.startswith(wanted)]


def queries_section(seeded: Seeded, args: argparse.Namespace) -> Section:
    with tempfile.TemporaryDirectory() as tmp:
        runtime = open_runtime(seeded.db, tmp)
        try:
            runtime.catch_up()  # a no-op after part 2's rebuild
            district, people = busiest_district(runtime)
            with running_server(seeded.db) as server:
                found = http_queries(server.base_url, district, people, args.queries)
            bare = bare_queries(runtime, district, found, args.queries)
            reports = report_rows(runtime, args.repeat)
        finally:
            runtime.close()
    return section_of(seeded, district, found, bare, reports)


def section_of(
    seeded: Seeded,
    district: str,
    found: dict[str, Any],
    bare: dict[str, Any],
    reports: list[tuple[str, float]],
) -> Section:
    section = Section(f"4. Queries at {seeded.people:,} people ({seeded.events:,} events)")
    section.row(f"caseload of a {district} coordinator", f"{found['total']:,} involvements")
    for kind, bare_name in (("caseload", "read-model query"), ("timeline", "library read")):
        section.row(f"{kind} over HTTP", cell(found[kind]))
        section.row(f"    bare {bare_name}", cell(bare[kind]))
        p95_bare = percentile(bare[kind], 0.95)
        ratio = percentile(found[kind], 0.95) / p95_bare if p95_bare else float("nan")
        section.row(f"    ratio p95 HTTP / bare ({kind})", f"{ratio:.1f}")
    for name, seconds in reports:
        section.row(f"quarterly report: {name}", f"{seconds:.2f} s")
    section.notes.append(
        "Issue 8 sets no number for these: they are published to be held, not judged here."
    )
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.queries", description=__doc__)
    add_arguments(parser)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeded", metavar="NAME", help="reuse a database from bench.seed")
    args = parser.parse_args(argv)
    machine_line = machine()
    with seeded_database(args.people, args.seed, args.seeded) as seeded:
        console.print("[dim]catching the read models up[/dim]")
        section = queries_section(seeded, args)
    section.print()
    print_footer(exact_command("bench.queries"), machine_line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
