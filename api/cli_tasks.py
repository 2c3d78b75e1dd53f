"""What the `lac` subcommands do, with progress bars for the long ones."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, date, datetime

from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from api import accounts
from api.accounts import UsernameTaken, add_user, list_users, service_metadata
from api.roles import Role
from api.schemas import UserCreate
from projections.db import create_tables
from workers.runtime import Runtime
from workers.settings import Settings

console = Console()
DEMO_PASSWORD = "demo-password-123"


def _runtime() -> Runtime:
    runtime = Runtime(Settings())
    create_tables(runtime.engine, service_metadata)
    return runtime


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def rebuild_command(names: list[str]) -> int:
    """Empty each read model and replay the whole event log into it."""
    runtime = _runtime()
    try:
        chosen = [runtime.projector(n) for n in names] if names else runtime.projectors
        last = runtime.app.log_position()
        with _progress() as progress:
            for projector in chosen:
                task = progress.add_task(f"rebuild {projector.name}", total=last)
                projector.reset()
                started = datetime.now(UTC)
                while projector.run_batch() or projector.position() < last:
                    progress.update(task, completed=min(projector.position(), last))
                progress.update(task, completed=last)
                seconds = (datetime.now(UTC) - started).total_seconds()
                console.print(f"{projector.name}: up to position {last} in {seconds:.1f}s")
    except KeyError as error:
        console.print(f"[red]{error.args[0]}[/red]; known: people, referrals")
        return 2
    finally:
        runtime.close()
    return 0


def add_user_command(
    username: str, full_name: str, role: str, password: str, district: str | None = None
) -> int:
    try:  # the same checks as POST /users
        UserCreate(
            username=username, full_name=full_name, role=role, password=password, district=district
        )
    except ValidationError as error:
        for problem in error.errors():
            console.print(f"[red]not added:[/red] {problem['loc'][0]}: {problem['msg']}")
        return 1
    runtime = _runtime()
    try:
        if district is not None and district not in runtime.settings.districts:
            raise ValueError(f"unknown district {district!r}")
        user = add_user(runtime.engine, username, full_name, Role(role), password, district)
    except UsernameTaken:
        console.print(f"[red]not added:[/red] the username {username!r} is taken")
        return 1
    except ValueError as error:
        console.print(f"[red]not added:[/red] {error}")
        return 1
    finally:
        runtime.close()
    console.print(f"added {user.username} ({user.role.value}) id {user.id}")
    return 0


def list_users_command() -> int:
    runtime = _runtime()
    try:
        table = Table("username", "name", "role", "active")
        for user in list_users(runtime.engine):
            table.add_row(user.username, user.full_name, user.role.value, str(user.active))
        console.print(table)
    finally:
        runtime.close()
    return 0


def imd_load_command(path: str, population: str | None) -> int:
    from projections.imd import load_imd

    runtime = _runtime()
    try:
        with console.status("loading the deprivation file"):
            count = load_imd(runtime.engine, path, population)
    except (OSError, ValueError) as error:
        console.print(f"[red]not loaded:[/red] {error}")
        return 1
    finally:
        runtime.close()
    console.print(f"loaded {count} LSOAs from {path}")
    return 0


def seed_command(people: int, seed: int, start: date, end: date) -> int:
    runtime = _runtime()
    try:
        _seed(runtime, people, seed, start, end)
    except (ValueError, RuntimeError, OSError) as error:
        console.print(f"[red]not seeded:[/red] {error}")
        return 1
    finally:
        runtime.close()
    return 0


def _seed(runtime: Runtime, people: int, seed: int, start: date, end: date) -> None:
    from projections.imd import load_imd_if_configured
    from workers.seed import seed_population

    load_imd_if_configured(runtime)
    with _progress() as progress:
        task = progress.add_task("seed people and referrals", total=people)
        summary = seed_population(
            runtime,
            people=people,
            seed=seed,
            start=start,
            end=end,
            accounts=accounts,
            progress=lambda n: progress.update(task, completed=n),
        )
    console.print(f"seeded {summary}")
    if runtime.settings.embedded:
        with console.status("updating the read models"):
            runtime.catch_up()


DEMO_USERS = (
    ("coordinator.mansfield", "Mansfield Coordinator", Role.COORDINATOR, "Mansfield"),
    ("social.worker1", "Social Worker One", Role.SOCIAL_WORKER, None),
    ("device.officer", "Device Scheme Officer", Role.DEVICE_OFFICER, None),
    ("evaluator", "Performance Evaluator", Role.EVALUATOR, None),
    ("admin", "System Administrator", Role.ADMIN, None),
)


def _demo_users(runtime: Runtime) -> None:
    """The demo logins, when there is no seeded population to come with them."""
    for username, name, role, district in DEMO_USERS:
        try:
            add_user(runtime.engine, username, name, role, DEMO_PASSWORD, district)
        except UsernameTaken:
            continue


def demo_command(people: int, serve: Callable[[argparse.Namespace], int]) -> int:
    """`make run`: a demo population on first start, a login to use, then the server."""
    runtime = _runtime()
    settings = runtime.settings
    try:
        if runtime.app.log_position() == 0:
            # Up to today, so that the demo caseload looks like a working one.
            _seed(runtime, people, 1, date(2021, 4, 1), datetime.now(UTC).date())
    except (RuntimeError, OSError, ValueError) as error:
        console.print(f"[yellow]no demo population:[/yellow] {error}")
        console.print(
            "Download the English Indices of Deprivation 2019 (File 1 and File 6, CSV) and run "
            "`lac imd load FILE --population FILE`, then `lac seed`. Starting without it."
        )
        _demo_users(runtime)
    finally:
        runtime.close()
    url = f"http://{settings.host}:{settings.port}"
    console.print(
        f"\n[bold]Local Area Coordination[/bold]: open {url}/ in a browser and sign in "
        f"(API docs: {url}/docs)"
    )
    console.print(
        f"Demo logins (password [bold]{DEMO_PASSWORD}[/bold]): coordinator.mansfield, "
        "social.worker1, device.officer, evaluator, admin\n"
    )
    return serve(argparse.Namespace(host=None, port=None, workers=1))
