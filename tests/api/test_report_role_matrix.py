"""The role matrix for committee reports: every report route x every role, checked against
what roles.py grants. `REPORT_ROUTES` is for the check that the matrix tables together cover
every route the app serves (test_role_matrix.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from api.roles import PERMISSIONS, Role
from tests.api.conftest import ROLES, Api
from tests.api.test_auth_and_roles import Ids, Route, check_grants, check_route


def financial_quarter(today: date | None = None) -> tuple[int, int]:
    """(financial year, quarter) of a day: 2021 is April 2021 to March 2022."""
    day = today or datetime.now(UTC).date()
    year = day.year if day.month >= 4 else day.year - 1
    return year, (day.month - 4) % 12 // 3 + 1


YEAR, QUARTER = financial_quarter()
REPORT = {"year": str(YEAR), "quarter": str(QUARTER)}
COSTS: dict[str, Any] = {
    "unit_costs": [
        {
            "key": "ae_attendance",
            "label": "An A&E attendance",
            "amount": "242.00",
            "applies_to": "visits.ae",
            "quantity": "1",
            "source": "NHS National Cost Collection 2021/22",
        }
    ],
    "programme_costs": {"2021": "180000"},
}
EXTRACT = {"purpose": "Independent evaluation of the first two years"}


def a_table(api: Api) -> Ids:
    """The id of the report's first table (read as the one role that may)."""
    response = api.get("evaluator", "/reports/quarterly", format="json", **REPORT)
    assert response.status_code == 200, response.text
    sections: list[dict[str, Any]] = response.json()["sections"]
    tables = [table for section in sections for table in section["tables"]]
    return {"table_id": str(tables[0]["id"])}


READ = "reports.read"
REPORT_ROUTES: list[Route] = [
    Route("quarterly report", "GET /reports/quarterly", "E", READ, params=REPORT),
    Route(
        "quarterly report, internal view",
        "GET /reports/quarterly",
        "E",
        "reports.internal",
        params={**REPORT, "view": "internal", "format": "json"},
    ),
    Route(
        "one table as CSV",
        "GET /reports/quarterly/tables/{table_id}.csv",
        "E",
        READ,
        a_table,
        params=REPORT,
    ),
    Route("unit costs", "GET /reports/unit-costs", "EA", "reports.unit_costs.read"),
    Route(
        "set unit costs", "PUT /reports/unit-costs", "A", "reports.unit_costs.manage", body=COSTS
    ),
    Route("extract", "POST /reports/extracts", "E", "reports.extract", body=EXTRACT),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", REPORT_ROUTES, ids=lambda r: r.name)
def test_report_role_matrix(api: Api, route: Route, role: str) -> None:
    check_route(api, route, role)


@pytest.mark.parametrize("route", REPORT_ROUTES, ids=lambda r: r.name)
def test_the_report_matrix_is_what_roles_py_grants(route: Route) -> None:
    check_grants(route)


def test_only_evaluators_see_unsuppressed_figures_or_take_extracts() -> None:
    for action in ("reports.internal", "reports.extract"):
        assert PERMISSIONS[action] == {Role.EVALUATOR}
    assert Role.ADMIN not in PERMISSIONS["reports.read"]
