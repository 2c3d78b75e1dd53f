"""The role matrix for erasure, subject access and retention routes: every route x every role,
checked against what roles.py grants. `DATA_PROTECTION_ROUTES` is for the check that the
matrix tables together cover every route the app serves (test_role_matrix.py)."""

from __future__ import annotations

import pytest

from api.roles import PERMISSIONS, Role
from tests.api.conftest import ROLES, Api
from tests.api.test_auth_and_roles import P, Route, a_person, check_grants, check_route

DATA_PROTECTION_ROUTES: list[Route] = [
    Route(
        "erase a person",
        f"POST {P}/erase",
        "A",
        "people.erase",
        a_person,
        {"ground": "request", "note": "SAR-1"},
    ),
    Route(
        "subject access, JSON", f"GET {P}/subject-access", "A", "people.subject_access", a_person
    ),
    Route(
        "subject access, PDF",
        f"GET {P}/subject-access",
        "A",
        "people.subject_access",
        a_person,
        params={"format": "pdf"},
    ),
    Route("run the retention schedule", "POST /retention/run", "A", "retention.run"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", DATA_PROTECTION_ROUTES, ids=lambda r: r.name)
def test_data_protection_role_matrix(api: Api, route: Route, role: str) -> None:
    check_route(api, route, role)


@pytest.mark.parametrize("route", DATA_PROTECTION_ROUTES, ids=lambda r: r.name)
def test_the_data_protection_matrix_is_what_roles_py_grants(route: Route) -> None:
    check_grants(route)


def test_only_admins_erase_answer_subject_access_or_run_retention() -> None:
    for action in ("people.erase", "people.subject_access", "retention.run"):
        assert PERMISSIONS[action] == {Role.ADMIN}


def test_a_refused_erasure_erases_nobody(api: Api) -> None:
    person_id = a_person(api)["person_id"]
    for role in ROLES:
        if role != "admin":
            body = {"ground": "request"}
            assert api.post(role, f"/people/{person_id}/erase", body).status_code == 403
    shown = api.get("coordinator", f"/people/{person_id}", min_position=api.log_position())
    assert shown.json()["name"] == "Anne Example"
