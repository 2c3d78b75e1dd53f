"""Fault 6: a poison event reaches a real Celery worker. It is recorded with its error (no
content), retried as configured, then skipped; the worker does not stall, /ready says
"degraded", the admin API lists it, and the read models equal a fresh rebuild."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from api.accounts import add_user, service_metadata
from api.main import create_app
from api.roles import Role
from projections.failures import list_failures
from tests.integration.conftest import PASSWORD, headers_for
from tests.integration.helpers import POISON_NAME, digest, record_many, record_poison
from tests.integration.services import CeleryProcess, wait_until
from workers.runtime import Runtime
from workers.settings import Settings

RETRIES = 1  # not the default (3): LAC_POISON_RETRIES reaches the worker


def test_a_poison_event_is_skipped_by_the_worker_after_its_retries(
    make_settings: Callable[[str | None], Settings], redis_url: str, tmp_path: Path
) -> None:
    settings = make_settings(redis_url).model_copy(update={"poison_retries": RETRIES})
    runtime = Runtime(settings)
    service_metadata.create_all(runtime.engine)
    admin = add_user(runtime.engine, "it.admin", "IT admin", Role.ADMIN, PASSWORD)
    worker = CeleryProcess(settings, "worker", tmp_path)
    worker.start()
    try:
        with TestClient(create_app(settings)) as client:
            record_many(runtime, 300, admin.id)
            poison = record_poison(runtime, admin.id)
            last = record_many(runtime, 300, admin.id)  # the same batch as the poison
            runtime.nudge()
            wait_until(
                lambda: min(runtime.positions().values()) >= last,
                60,
                f"the worker past the poison event; worker log: {worker.log()[-2000:]}",
            )
            [failure] = [f for f in list_failures(runtime.engine) if f["projection"] == "people"]
            assert (failure["position"], failure["attempts"]) == (poison, 1 + RETRIES)
            assert failure["skipped_at"] is not None
            assert "failed: IntegrityError" in worker.log()  # logged, without the content
            assert POISON_NAME not in worker.log()

            headers = headers_for(client, Role.ADMIN)
            ready = client.get("/ready", headers=headers)
            assert ready.status_code == 200
            assert ready.json()["status"] == "degraded"
            skipped = ready.json()["checks"]["projections"]
            assert skipped == f"degraded: {len(list_failures(runtime.engine))} skipped events"
            listed = client.get("/system/skipped-events", headers=headers).json()
            assert {(i["projection"], i["position"]) for i in listed["items"]} >= {
                ("people", poison)
            }

        applied = digest(runtime)
        assert applied["rm_people"].startswith("600:")  # everyone but the poison, once
        worker.stop()
        for projector in runtime.projectors:
            projector.reset()
            projector.catch_up()
        assert digest(runtime) == applied
    finally:
        worker.stop()
        runtime.close()
