"""Referrals over HTTP: make, decide, close, inboxes, who sees what, and racing decisions."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.conftest import Api, nhs_number, person_body, referral_body


def _ago(days: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


def test_refer_someone_known(api: Api) -> None:
    person = api.register()
    response = api.post(
        "social_worker",
        "/referrals",
        referral_body(person_id=person["id"], referrer="Dr Patel", source="gp"),
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["person_id"] == person["id"]
    assert made["version"] == 1
    assert response.headers["X-Log-Position"] == str(made["position"]) == str(api.log_position())
    read = api.referral(made["id"], made["position"], username="social_worker")
    assert read["person_id"] == person["id"]
    assert (read["person_name"], read["district"]) == ("Anne Example", "Mansfield")
    assert (read["programme"], read["source"], read["status"]) == ("lac", "gp", "received")
    assert read["referrer"] == "Dr Patel"
    assert read["reasons"] == ["recently bereaved, at risk of losing her home"]
    assert read["referred_by"] == str(api.users["social_worker"].id)
    assert read["coordinator_id"] is None


def test_refer_someone_new_in_one_call(api: Api) -> None:
    number = nhs_number()
    body = referral_body(person=person_body(name="Alan Example", nhs_number=number))
    response = api.post("social_worker", "/referrals", body)
    assert response.status_code == 201, response.text
    made = response.json()
    person = api.person(made["person_id"], made["position"], username="social_worker")
    assert (person["name"], person["nhs_number"]) == ("Alan Example", number)
    assert api.referral(made["id"], made["position"])["person_id"] == made["person_id"]
    again = api.post("social_worker", "/referrals", body)  # the new person is a duplicate now
    assert again.status_code == 409
    assert again.json()["existing_person_id"] == made["person_id"]


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"person_id": "PERSON", "person": person_body()}, ["body"]),
        ({}, ["body"]),
        ({"person_id": "PERSON", "reasons": []}, ["body", "reasons"]),
        ({"person_id": "PERSON", "reasons": [""]}, ["body", "reasons", 0]),
        ({"person_id": "PERSON", "reasons": ["ok", "  "]}, ["body", "reasons", 1]),
        ({"person_id": "PERSON", "programme": "housing"}, ["body", "programme"]),
        ({"person_id": "PERSON", "consent_to_share": None}, ["body", "consent_to_share"]),
        ({"person": person_body(nhs_number="943 476 5918")}, ["body", "person", "nhs_number"]),
        # The domain checks a new person's fields; the 422 must still point inside `person`.
        pytest.param(
            {"person": person_body(district="Atlantis")},
            ["body", "person", "district"],
            id="new-person-unknown-district",
        ),
        pytest.param(
            {"person": person_body(postcode="ZZZZZZ")},
            ["body", "person", "postcode"],
            id="new-person-bad-postcode",
        ),
    ],
)
def test_invalid_referrals_are_422_and_record_nothing(
    api: Api, overrides: dict[str, Any], loc: list[Any]
) -> None:
    person = api.register()
    overrides = dict(overrides)
    if overrides.get("person_id") == "PERSON":
        overrides["person_id"] = person["id"]
    before = api.log_position()
    body = {k: v for k, v in referral_body(**overrides).items() if v is not None}
    response = api.post("social_worker", "/referrals", body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc
    assert api.log_position() == before


def test_unknown_person_id_is_404(api: Api) -> None:
    missing = str(uuid.uuid4())
    before = api.log_position()
    response = api.post("social_worker", "/referrals", referral_body(person_id=missing))
    assert response.status_code == 404
    assert response.json()["detail"] == f"no person with id {missing}"
    assert api.log_position() == before


def test_accept_then_close(api: Api) -> None:
    made = api.refer()
    coordinator2 = str(api.users["coordinator2"].id)
    response = api.post(
        "coordinator", f"/referrals/{made['id']}/accept", {"coordinator_id": coordinator2}
    )
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2
    read = api.referral(made["id"], response.json()["position"])
    assert (read["status"], read["coordinator_id"], read["version"]) == (
        "accepted",
        coordinator2,
        2,
    )
    assert read["decided_at"] is not None
    closed = api.post("coordinator", f"/referrals/{made['id']}/close", {"note": "settled in"})
    assert closed.status_code == 200
    read = api.referral(made["id"], closed.json()["position"])
    assert (read["status"], read["version"]) == ("closed", 3)
    assert read["closed_at"] is not None


def test_decline_and_redirect(api: Api) -> None:
    declined, redirected = api.refer(), api.refer()
    response = api.post(
        "coordinator", f"/referrals/{declined['id']}/decline", {"reason": "moved away"}
    )
    assert response.status_code == 200
    read = api.referral(declined["id"], response.json()["position"])
    assert (read["status"], read["decline_reason"]) == ("declined", "moved away")
    url = f"/referrals/{redirected['id']}/redirect"
    response = api.post("coordinator", url, {"redirected_to": "Adult Social Care", "note": "n"})
    assert response.status_code == 200
    read = api.referral(redirected["id"], response.json()["position"])
    assert (read["status"], read["redirected_to"]) == ("redirected", "Adult Social Care")
    empty = api.post("coordinator", f"/referrals/{declined['id']}/decline", {"reason": ""})
    assert empty.status_code == 422


@pytest.mark.parametrize(
    ("first", "then", "status"),
    [
        ("accept", "accept", "accepted"),
        ("accept", "decline", "accepted"),
        ("decline", "redirect", "declined"),
        (None, "close", "received"),
        ("close", "accept", "closed"),
        ("close", "close", "closed"),
    ],
)
def test_invalid_transitions_are_409_saying_the_current_status(
    api: Api, first: str | None, then: str, status: str
) -> None:
    made = api.refer()
    bodies = {
        "accept": {},
        "decline": {"reason": "r"},
        "redirect": {"redirected_to": "GP"},
        "close": {},
    }
    steps = {"close": ["accept", "close"]}.get(first or "", [first] if first else [])
    for step in steps:
        assert (
            api.post("coordinator", f"/referrals/{made['id']}/{step}", bodies[step]).status_code
            == 200
        )
    before = api.log_position()
    response = api.post("coordinator", f"/referrals/{made['id']}/{then}", bodies[then])
    assert response.status_code == 409, response.text
    assert f"it is {status}" in response.json()["detail"]
    assert response.json()["status"] == status
    assert api.log_position() == before


def test_accept_assigns_only_to_an_active_coordinator(api: Api) -> None:
    made = api.refer()
    before = api.log_position()
    for assignee in (api.users["social_worker"].id, uuid.uuid4()):
        url = f"/referrals/{made['id']}/accept"
        response = api.post("coordinator", url, {"coordinator_id": str(assignee)})
        assert response.status_code == 422
        detail = response.json()["detail"][0]
        assert (detail["loc"], detail["msg"]) == (
            ["body", "coordinator_id"],
            "must be an active coordinator",
        )
    devices = api.refer(programme="devices")
    url = f"/referrals/{devices['id']}/accept"
    response = api.post("device_officer", url, {"coordinator_id": str(api.users["coordinator"].id)})
    assert response.json()["detail"][0]["msg"] == "must be an active device officer"
    assert api.log_position() == devices["position"] > before


def test_decisions_cannot_be_back_dated_before_receipt_and_unknown_is_404(api: Api) -> None:
    made = api.refer(occurred_at=_ago(2))
    response = api.post("coordinator", f"/referrals/{made['id']}/accept", {"occurred_at": _ago(3)})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "occurred_at"]
    assert (
        api.post(
            "coordinator", f"/referrals/{made['id']}/accept", {"occurred_at": _ago(1)}
        ).status_code
        == 200
    )
    missing = uuid.uuid4()
    response = api.post("coordinator", f"/referrals/{missing}/accept", {})
    assert (response.status_code, response.json()["detail"]) == (
        404,
        f"no referral with id {missing}",
    )


def test_inbox_filters_order_and_paging(api: Api) -> None:
    def person(district: str) -> dict[str, Any]:
        return person_body(district=district, nhs_number=nhs_number())

    middle = api.refer(person=person("Ashfield"), source="gp", occurred_at=_ago(2))
    newest = api.refer(person=person("Gedling"), source="self", occurred_at=_ago(1))
    oldest = api.refer(person=person("Ashfield"), source="self", occurred_at=_ago(3))
    taken = api.refer(person=person("Gedling"), source="gp", occurred_at=_ago(4))
    accepted = api.post("coordinator", f"/referrals/{taken['id']}/accept", {})
    devices = api.refer(programme="devices")
    at = max(accepted.json()["position"], devices["position"])

    def inbox(**params: Any) -> list[str]:
        response = api.get("coordinator", "/referrals/inbox", min_position=at, **params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert inbox() == [oldest["id"], middle["id"], newest["id"]]
    assert inbox(status="accepted") == [taken["id"]]
    assert inbox(status=["received", "accepted"])[0] == taken["id"]
    assert inbox(source="self") == [oldest["id"], newest["id"]]
    assert inbox(district="Ashfield") == [oldest["id"], middle["id"]]
    assert inbox(status="accepted", coordinator_id=str(api.users["coordinator2"].id)) == []
    page = api.get("coordinator", "/referrals/inbox", page=2, page_size=2, min_position=at).json()
    assert (page["total"], page["page"], [i["id"] for i in page["items"]]) == (3, 2, [newest["id"]])
    assert page["items"][0]["person_name"] == "Anne Example"
    officer = api.get("device_officer", "/referrals/inbox", programme="devices", min_position=at)
    assert [i["id"] for i in officer.json()["items"]] == [devices["id"]]
    assert api.get("coordinator", "/referrals/inbox", status="lost").status_code == 422


def test_social_workers_see_only_the_referrals_they_made(api: Api) -> None:
    first = api.refer("social_worker", occurred_at=_ago(2))
    second = api.refer("social_worker", programme="devices", occurred_at=_ago(1))
    theirs = api.refer("social_worker2")
    accepted = api.post("coordinator", f"/referrals/{first['id']}/accept", {})
    at = max(accepted.json()["position"], theirs["position"])

    mine = api.get("social_worker", "/referrals/mine", min_position=at).json()
    assert mine["total"] == 2
    assert [(i["id"], i["status"]) for i in mine["items"]] == [
        (second["id"], "received"),
        (first["id"], "accepted"),
    ]
    other = api.get("social_worker2", "/referrals/mine", min_position=at).json()
    assert [i["id"] for i in other["items"]] == [theirs["id"]]

    hidden = api.get("social_worker2", f"/referrals/{first['id']}", min_position=at)
    assert hidden.status_code == 404
    assert api.get("social_worker", f"/referrals/{first['id']}").status_code == 200
    assert api.get("device_officer", f"/referrals/{second['id']}").status_code == 200
    assert api.get("device_officer", f"/referrals/{first['id']}").status_code == 404
    assert api.get("coordinator", f"/referrals/{uuid.uuid4()}").status_code == 404


@pytest.mark.parametrize("attempt", range(3))
def test_two_coordinators_accepting_at_once_one_wins(api: Api, attempt: int) -> None:
    made = api.refer()
    url = f"/referrals/{made['id']}/accept"
    who = ["coordinator", "coordinator2"]
    headers = {name: api.headers(name) for name in who}
    barrier = threading.Barrier(2)
    results: dict[str, httpx.Response] = {}

    def accept(name: str) -> None:
        barrier.wait()
        results[name] = api.client.post(url, json={}, headers=headers[name])

    threads = [threading.Thread(target=accept, args=(name,)) for name in who]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    codes = sorted(r.status_code for r in results.values())
    assert codes == [200, 409], {n: r.text for n, r in results.items()}
    winner = next(n for n, r in results.items() if r.status_code == 200)
    loser = next(r for r in results.values() if r.status_code == 409).json()["detail"]
    # Either both loaded version 1 and the second save lost the race, or it loaded version 2.
    assert (
        "someone else changed this record at the same moment" in loser or "it is accepted" in loser
    )
    read = api.referral(made["id"], api.log_position())
    assert (read["version"], read["status"]) == (2, "accepted")
    assert read["coordinator_id"] == str(api.users[winner].id)
    assert api.runtime.app.get_referral(uuid.UUID(made["id"])).version == 2
