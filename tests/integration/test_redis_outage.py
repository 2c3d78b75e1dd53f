"""Redis down: no write fails or is lost; the read models converge when it returns."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.accounts import add_user, service_metadata
from api.main import create_app
from api.roles import Role
from tests.integration.conftest import PASSWORD, headers_for
from tests.integration.helpers import person_body
from tests.integration.services import CeleryProcess, PrivateRedis, wait_until
from workers.runtime import Runtime
from workers.settings import Settings


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def test_writes_succeed_while_redis_is_down_and_read_models_converge_after(
    make_settings: Callable[[str | None], Settings], private_redis: PrivateRedis, tmp_path: Path
) -> None:
    settings = make_settings(private_redis.url)
    runtime = Runtime(settings)
    service_metadata.create_all(runtime.engine)
    add_user(runtime.engine, "it.coordinator", "IT coordinator", Role.COORDINATOR, PASSWORD)
    worker = CeleryProcess(settings, "worker", tmp_path)
    beat = CeleryProcess(settings, "beat", tmp_path)
    worker.start()
    beat.start()
    try:
        with TestClient(create_app(settings)) as client:
            coordinator = headers_for(client, Role.COORDINATOR)
            first = client.post("/people", headers=coordinator, json=person_body("Before"))
            assert first.status_code == 201

            private_redis.stop()
            during = [
                client.post("/people", headers=coordinator, json=person_body(f"During {i}"))
                for i in range(20)
            ]
            assert [r.status_code for r in during] == [201] * 20
            assert (
                client.get("/ready", headers=coordinator)
                .json()["checks"]["redis"]
                .startswith("failed")
            )

            private_redis.start()
            last = max(r.json()["position"] for r in during)
            wait_until(
                lambda: min(runtime.positions().values()) >= last,
                30,
                f"convergence after Redis returned; worker log: {worker.log()[-2000:]}",
            )
            found = client.get("/people?q=during&page_size=100", headers=coordinator).json()
            assert found["total"] == 20
    finally:
        beat.stop()
        worker.stop()
        runtime.close()
