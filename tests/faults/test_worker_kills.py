"""Fault 1: the worker is killed (SIGKILL) in the middle of batches, several times, while
commands keep arriving. Afterwards every read model equals a fresh rebuild, table by table,
and nothing is lost or doubled."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient

from api.accounts import User
from api.roles import Role
from tests.faults.load import Load
from tests.integration.conftest import headers_for
from tests.integration.helpers import digest, person_body, record_many
from tests.integration.services import CeleryProcess, wait_until
from workers.runtime import Runtime

KILLS = 4
BULK_ROUNDS, BULK_PEOPLE = 4, 300  # 2,400 events: batches of 1,000 keep the worker busy


def _referral(number: int) -> tuple[str, dict[str, Any]]:
    body = {
        "person": person_body(f"Killed Load {number}"),
        "programme": "lac",
        "source": "gp",
        "reasons": ["isolated"],
        "consent_to_share": True,
    }
    return "/referrals", body


def _rebuilt(runtime: Runtime) -> dict[str, str]:
    for projector in runtime.projectors:
        projector.reset()
        projector.catch_up()
    return digest(runtime)


def test_repeated_sigkills_during_a_load_leave_read_models_equal_to_a_rebuild(
    client: TestClient, runtime: Runtime, users: dict[Role, User], worker: CeleryProcess
) -> None:
    actor = users[Role.COORDINATOR].id
    bulk_done = threading.Event()

    def bulk() -> None:  # big saves, so that the worker is always mid-batch
        try:
            for _ in range(BULK_ROUNDS):
                record_many(runtime, BULK_PEOPLE, actor)
                runtime.nudge()
        finally:
            bulk_done.set()

    behind_at_kill: list[int] = []
    with Load(client, headers_for(client, Role.SOCIAL_WORKER), _referral, threads=2) as load:
        threading.Thread(target=bulk, daemon=True).start()
        for _ in range(KILLS):
            before = sum(runtime.positions().values())
            wait_until(lambda b=before: sum(runtime.positions().values()) > b, 60, "progress")
            worker.kill()  # SIGKILL to the whole process group: no ack, no clean shutdown
            behind_at_kill.append(runtime.app.log_position() - min(runtime.positions().values()))
            worker.start()
        assert bulk_done.wait(120), "the bulk load did not finish"
        load.wait_for_acks(5)
    acknowledged = load.acknowledged()

    assert sum(b > 0 for b in behind_at_kill) >= 2, behind_at_kill  # killed while working
    assert set(load.codes()) == {201}, load.codes()
    last = runtime.app.log_position()
    runtime.nudge()
    wait_until(
        lambda: min(runtime.positions().values()) >= last,
        60,
        f"catch-up after the kills; worker log: {worker.log()[-2000:]}",
    )
    after_kills = digest(runtime)
    people = BULK_ROUNDS * BULK_PEOPLE + len(acknowledged)
    assert after_kills["rm_people"].startswith(f"{people}:")  # none lost, none doubled
    assert after_kills["rm_referrals"].startswith(f"{people}:")
    worker.stop()
    assert _rebuilt(runtime) == after_kills
