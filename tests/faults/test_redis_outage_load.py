"""Fault 2: Redis stops for 30 seconds while commands keep arriving. No write fails or is lost,
and the read models converge within 10 seconds of Redis returning."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.accounts import add_user, service_metadata
from api.main import create_app
from api.roles import Role
from tests.faults.load import Load
from tests.integration.conftest import PASSWORD, headers_for
from tests.integration.helpers import digest, person_body
from tests.integration.services import CeleryProcess, PrivateRedis, wait_until
from workers.runtime import Runtime
from workers.settings import Settings

OUTAGE_SECONDS = 30
CONVERGE_SECONDS = 10


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


def _person(number: int) -> tuple[str, dict[str, Any]]:
    return "/people", person_body(f"Outage Load {number}")


def test_a_30_second_redis_outage_during_a_load_loses_nothing_and_converges_fast(
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
            with Load(client, coordinator, _person, threads=2) as load:
                load.wait_for_acks(20)
                wait_until(lambda: runtime.positions()["people"] > 0, 30, "the worker at work")
                private_redis.stop()
                down_until = time.monotonic() + OUTAGE_SECONDS
                load.wait_for_acks(20)
                redis_check = client.get("/ready", headers=coordinator).json()["checks"]["redis"]
                assert redis_check.startswith("failed")
                during = len(load.acknowledged())
                time.sleep(max(0.0, down_until - time.monotonic()))  # the outage itself
                assert len(load.acknowledged()) > during  # writes went on all along
                private_redis.start()
                back = time.monotonic()
            acknowledged = load.acknowledged()
            assert set(load.codes()) == {201}, load.codes()  # no write failed

            last = runtime.app.log_position()
            wait_until(
                lambda: min(runtime.positions().values()) >= last,
                CONVERGE_SECONDS - (time.monotonic() - back),
                f"convergence after Redis returned; worker log: {worker.log()[-2000:]}",
            )
            found = client.get("/people?q=outage+load&page_size=1", headers=coordinator).json()
            assert found["total"] == len(acknowledged)  # none lost, none doubled
            assert digest(runtime)["rm_people"].startswith(f"{len(acknowledged)}:")
    finally:
        beat.stop()
        worker.stop()
        runtime.close()
