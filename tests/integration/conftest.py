"""Fixtures on the real PostgreSQL, Redis and Celery worker (never skipped with CI=true)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.accounts import User, add_user, service_metadata
from api.main import create_app
from api.roles import Role
from tests.integration.services import (
    REDIS_URL,
    CeleryProcess,
    check_redis,
    create_database,
    drop_database,
)
from workers.runtime import Runtime
from workers.settings import Settings

PASSWORD = "integration-password"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def database_url() -> Iterator[str]:
    url = create_database()
    yield url
    drop_database(url)


@pytest.fixture
def redis_url() -> str:
    check_redis(REDIS_URL)
    return REDIS_URL


@pytest.fixture
def make_settings(tmp_path: Path, database_url: str) -> Callable[[str | None], Settings]:
    queue = f"lac-it-{uuid.uuid4().hex[:8]}"

    def build(redis_url: str | None) -> Settings:
        return Settings(
            database_url=database_url,
            redis_url=redis_url,
            queue=queue,
            data_dir=tmp_path,
            secret_key="integration-secret-" + "x" * 30,
            sweep_seconds=1.0,
        )

    return build


@pytest.fixture
def settings(make_settings: Callable[[str | None], Settings], redis_url: str) -> Settings:
    return make_settings(redis_url)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = Runtime(settings)
    service_metadata.create_all(rt.engine)
    yield rt
    rt.close()


@pytest.fixture
def users(runtime: Runtime) -> dict[Role, User]:
    return {
        role: add_user(runtime.engine, f"it.{role.value}", f"IT {role.value}", role, PASSWORD)
        for role in Role
    }


@pytest.fixture
def worker(settings: Settings, tmp_path: Path) -> Iterator[CeleryProcess]:
    process = CeleryProcess(settings, "worker", tmp_path)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def beat(settings: Settings, tmp_path: Path) -> Iterator[CeleryProcess]:
    process = CeleryProcess(settings, "beat", tmp_path)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def client(settings: Settings, runtime: Runtime, users: dict[Role, User]) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def headers_for(client: TestClient, role: Role) -> dict[str, str]:
    response = client.post(
        "/auth/token", data={"username": f"it.{role.value}", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
