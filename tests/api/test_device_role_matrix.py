"""The role matrix for the device scheme: every command and read route x every role, checked
against what roles.py grants. `DEVICE_ROUTES` is for the check that the matrix tables together
cover every route the app serves (test_role_matrix.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import ROLES, Api
from tests.api.device_fixtures import (
    OFFICER,
    SCHEME,
    YEAR,
    day,
    hand_over_body,
    handed_over,
    item_body,
    kit,
    ok,
    open_scheme,
    receive,
    refer,
    referral_body,
    reserve,
)
from tests.api.test_auth_and_roles import Ids, Route, check_grants, check_route

ITEM = f"{SCHEME}/stock/{{item_id}}"
LOAN = f"{SCHEME}/loans/{{loan_id}}"
MANAGE, STOCK, LOANS = "devices.scheme.manage", "devices.stock", "devices.loans"
BUDGET = {
    "tablets": 1,
    "connectivity_4g": 2,
    "setup_and_device_management": 3,
    "service_user_support": 4,
}


def _year(api: Api) -> Ids:
    open_scheme(api)
    return {"year": YEAR}


def _enrolled(api: Api) -> Ids:
    return {**_year(api), "person_id": refer(api)["person_id"]}


def _item(api: Api) -> Ids:
    return {"item_id": receive(api)}


def _in_repair(api: Api) -> Ids:
    ids = _item(api)
    ok(api.post(OFFICER, f"{SCHEME}/stock/{ids['item_id']}/repair", {"note": "cracked"}))
    return ids


def _kit(api: Api) -> Ids:
    return {"kit_id": kit(api)[0]}


def _reserved(api: Api) -> Ids:
    ids = _enrolled(api)
    return {**ids, "loan_id": reserve(api, ids["person_id"], kit(api)[0])}


def _handed_over(api: Api) -> Ids:
    _year(api)
    return {"loan_id": handed_over(api)[1]}


def _ticket(api: Api) -> Ids:
    ids = _handed_over(api)
    url = f"{SCHEME}/loans/{ids['loan_id']}/tickets"
    made = ok(api.post(OFFICER, url, {"on": day(), "problem": "no sound"}), 201)
    return {**ids, "ticket_id": str(made["id"])}


def _scheme_body(_: Api) -> dict[str, Any]:
    return {"year": YEAR, "starts_on": day(-1), "ends_on": day(364)}


def _reservation(api: Api) -> dict[str, Any]:
    return {"person_id": refer(api)["person_id"], "kit_id": kit(api)[0], "due_on": day(30)}


NOTE = {"note": "what happened"}
SESSION = {"kind": "training", "minutes": 30, "topic": "video calls"}
DEVICE_COMMAND_ROUTES: list[Route] = [
    # the scheme year
    Route("open scheme", f"POST {SCHEME}", "DA", MANAGE, body=_scheme_body, ok=201),
    Route(
        "scheme budget",
        f"PUT {SCHEME}/{{year}}/budget",
        "DA",
        MANAGE,
        _year,
        {"budget": BUDGET, "support_hourly_rate": 25, "setup_cost_per_device": 60},
    ),
    Route(
        "refer to the scheme",
        f"POST {SCHEME}/{{year}}/referrals",
        "S",
        "devices.refer",
        _year,
        lambda api: referral_body(str(api.register()["id"])),
        ok=201,
    ),
    Route(
        "leave the scheme",
        f"POST {SCHEME}/{{year}}/people/{{person_id}}/leave",
        "DA",
        MANAGE,
        _enrolled,
        {"reason": "moved away"},
    ),
    # stock and kits
    Route("receive item", f"POST {SCHEME}/stock", "D", STOCK, body=lambda _: item_body(), ok=201),
    Route("enrol item", f"POST {ITEM}/enrol", "D", STOCK, _item, {}),
    Route("wipe item", f"POST {ITEM}/wipe", "D", STOCK, _item, {}),
    Route("repair item", f"POST {ITEM}/repair", "D", STOCK, _item, NOTE),
    Route("item repaired", f"POST {ITEM}/repaired", "D", STOCK, _in_repair, {}),
    Route("dispose of item", f"POST {ITEM}/dispose", "D", STOCK, _item, NOTE),
    Route(
        "assemble kit",
        f"POST {SCHEME}/kits",
        "D",
        STOCK,
        body=lambda api: {"label": "K", "item_ids": [receive(api)]},
        ok=201,
    ),
    Route("dismantle kit", f"POST {SCHEME}/kits/{{kit_id}}/dismantle", "D", STOCK, _kit),
    # loans
    Route("reserve kit", f"POST {SCHEME}/{{year}}/loans", "D", LOANS, _year, _reservation, ok=201),
    Route("hand over", f"POST {LOAN}/hand-over", "D", LOANS, _reserved, hand_over_body()),
    Route(
        "record session",
        f"POST {LOAN}/sessions",
        "D",
        LOANS,
        _handed_over,
        lambda _: {**SESSION, "on": day()},
        ok=201,
    ),
    Route(
        "open ticket",
        f"POST {LOAN}/tickets",
        "D",
        LOANS,
        _handed_over,
        lambda _: {"on": day(), "problem": "no sound"},
        ok=201,
    ),
    Route(
        "resolve ticket",
        f"POST {LOAN}/tickets/{{ticket_id}}/resolve",
        "D",
        LOANS,
        _ticket,
        lambda _: {"on": day(), "resolution": "unmuted"},
    ),
    Route("extend loan", f"POST {LOAN}/extend", "D", LOANS, _handed_over, {"due_on": day(200)}),
    Route("return loan", f"POST {LOAN}/return", "D", LOANS, _handed_over, {"condition": "good"}),
    Route("loan lost", f"POST {LOAN}/lost", "D", LOANS, _handed_over, NOTE),
    Route("loan stolen", f"POST {LOAN}/stolen", "D", LOANS, _handed_over, NOTE),
    Route("loan damaged", f"POST {LOAN}/damaged", "D", LOANS, _handed_over, NOTE),
    Route("convert to gift", f"POST {LOAN}/convert-to-gift", "D", LOANS, _handed_over, {}),
    Route("cancel reservation", f"POST {LOAN}/cancel", "D", LOANS, _reserved, {}),
]
READ, PEOPLE, DASHBOARD = "devices.read", "devices.people", "devices.dashboard"
DEVICE_READ_ROUTES: list[Route] = [
    Route("stock board", f"GET {SCHEME}/stock", "D", READ, _item),
    Route("loans due", f"GET {SCHEME}/loans", "D", READ, _handed_over),
    Route("connectivity expiring", f"GET {SCHEME}/connectivity/expiring", "D", READ, _reserved),
    Route("scheme years", f"GET {SCHEME}/years", "DEA", DASHBOARD, _year),
    Route("person's devices", f"GET {SCHEME}/people/{{person_id}}", "D", PEOPLE, _enrolled),
    Route("waiting list", f"GET {SCHEME}/{{year}}/waiting-list", "D", READ, _year),
    Route("dashboard", f"GET {SCHEME}/{{year}}/dashboard", "DEA", DASHBOARD, _year),
    Route("end of scheme", f"GET {SCHEME}/{{year}}/end-of-scheme", "D", READ, _reserved),
]
DEVICE_ROUTES = DEVICE_COMMAND_ROUTES + DEVICE_READ_ROUTES


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", DEVICE_ROUTES, ids=lambda r: r.name)
def test_device_role_matrix(api: Api, route: Route, role: str) -> None:
    check_route(api, route, role)


@pytest.mark.parametrize("route", DEVICE_ROUTES, ids=lambda r: r.name)
def test_the_device_matrix_is_what_roles_py_grants(route: Route) -> None:
    check_grants(route)
