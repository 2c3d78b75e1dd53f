"""Consent over HTTP: record, read, withdraw; refusals (409 naming the consent); sharing with
the GP refused, then allowed; who may, and for whom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.conftest import Api
from tests.api.test_contacts_api import contact as contact_body
from tests.api.test_involvements_api import assert_refused, coordinator_in

NEEDS_LAC = (
    "needs consent: Local Area Coordination support (lac_support) is not recorded for this "
    "person; record it first"
)
LAC_WITHDRAWN = (
    "needs consent: Local Area Coordination support (lac_support) was withdrawn for this "
    "person; record it again first"
)
NEEDS_HEALTH = (
    "needs consent: sharing information with health (e.g. the GP) (health_sharing) is not "
    "recorded for this person; record it first"
)
NOTE = "Said yes on the phone; her daughter Priya was with her"
SHARE: dict[str, Any] = {
    "practice": "Forest Town Medical Centre",
    "summary": "Anne has a warden call system and a local visitor",
    "outcome_ids": [],
}


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def contact() -> dict[str, Any]:
    return contact_body(contact_at=datetime.now(UTC).isoformat())


def person(api: Api) -> str:
    return str(api.register()["id"])


def consents(api: Api, person_id: str, username: str = "coordinator") -> dict[str, Any]:
    response = api.get(username, f"/people/{person_id}/consents")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def status_of(body: dict[str, Any]) -> dict[str, str]:
    return {c["scope"]: c["status"] for c in body["consents"]}


def record(api: Api, person_id: str, username: str = "coordinator", **fields: Any) -> Any:
    body = {"scope": "lac_support", "how": "verbal", **fields}
    return api.post(username, f"/people/{person_id}/consents", body)


def withdraw(api: Api, person_id: str, scope: str, username: str = "coordinator") -> Any:
    url = f"/people/{person_id}/consents/{scope}/withdraw"
    return api.post(username, url, {"note": "Does not want support any more"})


def test_consent_is_recorded_read_withdrawn_and_given_again(api: Api) -> None:
    anne = person(api)
    assert status_of(consents(api, anne)) == {
        "lac_support": "not_recorded",
        "health_sharing": "not_recorded",
    }
    made = record(api, anne, how="written", given_on=today(), note=NOTE)
    assert made.status_code == 201, made.text
    assert made.json()["id"] == anne
    body = consents(api, anne)
    assert status_of(body)["lac_support"] == "given"
    assert body["history"][0]["note"] == NOTE
    assert body["history"][0]["recorded_by_name"] == "Coordinator"
    assert withdraw(api, anne, "lac_support").status_code == 200
    body = consents(api, anne)
    assert status_of(body)["lac_support"] == "withdrawn"
    assert [h["change"] for h in body["history"]] == ["given", "withdrawn"]
    assert record(api, anne).status_code == 201
    assert status_of(consents(api, anne))["lac_support"] == "given"


def test_withdrawing_a_consent_not_given_is_409(api: Api) -> None:
    anne = person(api)
    url = f"/people/{anne}/consents/health_sharing/withdraw"
    refused = assert_refused(api, "coordinator", "POST", url, {}, 409)
    assert refused["detail"] == (
        "cannot withdraw consent: sharing information with health (e.g. the GP) "
        "(health_sharing) is not recorded for this person"
    )
    assert (
        api.post("coordinator", f"/people/{anne}/consents/nonsense/withdraw", {}).status_code == 422
    )


def test_an_involvement_needs_consent_to_open(api: Api) -> None:
    anne = person(api)
    url = f"/people/{anne}/involvement"
    refused = assert_refused(api, "coordinator", "POST", url, {}, 409)
    assert refused["detail"] == NEEDS_LAC
    assert refused["status"] == "not_given"
    consent = {"how": "verbal", "note": NOTE}
    assert api.post("coordinator", url, {"consent": consent}).status_code == 201
    body = consents(api, anne)
    assert status_of(body)["lac_support"] == "given"
    assert (body["history"][0]["how"], body["history"][0]["note"]) == ("verbal", NOTE)
    bad = api.post("coordinator", url, {"consent": {"how": "via_referrer"}})
    assert bad.status_code == 422  # on opening, the person gives it: verbal or written


def test_withdrawn_consent_blocks_a_contact_but_not_closing(api: Api) -> None:
    anne = person(api)
    opened = api.post("coordinator", f"/people/{anne}/involvement", {"consent": {"how": "written"}})
    assert opened.status_code == 201, opened.text
    assert api.post("coordinator", f"/people/{anne}/contacts", contact()).status_code == 201
    assert withdraw(api, anne, "lac_support").status_code == 200
    refused = assert_refused(api, "coordinator", "POST", f"/people/{anne}/contacts", contact(), 409)
    assert refused["detail"] == LAC_WITHDRAWN
    goal = f"/people/{anne}/involvement/goals"
    assert assert_refused(api, "coordinator", "POST", goal, {"text": "a job"}, 409)["detail"] == (
        LAC_WITHDRAWN
    )
    close = {"reason": "person_ended_it", "note": "Withdrew her consent"}
    closed = api.post("coordinator", f"/people/{anne}/involvement/close", close)
    assert closed.status_code == 200, closed.text


def test_a_referral_with_consent_to_share_opens_the_involvement(api: Api) -> None:
    made = api.refer()
    anne = str(made["person_id"])
    accepted = api.post("coordinator", f"/referrals/{made['id']}/accept", {})
    assert accepted.status_code == 200, accepted.text
    body = consents(api, anne)
    assert body["history"][0]["how"] == "via_referrer"
    assert api.post("coordinator", f"/people/{anne}/contacts", contact()).status_code == 201


def test_a_referral_without_consent_is_accepted_and_opened_once_she_agrees(api: Api) -> None:
    made = api.refer(consent_to_share=False)
    anne = str(made["person_id"])
    accepted = api.post("coordinator", f"/referrals/{made['id']}/accept", {})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["id"] == made["id"]
    refused = assert_refused(api, "coordinator", "POST", f"/people/{anne}/contacts", contact(), 409)
    assert refused["detail"] == f"person {anne} has no involvement: open one first"
    body = {"referral_id": made["id"], "consent": {"how": "verbal"}}
    assert api.post("coordinator", f"/people/{anne}/involvement", body).status_code == 201


def test_sharing_with_the_gp_is_refused_then_allowed(api: Api) -> None:
    anne = person(api)
    url = f"/people/{anne}/involvement"
    assert api.post("coordinator", url, {"consent": {"how": "verbal"}}).status_code == 201
    outcome = {"domain": "crisis_avoided", "occurred_on": today(), "evidence": "Kept her home"}
    outcome_id = api.post("coordinator", f"/people/{anne}/outcomes", outcome).json()["id"]
    share = {**SHARE, "outcome_ids": [outcome_id]}
    gp = f"/people/{anne}/share-with-gp"
    refused = assert_refused(api, "coordinator", "POST", gp, share, 409)
    assert refused["detail"] == NEEDS_HEALTH
    assert SHARE["practice"] not in str(refused)
    assert record(api, anne, scope="health_sharing").status_code == 201
    shared = api.post("coordinator", gp, share, key="share-1")
    assert shared.status_code == 201, shared.text
    answer = shared.json()["shared"]
    assert (answer["practice"], answer["summary"]) == (SHARE["practice"], SHARE["summary"])
    assert [o["domain"] for o in answer["outcomes"]] == ["crisis_avoided"]
    again = api.post("coordinator", gp, share, key="share-1")
    assert again.json() == shared.json()
    assert [s["share_id"] for s in consents(api, anne)["shared_with_health"]] == [
        answer["share_id"]
    ]
    unknown = {**SHARE, "outcome_ids": [anne]}
    assert api.post("coordinator", gp, unknown).json()["detail"][0]["loc"] == [
        "body",
        "outcome_ids",
    ]


def test_an_out_of_scope_coordinator_gets_404(api: Api) -> None:
    anne = person(api)  # Mansfield
    other = coordinator_in(api, "Ashfield")
    for method, url, body in (
        ("GET", f"/people/{anne}/consents", None),
        ("POST", f"/people/{anne}/consents", {"scope": "lac_support", "how": "verbal"}),
        ("POST", f"/people/{anne}/consents/lac_support/withdraw", {}),
        ("POST", f"/people/{anne}/share-with-gp", SHARE),
    ):
        sent = api.get(other, url) if method == "GET" else api.post(other, url, body)
        assert sent.status_code == 404, sent.text
        assert sent.json()["detail"] == f"no person with id {anne}"


def test_social_workers_reach_the_people_they_referred(api: Api) -> None:
    made = api.refer("social_worker")
    anne = str(made["person_id"])
    api.person(anne, made["position"])  # the referral is in the read model
    assert record(api, anne, "social_worker", scope="health_sharing").status_code == 201
    assert record(api, anne, "social_worker2").status_code == 404
    body = consents(api, anne, "social_worker")
    assert body["history"][0]["note"] is None  # notes are for coordinators
    assert body["shared_with_health"] == []


def test_device_officers_handle_the_device_terms_only(api: Api) -> None:
    made = api.refer("social_worker", programme="devices")
    anne = str(made["person_id"])
    api.person(anne, made["position"])
    refused = record(api, anne, "device_officer")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("your role (device_officer) may not do this")
    terms = record(api, anne, "device_officer", scope="device_terms", how="signed_agreement")
    assert terms.status_code == 201, terms.text
    assert status_of(consents(api, anne, "device_officer")) == {"device_terms": "given"}
    stranger = person(api)
    assert record(api, stranger, "device_officer", scope="device_terms").status_code == 404


def test_consent_answers_never_echo_the_note(api: Api) -> None:
    anne = person(api)
    secret = "Lives with Mr Gideon Blackwood at 14 Ash Lane"
    response = record(api, anne, how="telepathy", note=secret)
    assert response.status_code == 422
    assert secret not in response.text
    later = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    response = record(api, anne, given_on=later, note=secret)
    assert response.status_code == 422 and secret not in response.text
