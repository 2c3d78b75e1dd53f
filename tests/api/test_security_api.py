"""Hardening: security headers on every answer, a limit on request bodies, a limit on failed
sign-ins (per username and per address), and signing out (revoking one token)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import anyio
import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, insert, select

from api import accounts
from api.accounts import login_failures, revoked_tokens
from tests.api.conftest import PASSWORD, SECRET, Api, nhs_number, person_body
from workers.settings import Settings

LIMIT = 2_000
COMMON = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
LOCKED = re.compile(r"too many failed sign-ins: try again in \d+ minute\(s\)")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        secret_key=SECRET,
        database_url=None,
        redis_url=None,
        max_request_bytes=LIMIT,
    )


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    """The sign-in limits' clock, stopped; move it by changing clock[0]."""
    moment = [datetime.now(UTC)]
    monkeypatch.setattr(accounts, "now", lambda: moment[0])
    yield moment


def assert_secured(response: httpx.Response) -> None:
    for name, value in COMMON.items():
        assert response.headers[name] == value, name
    csp = response.headers["content-security-policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in csp
    assert "strict-transport-security" not in response.headers  # plain http


# --- headers ---


def test_json_answers_carry_the_headers_and_are_not_cached(api: Api) -> None:
    for response in (api.client.get("/health"), api.get("coordinator", "/auth/me")):
        assert response.status_code == 200
        assert_secured(response)
        assert response.headers["cache-control"] == "no-store"
        assert "script-src" not in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [("GET", "/no-such-page", 404), ("GET", "/auth/me", 401), ("POST", "/people", 401)],
)
def test_error_answers_carry_the_headers(api: Api, method: str, url: str, status: int) -> None:
    response = api.client.request(method, url, json={})
    assert response.status_code == status
    assert_secured(response)
    assert response.headers["cache-control"] == "no-store"


def test_validation_errors_carry_the_headers(api: Api) -> None:
    response = api.post("coordinator", "/people", {"name": "Zed Q"})
    assert response.status_code == 422
    assert_secured(response)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_documentation_pages_render_from_the_app_itself(api: Api, page: str) -> None:
    response = api.client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert_secured(response)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp  # Swagger UI starts from inline script
    assets = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    scripts = [a for a in assets if a.endswith(".js")]
    assert scripts
    for asset in assets:
        assert asset.startswith("/static-offline-docs/"), asset  # same origin: 'self'
        served = api.client.get(asset)
        assert served.status_code == 200, asset
        assert "no-store" not in served.headers.get("cache-control", "")
    assert api.client.get("/openapi.json").status_code == 200


def test_only_the_documentation_pages_allow_inline_script(api: Api) -> None:
    swagger_redirect = api.client.get("/docs/oauth2-redirect")
    assert "'unsafe-inline'" in swagger_redirect.headers["content-security-policy"]
    for url in ("/health", "/openapi.json", "/docs/other"):
        assert "script-src" not in api.client.get(url).headers["content-security-policy"]


def test_hsts_only_over_https(api: Api) -> None:
    proxied = api.client.get("/health", headers={"X-Forwarded-Proto": "https"})
    assert proxied.headers["strict-transport-security"].startswith("max-age=31536000")
    direct = api.client.get("https://testserver/health")
    assert "strict-transport-security" in direct.headers
    assert "strict-transport-security" not in api.client.get("/health").headers


def test_sql_logging_at_debug_keeps_the_values_it_fetches_out_of_the_log(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    made = api.register(name="Zebedee Quillfeather", nhs_number=nhs_number())
    found = api.get("coordinator", "/people", q="Zebedee", min_position=made["position"])
    assert found.json()["total"] == 1
    sql = [r.getMessage() for r in caplog.records if r.name.startswith("sqlalchemy")]
    assert any("rm_people" in line for line in sql)
    assert not [line for line in sql if "Zebedee" in line]


# --- request size ---


def _oversize_body() -> bytes:
    body = person_body(name="Zebedee Quillfeather", nhs_number=nhs_number(), address="x" * LIMIT)
    return json.dumps(body).encode()


def test_a_body_over_the_limit_by_content_length_is_413_and_nothing_is_recorded(
    api: Api,
) -> None:
    before = api.log_position()
    response = api.client.post(
        "/people",
        content=_oversize_body(),
        headers={**api.headers("coordinator"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"the request body is larger than the limit of {LIMIT} bytes"
    }
    assert "Zebedee" not in response.text
    assert_secured(response)
    assert api.log_position() == before


def test_a_streamed_body_without_a_length_is_counted(api: Api) -> None:
    before = api.log_position()
    body = _oversize_body()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 256):
            yield body[start : start + 256]

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=api.client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            headers = {**api.headers("coordinator"), "Content-Type": "application/json"}
            return await client.post("/people", content=chunks(), headers=headers)

    response = anyio.run(send)
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["detail"].startswith("the request body is larger than the limit")
    assert api.log_position() == before


def test_a_body_within_the_limit_is_accepted(api: Api) -> None:
    response = api.post("coordinator", "/people", person_body(nhs_number=nhs_number()))
    assert response.status_code == 201, response.text


# --- failed sign-ins ---


def _fail(api: Api, username: str, times: int) -> None:
    for _ in range(times):
        response = api.sign_in(username, "not the right password")
        assert response.status_code == 401, response.text


def test_too_many_failures_lock_the_username_even_with_the_right_password(
    api: Api, clock: list[datetime]
) -> None:
    attempts = api.runtime.settings.login_attempts
    _fail(api, "coordinator", attempts)
    locked = api.sign_in("coordinator")
    assert locked.status_code == 429
    assert LOCKED.fullmatch(locked.json()["detail"])
    window = api.runtime.settings.login_lockout_minutes * 60
    assert int(locked.headers["Retry-After"]) == window
    clock[0] += timedelta(minutes=5)
    assert int(api.sign_in("coordinator").headers["Retry-After"]) == window - 300
    assert api.sign_in("coordinator2").status_code == 200  # other usernames are not locked
    clock[0] += timedelta(seconds=window - 300)
    assert api.sign_in("coordinator").status_code == 200


def test_a_success_clears_the_count(api: Api, clock: list[datetime]) -> None:
    attempts = api.runtime.settings.login_attempts
    _fail(api, "coordinator", attempts - 1)
    assert api.sign_in("coordinator").status_code == 200
    _fail(api, "coordinator", attempts - 1)
    assert api.sign_in("coordinator").status_code == 200


def test_unknown_usernames_lock_out_the_same_way(api: Api, clock: list[datetime]) -> None:
    attempts = api.runtime.settings.login_attempts
    _fail(api, "coordinator", attempts)
    _fail(api, "nobody-by-this-name", attempts)
    known, unknown = api.sign_in("coordinator"), api.sign_in("nobody-by-this-name")
    assert known.status_code == unknown.status_code == 429
    assert known.json() == unknown.json()
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"]


def test_unknown_usernames_cost_a_password_hash_too(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            verified.append(str(password))
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "hasher", Counting(time_cost=1, memory_cost=8, parallelism=1))
    assert api.sign_in("nobody-by-this-name", PASSWORD).status_code == 401
    assert api.sign_in("coordinator", "not the right password").status_code == 401
    assert verified == [PASSWORD, "not the right password"]


def test_one_address_spraying_many_usernames_is_locked_out(api: Api, clock: list[datetime]) -> None:
    per_address = api.runtime.settings.login_attempts * 4
    for n in range(per_address):
        _fail(api, f"guess{n}", 1)
    response = api.sign_in("coordinator")
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_failures_are_kept_by_keyed_hash_and_old_ones_are_dropped(
    api: Api, clock: list[datetime]
) -> None:
    _fail(api, "Coordinator", 2)
    with api.runtime.engine.connect() as conn:
        subjects = list(conn.execute(select(login_failures.c.subject)).scalars())
    assert len(subjects) == 4  # the username's and the address's, twice
    assert all(re.fullmatch("[0-9a-f]{64}", s) for s in subjects)
    clock[0] += timedelta(minutes=api.runtime.settings.login_lockout_minutes, seconds=1)
    _fail(api, "someone.else", 1)
    with api.runtime.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(login_failures)).scalar() == 2


# --- signing out ---


def test_signing_out_revokes_that_token_only(api: Api) -> None:
    first, second = (
        {"Authorization": f"Bearer {api.sign_in('coordinator').json()['access_token']}"}
        for _ in range(2)
    )
    assert api.client.post("/auth/logout", headers=first).status_code == 204
    refused = api.client.get("/auth/me", headers=first)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == "Bearer"
    assert api.client.get("/people", headers=first).status_code == 401
    assert api.client.post("/auth/logout", headers=first).status_code == 401
    assert api.client.get("/auth/me", headers=second).status_code == 200


def test_signing_out_drops_the_rows_of_expired_tokens(api: Api) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=1)
    with api.runtime.engine.begin() as conn:
        conn.execute(insert(revoked_tokens).values(jti="old", expires_at=long_ago))
    assert api.client.post("/auth/logout", headers=api.headers("admin")).status_code == 204
    with api.runtime.engine.connect() as conn:
        kept = list(conn.execute(select(revoked_tokens.c.jti)).scalars())
    assert len(kept) == 1 and kept != ["old"]
