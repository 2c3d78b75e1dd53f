"""Fault 4: 1,000 concurrent commands that conflict, on three aggregates (PostgreSQL). Each is
either recorded or told 409; the final state accounts for every success and for nothing else."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient

from api.roles import Role
from tests.integration.conftest import headers_for
from tests.integration.helpers import person_body
from workers.runtime import Runtime

COMMANDS, PEOPLE, CLIENTS = 1000, 3, 48
STALE = "someone else changed this record at the same moment; reload it and try again"


def test_a_thousand_concurrent_goals_on_three_involvements_lose_no_update(
    client: TestClient, runtime: Runtime
) -> None:
    coordinator = headers_for(client, Role.COORDINATOR)
    people = []
    for number in range(PEOPLE):
        made = client.post("/people", headers=coordinator, json=person_body(f"Busy {number}"))
        person_id = made.json()["id"]
        opened = client.post(
            f"/people/{person_id}/involvement",
            headers=coordinator,
            json={"consent": {"how": "verbal"}},
        )
        assert opened.status_code == 201, opened.text
        people.append(person_id)
    before = {p: runtime.app.get_involvement(p).version for p in people}
    start = threading.Barrier(CLIENTS)
    answers: list[tuple[str, int, Any]] = []
    lock = threading.Lock()

    def add_goal(number: int) -> None:
        if number < CLIENTS:
            start.wait(timeout=30)  # the first wave leaves together
        person_id = people[number % PEOPLE]
        answer = client.post(
            f"/people/{person_id}/involvement/goals",
            headers=coordinator,
            json={"text": f"Goal {number}"},
        )
        with lock:
            answers.append((person_id, answer.status_code, answer.json()))

    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(add_goal, range(COMMANDS), timeout=300))

    codes = Counter(code for _, code, _ in answers)
    assert len(answers) == COMMANDS
    assert set(codes) == {201, 409}, codes  # contention happened, and nothing else went wrong
    assert all(body == {"detail": STALE} for _, code, body in answers if code == 409)
    won: dict[str, list[Any]] = defaultdict(list)
    for person_id, code, body in answers:
        if code == 201:
            won[person_id].append(body)
    for person_id in people:
        involvement = runtime.app.get_involvement(person_id)
        # Every success is there and nothing else: no lost update, no phantom one.
        assert {str(g) for g in involvement.goals} == {w["id"] for w in won[person_id]}
        assert involvement.version == before[person_id] + len(won[person_id])
        versions = sorted(w["version"] for w in won[person_id])
        assert versions == list(range(before[person_id] + 1, involvement.version + 1))
