"""Signing in, bearer tokens, and who may call which route (every route x every role)."""

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


# --- the role matrix -------------------------------------------------------------------------

C, S, D, E, A = ROLES
Call = Callable[[Api, str], httpx.Response]
_usernames = itertools.count()


LETTERS = dict(zip("CSDEA", ROLES, strict=True))


@dataclass(frozen=True)
class Route:
    name: str
    roles: str  # granted, as letters of CSDEA; written out here, checked against PERMISSIONS
    action: str | None
    call: Call
    ok: int = 200
    ok_by_role: dict[str, int] = field(default_factory=dict)

    @property
    def granted(self) -> frozenset[str]:
        return frozenset(LETTERS[letter] for letter in self.roles)


def _person(api: Api) -> str:
    return str(api.register()["id"])


def _referral(api: Api, programme: str, decided: bool = False) -> str:
    made = api.refer("social_worker", programme=programme)
    if decided:
        decider = "coordinator" if programme == "lac" else "device_officer"
        assert api.post(decider, f"/referrals/{made['id']}/accept", {}).status_code == 200
    return str(made["id"])


def _get(url: str, **params: Any) -> Call:
    return lambda api, who: api.get(who, url, **params)


def _on_person(method: str, path: str, body: Callable[[Api], Any] = lambda api: None) -> Call:
    def call(api: Api, who: str) -> httpx.Response:
        url = f"/people/{_person(api)}{path}"
        if method == "GET":
            return api.get(who, url, min_position=api.log_position())
        return api.client.request(method, url, json=body(api), headers=api.headers(who))

    return call


def _refer(programme: str, new_person: bool) -> Call:
    def call(api: Api, who: str) -> httpx.Response:
        if new_person:
            subject: dict[str, Any] = {"person": person_body(nhs_number=nhs_number())}
        else:
            subject = {"person_id": _person(api)}
        return api.post(who, "/referrals", referral_body(programme=programme, **subject))

    return call


def _on_referral(programme: str, step: str | None = None, body: Any = None) -> Call:
    def call(api: Api, who: str) -> httpx.Response:
        referral_id = _referral(api, programme, decided=step == "close")
        if step is None:
            return api.get(who, f"/referrals/{referral_id}", min_position=api.log_position())
        return api.post(who, f"/referrals/{referral_id}/{step}", body)

    return call


def _new_user(api: Api, who: str) -> httpx.Response:
    name = f"user{next(_usernames)}"
    body = {"username": name, "full_name": name, "role": "evaluator", "password": PASSWORD}
    return api.post(who, "/users", body)


def _carer(api: Api) -> dict[str, str]:
    return {"cares_for_id": _person(api), "relationship": "partner"}


STEPS = [
    ("accept", {}),
    ("decline", {"reason": "already supported"}),
    ("redirect", {"redirected_to": "Adult Social Care"}),
    ("close", {"note": "done"}),
]
REGISTER: Call = lambda api, who: api.post(who, "/people", person_body(nhs_number=nhs_number()))  # noqa: E731
ROUTES: list[Route] = [
    Route("register person", "CS", "person.register", REGISTER, ok=201),
    Route("search people", "CS", "person.read", _get("/people")),
    Route("read person", "CS", "person.read", _on_person("GET", "")),
    Route("correct person", "C", "person.correct", _on_person("PUT", "", lambda a: person_body())),
    Route("link carer", "C", "person.correct", _on_person("POST", "/carer-of", _carer)),
    Route("person timeline", "C", "person.timeline", _on_person("GET", "/timeline")),
    Route("lac referral, known", "CS", "referral.make.lac", _refer("lac", False), ok=201),
    Route("lac referral, new", "CS", "referral.make.lac", _refer("lac", True), ok=201),
    Route("devices referral", "S", "referral.make.devices", _refer("devices", False), ok=201),
    Route("lac inbox", "C", "inbox.lac", _get("/referrals/inbox")),
    Route("devices inbox", "D", "inbox.devices", _get("/referrals/inbox", programme="devices")),
    Route("my referrals", "CSD", "referral.read", _get("/referrals/mine")),
    # Allowed roles pass the role check, then see only what concerns them (404 otherwise).
    Route("read lac referral", "CSD", "referral.read", _on_referral("lac"), ok_by_role={D: 404}),
    Route(
        "read devices referral",
        "CSD",
        "referral.read",
        _on_referral("devices"),
        ok_by_role={C: 404},
    ),
    *[
        Route(
            f"{step} {programme} referral",
            "C" if programme == "lac" else "D",
            f"referral.decide.{programme}",
            _on_referral(programme, step, body),
        )
        for programme in ("lac", "devices")
        for step, body in STEPS
    ],
    Route("create user", "A", "users.manage", _new_user, ok=201),
    Route("list users", "A", "users.manage", _get("/users")),
    Route("list coordinators", "CA", None, _get("/users", role="coordinator")),
    Route("who am I", "CSDEA", None, _get("/auth/me")),
    Route("readiness", "CSDEA", "system.ready", _get("/ready")),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_role_matrix(api: Api, route: Route, role: str) -> None:
    response = route.call(api, role)  # each role's test user is named after the role
    if role in route.granted:
        assert response.status_code == route.ok_by_role.get(role, route.ok), response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["detail"].startswith(f"your role ({role}) may not do this")


@pytest.mark.parametrize("route", [r for r in ROUTES if r.action], ids=lambda r: r.name)
def test_the_matrix_above_is_what_roles_py_grants(route: Route) -> None:
    assert route.action is not None
    assert {r.value for r in PERMISSIONS[route.action]} == route.granted


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
