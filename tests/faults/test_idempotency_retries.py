"""Fault 5: the same POST sent 1,000 times with one Idempotency-Key, all at once and then one
after another (PostgreSQL): recorded once, and every answer is the first one."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient

from api.roles import Role
from tests.integration.conftest import headers_for
from tests.integration.helpers import person_body
from workers.runtime import Runtime

RETRIES, CLIENTS = 1000, 48
REPLAYED = "Idempotent-Replayed"


def _one_answer(answers: list[httpx.Response]) -> dict[str, object]:
    assert len(answers) == RETRIES
    assert {a.status_code for a in answers} == {201}
    bodies = {a.text for a in answers}
    assert len(bodies) == 1, bodies  # every retry got the first answer
    assert sum(REPLAYED not in a.headers for a in answers) == 1  # and only one ran
    return dict(answers[0].json())


def _concurrently(send: Callable[[], httpx.Response]) -> list[httpx.Response]:
    start = threading.Barrier(CLIENTS)
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def once(number: int) -> None:
        if number < CLIENTS:
            start.wait(timeout=30)
        answer = send()
        with lock:
            answers.append(answer)

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(once, range(RETRIES), timeout=300))
    return answers


def test_a_thousand_concurrent_retries_record_one_person(
    client: TestClient, runtime: Runtime
) -> None:
    headers = {**headers_for(client, Role.COORDINATOR), "Idempotency-Key": "at-once"}
    body = person_body("Retried At Once")
    before = runtime.app.log_position()
    made = _one_answer(_concurrently(lambda: client.post("/people", json=body, headers=headers)))
    assert runtime.app.log_position() == before + 2  # the person and the NHS-number claim
    assert runtime.app.repository.get(made["id"]).version == 1


def test_a_thousand_serial_retries_record_one_referral(
    client: TestClient, runtime: Runtime
) -> None:
    headers = {**headers_for(client, Role.SOCIAL_WORKER), "Idempotency-Key": "one-by-one"}
    body = {
        "person": person_body("Retried One By One"),
        "programme": "lac",
        "source": "gp",
        "reasons": ["isolated"],
        "consent_to_share": True,
    }
    before = runtime.app.log_position()
    made = _one_answer(
        [client.post("/referrals", json=body, headers=headers) for _ in range(RETRIES)]
    )
    assert runtime.app.log_position() == before + 3  # the person, the claim, the referral
    assert runtime.app.repository.get(made["id"]).version == 1
