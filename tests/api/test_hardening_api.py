"""Odd and hostile input: a clear 4xx, nothing recorded, nothing personal echoed back."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.api.conftest import Api, nhs_number, person_body
from workers.settings import Settings


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Ann\u0000e"),
        ("name", "Jane Secretname\ud800"),
        ("address", "1 High St\u0007"),
        ("postcode", "NG18\u00001AB"),
    ],
)
def test_control_characters_are_refused_and_nothing_is_recorded(
    api: Api, field: str, value: str
) -> None:
    before = api.log_position()
    # Sent as escaped JSON text: a lone surrogate cannot be encoded any other way.
    response = api.client.post(
        "/people",
        content=json.dumps(person_body(**{field: value})),
        headers={**api.headers("coordinator"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert api.log_position() == before


def test_validation_errors_do_not_echo_the_input(api: Api) -> None:
    number = "9434765918"  # fails the check digit
    response = api.post("coordinator", "/people", person_body(nhs_number=number, name="Zed Q"))
    assert response.status_code == 422
    assert number not in response.text and "Zed Q" not in response.text
    assert set(response.json()["detail"][0]) == {"loc", "msg", "type"}


def test_reasons_with_control_characters_are_refused(api: Api) -> None:
    body = {
        "person": person_body(nhs_number=nhs_number()),
        "programme": "lac",
        "source": "self",
        "reasons": ["lonely\u0000"],
        "consent_to_share": True,
    }
    response = api.post("social_worker", "/referrals", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", "reasons"]


@pytest.mark.parametrize("url", ["/people", "/referrals/inbox", "/referrals/mine"])
def test_absurd_page_numbers_are_422_not_500(api: Api, url: str) -> None:
    user = "social_worker" if url.endswith("mine") else "coordinator"
    response = api.get(user, url, page=4611686018427387904)
    assert response.status_code == 422


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+01:00", "1899-12-31T23:00:00Z"])
def test_dates_before_the_service_existed_are_refused(api: Api, when: str) -> None:
    before = api.log_position()
    response = api.post("coordinator", "/people", person_body(occurred_at=when))
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "occurred_at"]
    assert api.log_position() == before


def test_consent_must_be_a_real_yes_or_no(api: Api) -> None:
    body = {
        "person": person_body(nhs_number=nhs_number()),
        "programme": "lac",
        "source": "self",
        "reasons": ["lonely"],
        "consent_to_share": "yes",
    }
    response = api.post("social_worker", "/referrals", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "consent_to_share"]


def test_ethnicity_is_a_code_not_free_text(api: Api) -> None:
    assert api.post("coordinator", "/people", person_body(ethnicity="white")).status_code == 201
    refused = api.post("coordinator", "/people", person_body(ethnicity="White British"))
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "ethnicity"]


def test_linking_the_same_carer_twice_records_once(api: Api) -> None:
    carer, cared_for = api.register(), api.register()
    body = {"cares_for_id": cared_for["id"], "relationship": "partner"}
    first = api.post("coordinator", f"/people/{carer['id']}/carer-of", body)
    again = api.post("coordinator", f"/people/{carer['id']}/carer-of", body)
    assert first.status_code == again.status_code == 200
    assert again.json()["version"] == first.json()["version"] == 2
    assert api.runtime.app.get_person(uuid.UUID(carer["id"])).version == 2


def test_a_shared_database_needs_a_shared_secret(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url="postgresql://x@127.0.0.1/db", secret_key=None
    )
    with pytest.raises(RuntimeError, match="LAC_SECRET_KEY"):
        settings.secret()
    shared = Settings(data_dir=tmp_path, database_url=None, secret_key="s" * 40)
    assert shared.token_key() != shared.derived_key("lac:nhs-number-claims").hex()


def test_people_outside_the_coordinators_scope_look_unknown(api: Api) -> None:
    from api.accounts import add_user
    from api.roles import Role
    from tests.api.conftest import PASSWORD

    add_user(
        api.runtime.engine, "ashfield.coord", "Ash Field", Role.COORDINATOR, PASSWORD, "Ashfield"
    )
    add_user(
        api.runtime.engine, "mansfield.coord", "Mans Field", Role.COORDINATOR, PASSWORD, "Mansfield"
    )
    person = api.register()
    consenting = {"consent": {"how": "verbal"}}
    opened = api.post("mansfield.coord", f"/people/{person['id']}/involvement", consenting)
    assert opened.status_code == 201, opened.text
    contact = api.post(
        "mansfield.coord",
        f"/people/{person['id']}/contacts",
        {
            "contact_at": datetime.now(UTC).isoformat(),
            "duration_minutes": 30,
            "mode": "phone",
            "participants": ["person"],
            "purposes": ["listening"],
            "notes": "Zanzibar secret",
        },
    )
    assert contact.status_code == 201, contact.text
    at = contact.json()["position"]
    own = api.get("mansfield.coord", f"/people/{person['id']}/timeline", min_position=at)
    other = api.get("ashfield.coord", f"/people/{person['id']}/timeline", min_position=at)
    assert "Zanzibar secret" in own.text
    unknown = api.get("ashfield.coord", f"/people/{uuid.uuid4()}/timeline")
    assert other.status_code == unknown.status_code == 404
    assert other.json()["detail"].startswith("no person with id")
    for url in (f"/people/{person['id']}", f"/people/{person['id']}/casework"):
        assert api.get("ashfield.coord", url, min_position=at).status_code == 404
    found = api.get("ashfield.coord", "/people", q="anne", min_position=at).json()
    assert found["total"] == 0
    assert api.get("mansfield.coord", "/people", q="anne", min_position=at).json()["total"] == 1
