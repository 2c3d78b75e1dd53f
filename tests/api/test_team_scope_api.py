"""A coordinator's team district bounds the LAC referrals they see and decide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.accounts import add_user
from api.roles import Role
from tests.api.conftest import PASSWORD, Api, nhs_number, person_body


def add_teams(api: Api) -> Api:
    """Two coordinators with a team district each: lena (Mansfield) and ravi (Ashfield)."""
    for username, district in (("lena", "Mansfield"), ("ravi", "Ashfield")):
        add_user(
            api.runtime.engine, username, username.title(), Role.COORDINATOR, PASSWORD, district
        )
    return api


@pytest.fixture
def teams(api: Api) -> Api:
    return add_teams(api)


def refer(api: Api, district: str) -> dict[str, str]:
    return api.refer(person=person_body(district=district, nhs_number=nhs_number()))


@pytest.mark.parametrize(
    ("step", "body"),
    [("accept", {}), ("decline", {"reason": "no"}), ("redirect", {"redirected_to": "Housing"})],
)
def test_another_districts_coordinator_cannot_decide_a_lac_referral(
    teams: Api, step: str, body: dict[str, str]
) -> None:
    made = refer(teams, "Mansfield")
    before = teams.log_position()
    refused = teams.post("ravi", f"/referrals/{made['id']}/{step}", body)
    assert refused.status_code == 404
    assert refused.json() == {"detail": f"no referral with id {made['id']}"}
    assert teams.log_position() == before
    assert not teams.runtime.app.has_involvement(made["person_id"])


def test_the_team_inbox_holds_the_teams_district_only(teams: Api) -> None:
    mansfield, ashfield = refer(teams, "Mansfield"), refer(teams, "Ashfield")
    at = max(int(mansfield["position"]), int(ashfield["position"]))
    inbox = teams.get("lena", "/referrals/inbox", min_position=at)
    assert [i["id"] for i in inbox.json()["items"]] == [mansfield["id"]]
    assert teams.get("lena", "/referrals/inbox", district="Ashfield").status_code == 403
    assert teams.get("ravi", f"/referrals/{mansfield['id']}", min_position=at).status_code == 404


def test_a_referral_is_assigned_only_to_a_coordinator_of_the_persons_district(teams: Api) -> None:
    made = refer(teams, "Mansfield")
    coordinators = teams.get("admin", "/users", role="coordinator").json()
    ravi_id = next(u["id"] for u in coordinators if u["username"] == "ravi")
    refused = teams.post(
        "lena", f"/referrals/{made['id']}/accept", {"coordinator_id": str(ravi_id)}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "coordinator_id"]
    assert teams.post("lena", f"/referrals/{made['id']}/accept", {}).status_code == 200


def test_no_contact_after_the_involvement_closed_and_no_new_introductions(teams: Api) -> None:
    made = refer(teams, "Mansfield")
    assert teams.post("lena", f"/referrals/{made['id']}/accept", {}).status_code == 200
    person = made["person_id"]
    closed = teams.post("lena", f"/people/{person}/involvement/close", {"reason": "goals_met"})
    assert closed.status_code == 200, closed.text
    contact = {
        "contact_at": (datetime.now(UTC) + timedelta(seconds=1)).isoformat(),
        "duration_minutes": 20,
        "mode": "phone",
        "participants": ["person"],
        "purposes": ["listening"],
    }
    before = teams.log_position()
    late = teams.post("lena", f"/people/{person}/contacts", contact)
    assert late.status_code == 422
    assert late.json()["detail"][0]["loc"] == ["body", "contact_at"]
    asset = teams.post(
        "lena", "/assets", {"name": "Lunch club", "category": "group", "district": "Mansfield"}
    )
    introduced = teams.post(
        "lena",
        f"/people/{person}/connections",
        {"asset_id": asset.json()["id"], "status": "introduced"},
    )
    assert introduced.status_code == 409
    assert teams.log_position() == before + 1  # only the asset was listed
