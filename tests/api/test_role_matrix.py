"""The role matrix, continued: every casework route x every role (the routes for people,
referrals, users and the system are in test_auth_and_roles.py, the device scheme's in
test_device_role_matrix.py, the reports' in test_report_role_matrix.py), and a check that the
tables together cover every route the app serves, so that no new route goes unchecked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI

from api.main import create_app
from tests.api.conftest import ROLES, Api
from tests.api.test_audit_role_matrix import AUDIT_ROUTES
from tests.api.test_auth_and_roles import (
    ROUTES,
    SETUP,
    Ids,
    Route,
    Setup,
    a_person,
    check_grants,
    check_route,
    created_id,
)
from tests.api.test_consent_role_matrix import CONSENT_ROUTES
from tests.api.test_data_protection_role_matrix import DATA_PROTECTION_ROUTES
from tests.api.test_device_role_matrix import DEVICE_ROUTES
from tests.api.test_report_role_matrix import REPORT_ROUTES
from tests.api.test_system_role_matrix import SYSTEM_ROUTES
from workers.settings import Settings

P = "/people/{person_id}"
INV = f"{P}/involvement"
CW = "casework.change"
AM = "assets.manage"
ASSET = {"name": "Knit and Natter", "category": "group", "district": "Mansfield"}
OPEN = {"consent": {"how": "verbal"}}  # the person agrees as the coordinator opens it


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _opened(api: Api) -> Ids:
    ids = a_person(api)
    created_id(api.post(SETUP, INV.format(**ids), OPEN))
    return ids


def _paused(api: Api) -> Ids:
    ids = _opened(api)
    created_id(api.post(SETUP, f"{INV}/pause".format(**ids), {}))
    return ids


def _added(path: str, key: str, body: Callable[[Api], Any]) -> Setup:
    """A goal, contact, outcome or measure recorded on a fresh involvement."""

    def setup(api: Api) -> Ids:
        ids = _opened(api)
        return {**ids, key: created_id(api.post(SETUP, path.format(**ids), body(api)))}

    return setup


def _asset(api: Api) -> Ids:
    return {"asset_id": created_id(api.post(SETUP, "/assets", ASSET))}


def _contact(_: Api) -> dict[str, Any]:
    return {
        "contact_at": datetime.now(UTC).isoformat(),
        "duration_minutes": 30,
        "mode": "phone",
        "participants": ["person"],
        "purposes": ["listening"],
    }


def _correction(api: Api) -> dict[str, Any]:
    return {**_contact(api), "duration_minutes": 45, "why": "it was 45 minutes"}


def _outcome(_: Api) -> dict[str, Any]:
    return {"domain": "crisis_avoided", "occurred_on": _today(), "evidence": "stayed at home"}


def _measure(_: Api) -> dict[str, Any]:
    return {"instrument": "ucla3", "occasion": "baseline", "taken_on": _today(), "items": [2, 2, 3]}


def _work(_: Api) -> dict[str, Any]:
    return {
        "kind": "supporting_a_group",
        "district": "Mansfield",
        "description": "Helped the walking group write its constitution",
        "minutes": 60,
        "occurred_on": _today(),
    }


def _connect(api: Api) -> dict[str, Any]:
    return {"asset_id": _asset(api)["asset_id"], "status": "introduced"}


def _reassign(api: Api) -> dict[str, Any]:
    return {"coordinator_id": str(api.users["coordinator2"].id)}


_goal = _added(f"{INV}/goals", "goal_id", lambda api: {"text": "a job"})
_contact_made = _added(f"{P}/contacts", "contact_id", _contact)
_outcome_made = _added(f"{P}/outcomes", "outcome_id", _outcome)
_measure_made = _added(f"{P}/measures", "measure_id", _measure)
WITHDRAW = {"reason": "recorded in error"}
CASEWORK_ROUTES: list[Route] = [
    # involvements
    Route("open involvement", f"POST {INV}", "C", CW, a_person, OPEN, ok=201),
    Route("reassign", f"POST {INV}/reassign", "C", CW, _opened, _reassign),
    Route(
        "support level",
        f"POST {INV}/support-level",
        "C",
        CW,
        _opened,
        {"support_level": "walking_alongside"},
    ),
    Route("what matters", f"PUT {INV}/what-matters", "C", CW, _opened, {"what_matters": "home"}),
    Route("strengths", f"PUT {INV}/strengths", "C", CW, _opened, {"personal": ["kind"]}),
    Route("set goal", f"POST {INV}/goals", "C", CW, _opened, {"text": "a job"}, ok=201),
    Route(
        "goal status",
        f"POST {INV}/goals/{{goal_id}}/status",
        "C",
        CW,
        _goal,
        {"status": "achieved"},
    ),
    Route(
        "next action",
        f"PUT {INV}/next-action",
        "C",
        CW,
        _opened,
        lambda api: {"action": "ring her", "due_on": _today()},
    ),
    Route("pause", f"POST {INV}/pause", "C", CW, _opened),
    Route("resume", f"POST {INV}/resume", "C", CW, _paused),
    Route("close involvement", f"POST {INV}/close", "C", CW, _opened, {"reason": "goals_met"}),
    # support contacts and connections
    Route("log contact", f"POST {P}/contacts", "C", CW, _opened, _contact, ok=201),
    Route("correct contact", "PUT /contacts/{contact_id}", "C", CW, _contact_made, _correction),
    Route(
        "withdraw contact",
        "POST /contacts/{contact_id}/withdraw",
        "C",
        CW,
        _contact_made,
        {"why": "wrong person"},
    ),
    Route("connect to asset", f"POST {P}/connections", "C", CW, _opened, _connect, ok=201),
    # outcomes and wellbeing measures
    Route("record outcome", f"POST {P}/outcomes", "C", CW, _opened, _outcome, ok=201),
    Route(
        "withdraw outcome",
        f"POST {P}/outcomes/{{outcome_id}}/withdraw",
        "C",
        CW,
        _outcome_made,
        WITHDRAW,
    ),
    Route("record measure", f"POST {P}/measures", "C", CW, _opened, _measure, ok=201),
    Route(
        "withdraw measure",
        f"POST {P}/measures/{{measure_id}}/withdraw",
        "C",
        CW,
        _measure_made,
        WITHDRAW,
    ),
    # casework reads
    Route("caseload", "GET /caseload", "C", "caseload.read"),
    Route("person casework page", f"GET {P}/casework", "C", "casework.read", _opened),
    # community assets and community work
    Route("list asset", "POST /assets", "CA", AM, body=ASSET, ok=201),
    Route("update asset", "PUT /assets/{asset_id}", "CA", AM, _asset, {**ASSET, "name": "K&N"}),
    Route(
        "verify asset",
        "POST /assets/{asset_id}/verify",
        "CA",
        AM,
        _asset,
        lambda api: {"verified_on": _today()},
    ),
    Route("retire asset", "POST /assets/{asset_id}/retire", "CA", AM, _asset, {"reason": "shut"}),
    Route("assets directory", "GET /assets", "CSEA", "assets.read"),
    Route("read asset", "GET /assets/{asset_id}", "CSEA", "assets.read", _asset),
    Route(
        "record community work",
        "POST /community-work",
        "C",
        "community_work.record",
        body=_work,
        ok=201,
    ),
    Route("community work", "GET /community-work", "CE", "community_work.read"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", CASEWORK_ROUTES, ids=lambda r: r.name)
def test_casework_role_matrix(api: Api, route: Route, role: str) -> None:
    check_route(api, route, role)


@pytest.mark.parametrize("route", CASEWORK_ROUTES, ids=lambda r: r.name)
def test_the_casework_matrix_is_what_roles_py_grants(route: Route) -> None:
    check_grants(route)


# --- the tables together cover every route -------------------------------------------------------

# Every table of the walk, in one list: the coverage check below, and the same walk on
# PostgreSQL (tests/integration/test_role_matrix_postgres.py).
MATRIX: list[Route] = (
    ROUTES
    + CASEWORK_ROUTES
    + DEVICE_ROUTES
    + REPORT_ROUTES
    + AUDIT_ROUTES
    + DATA_PROTECTION_ROUTES
    + CONSENT_ROUTES
    + SYSTEM_ROUTES
)

DOCS = {"/docs", "/redoc", "/openapi.json", "/static-offline-docs", "/docs/oauth2-redirect"}


def every_route(app: FastAPI) -> list[Any]:
    """Every route the app serves. From FastAPI 0.137 an included router sits in app.routes as
    one entry; iter_route_contexts opens it, with its prefix applied."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # earlier FastAPI copied every included route into app.routes
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def app_routes(app: FastAPI) -> set[str]:
    """Every "METHOD /path" of the API (the pages have their own matrix)."""
    routes = every_route(app)
    return {
        f"{method} {route.path}"
        for route in routes
        if route.path not in DOCS and not is_web_page(route.path)
        for method in route.methods or ()
        if method != "HEAD"
    }


def is_web_page(path: str) -> bool:
    """The pages have their own matrix: tests/web/test_web_role_matrix.py."""
    return path == "/" or path.startswith("/app")


def test_every_route_of_the_app_is_in_the_matrix(settings: Settings) -> None:
    app = create_app(settings)
    served = app_routes(app)
    # The walk must not go quiet: it finds at least every operation the OpenAPI schema lists
    # (and the last check below: every route in the matrix).
    documented = {
        f"{method.upper()} {path}"
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    assert documented
    assert sorted(documented - served) == []
    in_matrix = {route.endpoint for route in MATRIX}
    assert sorted(served - in_matrix) == []  # a route nobody checks
    assert sorted(in_matrix - served) == []  # an entry for a route the app no longer has
