"""Part 3: read your own writes. Time from a command's commit to its effect in the caseload
read model, at a steady rate, through Celery and Redis (a real `lac worker`), against the
same with the embedded in-process projector.

    .venv/bin/python -m bench.ryw [--rate 200] [--ryw-seconds 30] [--people 200]

Commands are "log a support contact" for people with an open involvement (a contact changes
their caseload row), run in this process through LacApplication and nudged as the API nudges;
each one's commit time is taken when the save returns. A probe polls the caseload projection's
position every millisecond; the effect is visible when that position reaches the command's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from bench._db import BenchDatabase, fresh_database
from bench._load import percentile
from bench._report import Aim, Section, console, exact_command, machine, print_footer
from bench._ryw import PositionProbe, contact_details, open_involvements
from bench._server import SECRET_KEY
from bench._worker import REDIS_URL, forget_queue, new_queue, running_worker

AIM_P95_MS = 250.0
THREADS = 8  # command threads, as the API's clients


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rate", type=float, default=200.0, help="commands per second")
    parser.add_argument("--ryw-seconds", type=float, default=30.0, help="length of each phase")
    parser.add_argument("--ryw-people", type=int, default=200, help="open involvements")


@dataclass
class Phase:
    label: str
    seconds: float = 0.0
    commits: list[tuple[int, float]] = field(default_factory=list)  # (position, commit time)
    latencies: list[float] = field(default_factory=list)  # command latencies
    lags: list[float] = field(default_factory=list)
    unseen: int = 0
    warm_up: float = 0.0  # seconds until the first command was visible, before timing

    def row(self) -> str:
        lags = sorted(self.lags)
        rate = len(self.commits) / self.seconds if self.seconds else 0.0
        latency = percentile(sorted(self.latencies), 0.5) * 1000
        return (
            f"{rate:,.0f} commands/s (command p50 {latency:.1f} ms); commit to caseload: "
            f"p50 {percentile(lags, 0.5) * 1000:.1f} ms, p95 {percentile(lags, 0.95) * 1000:.1f} "
            f"ms, max {(lags[-1] if lags else float('nan')) * 1000:.0f} ms; unseen {self.unseen}; "
            f"warm-up {self.warm_up:.1f} s"
        )


def runtime_for(db: BenchDatabase, data_dir: str, queue: str | None) -> Any:
    from workers.runtime import Runtime
    from workers.settings import Settings

    redis = {"redis_url": REDIS_URL, "queue": queue} if queue else {"redis_url": None}
    settings = Settings(
        database_url=db.url, secret_key=SECRET_KEY, data_dir=Path(data_dir), **redis
    )
    return Runtime(settings)


def steady_load(runtime: Any, people: list[UUID], actor: UUID, rate: float, phase: Phase) -> None:
    """One contact every 1/rate seconds for phase.seconds, on THREADS threads."""
    lock, count = threading.Lock(), int(rate * phase.seconds)

    def command(i: int) -> None:
        began = time.perf_counter()
        done = runtime.app.log_contact(people[i % len(people)], contact_details(), actor)
        committed = time.perf_counter()
        runtime.nudge()
        with lock:
            phase.commits.append((done.position, committed))
            phase.latencies.append(committed - began)

    with ThreadPoolExecutor(THREADS) as pool:
        start = time.perf_counter()
        for i in range(count):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(command, i)
    phase.seconds = time.perf_counter() - start


def warm_up(runtime: Any, probe: PositionProbe, people: list[UUID], actor: UUID) -> float:
    """One command seen through to the read model before timing starts (a worker that is
    still starting would otherwise count as lag); returns how long that took."""
    began = time.perf_counter()
    done = runtime.app.log_contact(people[0], contact_details(), actor)
    runtime.nudge()
    if not probe.wait_for(done.position, timeout=120):
        raise RuntimeError("the projector did not apply a command within 120 s")
    return time.perf_counter() - began


def measure(runtime: Any, db: BenchDatabase, people: list[UUID], actor: UUID, args: Any) -> Phase:
    phase = Phase("", seconds=args.ryw_seconds)
    with PositionProbe(db) as probe:
        phase.warm_up = warm_up(runtime, probe, people, actor)
        steady_load(runtime, people, actor, args.rate, phase)
        last = max((p for p, _ in phase.commits), default=0)
        probe.wait_for(last, timeout=60)
    for position, committed in phase.commits:
        seen = probe.seen_at(position)
        if seen is None:
            phase.unseen += 1
        else:
            phase.lags.append(max(0.0, seen - committed))
    return phase


def ryw_section(args: argparse.Namespace) -> Section:
    with fresh_database() as db, tempfile.TemporaryDirectory() as tmp:
        embedded = runtime_for(db, tmp, None)
        try:
            people, actor = open_involvements(embedded.app, args.ryw_people)
            embedded.catch_up()
            embedded.start_nudger()  # the in-process projector thread
            local = measure(embedded, db, people, actor, args)
        finally:
            embedded.close()
        queue = new_queue()
        try:
            with running_worker(db, queue) as worker:
                celery = runtime_for(db, tmp, queue)
                try:
                    celery.start_nudger()
                    remote = measure(celery, db, people, actor, args)
                finally:
                    celery.close()
                if remote.unseen:
                    console.print(worker.log_tail(), markup=False, highlight=False)
        finally:
            forget_queue(queue)
    return section_of(args, local, remote, " ".join(worker.command))


def section_of(args: argparse.Namespace, local: Phase, remote: Phase, worker: str) -> Section:
    section = Section(
        f"3. Read your own writes at {args.rate:g} commands/s, {args.ryw_seconds:g} s each"
    )
    section.row("(a) embedded projector (thread in the same process)", local.row())
    section.row("(b) Celery worker through Redis", remote.row())
    local_p95 = percentile(sorted(local.lags), 0.95)
    remote_p95 = percentile(sorted(remote.lags), 0.95)
    section.row("ratio p95 Celery / embedded", f"{remote_p95 / local_p95:.2f}")
    section.aims.append(
        Aim("Celery p95 commit to caseload", remote_p95 * 1000, AIM_P95_MS, " ms", False)
    )
    section.notes.append(f"worker: {worker} (own queue); {args.ryw_people} open involvements")
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ryw", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    machine_line = machine(REDIS_URL)
    section = ryw_section(args)
    section.print()
    print_footer(exact_command("bench.ryw"), machine_line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
