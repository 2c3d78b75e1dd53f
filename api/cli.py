"""The `lac` command: serve, worker, beat, rebuild, users, seed, imd, demo, report, extract,
erase, sar, retention."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date

from api import cli_data_protection, cli_report
from api.cli_tasks import (
    add_user_command,
    demo_command,
    imd_load_command,
    list_users_command,
    rebuild_command,
    seed_command,
)
from workers.settings import Settings


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = Settings()
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level="info",
        # The access log would record query strings, which can hold names: keep it off.
        access_log=False,
        workers=args.workers,
    )
    return 0


def worker(args: argparse.Namespace) -> int:
    settings = _needs_redis()
    from workers.celery_app import celery

    celery.worker_main(
        ["worker", "-Q", settings.queue, f"--concurrency={args.concurrency}", "--loglevel=INFO"]
    )
    return 0


def beat(_: argparse.Namespace) -> int:
    settings = _needs_redis()
    from workers.celery_app import celery

    schedule = str(settings.data_dir / "celerybeat-schedule")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    celery.start(["beat", "--loglevel=INFO", f"--schedule={schedule}"])
    return 0


def _needs_redis() -> Settings:
    settings = Settings()
    if settings.redis_url is None:
        raise SystemExit(
            "LAC_REDIS_URL is not set: in embedded mode `lac serve` runs the projector"
        )
    return settings


def _users(args: argparse.Namespace) -> int:
    if args.users_command == "list":
        return list_users_command()
    password = args.password or getpass.getpass("Password (12 characters or more): ")
    return add_user_command(args.username, args.name, args.role, password, args.district)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lac", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="serve the API (and, embedded, the projector)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--workers", type=int, default=1, help="server processes")
    p.set_defaults(run=serve)
    p = sub.add_parser("worker", help="run the Celery projector worker")
    p.add_argument("--concurrency", type=int, default=2)
    p.set_defaults(run=worker)
    sub.add_parser("beat", help="run the Celery beat sweep").set_defaults(run=beat)
    p = sub.add_parser("rebuild", help="rebuild read models from the event log")
    p.add_argument("names", nargs="*", help="projections to rebuild (default: all)")
    p.set_defaults(run=lambda a: rebuild_command(a.names))
    _users_parser(sub)
    p = sub.add_parser("seed", help="record a deterministic synthetic population")
    p.add_argument("--people", type=int, default=5000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--start", type=date.fromisoformat, default=date(2021, 4, 1))
    p.add_argument("--end", type=date.fromisoformat, default=date(2023, 3, 31))
    p.set_defaults(run=lambda a: seed_command(a.people, a.seed, a.start, a.end))
    imd = sub.add_parser("imd", help="deprivation reference data")
    imd_sub = imd.add_subparsers(dest="imd_command", required=True)
    p = imd_sub.add_parser("load", help="load the official IMD 2019 file (File_1)")
    p.add_argument("file")
    p.add_argument("--population", help="File_6 population denominators")
    p.set_defaults(run=lambda a: imd_load_command(a.file, a.population))
    p = sub.add_parser("demo", help="seed a demo population if empty, print a login, serve")
    p.add_argument("--people", type=int, default=300)
    p.set_defaults(run=lambda a: demo_command(a.people, serve))
    cli_report.add_parsers(sub)
    cli_data_protection.add_parsers(sub)
    return parser


def _users_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = sub.add_parser("users", help="manage users")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    p = users_sub.add_parser("add", help="add a user")
    p.add_argument("username")
    p.add_argument(
        "--role",
        required=True,
        choices=["coordinator", "social_worker", "device_officer", "evaluator", "admin"],
    )
    p.add_argument("--name", required=True, help="full name")
    p.add_argument("--password", help="prompted for when not given")
    p.add_argument("--district", help="a coordinator's team district")
    p.set_defaults(run=_users)
    users_sub.add_parser("list", help="list users").set_defaults(run=_users)


def main(argv: Sequence[str] | None = None) -> int:
    # Files this process creates (SQLite databases, the secret) are for its user alone.
    os.umask(0o077)
    args = _parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
