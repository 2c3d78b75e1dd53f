"""What each part hands back (figures and aims), the machine, and bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
import shlex
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench._db import cpu_model, server_version

# Wide enough for the tables when the output goes to a file or a pipe (rich assumes 80).
console = Console() if sys.stdout.isatty() else Console(width=120)


@dataclass(frozen=True)
class Aim:
    """One of the issue's aims against what this run measured."""

    what: str  # e.g. "API commands/s ÷ raw commands/s"
    measured: float
    target: float
    unit: str = ""
    higher_is_better: bool = True

    @property
    def met(self) -> bool:
        if self.measured != self.measured:  # NaN: nothing measured
            return False
        if self.higher_is_better:
            return self.measured >= self.target
        return self.measured <= self.target

    def verdict(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        got = f"{self.measured:,.2f}{self.unit}"
        want = f"{sign} {self.target:,.2f}{self.unit}"
        if self.measured != self.measured or self.measured <= 0:
            return f"MISSED: {self.what} {got} (aim {want})"
        factor = (
            self.measured / self.target if self.higher_is_better else self.target / self.measured
        )
        word = "met" if self.met else "MISSED"
        better = "the aim" if self.higher_is_better else "below the aim"
        how = f"{factor:.2f}x {better}" if self.met else f"{1 / factor:.1f}x short of the aim"
        return f"{word}: {self.what} {got} (aim {want}; {how})"


@dataclass
class Section:
    """One part's figures: rows of (measure, value), aims, and notes in plain words."""

    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    aims: list[Aim] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def row(self, measure: str, value: str) -> None:
        self.rows.append((measure, value))

    def print(self) -> None:
        table = Table(title=self.title, title_justify="left")
        table.add_column("measure")
        table.add_column("value", justify="right")
        for measure, value in self.rows:
            table.add_row(measure, value)
        console.print(table)
        for aim in self.aims:
            style = "green" if aim.met else "bold red"
            console.print(f"[{style}]{aim.verdict()}[/{style}]")
        for note in self.notes:
            console.print(note, markup=False, highlight=False)

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", "| measure | value |", "| --- | ---: |"]
        lines += [f"| {m} | {v} |" for m, v in self.rows]
        lines.append("")
        lines += [f"- **{a.verdict()}**" for a in self.aims]
        lines += [f"- {n}" for n in self.notes]
        return "\n".join([*lines, ""])


def exact_command(module: str) -> str:
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(Path.cwd()))
    except ValueError:
        shown = str(python)
    return shlex.join([shown, "-m", module, *sys.argv[1:]])


def memory_gb() -> float:
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def redis_version(url: str) -> str:
    try:
        import redis

        info = redis.Redis.from_url(url, socket_timeout=2).info("server")
        return str(info.get("redis_version", "?"))
    except Exception:  # the machine line must not fail because Redis is down
        return "unreachable"


def machine(redis_url: str | None = None) -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    redis_part = f"; Redis {redis_version(redis_url)}" if redis_url else ""
    return (
        f"{os.cpu_count()} cores ({cpu_model()}), {memory_gb():.1f} GB RAM, "
        f"{platform.platform()}; Python {platform.python_version()}; "
        f"PostgreSQL {server_version()}{redis_part}; load average at the start {load}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def print_footer(command: str, machine_line: str) -> None:
    console.print(f"machine: {machine_line}", markup=False, highlight=False)
    console.print(f"command: {command}", markup=False, highlight=False)


def write_results(
    path: Path, sections: list[Section], command: str, machine_line: str, smoke: bool = False
) -> None:
    """The whole run as Markdown: written by the run, never by hand."""
    aims = [a for s in sections for a in s.aims]
    warning = ["**SMOKE SIZE: these figures only check the code; they are not results.**", ""]
    head = [
        "# Benchmark results",
        "",
        *(warning if smoke else []),
        "Written by `python -m bench`; do not edit by hand. Every ratio compares figures",
        "measured side by side in this one run.",
        "",
        f"- command: `{command}`",
        f"- machine: {machine_line}",
        f"- aims met: {sum(a.met for a in aims)} of {len(aims)}",
        "",
    ]
    body = "\n".join(s.markdown() for s in sections)
    path.write_text("\n".join(head) + "\n" + body, encoding="utf-8")
