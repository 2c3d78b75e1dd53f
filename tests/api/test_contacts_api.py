"""Support contacts and connections to assets over HTTP: record, correct, withdraw; who may."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete

from api.idempotency import idempotency_keys
from domain.codes import ConnectionStatus, ContactMode
from domain.community import connection_id
from tests.api.conftest import Api
from tests.api.test_involvements_api import (
    NOT_ALLOWED,
    assert_refused,
    coordinator_in,
    events_of,
    fill,
    opened,
)


def at(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


def contact(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contact_at": at(days=-2),
        "duration_minutes": 45,
        "mode": "in_person",
        "participants": ["person", "carer_or_family"],
        "purposes": ["listening", "planning"],
        "notes": "Talked about the tenancy; sister will bring the papers",
    }
    body.update(overrides)
    return body


def asset(api: Api, name: str = "Oak Tree Lane Walking Group") -> str:
    body = {"name": name, "category": "group", "district": "Mansfield"}
    response = api.post("coordinator", "/assets", body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def history(api: Api, record_id: str) -> list[str]:
    return [type(e).__name__ for e in events_of(api, record_id)]


COMMANDS: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/people/{p}/contacts", contact()),
    ("PUT", "/contacts/{c}", contact(why="wrong duration")),
    ("POST", "/contacts/{c}/withdraw", {"why": "wrong person"}),
    ("POST", "/people/{p}/connections", {"asset_id": "{a}", "status": "introduced"}),
]


def test_log_a_contact(api: Api) -> None:
    person_id = opened(api)
    walking = asset(api)
    body = contact(asset_ids=[walking], purposes=["connecting_to_community"], mode="phone")
    response = api.post("coordinator", f"/people/{person_id}/contacts", body)
    assert response.status_code == 201, response.text
    made = response.json()
    assert response.headers["X-Log-Position"] == str(made["position"]) == str(api.log_position())
    found = api.runtime.app.get_contact(uuid.UUID(made["id"]))
    assert found.person_id == uuid.UUID(person_id)
    assert found.contact_at == datetime.fromisoformat(body["contact_at"])
    logged = events_of(api, found.id)[0]
    assert (logged.mode, logged.duration_minutes, logged.notes) == (
        ContactMode.PHONE,
        45,
        body["notes"],
    )
    assert logged.asset_ids == [uuid.UUID(walking)]
    assert logged.actor_id == api.users["coordinator"].id


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"contact_at": at(days=1)}, ["body", "contact_at"]),
        ({"contact_at": at(days=-30)}, ["body", "contact_at"]),  # before it was opened
        ({"contact_at": "2024-05-01T10:00:00"}, ["body", "contact_at"]),  # no time zone
        ({"duration_minutes": 0}, ["body", "duration_minutes"]),
        ({"duration_minutes": 13 * 60}, ["body", "duration_minutes"]),
        ({"mode": "carrier_pigeon"}, ["body", "mode"]),
        ({"participants": []}, ["body", "participants"]),
        ({"purposes": ["gossip"]}, ["body", "purposes", 0]),
        ({"asset_ids": [str(uuid.uuid4())]}, ["body", "asset_ids"]),
        ({"notes": "x" * 5001}, ["body", "notes"]),
    ],
)
def test_a_bad_contact_is_422_and_records_nothing(
    api: Api, overrides: dict[str, Any], loc: list[Any]
) -> None:
    person_id = opened(api)
    url = f"/people/{person_id}/contacts"
    refused = assert_refused(api, "coordinator", "POST", url, contact(**overrides), 422)
    assert refused["detail"][0]["loc"] == loc


def test_a_contact_needs_an_involvement(api: Api) -> None:
    person_id = api.register()["id"]
    refused = assert_refused(
        api, "coordinator", "POST", f"/people/{person_id}/contacts", contact(), 409
    )
    assert refused["detail"].endswith("has no involvement: open one first")


def test_correct_then_withdraw_keeps_the_history(api: Api) -> None:
    person_id = opened(api)
    contact_id = api.post("coordinator", f"/people/{person_id}/contacts", contact()).json()["id"]
    fixed = contact(contact_at=at(days=-3), duration_minutes=30, why="it was the day before")
    corrected = api.put("coordinator", f"/contacts/{contact_id}", fixed)
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["version"] == 2
    found = api.runtime.app.get_contact(uuid.UUID(contact_id))
    assert found.contact_at == datetime.fromisoformat(fixed["contact_at"])
    events = events_of(api, found.id)
    assert (events[0].duration_minutes, events[1].duration_minutes) == (45, 30)
    assert events[1].why == "it was the day before"
    no_why = assert_refused(api, "coordinator", "PUT", f"/contacts/{contact_id}", contact(), 422)
    assert no_why["detail"][0]["loc"] == ["body", "why"]
    future = contact(contact_at=at(days=1), why="x")
    assert_refused(api, "coordinator", "PUT", f"/contacts/{contact_id}", future, 422)
    withdraw = f"/contacts/{contact_id}/withdraw"
    assert api.post("coordinator", withdraw, {"why": "wrong person"}).status_code == 200
    assert api.runtime.app.get_contact(found.id).withdrawn
    assert_refused(api, "coordinator", "POST", withdraw, {"why": "again"}, 409)
    assert_refused(api, "coordinator", "PUT", f"/contacts/{contact_id}", fixed, 409)
    assert history(api, contact_id) == ["Logged", "Corrected", "Withdrawn"]


def test_a_contact_retried_with_its_key_is_recorded_once(api: Api) -> None:
    person_id = opened(api)
    url = f"/people/{person_id}/contacts"
    body = contact()
    answers = [api.post("coordinator", url, body, key="contact-1") for _ in range(3)]
    assert {r.status_code for r in answers} == {201}
    assert {r.json()["id"] for r in answers} == {answers[0].json()["id"]}
    assert [r.headers.get("Idempotent-Replayed") for r in answers] == [None, "true", "true"]
    assert api.log_position() == answers[0].json()["position"]
    with api.runtime.engine.begin() as conn:  # as if the first answer had never been stored
        conn.execute(delete(idempotency_keys))
    rerun = api.post("coordinator", url, body, key="contact-1")
    assert (rerun.status_code, rerun.json()["id"]) == (201, answers[0].json()["id"])
    assert api.log_position() == answers[0].json()["position"]


def test_connections_step_through_and_refuse_a_wrong_step(api: Api) -> None:
    person_id = opened(api)
    walking = asset(api)
    url = f"/people/{person_id}/connections"

    def step(status: str) -> int:
        return api.post("coordinator", url, {"asset_id": walking, "status": status}).status_code

    early = assert_refused(
        api, "coordinator", "POST", url, {"asset_id": walking, "status": "attended"}, 409
    )
    assert "introduce the person to the asset first" in early["detail"]
    assert step("introduced") == 201
    assert_refused(
        api, "coordinator", "POST", url, {"asset_id": walking, "status": "still_connected"}, 409
    )
    assert [step(s) for s in ("attended", "still_connected", "dropped", "introduced")] == [200] * 4
    key = connection_id(uuid.UUID(person_id), uuid.UUID(walking))
    assert api.runtime.app.repository.get(key).status is ConnectionStatus.INTRODUCED
    names = history(api, str(key))
    assert names == ["Introduced", "Attended", "StillConnected", "Dropped", "Reintroduced"]


def test_connections_to_unknown_or_retired_assets_are_refused(api: Api) -> None:
    person_id = opened(api)
    url = f"/people/{person_id}/connections"
    unknown = {"asset_id": str(uuid.uuid4()), "status": "introduced"}
    assert assert_refused(api, "coordinator", "POST", url, unknown, 422)["detail"][0]["loc"] == [
        "body",
        "asset_id",
    ]
    retired = asset(api, "Closed Lunch Club")
    assert (
        api.post("coordinator", f"/assets/{retired}/retire", {"reason": "closed"}).status_code
        == 200
    )
    assert_refused(
        api, "coordinator", "POST", url, {"asset_id": retired, "status": "introduced"}, 409
    )
    no_involvement = f"/people/{api.register()['id']}/connections"
    assert_refused(
        api, "coordinator", "POST", no_involvement, {"asset_id": retired, "status": "attended"}, 409
    )


@pytest.mark.parametrize("username", NOT_ALLOWED)
def test_other_roles_may_not_record_contacts(api: Api, username: str) -> None:
    person_id = opened(api)
    contact_id = api.post("coordinator", f"/people/{person_id}/contacts", contact()).json()["id"]
    ids = {"p": person_id, "c": contact_id, "a": str(uuid.uuid4())}
    for method, url, body in COMMANDS:
        assert_refused(api, username, method, fill(url, **ids), fill(body, **ids), 403)


def test_a_coordinator_outside_the_team_gets_404s(api: Api) -> None:
    outsider = coordinator_in(api, "Bassetlaw")
    person_id = opened(api)
    contact_id = api.post("coordinator", f"/people/{person_id}/contacts", contact()).json()["id"]
    walking = asset(api)
    for who, which in ((person_id, contact_id), (str(uuid.uuid4()), str(uuid.uuid4()))):
        ids = {"p": who, "c": which, "a": walking}
        for method, url, body in COMMANDS:
            refused = assert_refused(
                api, outsider, method, fill(url, **ids), fill(body, **ids), 404
            )
            by_contact = url.startswith("/contacts")
            expected = (
                f"no support contact with id {which}" if by_contact else f"no person with id {who}"
            )
            assert refused == {"detail": expected}
