"""Conflicts and duplicates on the real PostgreSQL event store."""

from __future__ import annotations

import threading
from collections import Counter

from fastapi.testclient import TestClient

from api.roles import Role
from tests.integration.conftest import headers_for
from tests.integration.helpers import nhs_number, person_body
from workers.runtime import Runtime


def _race(count: int, call: object) -> list[int]:
    barrier = threading.Barrier(count)
    codes: list[int] = []

    def run() -> None:
        barrier.wait()
        codes.append(call())  # type: ignore[operator]

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return codes


def test_two_coordinators_accepting_at_once_one_wins_one_gets_409(
    client: TestClient, runtime: Runtime
) -> None:
    social_worker = headers_for(client, Role.SOCIAL_WORKER)
    coordinator = headers_for(client, Role.COORDINATOR)
    made = client.post(
        "/referrals",
        headers=social_worker,
        json={
            "person": person_body(),
            "programme": "lac",
            "source": "gp",
            "reasons": ["isolated"],
            "consent_to_share": True,
        },
    ).json()
    url = f"/referrals/{made['id']}/accept"
    codes = _race(2, lambda: client.post(url, headers=coordinator, json={}).status_code)
    assert Counter(codes) == Counter({200: 1, 409: 1})
    assert runtime.app.get_referral(made["id"]).version == 2


def test_ten_registrations_of_one_nhs_number_record_one_person(
    client: TestClient, runtime: Runtime
) -> None:
    coordinator = headers_for(client, Role.COORDINATOR)
    body = person_body("Same Number")
    body["nhs_number"] = nhs_number()
    before = runtime.app.log_position()
    answers: list[dict[str, object]] = []

    def register() -> int:
        response = client.post("/people", headers=coordinator, json=body)
        answers.append(response.json())
        return response.status_code

    codes = _race(10, register)
    assert Counter(codes) == Counter({201: 1, 409: 9})
    assert runtime.app.log_position() == before + 2  # one person and one NHS-number claim
    winner = next(a["id"] for a in answers if "position" in a)
    # Every loser is told who holds the number, even when it lost at the database.
    assert [a.get("existing_person_id") for a in answers if "position" not in a] == [winner] * 9


def test_idempotent_retries_from_many_threads_record_once(
    client: TestClient, runtime: Runtime
) -> None:
    coordinator = {**headers_for(client, Role.COORDINATOR), "Idempotency-Key": "retry-1"}
    body = person_body("Retried Person")
    before = runtime.app.log_position()
    responses: list[dict[str, object]] = []
    _race(
        12,
        lambda: (
            responses.append(client.post("/people", headers=coordinator, json=body).json()) or 0
        ),
    )
    assert len({str(r["id"]) for r in responses}) == 1
    assert runtime.app.log_position() == before + 2


def test_nul_characters_in_queries_and_sign_in_are_422_on_postgres(
    client: TestClient, runtime: Runtime
) -> None:
    coordinator = headers_for(client, Role.COORDINATOR)
    for url in (
        "/people?q=a%00b",
        "/people?district=a%00b",
        "/people?nhs_number=1%002",
        "/referrals/inbox?district=a%00b",
    ):
        assert client.get(url, headers=coordinator).status_code == 422, url
    signed_in = client.post("/auth/token", data={"username": "a\x00b", "password": "x" * 12})
    assert signed_in.status_code in (401, 422)
    body = person_body("Ann\u0000e")
    assert client.post("/people", headers=coordinator, json=body).status_code == 422
    assert runtime.app.log_position() == 0
