"""A fresh embedded system per test: SQLite files in tmp_path, the in-process projector thread,
users of every role, and a TestClient whose lifespan starts the projector."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from api import accounts
from api.accounts import User, add_user, service_metadata
from api.main import create_app
from api.roles import Role
from domain.nhs_number import check_digit
from workers.runtime import Runtime
from workers.settings import Settings

PASSWORD = "a long enough password"
SECRET = "x" * 40
# What the API signs tokens with: a key derived from the secret, not the secret itself.
TOKEN_KEY = Settings(secret_key=SECRET, database_url=None).token_key()

# username -> role; a second coordinator and social worker for "not theirs" checks.
USERS: dict[str, Role] = {
    "coordinator": Role.COORDINATOR,
    "coordinator2": Role.COORDINATOR,
    "social_worker": Role.SOCIAL_WORKER,
    "social_worker2": Role.SOCIAL_WORKER,
    "device_officer": Role.DEVICE_OFFICER,
    "evaluator": Role.EVALUATOR,
    "admin": Role.ADMIN,
}
ROLES: tuple[str, ...] = tuple(r.value for r in Role)

_numbers = itertools.count(400_000_000)


def nhs_number(spaced: bool = False) -> str:
    """A fresh, valid NHS number (Modulus 11), unique within the test session."""
    while True:
        first_nine = str(next(_numbers))
        check = check_digit(first_nine)
        if check is not None:
            digits = f"{first_nine}{check}"
            return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if spaced else digits


def person_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Anne Example",
        "date_of_birth": "1950-03-01",
        "postcode": "NG18 1AB",
        "district": "Mansfield",
    }
    body.update(overrides)
    return body


def referral_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "programme": "lac",
        "source": "social_worker",
        "reasons": ["recently bereaved, at risk of losing her home"],
        "consent_to_share": True,
    }
    body.update(overrides)
    return body


@dataclass
class Api:
    """The TestClient plus helpers that sign in as a named user."""

    client: TestClient
    runtime: Runtime
    users: dict[str, User]
    tokens: dict[str, str] = field(default_factory=dict)

    def sign_in(self, username: str, password: str = PASSWORD) -> httpx.Response:
        return self.client.post("/auth/token", data={"username": username, "password": password})

    def headers(self, username: str, key: str | None = None) -> dict[str, str]:
        if username not in self.tokens:
            response = self.sign_in(username)
            assert response.status_code == 200, response.text
            self.tokens[username] = response.json()["access_token"]
        headers = {"Authorization": f"Bearer {self.tokens[username]}"}
        if key is not None:
            headers["Idempotency-Key"] = key
        return headers

    def get(self, username: str, url: str, **params: Any) -> httpx.Response:
        return self.client.get(url, headers=self.headers(username), params=params)

    def post(
        self, username: str, url: str, json: Any = None, key: str | None = None
    ) -> httpx.Response:
        return self.client.post(url, json=json, headers=self.headers(username, key))

    def put(self, username: str, url: str, json: Any = None) -> httpx.Response:
        return self.client.put(url, json=json, headers=self.headers(username))

    def log_position(self) -> int:
        response = self.get("admin", "/ready")
        assert response.status_code == 200, response.text
        return int(response.json()["log_position"])

    def register(self, username: str = "coordinator", **fields: Any) -> dict[str, Any]:
        response = self.post(username, "/people", person_body(**fields))
        assert response.status_code == 201, response.text
        return dict(response.json())

    def refer(self, username: str = "social_worker", **fields: Any) -> dict[str, Any]:
        if "person_id" not in fields and "person" not in fields:
            fields["person"] = person_body(nhs_number=nhs_number())
        response = self.post(username, "/referrals", referral_body(**fields))
        assert response.status_code == 201, response.text
        return dict(response.json())

    def person(self, person_id: str, position: int, username: str = "coordinator") -> Any:
        response = self.get(username, f"/people/{person_id}", min_position=position)
        assert response.status_code == 200, response.text
        return response.json()

    def referral(self, referral_id: str, position: int, username: str = "coordinator") -> Any:
        response = self.get(username, f"/referrals/{referral_id}", min_position=position)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing() -> Iterator[None]:
    """Cheap argon2 parameters: the same checks, without ~0.1 s per hash in every test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, secret_key=SECRET, database_url=None, redis_url=None)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = Runtime(settings)
    service_metadata.create_all(rt.engine)
    try:
        yield rt
    finally:
        rt.close()


@pytest.fixture
def api(settings: Settings, runtime: Runtime) -> Iterator[Api]:
    users = {
        name: add_user(runtime.engine, name, name.replace("_", " ").title(), role, PASSWORD)
        for name, role in USERS.items()
    }
    with TestClient(create_app(settings, runtime)) as client:
        yield Api(client, runtime, users)
