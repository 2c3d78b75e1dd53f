"""Involvements over HTTP: open, assign, record the work, pause, close, reopen; who may."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from api.accounts import add_user
from api.roles import Role
from domain.codes import GoalStatus, InvolvementStatus, SupportLevel
from domain.involvement import involvement_id
from tests.api.conftest import PASSWORD, Api

NOT_ALLOWED = ("social_worker", "device_officer", "evaluator", "admin")
# The person agrees to Local Area Coordination support as the coordinator opens it.
VERBAL = {"how": "verbal"}


def ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def coordinator_in(api: Api, district: str, username: str | None = None) -> str:
    """A coordinator with a team district; answers the username to sign in with."""
    name = username or f"coordinator_{district.lower()}"
    api.users[name] = add_user(
        api.runtime.engine, name, f"{district} Coordinator", Role.COORDINATOR, PASSWORD, district
    )
    return name


def opened(api: Api, username: str = "coordinator", days_ago: int = 10, **body: Any) -> str:
    """A new Mansfield person with an involvement opened `days_ago` (consenting on the
    phone); answers their id."""
    person_id = str(api.register()["id"])
    response = api.post(
        username,
        f"/people/{person_id}/involvement",
        {"occurred_at": ago(days_ago), "consent": VERBAL, **body},
    )
    assert response.status_code == 201, response.text
    return person_id


def assert_refused(api: Api, username: str, method: str, url: str, body: Any, code: int) -> Any:
    """The request is refused with `code` and records nothing; answers the body."""
    before = api.log_position()
    response = api.put(username, url, body) if method == "PUT" else api.post(username, url, body)
    assert response.status_code == code, response.text
    assert api.log_position() == before
    return response.json()


def events_of(api: Api, record_id: uuid.UUID | str) -> list[Any]:
    """Every event of one record, oldest first (untyped: each kind has its own fields)."""
    return list(api.runtime.app.history(uuid.UUID(str(record_id))))


def events(api: Api, person_id: str) -> list[Any]:
    return events_of(api, involvement_id(uuid.UUID(person_id)))


def involvement(api: Api, person_id: str) -> Any:
    return api.runtime.app.get_involvement(uuid.UUID(person_id))


# (method, url, body) for every involvement command; {p} is the person, {g} a goal.
COMMANDS: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/people/{p}/involvement", {}),
    ("POST", "/people/{p}/involvement/reassign", {"coordinator_id": "{c}"}),
    ("POST", "/people/{p}/involvement/support-level", {"support_level": "walking_alongside"}),
    ("PUT", "/people/{p}/involvement/what-matters", {"what_matters": "my garden"}),
    ("PUT", "/people/{p}/involvement/strengths", {"personal": ["kind"]}),
    ("POST", "/people/{p}/involvement/goals", {"text": "walk to the shops"}),
    ("POST", "/people/{p}/involvement/goals/{g}/status", {"status": "achieved"}),
    ("PUT", "/people/{p}/involvement/next-action", {"action": "call", "due_on": "2099-01-01"}),
    ("POST", "/people/{p}/involvement/pause", {}),
    ("POST", "/people/{p}/involvement/resume", {}),
    ("POST", "/people/{p}/involvement/close", {"reason": "goals_met"}),
]


def fill(template: Any, **ids: str) -> Any:
    if isinstance(template, dict):
        return {k: fill(v, **ids) for k, v in template.items()}
    return template.format(**ids) if isinstance(template, str) else template


def test_open_defaults_to_the_caller_and_an_introductory_conversation(api: Api) -> None:
    person_id = api.register()["id"]
    response = api.post("coordinator", f"/people/{person_id}/involvement", {"consent": VERBAL})
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["id"] == str(involvement_id(uuid.UUID(person_id)))
    assert response.headers["X-Log-Position"] == str(made["position"]) == str(api.log_position())
    found = involvement(api, person_id)
    assert found.coordinator_id == api.users["coordinator"].id
    assert (found.status, found.support_level) == (
        InvolvementStatus.ACTIVE,
        SupportLevel.INTRODUCTORY,
    )
    assert found.district == "Mansfield"


def test_open_for_another_coordinator_from_a_referral(api: Api) -> None:
    referral = api.refer(person_id=api.register()["id"])
    person_id = referral["person_id"]
    body = {
        "coordinator_id": str(api.users["coordinator2"].id),
        "support_level": "walking_alongside",
        "referral_id": referral["id"],
    }
    response = api.post("coordinator", f"/people/{person_id}/involvement", body)
    assert response.status_code == 201, response.text
    found = involvement(api, person_id)
    assert found.coordinator_id == api.users["coordinator2"].id
    assert found.support_level is SupportLevel.WALKING_ALONGSIDE
    assert events(api, person_id)[0].referral_id == uuid.UUID(referral["id"])


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"coordinator_id": "SW"}, ["body", "coordinator_id"]),
        ({"coordinator_id": str(uuid.uuid4())}, ["body", "coordinator_id"]),
        ({"referral_id": str(uuid.uuid4())}, ["body", "referral_id"]),
        ({"referral_id": "OTHER"}, ["body", "referral_id"]),
        ({"support_level": "assessment"}, ["body", "support_level"]),
        ({"occurred_at": "2099-01-01T00:00:00Z"}, ["body", "occurred_at"]),
    ],
)
def test_open_refuses_bad_input(api: Api, body: dict[str, Any], loc: list[str]) -> None:
    person_id = api.register()["id"]
    other = api.refer()["id"]
    body = fill(body, SW=str(api.users["social_worker"].id), OTHER=other)
    url = f"/people/{person_id}/involvement"
    detail = assert_refused(api, "coordinator", "POST", url, body, 422)["detail"]
    assert detail[0]["loc"] == loc
    assert not api.runtime.app.has_involvement(uuid.UUID(person_id))


def test_open_twice_is_409_close_twice_is_409_and_opening_again_reopens(api: Api) -> None:
    person_id = opened(api)
    url = f"/people/{person_id}/involvement"
    assert (
        "already has an open involvement"
        in assert_refused(api, "coordinator", "POST", url, {}, 409)["detail"]
    )
    closed = api.post("coordinator", f"{url}/close", {"reason": "moved_away", "note": "to Leeds"})
    assert closed.status_code == 200, closed.text
    assert involvement(api, person_id).status is InvolvementStatus.CLOSED
    again = assert_refused(api, "coordinator", "POST", f"{url}/close", {"reason": "other"}, 409)
    assert again["status"] == "closed"
    reopened = api.post("coordinator2", url, {})
    assert reopened.status_code == 201, reopened.text
    found = involvement(api, person_id)
    assert (found.status, found.coordinator_id) == (
        InvolvementStatus.ACTIVE,
        api.users["coordinator2"].id,
    )
    names = [type(e).__name__ for e in events(api, person_id)]
    assert names == ["Opened", "Closed", "Reopened"]


def test_reassign_support_level_pause_resume(api: Api) -> None:
    person_id = opened(api)
    url = f"/people/{person_id}/involvement"
    other = {"coordinator_id": str(api.users["coordinator2"].id)}
    assert api.post("coordinator", f"{url}/reassign", other).status_code == 200
    assert involvement(api, person_id).coordinator_id == api.users["coordinator2"].id
    same = assert_refused(api, "coordinator", "POST", f"{url}/reassign", other, 422)
    assert same["detail"][0]["loc"] == ["body", "coordinator_id"]
    admin = {"coordinator_id": str(api.users["admin"].id)}
    assert_refused(api, "coordinator", "POST", f"{url}/reassign", admin, 422)
    level = {"support_level": "walking_alongside"}
    assert api.post("coordinator", f"{url}/support-level", level).status_code == 200
    assert involvement(api, person_id).support_level is SupportLevel.WALKING_ALONGSIDE
    paused = api.post("coordinator", f"{url}/pause", {"note": "in hospital"})
    assert paused.status_code == 200, paused.text
    assert involvement(api, person_id).status is InvolvementStatus.PAUSED
    assert_refused(api, "coordinator", "POST", f"{url}/pause", {}, 409)
    assert api.client.post(f"{url}/resume", headers=api.headers("coordinator")).status_code == 200
    assert involvement(api, person_id).status is InvolvementStatus.ACTIVE
    assert_refused(api, "coordinator", "POST", f"{url}/resume", {}, 409)


def test_what_matters_strengths_goals_and_next_action(api: Api) -> None:
    person_id = opened(api)
    url = f"/people/{person_id}/involvement"
    text = {"what_matters": "Staying in my home, and my allotment"}
    assert api.put("coordinator", f"{url}/what-matters", text).status_code == 200
    strengths = {"personal": ["determined"], "family": ["a sister nearby"], "community": []}
    assert api.put("coordinator", f"{url}/strengths", strengths).status_code == 200
    goal = api.post("coordinator", f"{url}/goals", {"text": "Keep the tenancy"})
    assert goal.status_code == 201, goal.text
    goal_id = goal.json()["id"]
    assert involvement(api, person_id).goals == {uuid.UUID(goal_id): GoalStatus.ACTIVE}
    achieved = api.post("coordinator", f"{url}/goals/{goal_id}/status", {"status": "achieved"})
    assert achieved.status_code == 200, achieved.text
    assert involvement(api, person_id).goals[uuid.UUID(goal_id)] is GoalStatus.ACHIEVED
    due = (date.today() + timedelta(days=7)).isoformat()
    action = {"action": "Ring housing about succession", "due_on": due}
    assert api.put("coordinator", f"{url}/next-action", action).status_code == 200
    recorded = {type(e).__name__: e for e in events(api, person_id)}
    assert recorded["WhatMattersRecorded"].what_matters == text["what_matters"]
    assert recorded["StrengthsRecorded"].strengths == {**strengths, "community": []}
    assert recorded["GoalSet"].text == "Keep the tenancy"
    assert recorded["NextActionSet"].due_on == date.fromisoformat(due)


@pytest.mark.parametrize(
    ("method", "path", "body", "code", "loc"),
    [
        ("PUT", "strengths", {"personal": [], "family": []}, 422, ["body"]),
        ("PUT", "strengths", {"personal": [" "]}, 422, ["body", "personal", 0]),
        ("PUT", "strengths", {"hobbies": ["x"]}, 422, ["body", "hobbies"]),
        ("PUT", "what-matters", {"what_matters": ""}, 422, ["body", "what_matters"]),
        ("PUT", "next-action", {"action": "x", "due_on": "2000-01-01"}, 422, ["body", "due_on"]),
        ("POST", f"goals/{uuid.uuid4()}/status", {"status": "dropped"}, 404, None),
        ("POST", "close", {"reason": "bored"}, 422, ["body", "reason"]),
    ],
)
def test_bad_casework_input_records_nothing(
    api: Api, method: str, path: str, body: Any, code: int, loc: list[Any] | None
) -> None:
    person_id = opened(api)
    url = f"/people/{person_id}/involvement/{path}"
    refused = assert_refused(api, "coordinator", method, url, body, code)
    if loc is not None:
        assert refused["detail"][0]["loc"] == loc


def test_casework_before_an_involvement_is_409(api: Api) -> None:
    person_id = api.register()["id"]
    url = f"/people/{person_id}/involvement/what-matters"
    refused = assert_refused(api, "coordinator", "PUT", url, {"what_matters": "x"}, 409)
    assert refused["detail"] == f"person {person_id} has no involvement: open one first"


def test_accepting_a_lac_referral_opens_the_involvement(api: Api) -> None:
    referral = api.refer()
    person_id = uuid.UUID(referral["person_id"])
    assert not api.runtime.app.has_involvement(person_id)
    accepted = api.post("coordinator", f"/referrals/{referral['id']}/accept", {})
    assert accepted.status_code == 200, accepted.text
    assert api.runtime.app.has_involvement(person_id)
    found = api.runtime.app.get_involvement(person_id)
    assert found.coordinator_id == api.users["coordinator"].id
    assert found.status is InvolvementStatus.ACTIVE


@pytest.mark.parametrize("username", NOT_ALLOWED)
def test_other_roles_may_not_do_casework(api: Api, username: str) -> None:
    person_id = opened(api)
    ids = {"p": person_id, "g": str(uuid.uuid4()), "c": str(api.users["coordinator2"].id)}
    for method, url, body in COMMANDS:
        assert_refused(api, username, method, fill(url, **ids), fill(body, **ids), 403)


def test_a_coordinator_outside_the_team_gets_the_unknown_person_404(api: Api) -> None:
    outsider = coordinator_in(api, "Bassetlaw")
    person_id, unknown = opened(api), str(uuid.uuid4())
    for who in (person_id, unknown):
        ids = {"p": who, "g": str(uuid.uuid4()), "c": str(api.users[outsider].id)}
        for method, url, body in COMMANDS:
            refused = assert_refused(
                api, outsider, method, fill(url, **ids), fill(body, **ids), 404
            )
            assert refused == {"detail": f"no person with id {who}"}


def test_the_team_and_the_assigned_coordinator_may(api: Api) -> None:
    team, outsider = coordinator_in(api, "Mansfield"), coordinator_in(api, "Bassetlaw")
    person_id = opened(api)
    url = f"/people/{person_id}/involvement"
    assert api.put(team, f"{url}/what-matters", {"what_matters": "x"}).status_code == 200
    handed = {"coordinator_id": str(api.users[outsider].id)}
    assert api.post(team, f"{url}/reassign", handed).status_code == 200
    assert api.put(outsider, f"{url}/what-matters", {"what_matters": "y"}).status_code == 200
