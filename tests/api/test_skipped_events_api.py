"""/ready and GET /system/skipped-events when a read model has had to skip a poison event."""

from __future__ import annotations

from tests.api.conftest import Api
from tests.integration.helpers import POISON_NAME, record_poison
from tests.integration.services import wait_until


def _poisoned(api: Api) -> int:
    """A poison event, then a good one after it; waits until the projector is past both."""
    position = record_poison(api.runtime, api.users["admin"].id)
    after = api.register()
    assert api.runtime.wait_for(after["position"], 10)
    return position


def test_ready_is_ok_with_nothing_skipped(api: Api) -> None:
    answer = api.get("admin", "/ready")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ready"
    assert answer.json()["checks"]["projections"] == "ok"
    assert api.get("admin", "/system/skipped-events").json() == {"skipped": 0, "items": []}


def test_a_skipped_event_makes_ready_degraded_but_still_200(api: Api) -> None:
    _poisoned(api)
    answer = api.get("coordinator", "/ready")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "degraded"
    assert body["checks"]["projections"] == "degraded: 1 skipped events"
    assert {k: v for k, v in body["checks"].items() if k != "projections"} == {
        "event_store": "ok",
        "read_models": "ok",
    }
    assert all(p["behind"] == 0 for p in body["projections"].values())  # not stalled


def test_admins_list_the_skipped_events_without_their_content(api: Api) -> None:
    position = _poisoned(api)
    answer = api.get("admin", "/system/skipped-events")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["skipped"] == 1
    [item] = body["items"]
    assert item["projection"] == "people"
    assert item["position"] == position
    assert item["topic"] == "domain.person:Person.Registered"
    assert item["attempts"] == 4
    assert item["error_type"].startswith("IntegrityError")
    assert item["message"].startswith("raised in projections/people.py:")
    assert item["skipped_at"] is not None
    assert POISON_NAME.split()[0] not in answer.text
    wait_until(lambda: api.get("admin", "/ready").json()["status"] == "degraded", 5, "ready")


def test_only_admins_see_skipped_events(api: Api) -> None:
    for role in ("coordinator", "social_worker", "device_officer", "evaluator"):
        answer = api.get(role, "/system/skipped-events")
        assert answer.status_code == 403, role
    assert api.client.get("/system/skipped-events").status_code == 401
