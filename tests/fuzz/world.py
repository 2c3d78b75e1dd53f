"""The system the fuzz tests run against, on either backend: embedded SQLite files in a
temporary directory, or a fresh PostgreSQL database (made for the run and dropped after it);
either way the in-process projector, no Redis, users of every role and a little real data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from schemathesis import APIOperation
from schemathesis.python.asgi import shutdown_lifespans

from api import accounts
from api.accounts import add_user
from api.main import create_app
from tests.api import device_fixtures as devices
from tests.api.conftest import PASSWORD, SECRET, USERS, Api
from tests.integration.services import create_database, drop_database
from workers.runtime import Runtime
from workers.settings import Settings

Operation = APIOperation[Any, Any, Any, Any]
ASSET = {"name": "Knit and Natter", "category": "group", "district": "Mansfield"}
CONTACT = {
    "contact_at": datetime.now(UTC).isoformat(),
    "duration_minutes": 30,
    "mode": "phone",
    "participants": ["person"],
    "purposes": ["listening"],
}


@dataclass(frozen=True)
class Backend:
    """Where the events and read models live, and how many examples each operation gets:
    `probe` as every role (the permission paths), `deep` as each role it lets through."""

    name: str
    probe: int
    deep: int


SQLITE = Backend("sqlite", probe=2, deep=8)
# Each request costs more on PostgreSQL (a round trip per statement): fewer deep examples,
# still well over the minimum number of requests.
POSTGRESQL = Backend("postgresql", probe=2, deep=5)
BACKENDS = (SQLITE, POSTGRESQL)


@dataclass
class World:
    """The running system, its schema and what the fuzzing saw."""

    backend: Backend
    api: Api
    schema: Any
    ids: dict[str, str]
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def operations(self) -> list[Operation]:
        return [result.ok() for result in self.schema.get_all_operations()]


@contextmanager
def backend_settings(backend: Backend, data_dir: Path) -> Iterator[Settings]:
    """Settings for the backend; PostgreSQL is a database of its own, dropped afterwards
    (unreachable, it fails the test under CI=true and skips it elsewhere)."""
    database_url = create_database() if backend is POSTGRESQL else None
    try:
        yield Settings(
            data_dir=data_dir,
            secret_key=SECRET,
            database_url=database_url,
            redis_url=None,
            # A min_position far ahead answers 503 after this wait: keep each such request short.
            wait_timeout_seconds=0.05,
        )
    finally:
        if database_url is not None:
            drop_database(database_url)


@contextmanager
def running_world(backend: Backend, settings: Settings) -> Iterator[World]:
    """The app on its runtime, with users of every role and seeded records."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        runtime = Runtime(settings)
        try:
            accounts.service_metadata.create_all(runtime.engine)
            users = {
                name: add_user(runtime.engine, name, name, role, PASSWORD)
                for name, role in USERS.items()
            }
            app = create_app(settings, runtime)
            with TestClient(app) as client:
                api = Api(client, runtime, users)
                ids = seed(api)
                schema = schemathesis.openapi.from_asgi("/openapi.json", app)
                yield World(backend, api, schema, ids)
        finally:
            shutdown_lifespans()
            runtime.close()


def seed(api: Api) -> dict[str, str]:
    """One of each kind of record, made through the API: path ids that sometimes hit."""
    referral = api.refer()  # a Local Area Coordination referral, with the person's consent
    accepted = api.post("coordinator", f"/referrals/{referral['id']}/accept", {})
    assert accepted.status_code == 200, accepted.text  # which opens their involvement
    person = str(referral["person_id"])
    inv = f"/people/{person}/involvement"
    today = devices.day()
    outcome = {"domain": "crisis_avoided", "occurred_on": today, "evidence": "home"}
    measure = {"instrument": "ucla3", "occasion": "baseline", "taken_on": today, "items": [2, 2, 3]}
    ids = {
        "person_id": person,
        "referral_id": str(api.refer()["id"]),  # a second one, still waiting
        "goal_id": _made(api, f"{inv}/goals", {"text": "a job"}),
        "contact_id": _made(api, f"/people/{person}/contacts", CONTACT),
        "outcome_id": _made(api, f"/people/{person}/outcomes", outcome),
        "measure_id": _made(api, f"/people/{person}/measures", measure),
        "asset_id": _made(api, "/assets", ASSET),
    }
    devices.open_scheme(api)
    place = devices.refer(api)
    kit_id, items = devices.kit(api)
    loan = devices.reserve(api, str(place["person_id"]), kit_id)
    ids.update(year=devices.YEAR, kit_id=kit_id, item_id=items[0], loan_id=loan)
    return ids


def _made(api: Api, url: str, body: dict[str, Any]) -> str:
    response = api.post("coordinator", url, body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])
