"""The role matrix for the system routes added with the fault tests: every route x every role,
checked against what roles.py grants. `SYSTEM_ROUTES` is for the check that the matrix tables
together cover every route the app serves (test_role_matrix.py)."""

from __future__ import annotations

import pytest

from api.roles import PERMISSIONS, Role
from tests.api.conftest import ROLES, Api
from tests.api.test_auth_and_roles import Route, check_grants, check_route

SYSTEM_ROUTES: list[Route] = [
    Route("skipped events", "GET /system/skipped-events", "A", "system.projections"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", SYSTEM_ROUTES, ids=lambda r: r.name)
def test_system_role_matrix(api: Api, route: Route, role: str) -> None:
    check_route(api, route, role)


@pytest.mark.parametrize("route", SYSTEM_ROUTES, ids=lambda r: r.name)
def test_the_system_matrix_is_what_roles_py_grants(route: Route) -> None:
    check_grants(route)


def test_only_admins_see_what_the_read_models_skipped() -> None:
    assert PERMISSIONS["system.projections"] == {Role.ADMIN}
