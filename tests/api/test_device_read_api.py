"""The device scheme read routes: written through the domain application, read over HTTP with
min_position, as each role. Separation of duties: the device officer sees a scheme person's
contact details and device records, and nothing of casework or referral reasons."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from domain.codes import ContactMode, ContactPurpose, Participant, SupportLevel
from domain.consent import ConsentHow, GivenConsent
from domain.contact import ContactDetails
from domain.device_codes import Condition, ItemKind, LoanStatus, Provision, SessionKind
from projections.imd import load_imd
from tests.api.conftest import Api
from tests.api.device_world import (
    BROXTOWE,
    TODAY,
    YEAR,
    Devices,
    day,
    small_imd_file,
)

K, P, L = ItemKind, Provision, LoanStatus
BASE = "/device-scheme"


def read(api: Api, who: str, url: str, **params: Any) -> httpx.Response:
    return api.get(who, url, min_position=api.log_position(), **params)


def ok(api: Api, who: str, url: str, **params: Any) -> Any:
    response = read(api, who, url, **params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def dv(api: Api) -> Devices:
    devices = Devices(api.runtime.app)
    devices.open()
    return devices


def test_stock_board_with_counts_filters_and_paging(api: Api, dv: Devices) -> None:
    anne = dv.person("Anne Example")
    dv.refer(anne)
    tablet, sim = dv.tablet(), dv.sim()
    loan = dv.issued(anne, tablet, sim)
    dv.end(loan, L.RETURNED, condition=Condition.GOOD)
    spare = dv.tablet()

    board = ok(api, "device_officer", f"{BASE}/stock")
    assert board["total"] == 3
    assert {(c["kind"], c["state"], c["count"]) for c in board["counts"]} == {
        ("tablet", "awaiting_wipe", 1),
        ("tablet", "in_stock", 1),
        ("sim", "in_stock", 1),
    }
    by_id = {UUID(i["item_id"]): i for i in board["items"]}
    assert (by_id[tablet]["state"], by_id[tablet]["wiped"]) == ("awaiting_wipe", False)
    assert (by_id[sim]["monthly_cost"], by_id[sim]["expires_on"]) == ("10.00", str(day(400)))
    waiting = ok(api, "device_officer", f"{BASE}/stock", state="awaiting_wipe")
    assert [UUID(i["item_id"]) for i in waiting["items"]] == [tablet]
    assert len(waiting["counts"]) == 3  # the counts are never filtered
    pages = [
        ok(api, "device_officer", f"{BASE}/stock", kind="tablet", page_size=1, page=n)
        for n in (1, 2)
    ]
    assert [(p["total"], len(p["items"])) for p in pages] == [(2, 1), (2, 1)]
    assert {UUID(p["items"][0]["item_id"]) for p in pages} == {tablet, spare}
    for bad in ({"kind": "phone"}, {"page_size": 101}, {"page": 100_001}):
        assert read(api, "device_officer", f"{BASE}/stock", **bad).status_code == 422
    for role in ("coordinator", "social_worker", "evaluator", "admin"):
        assert read(api, role, f"{BASE}/stock").status_code == 403


def test_loans_due_and_connectivity_expiring(api: Api, dv: Devices) -> None:
    anne, bill = dv.person("Anne Example"), dv.person("Bill Example")
    dv.refer(anne)
    dv.refer(bill)
    soon = dv.issued(anne, dv.tablet(), dv.sim(expires=20), due_in=10)
    later = dv.issued(bill, dv.tablet(), dv.sim(expires=200), due_in=40)

    rows = ok(api, "device_officer", f"{BASE}/loans")
    assert rows["today"] == str(TODAY)
    assert [(UUID(r["loan_id"]), r["days_until_due"], r["overdue"]) for r in rows["items"]] == [
        (soon, 10, False),
        (later, 40, False),
    ]
    within = ok(api, "device_officer", f"{BASE}/loans", within_days=14)
    assert [UUID(r["loan_id"]) for r in within["items"]] == [soon]
    assert ok(api, "device_officer", f"{BASE}/loans", overdue="true")["items"] == []
    assert read(api, "device_officer", f"{BASE}/loans", within_days=-1).status_code == 422

    expiring = ok(api, "device_officer", f"{BASE}/connectivity/expiring")
    assert expiring["within_days"] == 30
    (sim,) = expiring["items"]
    assert (UUID(sim["loan_id"]), sim["days_to_expiry"], sim["expired"]) == (soon, 20, False)
    assert sim["name"] == "Anne Example"
    wider = ok(api, "device_officer", f"{BASE}/connectivity/expiring", within_days=365)
    assert len(wider["items"]) == 2
    assert read(api, "evaluator", f"{BASE}/loans").status_code == 403


def test_waiting_list_in_order_and_promotion(api: Api) -> None:
    dv = Devices(api.runtime.app, year="2022-23")
    dv.open(capacity=1)
    first, second, third = (dv.person(f"{n} Example") for n in ("Ann", "Ben", "Cat"))
    for person in (first, second, third):
        dv.refer(person)
    listed = ok(api, "device_officer", f"{BASE}/2022-23/waiting-list")
    assert [(w["position"], UUID(w["person_id"])) for w in listed["items"]] == [
        (1, second),
        (2, third),
    ]
    dv.app.leave_scheme("2022-23", first, "moved away", dv.officer)
    listed = ok(api, "device_officer", f"{BASE}/2022-23/waiting-list")
    assert [(w["position"], w["name"]) for w in listed["items"]] == [(1, "Cat Example")]
    promoted = ok(api, "device_officer", f"{BASE}/people/{second}")
    assert promoted["places"][0]["status"] == "enrolled"
    years = ok(api, "evaluator", f"{BASE}/years")
    assert [(y["year"], y["enrolled"], y["waiting"], y["left"]) for y in years] == [
        ("2022-23", 1, 1, 1)
    ]
    assert read(api, "device_officer", f"{BASE}/1999-00/waiting-list").status_code == 404
    assert read(api, "evaluator", f"{BASE}/2022-23/waiting-list").status_code == 403


def test_the_device_officer_sees_contact_and_devices_not_casework(api: Api, dv: Devices) -> None:
    lac = api.refer("social_worker", programme="lac")  # "recently bereaved, at risk ..."
    anne = UUID(lac["person_id"])
    runtime, coordinator = api.runtime, api.users["coordinator"].id
    runtime.app.open_involvement(
        anne,
        coordinator,
        SupportLevel.WALKING_ALONGSIDE,
        coordinator,
        consent=GivenConsent(ConsentHow.VERBAL),
    )
    details = ContactDetails(
        datetime.now(UTC),
        30,
        ContactMode.PHONE,
        (Participant.PERSON,),
        (ContactPurpose.LISTENING,),
        "Worried about the tenancy letter",
        (),
    )
    runtime.app.log_contact(anne, details, coordinator)
    dv.refer(anne)  # the device referral's reason: "cannot reach her GP online"
    loan = dv.issued(anne, dv.tablet())
    dv.session(loan, 45, SessionKind.REMOTE_SUPPORT)
    lac_only = UUID(api.refer("social_worker", programme="lac")["person_id"])

    response = read(api, "device_officer", f"{BASE}/people/{anne}")
    assert response.status_code == 200, response.text
    page = response.json()
    assert set(page) == {
        "person_id",
        "name",
        "phone",
        "email",
        "address",
        "postcode",
        "places",
        "loans",
        "sessions",
        "tickets",
    }
    assert (page["name"], page["postcode"]) == ("Anne Example", "NG18 1AB")
    assert [s["minutes"] for s in page["sessions"]] == [45]
    assert [UUID(x["loan_id"]) for x in page["loans"]] == [loan]
    text = response.text.lower()
    for secret in ("bereaved", "gp online", "tenancy", "reasons", "involvement", "nhs"):
        assert secret not in text
    # A LAC-only person looks exactly like nobody at all.
    for someone in (lac_only, UUID(int=7)):
        response = read(api, "device_officer", f"{BASE}/people/{someone}")
        assert response.status_code == 404
        assert response.json()["detail"] == f"no one on the device scheme with id {someone}"
    for role in ("coordinator", "social_worker", "evaluator", "admin"):
        assert read(api, role, f"{BASE}/people/{anne}").status_code == 403


def test_dashboard_budget_and_breakdowns_over_http(api: Api, dv: Devices, tmp_path: Path) -> None:
    load_imd(api.runtime.engine, small_imd_file(tmp_path))
    anne = dv.person("Anne Example")
    bill = dv.person("Bill Example", "Broxtowe", BROXTOWE)
    dv.refer(anne)
    dv.refer(bill, P.GIFT)
    first = dv.tablet()
    loan = dv.issued(anne, first, dv.sim(), dv.item(K.CHARGER, "10"))
    dv.issued(bill, dv.tablet(), due_in=None)
    dv.enrol(first)
    dv.session(loan, 60)
    dv.session(loan, 30, SessionKind.REMOTE_SUPPORT)

    board = ok(api, "evaluator", f"{BASE}/{YEAR}/dashboard")
    lines = {x["line"]: x for x in board["budget"]["lines"]}
    assert {k: lines["tablets"][k] for k in ("spend", "committed", "forecast")} == {
        "spend": "410.00",
        "committed": "0.00",
        "forecast": "410.00",
    }
    conn = lines["connectivity_4g"]
    assert (conn["spend"], conn["committed"], conn["remaining"]) == ("30.00", "80.00", "29390.00")
    assert lines["setup_and_device_management"]["spend"] == "60.00"
    support = lines["service_user_support"]
    assert (support["spend"], support["forecast"]) == ("37.50", "113.43")
    assert board["budget"]["total"]["budget"] == "205500.00"
    assert board["support_hours"] == "1.50"
    assert (board["people_benefited"], board["gifts"], board["active_loans"]) == (2, 1, 1)
    assert board["by_district"] == [
        {"district": "Broxtowe", "people": 1},
        {"district": "Mansfield", "people": 1},
    ]
    quintiles = {q["quintile"]: q["people"] for q in board["by_deprivation"]}
    assert (quintiles[2], quintiles[4], quintiles[None]) == (1, 1, 0)
    assert board["imd_edition"] == "English Indices of Deprivation 2019"
    assert any("£25.00" in a for a in board["budget"]["assumptions"])
    for role in ("device_officer", "admin"):
        assert read(api, role, f"{BASE}/{YEAR}/dashboard").status_code == 200
    for role in ("coordinator", "social_worker"):
        assert read(api, role, f"{BASE}/{YEAR}/dashboard").status_code == 403
    assert read(api, "evaluator", f"{BASE}/1999-00/dashboard").status_code == 404
    assert read(api, "evaluator", f"{BASE}/{'x' * 21}/dashboard").status_code == 422


def test_end_of_scheme_list_over_http(api: Api, dv: Devices) -> None:
    anne, bill = dv.person("Anne Example"), dv.person("Bill Example")
    dv.refer(anne)
    dv.refer(bill, P.GIFT, sim=P.LOAN)
    recall = dv.issued(anne, dv.tablet(), dv.sim())
    convert = dv.issued(bill, dv.tablet(), dv.sim())

    found = ok(api, "device_officer", f"{BASE}/{YEAR}/end-of-scheme")
    assert (found["ends_on"], found["recall"], found["convert_to_gift"]) == (str(day(245)), 1, 1)
    advice = {UUID(x["loan_id"]): x["recommendation"] for x in found["loans"]}
    assert advice == {recall: "recall", convert: "convert to gift"}
    dv.end(convert, L.GIFTED)
    found = ok(api, "device_officer", f"{BASE}/{YEAR}/end-of-scheme")
    assert [UUID(x["loan_id"]) for x in found["loans"]] == [recall]
    assert read(api, "evaluator", f"{BASE}/{YEAR}/end-of-scheme").status_code == 403
    assert read(api, "device_officer", f"{BASE}/1999-00/end-of-scheme").status_code == 404
