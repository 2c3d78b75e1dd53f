"""The role matrix on PostgreSQL: the walk of tests/api (every route of every matrix table x
every role, with the same `check_route`) and the same leak checks for error answers, lists,
search and timelines, against a fresh PostgreSQL database with the in-process projector.
Unreachable, PostgreSQL fails the run under CI=true and skips it elsewhere.

One database serves the whole module where that is safe: each check makes its own records and
asks only about those, and each test signs in afresh (so "sign out" revokes its own tokens
only). Not safe, so a database per test as on SQLite: the device scheme's routes (every setup
opens the one scheme year expecting 201, and its 300 places would fill) and the leak checks
that count what a list or search shows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from api import accounts
from api.accounts import add_user, service_metadata
from api.main import create_app
from tests.api import test_auth_and_roles as auth_and_roles
from tests.api import test_data_protection_role_matrix as data_protection
from tests.api import test_hardening_api as hardening
from tests.api import test_referrals_api as referrals
from tests.api import test_team_scope_api as team_scope
from tests.api.conftest import PASSWORD, ROLES, SECRET, USERS, Api
from tests.api.test_auth_and_roles import STEPS, Route, check_route
from tests.api.test_device_role_matrix import DEVICE_ROUTES
from tests.api.test_role_matrix import MATRIX
from tests.integration.services import create_database, drop_database
from workers.runtime import Runtime
from workers.settings import Settings

_DEVICE = {id(route) for route in DEVICE_ROUTES}
SHARED_ROUTES: list[Route] = [route for route in MATRIX if id(route) not in _DEVICE]


@contextmanager
def postgres_api(data_dir: Path) -> Iterator[Api]:
    """The app on a fresh PostgreSQL database (dropped afterwards), users of every role."""
    database_url = create_database()
    try:
        # Small pools: the server's connections are shared with every other test run.
        settings = Settings(
            data_dir=data_dir,
            secret_key=SECRET,
            database_url=database_url,
            redis_url=None,
            db_pool_size=2,
        )
        runtime = Runtime(settings)
        try:
            service_metadata.create_all(runtime.engine)
            users = {
                name: add_user(runtime.engine, name, name.replace("_", " ").title(), role, PASSWORD)
                for name, role in USERS.items()
            }
            with TestClient(create_app(settings, runtime)) as client:
                yield Api(client, runtime, users)
        finally:
            runtime.close()
    finally:
        drop_database(database_url)


@pytest.fixture(scope="module")
def quick_hashing() -> Iterator[None]:
    """Cheap argon2 parameters, as in tests/api: the same checks without ~0.1 s per hash."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


@pytest.fixture(scope="module")
def shared_api(quick_hashing: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    with postgres_api(tmp_path_factory.mktemp("matrix-postgres")) as api:
        yield api


@pytest.fixture
def pg_api(shared_api: Api) -> Api:
    """The module's database, with tokens of this test's own."""
    return Api(shared_api.client, shared_api.runtime, shared_api.users)


@pytest.fixture
def fresh_api(quick_hashing: None, tmp_path: Path) -> Iterator[Api]:
    with postgres_api(tmp_path) as api:
        yield api


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", SHARED_ROUTES, ids=lambda r: r.name)
def test_role_matrix_on_postgres(pg_api: Api, route: Route, role: str) -> None:
    check_route(pg_api, route, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", DEVICE_ROUTES, ids=lambda r: r.name)
def test_device_role_matrix_on_postgres(fresh_api: Api, route: Route, role: str) -> None:
    check_route(fresh_api, route, role)


def test_the_walk_takes_every_route_of_every_table() -> None:
    walked = {id(route) for route in SHARED_ROUTES + DEVICE_ROUTES}
    assert walked == {id(route) for route in MATRIX}
    assert len(SHARED_ROUTES) + len(DEVICE_ROUTES) == len(MATRIX)


# --- leaks: error answers, lists, search, timelines ----------------------------------------------


@pytest.mark.parametrize("step", list(STEPS))
def test_roles_that_decide_nothing_cannot_tell_whether_a_referral_exists(
    pg_api: Api, step: str
) -> None:
    auth_and_roles.test_roles_that_decide_nothing_cannot_tell_whether_a_referral_exists(
        pg_api, step
    )


def test_a_refused_erasure_erases_nobody(pg_api: Api) -> None:
    data_protection.test_a_refused_erasure_erases_nobody(pg_api)


def test_people_outside_the_coordinators_scope_look_unknown(fresh_api: Api) -> None:
    """Person, casework page, timeline and search of another district's coordinator."""
    hardening.test_people_outside_the_coordinators_scope_look_unknown(fresh_api)


def test_social_workers_see_only_the_referrals_they_made(fresh_api: Api) -> None:
    referrals.test_social_workers_see_only_the_referrals_they_made(fresh_api)


def test_the_team_inbox_holds_the_teams_district_only(fresh_api: Api) -> None:
    team_scope.test_the_team_inbox_holds_the_teams_district_only(team_scope.add_teams(fresh_api))
