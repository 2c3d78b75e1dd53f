"""Fault 3: PostgreSQL restarts (a fast shutdown, then a crash-like immediate one) while
commands keep arriving. Clients get 503 with Retry-After, never a 500; every acknowledged write
is in the log, once; nothing is half-written; the read models converge to a fresh rebuild.
The server is a private cluster: the machine's shared PostgreSQL is never touched."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.utils import get_topic
from fastapi.testclient import TestClient

from api.accounts import add_user, service_metadata
from api.main import create_app
from api.roles import Role
from domain.person import Person
from domain.referral import Referral
from tests.faults.load import Load
from tests.faults.private_postgres import PrivatePostgres
from tests.integration.conftest import PASSWORD, headers_for
from tests.integration.helpers import digest, person_body
from tests.integration.services import REDIS_URL, CeleryProcess, check_redis, wait_until
from workers.runtime import Runtime
from workers.settings import Settings


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres()
    try:
        server.init()
        server.start()
    except (OSError, RuntimeError) as error:
        server.destroy()
        pytest.fail(f"could not start a private PostgreSQL: {error}")
    yield server
    server.destroy()


def _referral(number: int) -> tuple[str, dict[str, Any]]:
    body = {
        "person": person_body(f"Restart Load {number}"),
        "programme": "lac",
        "source": "gp",
        "reasons": ["isolated"],
        "consent_to_share": True,
    }
    return "/referrals", body


def _events(runtime: Runtime, cls: type[Any]) -> list[Any]:
    found = runtime.app.recorder.select_notifications(
        0, 1_000_000, topics=(get_topic(cls),), inclusive_of_start=False
    )
    return [runtime.app.mapper.to_domain_event(n) for n in found]


def test_postgres_restarts_during_a_load_answer_503_and_lose_nothing(
    private_postgres: PrivatePostgres, tmp_path: Path
) -> None:
    check_redis(REDIS_URL)
    settings = Settings(
        database_url=private_postgres.create_database("lac"),
        redis_url=REDIS_URL,
        queue=f"lac-fault-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        secret_key="fault-secret-" + "x" * 30,
        sweep_seconds=1.0,
    )
    runtime = Runtime(settings)
    service_metadata.create_all(runtime.engine)
    add_user(runtime.engine, "it.social_worker", "IT SW", Role.SOCIAL_WORKER, PASSWORD)
    worker = CeleryProcess(settings, "worker", tmp_path)
    worker.start()
    try:
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            headers = headers_for(client, Role.SOCIAL_WORKER)
            with Load(client, headers, _referral, threads=4) as load:
                load.wait_for_acks(20)
                private_postgres.restart("fast")
                load.wait_for_acks(20)
                private_postgres.restart("immediate")  # as if the server had crashed
                load.wait_for_acks(20)
            sent, codes = load.sent, load.codes()
            assert set(codes) <= {201, 503, 409}, codes  # never a 500
            assert codes[503] > 0, "the restarts were never felt"
            assert sum(s.retry_after_missing for s in sent) == 0  # every 503 says when
            unacknowledged = [(s.codes, s.refused) for s in sent if s.acknowledged is None]
            assert unacknowledged == []  # each retried to success

            last = runtime.app.log_position()
            referrals = _events(runtime, Referral.Received)
            people = _events(runtime, Person.Registered)
            # Every acknowledged write is in the log, exactly once (its id comes from its key).
            assert sorted(str(e.originator_id) for e in referrals) == sorted(
                str(s.acknowledged["id"]) for s in sent if s.acknowledged
            )
            # Nothing half-written: each referral's person was saved with it, and no one else.
            assert {e.person_id for e in referrals} == {e.originator_id for e in people}
            assert len(people) == len(referrals) == len(sent)

            runtime.nudge()
            wait_until(
                lambda: min(runtime.positions().values()) >= last,
                60,
                f"the worker to catch up after the restarts: {worker.log()[-2000:]}",
            )
            ready = client.get("/ready", headers=headers)
            assert (ready.status_code, ready.json()["status"]) == (200, "ready")
        converged = digest(runtime)
        worker.stop()
        for projector in runtime.projectors:
            projector.reset()
            projector.catch_up()
        assert digest(runtime) == converged
    finally:
        worker.stop()
        runtime.close()
