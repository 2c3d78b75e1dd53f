"""The role matrix for the audit and break-glass routes: every route x every role, checked
against what roles.py grants. `AUDIT_ROUTES` is for the check that the matrix tables together
cover every route the app serves (test_role_matrix.py)."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from api.accounts import add_user
from api.audit import audit_log
from api.roles import PERMISSIONS, Role
from api.scope import BREAK_GLASS_HEADER, BREAK_GLASS_ROLES
from tests.api.conftest import PASSWORD, ROLES, Api
from tests.api.test_auth_and_roles import Ids, Route, a_person, check_grants, check_route

_outsiders = itertools.count()


def a_break_glass_access(api: Api) -> Ids:
    """A coordinator of another district opens a person by break-glass: the access's id."""
    ids = a_person(api)  # in Mansfield
    name = f"outsider{next(_outsiders)}"
    add_user(api.runtime.engine, name, name, Role.COORDINATOR, PASSWORD, "Ashfield")
    api.runtime.wait_for(api.log_position(), 10)
    headers = {**api.headers(name), BREAK_GLASS_HEADER: "Out-of-hours safeguarding call"}
    opened = api.client.get(f"/people/{ids['person_id']}", headers=headers)
    assert opened.status_code == 200, opened.text
    with api.runtime.engine.connect() as conn:
        last = conn.execute(
            select(func.max(audit_log.c.id)).where(audit_log.c.action == "break_glass")
        ).scalar_one()
    return {**ids, "audit_id": str(last)}


def a_user(api: Api) -> Ids:
    return {"user_id": str(api.users["coordinator"].id)}


READ, REVIEW = "audit.read", "break_glass.review"
NOTE = {"note": "Checked with the team manager: justified"}
AUDIT_ROUTES: list[Route] = [
    Route("person audit report", "GET /audit/people/{person_id}", "A", READ, a_person),
    Route("user audit report", "GET /audit/users/{user_id}", "A", READ, a_user),
    Route("break-glass review list", "GET /audit/break-glass", "A", REVIEW),
    Route(
        "review a break-glass access",
        "POST /audit/break-glass/{audit_id}/review",
        "A",
        REVIEW,
        a_break_glass_access,
        NOTE,
        ok=201,
    ),
    Route("verify the audit chain", "GET /audit/verify", "A", READ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", AUDIT_ROUTES, ids=lambda r: r.name)
def test_audit_role_matrix(api: Api, route: Route, role: str) -> None:
    check_route(api, route, role)


@pytest.mark.parametrize("route", AUDIT_ROUTES, ids=lambda r: r.name)
def test_the_audit_matrix_is_what_roles_py_grants(route: Route) -> None:
    check_grants(route)


def test_only_admins_read_the_audit_log_and_only_coordinators_break_glass() -> None:
    assert PERMISSIONS[READ] == PERMISSIONS[REVIEW] == {Role.ADMIN}
    assert {Role.COORDINATOR} == BREAK_GLASS_ROLES
    # Break-glass lifts scope, never a role's permission: only roles that read casework.
    assert BREAK_GLASS_ROLES.issubset(PERMISSIONS["casework.read"] & PERMISSIONS["person.read"])
