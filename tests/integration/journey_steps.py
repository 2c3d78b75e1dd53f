"""Steps shared by the acceptance journeys: people signed in, commands that keep the log
position they answer with, reads that wait for it (read your own writes through the worker),
refusals that must record nothing, and the timeline each step should leave."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
from fastapi.testclient import TestClient

from api.accounts import add_user
from api.roles import Role
from tests.integration.conftest import PASSWORD
from workers.runtime import Runtime


def ago(days: float, hour: int | None = None) -> datetime:
    """A moment `days` before now (at `hour` o'clock UTC that day, if given)."""
    moment = datetime.now(UTC) - timedelta(days=days)
    return moment if hour is None else moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def day(offset: int) -> str:
    """A date relative to today (UTC), as the API takes it."""
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


# Consent to Local Area Coordination support, given on the phone as the coordinator opens
# the involvement (the open body's `consent`; recorded with the opening).
VERBAL = {"how": "verbal"}


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


@dataclass(frozen=True)
class Actor:
    id: UUID
    name: str
    headers: dict[str, str]


@dataclass
class Journey:
    """One story told through the HTTP API; `position` is where the last command left the log."""

    client: TestClient
    runtime: Runtime
    position: int = 0
    steps: list[tuple[list[str], str]] = field(default_factory=list)

    def sign_in(self, username: str, user_id: UUID, name: str) -> Actor:
        answer = self.client.post("/auth/token", data={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        return Actor(user_id, name, {"Authorization": f"Bearer {answer.json()['access_token']}"})

    def coordinator(self, username: str, name: str, district: str) -> Actor:
        """A coordinator whose team works in `district`."""
        user = add_user(
            self.runtime.engine, username, name, Role.COORDINATOR, PASSWORD, district=district
        )
        return self.sign_in(username, user.id, name)

    def send(self, who: Actor, method: str, url: str, body: Any = None) -> httpx.Response:
        answer: httpx.Response = self.client.request(method, url, json=body, headers=who.headers)
        return answer

    def do(
        self,
        who: Actor,
        method: str,
        url: str,
        body: Any = None,
        *,
        records: tuple[str, ...] | str = (),
        status: int = 200,
    ) -> dict[str, Any]:
        """Run a command; `records` names the events it adds to the person's timeline."""
        answer = self.send(who, method, url, body)
        assert answer.status_code == status, answer.text
        found: dict[str, Any] = answer.json()
        assert found["position"] > self.position
        self.position = found["position"]
        events = [records] if isinstance(records, str) else list(records)
        if events:
            self.steps.append((events, who.name))
        return found

    def post(self, who: Actor, url: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        return self.do(who, "POST", url, body, **kwargs)

    def put(self, who: Actor, url: str, body: Any, **kwargs: Any) -> dict[str, Any]:
        return self.do(who, "PUT", url, body, **kwargs)

    def read(self, who: Actor, url: str, status: int = 200, **params: Any) -> Any:
        """A query that waits until the read models include the last command."""
        answer = self.client.get(
            url, params={**params, "min_position": self.position}, headers=who.headers
        )
        assert answer.status_code == status, answer.text
        return answer.json()

    def refused(self, who: Actor, method: str, url: str, body: Any, status: int) -> Any:
        """The command is refused with `status`, and the event log has not moved."""
        before = self.runtime.app.log_position()
        assert before == self.position
        answer = self.send(who, method, url, body)
        assert answer.status_code == status, answer.text
        assert self.runtime.app.log_position() == before
        return answer.json()

    def assert_timeline(self, entries: list[dict[str, Any]]) -> None:
        """The timeline holds each step's events, in the order of the steps, with its actor.
        Events one command saved together (accepting a referral opens the involvement) may
        come in either order."""
        assert self.steps, "no step recorded anything"
        at = 0
        for events, actor in self.steps:
            chunk = entries[at : at + len(events)]
            assert sorted(e["event"] for e in chunk) == sorted(events), (at, chunk)
            assert {e["actor_name"] for e in chunk} == {actor}, (at, chunk)
            at += len(events)
        assert at == len(entries), entries[at:]


def contact(
    at: datetime,
    minutes: int,
    mode: str,
    purposes: list[str],
    notes: str,
    participants: tuple[str, ...] = ("person",),
    assets: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "contact_at": at.isoformat(),
        "duration_minutes": minutes,
        "mode": mode,
        "participants": list(participants),
        "purposes": purposes,
        "notes": notes,
        "asset_ids": list(assets),
    }


def outcome(domain: str, detail: str | None, on: str, evidence: str) -> dict[str, Any]:
    return {"domain": domain, "detail": detail, "occurred_on": on, "evidence": evidence}


def measure(instrument: str, occasion: str, on: date | str, items: list[int]) -> dict[str, Any]:
    taken_on = on if isinstance(on, str) else on.isoformat()
    return {"instrument": instrument, "occasion": occasion, "taken_on": taken_on, "items": items}


def person(name: str, district: str, born: str, postcode: str, at: datetime) -> dict[str, Any]:
    return {
        "name": name,
        "date_of_birth": born,
        "postcode": postcode,
        "district": district,
        "occurred_at": at.isoformat(),
    }
