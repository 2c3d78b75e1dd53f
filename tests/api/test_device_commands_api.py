"""The device scheme year over HTTP: open it and set its budget; social workers refer people
(capacity and the waiting list, carers in the same home); people leave and the first waiting
takes the place."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from domain.device_codes import ItemKind, Need, PlaceStatus, Provision, Recipient
from domain.reference import Programme, ReferralSource
from tests.api.conftest import Api, nhs_number, person_body
from tests.api.device_fixtures import (
    OFFICER,
    SCHEME,
    YEAR,
    day,
    events,
    ok,
    open_scheme,
    refer,
    referral_body,
    refused,
    scheme,
)

REFERRALS = f"{SCHEME}/{YEAR}/referrals"
BUDGET = {
    "tablets": 60000,
    "connectivity_4g": "30000.50",
    "setup_and_device_management": 18000,
    "service_user_support": 97500,
}


def test_opening_a_year_takes_the_seed_budget_by_default(api: Api) -> None:
    made = open_scheme(api)
    opened = scheme(api)
    assert made["id"] == str(opened.id)
    assert (opened.capacity, opened.starts_on.isoformat()) == (300, day(-30))
    assert sum(opened.budget.values()) == Decimal("205500")
    assert opened.budget["service_user_support"] == Decimal("96000")
    body = {"year": YEAR, "starts_on": day(), "ends_on": day(365)}
    assert "already open" in refused(api, OFFICER, SCHEME, body, 409)["detail"]


def test_an_administrator_opens_a_year_with_its_own_budget_and_rates(api: Api) -> None:
    body = {
        "year": "2022-23",
        "starts_on": day(),
        "ends_on": day(364),
        "capacity": 120,
        "budget": BUDGET,
        "support_hourly_rate": "27.50",
        "setup_cost_per_device": 55,
    }
    ok(api.post("admin", SCHEME, body), 201)
    opened = scheme(api, "2022-23")
    assert opened.capacity == 120
    assert opened.budget["connectivity_4g"] == Decimal("30000.50")
    assert (opened.support_hourly_rate, opened.setup_cost_per_device) == (
        Decimal("27.5"),
        Decimal(55),
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": day(-31)}, "ends_on"),  # before it starts
        ({"capacity": "300"}, "capacity"),  # a string where a number is meant
        ({"capacity": 0}, "capacity"),
        ({"budget": {**BUDGET, "tablets": -1}}, "budget"),
        ({"budget": {**BUDGET, "tablets": "1.005"}}, "budget"),
        ({"support_hourly_rate": 5000}, "support_hourly_rate"),
        ({"year": ""}, "year"),
    ],
)
def test_a_bad_year_is_refused_naming_the_field(
    api: Api, change: dict[str, object], field: str
) -> None:
    body = {"year": YEAR, "starts_on": day(-30), "ends_on": day(335), **change}
    detail = refused(api, OFFICER, SCHEME, body, 422)["detail"]
    assert field in detail[0]["loc"]


def test_the_budget_is_set_per_year(api: Api) -> None:
    open_scheme(api)
    url = f"{SCHEME}/{YEAR}/budget"
    body = {"budget": BUDGET, "support_hourly_rate": 30, "setup_cost_per_device": "62.50"}
    response = api.put(OFFICER, url, body)
    assert ok(response)["id"] == str(scheme(api).id)
    assert response.headers["X-Log-Position"] == str(api.log_position())
    changed = scheme(api)
    assert changed.budget["service_user_support"] == Decimal("97500")
    assert changed.setup_cost_per_device == Decimal("62.50")
    refused(api, OFFICER, url, {**body, "support_hourly_rate": -1}, 422, "PUT")
    refused(api, OFFICER, f"{SCHEME}/2030-31/budget", body, 404, "PUT")
    refused(api, "social_worker", url, body, 403, "PUT")


def test_a_social_worker_refers_someone_known_and_they_get_a_place(api: Api) -> None:
    open_scheme(api)
    person_id = str(api.register()["id"])
    plan = {"tablet": "loan", "sim": "gift"}
    made = refer(api, person_id, plan=plan, need="access_to_support_affected_by_covid")
    assert (made["person_id"], made["place"]) == (person_id, "enrolled")
    assert made["position"] == api.log_position()
    referral = api.runtime.app.get_referral(uuid.UUID(made["id"]))
    assert (referral.programme, referral.source) == (
        Programme.DEVICES,
        ReferralSource.SOCIAL_WORKER,
    )
    held = scheme(api)
    assert held.places[uuid.UUID(person_id)] is PlaceStatus.ENROLLED
    assert held.plans[uuid.UUID(person_id)] == {"tablet": Provision.LOAN, "sim": Provision.GIFT}
    last = events(api, held.id)[-1]
    assert (last.need, last.recipient) == (
        Need.COVID_ACCESS,
        Recipient.VULNERABLE_ADULT,
    )
    # A second referral of someone who already holds a place.
    refused(api, "social_worker", REFERRALS, referral_body(person_id), 409)


def test_a_new_person_is_registered_and_referred_in_one_call(api: Api) -> None:
    open_scheme(api)
    body = referral_body(person=person_body(nhs_number=nhs_number(), name="Nora New"))
    made = ok(api.post("social_worker", REFERRALS, body, key="new-person-1"), 201)
    person = api.runtime.app.get_person(uuid.UUID(made["person_id"]))
    assert person.personal["name"] == "Nora New"
    assert scheme(api).places[person.id] is PlaceStatus.ENROLLED
    again = api.post("social_worker", REFERRALS, body, key="new-person-1")
    assert again.json() == made
    assert again.headers["Idempotent-Replayed"] == "true"
    # A bad field of the new person is named inside `person`; nobody is registered.
    bad = referral_body(person=person_body(postcode="nowhere"))
    detail = refused(api, "social_worker", REFERRALS, bad, 422)["detail"]
    assert detail[0]["loc"] == ["body", "person", "postcode"]


@pytest.mark.parametrize("username", ["coordinator", OFFICER, "evaluator", "admin"])
def test_only_a_social_worker_may_refer(api: Api, username: str) -> None:
    open_scheme(api)
    person_id = str(api.register()["id"])
    detail = refused(api, username, REFERRALS, referral_body(person_id), 403)["detail"]
    assert detail.startswith(f"your role ({username}) may not do this (devices.refer)")


def test_beyond_capacity_referrals_wait_in_order_and_a_leaver_frees_a_place(api: Api) -> None:
    open_scheme(api, capacity=2)
    first, second = (refer(api)["person_id"] for _ in range(2))
    waiting = [refer(api) for _ in range(2)]
    assert [w["place"] for w in waiting] == ["waiting", "waiting"]
    queue = [w["person_id"] for w in waiting]
    assert [str(p) for p in scheme(api).waiting] == queue
    url = f"{SCHEME}/{YEAR}/people/{first}/leave"
    left = ok(api.post(OFFICER, url, {"reason": "moved out of the county"}))
    assert left["place_taken_by"] == queue[0]
    after = scheme(api)
    assert after.places[uuid.UUID(first)] is PlaceStatus.LEFT
    assert after.places[uuid.UUID(queue[0])] is PlaceStatus.ENROLLED
    assert [str(p) for p in after.waiting] == queue[1:]
    # Someone waiting leaves: nobody takes a place; someone with no place: 422.
    ok(api.post("admin", f"{SCHEME}/{YEAR}/people/{queue[1]}/leave", {"reason": "declined"}))
    assert (
        ok(api.post(OFFICER, f"{SCHEME}/{YEAR}/people/{second}/leave", {"reason": "x"}))[
            "place_taken_by"
        ]
        is None
    )
    detail = refused(api, OFFICER, url, {"reason": "again"}, 422)["detail"]
    assert detail[0]["loc"] == ["body", "person_id"]
    refused(api, "social_worker", f"{SCHEME}/{YEAR}/people/{queue[0]}/leave", {"reason": "x"}, 403)


def test_a_carer_is_referred_with_the_person_they_care_for_at_the_same_address(api: Api) -> None:
    open_scheme(api)
    home = {"postcode": "NG18 2CD", "address": "4 Oak Street, Mansfield"}
    cared_for = str(api.register(name="Mary Cared", **home)["id"])
    carer_plan: dict[str, Any] = {
        "need": "carer_support",
        "recipient": "carer",
        "plan": {"tablet": "gift"},
    }
    # Without cares_for_id: refused, for a known person and for a new one.
    known = str(api.register(name="Carl Carer", **home)["id"])
    for body in (
        referral_body(known, **carer_plan),
        referral_body(person=person_body(nhs_number=nhs_number(), **home), **carer_plan),
    ):
        detail = refused(api, "social_worker", REFERRALS, body, 422)["detail"]
        assert detail[0]["loc"] == ["body", "cares_for_id"]
    # Living elsewhere: refused, and a new person is not registered either.
    elsewhere = person_body(nhs_number=nhs_number(), postcode="NG1 1AA")
    for body in (
        referral_body(
            str(api.register(postcode="NG1 1AA")["id"]), cares_for_id=cared_for, **carer_plan
        ),
        referral_body(person=elsewhere, cares_for_id=cared_for, **carer_plan),
    ):
        detail = refused(api, "social_worker", REFERRALS, body, 422)["detail"]
        assert detail[0]["loc"] == ["body", "cares_for_id"]
        assert "same address" in detail[0]["msg"]
    # In the same home: both referred, the carer linked to the person cared for.
    refer(api, cared_for, need="access_to_support_affected_by_covid")
    made = refer(api, known, cares_for_id=cared_for, **carer_plan)
    assert made["place"] == "enrolled"
    assert api.runtime.app.get_person(uuid.UUID(known)).cares_for_id == uuid.UUID(cared_for)
    new_carer = person_body(nhs_number=nhs_number(), name="Nell Carer", **home)
    body = referral_body(person=new_carer, cares_for_id=cared_for, **carer_plan)
    made = ok(api.post("social_worker", REFERRALS, body), 201)
    linked = api.runtime.app.get_person(uuid.UUID(made["person_id"]))
    assert linked.cares_for_id == uuid.UUID(cared_for)
    assert scheme(api).plans[linked.id] == {ItemKind.TABLET.value: Provision.GIFT}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"need": "loneliness"}, "need"),
        ({"plan": {"sim": "loan"}}, "plan"),
        ({"plan": {"tablet": "sell"}}, "plan"),
        ({"reasons": []}, "reasons"),
        ({"care_plan_ref": "  "}, "care_plan_ref"),
        ({"recipient": "neighbour"}, "recipient"),
    ],
)
def test_a_bad_referral_is_refused_naming_the_field(
    api: Api, change: dict[str, object], field: str
) -> None:
    open_scheme(api)
    body = referral_body(str(api.register()["id"]), **change)
    detail = refused(api, "social_worker", REFERRALS, body, 422)["detail"]
    assert field in detail[0]["loc"]


def test_a_referral_to_a_year_not_open_or_an_unknown_person_is_404(api: Api) -> None:
    open_scheme(api)
    refused(
        api,
        "social_worker",
        f"{SCHEME}/1999-00/referrals",
        referral_body(str(api.register()["id"])),
        404,
    )
    refused(api, "social_worker", REFERRALS, referral_body(str(uuid.uuid4())), 404)
    new = referral_body(person=person_body(nhs_number=nhs_number()))
    refused(api, "social_worker", f"{SCHEME}/1999-00/referrals", new, 404)
