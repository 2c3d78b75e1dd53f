"""A database that goes away answers 503 with Retry-After (never 500), and a save whose commit
was acknowledged to nobody (the connection died at that moment) is found again by its key."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError as StaleSave
from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from sqlalchemy import insert
from sqlalchemy.exc import InterfaceError, OperationalError

from api import idempotency
from api.idempotency import fingerprint, idempotency_keys
from api.schemas import PersonCreate
from tests.api.conftest import Api, nhs_number, person_body

LOST = Exception("server closed the connection unexpectedly")


@pytest.mark.parametrize(
    "error",
    [
        StoreOperationalError("connection refused"),
        StoreInterfaceError("the connection is closed"),
        OperationalError("INSERT", {}, LOST),
        InterfaceError("INSERT", {}, LOST),
    ],
    ids=lambda e: type(e).__module__.split(".")[0] + "." + type(e).__name__,
)
def test_a_lost_database_is_503_with_retry_after(
    api: Api, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def fail(*_: Any) -> Any:
        raise error

    body = person_body(nhs_number=nhs_number())
    before = api.log_position()
    monkeypatch.setattr(api.runtime.app, "save", fail)
    answer = api.post("coordinator", "/people", body, key="k1")
    assert answer.status_code == 503, answer.text
    assert answer.headers["Retry-After"] == "2"
    assert "retry (with the same Idempotency-Key)" in answer.json()["detail"]
    monkeypatch.undo()
    retried = api.post("coordinator", "/people", body, key="k1")
    assert retried.status_code == 201  # the key was released: the retry runs
    assert api.log_position() == before + 2


def test_a_commit_nobody_heard_of_is_found_by_its_key_not_a_409(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    save = api.runtime.app.save

    def saved_then_lost(*aggregates: Any) -> Any:
        save(*aggregates)  # committed ...
        raise StaleSave("duplicate key")  # ... as the library's retry of the insert would say

    monkeypatch.setattr(api.runtime.app, "save", saved_then_lost)
    body = person_body(name="Ambiguous Commit", nhs_number=nhs_number())
    before = api.log_position()
    answer = api.post("coordinator", "/people", body, key="ambiguous")
    assert answer.status_code == 201, answer.text
    assert api.log_position() == before + 2  # recorded once
    monkeypatch.undo()
    replay = api.post("coordinator", "/people", body, key="ambiguous")
    assert replay.json() == answer.json()
    without_key = api.post("coordinator", "/people", person_body(nhs_number=nhs_number()))
    assert without_key.status_code == 201


def test_a_real_conflict_under_a_key_is_still_409(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stale(*_: Any) -> Any:
        raise StaleSave("someone else saved first")

    monkeypatch.setattr(api.runtime.app, "save", stale)
    answer = api.post("coordinator", "/people", person_body(nhs_number=nhs_number()), key="k2")
    assert answer.status_code == 409
    assert "someone else changed this record" in answer.json()["detail"]


def test_a_key_still_claimed_is_409_with_retry_after(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = person_body(nhs_number=nhs_number())
    raw = PersonCreate.model_validate(body).model_dump_json().encode()
    user = api.users["coordinator"]
    with api.runtime.engine.begin() as conn:  # as if a first attempt were still running
        conn.execute(
            insert(idempotency_keys).values(
                user_id=user.id,
                key="busy",
                fingerprint=fingerprint("POST", "/people", raw),
                started_at=datetime.now(UTC),
            )
        )
    monkeypatch.setattr(idempotency, "WAIT_FOR_FIRST", 0.1)
    answer = api.post("coordinator", "/people", body, key="busy")
    assert answer.status_code == 409
    assert answer.headers["Retry-After"] == "2"
    assert "still in progress" in answer.json()["detail"]
