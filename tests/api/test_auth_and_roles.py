"""Signing in, bearer tokens, and who may call which route: the role matrix (every route x
every role; the casework routes' rows are in test_role_matrix.py)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import update

from api.accounts import issue_token, users
from api.roles import PERMISSIONS, Role
from tests.api.conftest import (
    PASSWORD,
    ROLES,
    TOKEN_KEY,
    Api,
    nhs_number,
    person_body,
    referral_body,
)

UNAUTHORISED = "sign in first: the token is missing, invalid or expired"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_health_needs_no_token(api: Api) -> None:
    response = api.client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_sign_in_gives_an_expiring_bearer_token_and_me_shows_the_role(api: Api) -> None:
    response = api.sign_in("Social_Worker")  # usernames are case-insensitive
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["role"] == "social_worker"
    assert body["expires_in"] == api.runtime.settings.token_minutes * 60
    me = api.client.get("/auth/me", headers=_bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.json() == {
        "id": str(api.users["social_worker"].id),
        "username": "social_worker",
        "full_name": "Social Worker",
        "role": "social_worker",
        "active": True,
        "district": None,
    }


def test_no_token_is_401_with_a_bearer_challenge(api: Api) -> None:
    for method, url in [("GET", "/auth/me"), ("GET", "/ready"), ("POST", "/people")]:
        response = api.client.request(method, url, json=person_body())
        assert response.status_code == 401, (method, url)
        assert response.json() == {"detail": UNAUTHORISED}
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_bad_password_and_unknown_user_get_the_same_answer(api: Api) -> None:
    wrong = api.sign_in("coordinator", "not the right password")
    unknown = api.sign_in("nobody-by-this-name", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "wrong username or password"}


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda user: issue_token(user, TOKEN_KEY, minutes=-1), id="expired"),
        pytest.param(lambda user: "not-a-jwt", id="garbage"),
        pytest.param(lambda user: issue_token(user, "y" * 40, minutes=5), id="other-secret"),
        pytest.param(
            lambda user: jwt.encode({"sub": str(user.id)}, TOKEN_KEY, algorithm="HS256"),
            id="no-expiry",
        ),
        pytest.param(
            lambda user: jwt.encode(
                {"sub": str(uuid.uuid4()), "exp": datetime.now(UTC) + timedelta(minutes=5)},
                TOKEN_KEY,
                algorithm="HS256",
            ),
            id="unknown-user",
        ),
    ],
)
def test_bad_tokens_are_401(api: Api, make_token: Callable[..., str]) -> None:
    response = api.client.get("/auth/me", headers=_bearer(make_token(api.users["coordinator"])))
    assert response.status_code == 401
    assert response.json() == {"detail": UNAUTHORISED}


def test_a_deactivated_user_can_neither_sign_in_nor_use_an_old_token(api: Api) -> None:
    headers = api.headers("coordinator2")
    with api.runtime.engine.begin() as conn:
        conn.execute(update(users).where(users.c.username == "coordinator2").values(active=False))
    assert api.client.get("/auth/me", headers=headers).status_code == 401
    assert api.sign_in("coordinator2").status_code == 401


def test_admin_creates_a_user_who_can_then_sign_in(api: Api) -> None:
    new = {"username": "new.sw", "full_name": "New SW", "role": "social_worker"}
    response = api.post("admin", "/users", {**new, "password": PASSWORD})
    assert response.status_code == 201, response.text
    assert {k: response.json()[k] for k in new} == new
    assert api.sign_in("new.sw").json()["role"] == "social_worker"
    again = api.post("admin", "/users", {**new, "password": PASSWORD})
    assert again.status_code == 409
    short = api.post("admin", "/users", {**new, "username": "other", "password": "short"})
    assert short.status_code == 422
    assert short.json()["detail"][0]["loc"] == ["body", "password"]


# --- the role matrix: every route x every role (the casework routes: test_role_matrix.py) ---

C, S, D, E, A = ROLES
LETTERS = dict(zip("CSDEA", ROLES, strict=True))
SETUP = "coordinator"  # county-wide (no team district): every person is within its scope
P = "/people/{person_id}"
Ids = dict[str, str]
Setup = Callable[[Api], Ids]
_usernames = itertools.count()


@dataclass(frozen=True)
class Route:
    """One call of one route. The endpoint is "METHOD /path" with the path template exactly as
    the app declares it; the setup (run as SETUP) gives the ids that fill the template."""

    name: str
    endpoint: str
    roles: str  # granted, as letters of CSDEA; written out here, checked against PERMISSIONS
    action: str | None
    setup: Setup = lambda api: {}
    body: Any = None  # a value, or a function of the Api making one afresh for each call
    ok: int = 200
    params: dict[str, str] = field(default_factory=dict)
    ok_by_role: dict[str, int] = field(default_factory=dict)

    @property
    def granted(self) -> frozenset[str]:
        return frozenset(LETTERS[letter] for letter in self.roles)

    def call(self, api: Api, who: str) -> httpx.Response:
        method, template = self.endpoint.split(" ")
        url = template.format(**self.setup(api))
        if url == "/auth/token":
            return api.sign_in(who)
        if method == "GET":  # reads wait for what the setup recorded
            return api.get(who, url, min_position=api.log_position(), **self.params)
        body = self.body(api) if callable(self.body) else self.body
        sent: httpx.Response = api.client.request(method, url, json=body, headers=api.headers(who))
        return sent


def check_route(api: Api, route: Route, role: str) -> None:
    response = route.call(api, role)  # each role's test user is named after the role
    if role in route.granted:
        assert response.status_code == route.ok_by_role.get(role, route.ok), response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["detail"].startswith(f"your role ({role}) may not do this")


def check_grants(route: Route) -> None:
    assert route.action is not None
    assert {r.value for r in PERMISSIONS[route.action]} == route.granted


def created_id(response: httpx.Response) -> str:
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def a_person(api: Api) -> Ids:
    return {"person_id": str(api.register(SETUP)["id"])}


def _referral(programme: str, decided: bool = False) -> Setup:
    def setup(api: Api) -> Ids:
        made = api.refer("social_worker", programme=programme)
        if decided:
            decider = "coordinator" if programme == "lac" else "device_officer"
            assert api.post(decider, f"/referrals/{made['id']}/accept", {}).status_code == 200
        return {"referral_id": str(made["id"])}

    return setup


def _referral_of(programme: str, new_person: bool) -> Callable[[Api], Any]:
    def body(api: Api) -> Any:
        if new_person:
            return referral_body(programme=programme, person=person_body(nhs_number=nhs_number()))
        return referral_body(programme=programme, person_id=a_person(api)["person_id"])

    return body


def _user(_: Api) -> dict[str, str]:
    name = f"user{next(_usernames)}"
    return {"username": name, "full_name": name, "role": "evaluator", "password": PASSWORD}


def _carer(api: Api) -> dict[str, str]:
    return {"cares_for_id": a_person(api)["person_id"], "relationship": "partner"}


STEPS = {
    "accept": {},
    "decline": {"reason": "already supported"},
    "redirect": {"redirected_to": "Adult Social Care"},
    "close": {"note": "done"},
}
ROUTES: list[Route] = [
    Route("health", "GET /health", "CSDEA", None),
    Route("sign in", "POST /auth/token", "CSDEA", None),
    Route("who am I", "GET /auth/me", "CSDEA", None),
    Route("sign out", "POST /auth/logout", "CSDEA", None, ok=204),
    Route("readiness", "GET /ready", "CSDEA", "system.ready"),
    Route("create user", "POST /users", "A", "users.manage", body=_user, ok=201),
    Route("list users", "GET /users", "A", "users.manage"),
    Route("list coordinators", "GET /users", "CA", None, params={"role": "coordinator"}),
    Route(
        "register person",
        "POST /people",
        "CS",
        "person.register",
        body=lambda api: person_body(nhs_number=nhs_number()),
        ok=201,
    ),
    Route("search people", "GET /people", "CS", "person.read"),
    Route("read person", f"GET {P}", "CS", "person.read", a_person),
    Route("correct person", f"PUT {P}", "C", "person.correct", a_person, person_body()),
    Route("link carer", f"POST {P}/carer-of", "C", "person.correct", a_person, _carer),
    Route("person timeline", f"GET {P}/timeline", "C", "person.timeline", a_person),
    *[
        Route(
            name, "POST /referrals", roles, f"referral.make.{p}", body=_referral_of(p, new), ok=201
        )
        for name, roles, p, new in [
            ("lac referral, known", "CS", "lac", False),
            ("lac referral, new", "CS", "lac", True),
            ("devices referral", "S", "devices", False),
        ]
    ],
    Route("lac inbox", "GET /referrals/inbox", "C", "inbox.lac"),
    Route(
        "devices inbox",
        "GET /referrals/inbox",
        "D",
        "inbox.devices",
        params={"programme": "devices"},
    ),
    Route("my referrals", "GET /referrals/mine", "CSD", "referral.read"),
    # Allowed roles pass the role check, then see only what concerns them (404 otherwise).
    *[
        Route(
            f"read {p} referral",
            "GET /referrals/{referral_id}",
            "CSD",
            "referral.read",
            _referral(p),
            ok_by_role={D: 404} if p == "lac" else {C: 404},
        )
        for p in ("lac", "devices")
    ],
    *[
        Route(
            f"{step} {p} referral",
            f"POST /referrals/{{referral_id}}/{step}",
            "C" if p == "lac" else "D",
            f"referral.decide.{p}",
            _referral(p, decided=step == "close"),
            body,
        )
        for p in ("lac", "devices")
        for step, body in STEPS.items()
    ],
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_role_matrix(api: Api, route: Route, role: str) -> None:
    check_route(api, route, role)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.action], ids=lambda r: r.name)
def test_the_matrix_above_is_what_roles_py_grants(route: Route) -> None:
    check_grants(route)


def test_the_brief_rules_hold() -> None:
    def granted(action: str) -> set[Role]:
        return set(PERMISSIONS[action])

    assert Role.EVALUATOR not in granted("person.register") | granted("person.read")
    assert Role.ADMIN not in granted("person.register") | granted("person.read")
    assert Role.DEVICE_OFFICER not in granted("referral.make.lac")
    assert granted("referral.make.devices") == {Role.SOCIAL_WORKER}
    assert granted("referral.decide.lac") == {Role.COORDINATOR}
    assert granted("referral.decide.devices") == {Role.DEVICE_OFFICER}
    assert granted("users.manage") == {Role.ADMIN}


@pytest.mark.parametrize("step", ["accept", "decline", "redirect", "close"])
def test_roles_that_decide_nothing_cannot_tell_whether_a_referral_exists(
    api: Api, step: str
) -> None:
    made = api.refer()
    body = {"decline": {"reason": "no"}, "redirect": {"redirected_to": "Housing"}}.get(step, {})
    for role in ("evaluator", "admin", "social_worker"):
        known = api.post(role, f"/referrals/{made['id']}/{step}", body)
        unknown = api.post(role, f"/referrals/{uuid.uuid4()}/{step}", body)
        assert known.status_code == unknown.status_code == 403
        assert known.json() == unknown.json()
