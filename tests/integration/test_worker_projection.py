"""Commands over HTTP on PostgreSQL reach the read models through Redis and a Celery worker."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.accounts import User
from api.roles import Role
from tests.integration.conftest import headers_for
from tests.integration.helpers import digest, person_body, record_many
from tests.integration.services import CeleryProcess, wait_until
from workers.celery_app import make_celery
from workers.runtime import Runtime


def test_commands_reach_read_models_through_the_worker(
    client: TestClient, runtime: Runtime, worker: CeleryProcess
) -> None:
    social_worker = headers_for(client, Role.SOCIAL_WORKER)
    coordinator = headers_for(client, Role.COORDINATOR)
    made = client.post(
        "/referrals",
        headers=social_worker,
        json={
            "person": person_body("Anne Integration"),
            "programme": "lac",
            "source": "self",
            "reasons": ["bereaved, told to present as homeless"],
            "consent_to_share": True,
        },
    )
    assert made.status_code == 201, made.text
    position = made.json()["position"]

    inbox = client.get(f"/referrals/inbox?min_position={position}", headers=coordinator)
    assert inbox.status_code == 200, worker.log()[-3000:]
    assert [r["person_name"] for r in inbox.json()["items"]] == ["Anne Integration"]

    accepted = client.post(f"/referrals/{made.json()['id']}/accept", headers=coordinator, json={})
    assert accepted.status_code == 200
    seen = client.get(
        f"/referrals/{made.json()['id']}?min_position={accepted.json()['position']}",
        headers=coordinator,
    )
    assert seen.json()["status"] == "accepted"
    ready = client.get("/ready", headers=coordinator).json()
    assert ready["checks"] == {
        "event_store": "ok",
        "read_models": "ok",
        "redis": "ok",
        "projections": "ok",
    }


def test_a_lost_nudge_only_delays_the_beat_sweep_catches_up(
    runtime: Runtime, users: dict[Role, User], worker: CeleryProcess, beat: CeleryProcess
) -> None:
    # Events recorded without any nudge (as if the message to Redis was lost).
    last = record_many(runtime, 50, users[Role.COORDINATOR].id)
    wait_until(lambda: min(runtime.positions().values()) >= last, 30, "the beat sweep")
    assert digest(runtime)["rm_people"].startswith("50:")


def test_worker_killed_mid_batch_leaves_read_models_equal_to_a_full_rebuild(
    runtime: Runtime, users: dict[Role, User], worker: CeleryProcess
) -> None:
    worker.stop()
    last = record_many(runtime, 3000, users[Role.COORDINATOR].id)
    celery = make_celery(runtime.settings)
    killed_behind = []
    for _ in range(3):
        if min(runtime.positions().values()) >= last:
            break
        worker.start()
        celery.send_task("lac.catch_up")
        before = sum(runtime.positions().values())
        wait_until(lambda b=before: sum(runtime.positions().values()) > b, 30, "some progress")
        worker.kill()
        killed_behind.append(min(runtime.positions().values()) < last)
    assert any(killed_behind), "every kill came after the catch-up had finished"
    worker.start()
    celery.send_task("lac.catch_up")
    wait_until(lambda: min(runtime.positions().values()) >= last, 60, "catch-up after kills")
    after_kills = digest(runtime)
    assert after_kills["rm_people"].startswith("3000:")
    assert after_kills["rm_referrals"].startswith("3000:")

    worker.stop()
    for projector in runtime.projectors:
        projector.reset()
        projector.catch_up()
    assert digest(runtime) == after_kills


def test_competing_consumers_apply_each_event_once(
    runtime: Runtime, settings: object, users: dict[Role, User]
) -> None:
    import threading

    last = record_many(runtime, 1500, users[Role.COORDINATOR].id)
    others = [Runtime(runtime.settings) for _ in range(3)]
    errors: list[BaseException] = []

    def consume(rt: Runtime) -> None:
        try:
            while min(rt.positions().values()) < last:
                for projector in rt.projectors:
                    projector.batch_size = 100
                    projector.run_batch()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=consume, args=(rt,)) for rt in [runtime, *others]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for rt in others:
        rt.close()
    assert errors == []
    competed = digest(runtime)
    for projector in runtime.projectors:
        projector.reset()
        projector.catch_up()
    assert digest(runtime) == competed
    assert competed["rm_people"].startswith("1500:")
