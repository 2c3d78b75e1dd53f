"""Idempotency-Key: a retried POST gets the first answer back and records nothing new."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from tests.api.conftest import Api, nhs_number, person_body, referral_body

REPLAYED = "Idempotent-Replayed"


def _people_named(api: Api, name: str, at: int) -> int:
    response = api.get("coordinator", "/people", q=name, min_position=at)
    assert response.status_code == 200
    return int(response.json()["total"])


def _assert_one_answer(responses: list[httpx.Response]) -> dict[str, Any]:
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    bodies = [r.json() for r in responses]
    assert all(b == bodies[0] for b in bodies)
    assert {r.headers["X-Log-Position"] for r in responses} == {str(bodies[0]["position"])}
    assert sum(REPLAYED not in r.headers for r in responses) == 1
    assert all(r.headers[REPLAYED] == "true" for r in responses if REPLAYED in r.headers)
    return dict(bodies[0])


def test_the_same_request_20_times_records_one_person(api: Api) -> None:
    body = person_body(name="Idem Sequential", nhs_number=nhs_number())
    responses = [api.post("coordinator", "/people", body, key="seq-1") for _ in range(20)]
    assert REPLAYED not in responses[0].headers
    first = _assert_one_answer(responses)
    assert api.log_position() == first["position"]
    assert _people_named(api, "idem sequential", first["position"]) == 1


def test_the_same_request_20_times_at_once_records_one_person(api: Api) -> None:
    body = person_body(name="Idem Concurrent", nhs_number=nhs_number())
    headers = api.headers("coordinator", key="concurrent-1")
    barrier = threading.Barrier(20)
    responses: list[httpx.Response] = []
    lock = threading.Lock()

    def send() -> None:
        barrier.wait()
        response = api.client.post("/people", json=body, headers=headers)
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(responses) == 20
    first = _assert_one_answer(responses)
    assert api.log_position() == first["position"]
    assert _people_named(api, "idem concurrent", first["position"]) == 1


def test_the_same_key_for_a_different_request_is_422(api: Api) -> None:
    made = api.post("coordinator", "/people", person_body(name="Key Owner"), key="k")
    assert made.status_code == 201
    before = api.log_position()
    for url, body in [
        ("/people", person_body(name="Someone Else")),
        ("/referrals", referral_body(person_id=made.json()["id"])),
    ]:
        response = api.post("coordinator", url, body, key="k")
        assert response.status_code == 422, response.text
        assert "already used for a different request" in response.json()["detail"]
    assert api.log_position() == before
    too_long = api.post("coordinator", "/people", person_body(), key="k" * 201)
    assert too_long.status_code == 422
    assert api.log_position() == before


def test_keys_belong_to_each_user(api: Api) -> None:
    body = person_body(name="Shared Key")
    mine = api.post("coordinator", "/people", body, key="same")
    theirs = api.post("social_worker", "/people", body, key="same")
    assert mine.status_code == theirs.status_code == 201
    assert REPLAYED not in theirs.headers
    assert mine.json()["id"] != theirs.json()["id"]
    assert _people_named(api, "shared key", theirs.json()["position"]) == 2


def test_a_rejected_request_is_not_stored_so_a_corrected_retry_runs(api: Api) -> None:
    before = api.log_position()
    schema_error = api.post("coordinator", "/people", person_body(name=""), key="fix-me")
    domain_error = api.post(
        "coordinator", "/people", person_body(district="Atlantis"), key="fix-me"
    )
    assert schema_error.status_code == domain_error.status_code == 422
    assert domain_error.json()["detail"][0]["loc"] == ["body", "district"]
    assert api.log_position() == before

    fixed = api.post("coordinator", "/people", person_body(name="Fixed Later"), key="fix-me")
    assert fixed.status_code == 201, fixed.text
    assert REPLAYED not in fixed.headers
    replay = api.post("coordinator", "/people", person_body(name="Fixed Later"), key="fix-me")
    assert (replay.json(), replay.headers[REPLAYED]) == (fixed.json(), "true")
    # The key now belongs to the corrected request: the rejected one cannot reuse it.
    stale = api.post("coordinator", "/people", person_body(district="Atlantis"), key="fix-me")
    assert stale.status_code == 422
    assert "different request" in stale.json()["detail"]
    assert _people_named(api, "fixed later", fixed.json()["position"]) == 1


def test_a_conflict_is_not_stored_either(api: Api) -> None:
    number = nhs_number()
    api.register(nhs_number=number)
    body = person_body(name="Late Duplicate", nhs_number=number)
    first = api.post("coordinator", "/people", body, key="dup")
    second = api.post("coordinator", "/people", body, key="dup")
    assert first.status_code == second.status_code == 409
    assert REPLAYED not in second.headers


def test_a_retried_referral_for_a_new_person_makes_one_of_each(api: Api) -> None:
    body = referral_body(person=person_body(name="Retried Referral", nhs_number=nhs_number()))
    responses = [api.post("social_worker", "/referrals", body, key="ref-1") for _ in range(3)]
    made = _assert_one_answer(responses)
    assert made["person_id"]
    mine = api.get("social_worker", "/referrals/mine", min_position=made["position"]).json()
    assert [i["id"] for i in mine["items"]] == [made["id"]]
    assert _people_named(api, "retried referral", made["position"]) == 1


def test_a_retried_accept_gets_the_first_answer_not_a_conflict(api: Api) -> None:
    made = api.refer()
    url = f"/referrals/{made['id']}/accept"
    first = api.post("coordinator", url, {}, key="accept-1")
    retry = api.post("coordinator", url, {}, key="accept-1")
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers[REPLAYED] == "true"
    fresh = api.post("coordinator", url, {}, key="accept-2")
    assert fresh.status_code == 409
    assert api.referral(made["id"], first.json()["position"])["version"] == 2
