"""Shared by the coordinator page tests: two team coordinators (Mansfield and Ashfield) and
people on their caseloads, set up through the JSON API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from api.accounts import add_user
from api.roles import Role
from tests.api.conftest import PASSWORD, Api, nhs_number

MANSFIELD, ASHFIELD = "lena", "ravi"


def add_teams(api: Api) -> None:
    for username, district in ((MANSFIELD, "Mansfield"), (ASHFIELD, "Ashfield")):
        user = add_user(
            api.runtime.engine, username, username.title(), Role.COORDINATOR, PASSWORD, district
        )
        api.users[username] = user


def opened(
    api: Api, name: str, district: str = "Mansfield", by: str = MANSFIELD, days_ago: int = 1
) -> str:
    """A person registered and with an involvement opened (with consent) `days_ago`."""
    person = api.register(by, name=name, district=district, nhs_number=nhs_number())
    when = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
    body = {"consent": {"how": "verbal"}, "occurred_at": when}
    answer = api.post(by, f"/people/{person['id']}/involvement", body)
    assert answer.status_code == 201, answer.text
    return str(person["id"])


def next_action(
    api: Api, person_id: str, action: str, due_in_days: int, by: str = MANSFIELD
) -> int:
    due = (date.today() + timedelta(days=due_in_days)).isoformat()
    answer = api.put(
        by, f"/people/{person_id}/involvement/next-action", {"action": action, "due_on": due}
    )
    assert answer.status_code == 200, answer.text
    return int(answer.json()["position"])


def casework(api: Api, person_id: str, by: str = MANSFIELD, position: int = 0) -> Any:
    answer = api.get(by, f"/people/{person_id}/casework", min_position=position)
    assert answer.status_code == 200, answer.text
    return answer.json()


def contact(api: Api, person_id: str, days_ago: float = 0, by: str = MANSFIELD) -> int:
    """A phone call logged through the API; answers with its log position."""
    body = {
        "contact_at": (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(),
        "duration_minutes": 20,
        "mode": "phone",
        "participants": ["person"],
        "purposes": ["listening"],
    }
    answer = api.post(by, f"/people/{person_id}/contacts", body)
    assert answer.status_code == 201, answer.text
    return int(answer.json()["position"])


def asset(api: Api, name: str, district: str = "Mansfield", by: str = MANSFIELD) -> str:
    body = {"name": name, "category": "group", "district": district}
    answer = api.post(by, "/assets", body)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])
