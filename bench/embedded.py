"""Part 5: the same command mix in embedded mode (SQLite files, projector in the server
process) against the raw library on SQLite.

    .venv/bin/python -m bench.embedded [--seconds 10] [--clients 8] [--server auto|uvicorn|lac]

The product's two SQLite files (events, read models) and the raw library's own file live in
one temporary directory, removed at the end.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench._db import SqliteStore
from bench._report import Section, exact_command, machine, print_footer
from bench.commands import add_arguments, commands_section


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.embedded", description=__doc__)
    add_arguments(parser)
    return parser.parse_args(argv)


def embedded_section(args: argparse.Namespace) -> Section:
    """Embedded mode is one server process (`make run`), whatever --server-workers says."""
    one_process = argparse.Namespace(**{**vars(args), "server_workers": 1})
    with tempfile.TemporaryDirectory(prefix="lac-bench-sqlite-") as directory:
        store = SqliteStore(Path(directory))
        return commands_section(store, one_process, "5. Embedded mode: commands vs raw, SQLite")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    machine_line = machine()
    section = embedded_section(args)
    section.print()
    print_footer(exact_command("bench.embedded"), machine_line)
    return 1 if any(n.startswith("error ") for n in section.notes) else 0


if __name__ == "__main__":
    sys.exit(main())
