"""Helpers for the device scheme API tests: a scheme year, people with places, stock, kits
and loans, each made through HTTP; effects are read back from the application's aggregates."""

from __future__ import annotations

import base64
import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from api.accounts import add_user
from api.roles import Role
from domain.loan import Kit, Loan
from domain.scheme import Scheme
from domain.stock import StockItem
from tests.api.conftest import PASSWORD, Api

YEAR = "2021-22"
SCHEME = "/device-scheme"
OFFICER = "device_officer"
# A 1x1 PNG, as a signature pad would send it (base64).
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
    )
).decode()
LENT = {"tablet": "loan"}
GIFTED = {"tablet": "gift"}

_serials = itertools.count(1000)
_imeis = itertools.count(35_209_900_000_000)


def today(offset: int = 0) -> date:
    return datetime.now(UTC).date() + timedelta(days=offset)


def day(offset: int = 0) -> str:
    return today(offset).isoformat()


def luhn(payload: str) -> str:
    """The payload with its Luhn check digit appended (an IMEI from 14 digits)."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        value = int(char) * (1 if index % 2 else 2)
        total += value - 9 if value > 9 else value
    return payload + str((10 - total % 10) % 10)


def imei() -> str:
    return luhn(str(next(_imeis)))


def refused(api: Api, username: str, url: str, body: Any, code: int, method: str = "POST") -> Any:
    """The request is refused with `code` and records nothing; answers the body."""
    before = api.log_position()
    response = api.put(username, url, body) if method == "PUT" else api.post(username, url, body)
    assert response.status_code == code, response.text
    assert api.log_position() == before
    return response.json()


def ok(response: Any, code: int = 200) -> dict[str, Any]:
    assert response.status_code == code, response.text
    return dict(response.json())


def open_scheme(api: Api, year: str = YEAR, **fields: Any) -> dict[str, Any]:
    body = {"year": year, "starts_on": day(-30), "ends_on": day(335), **fields}
    return ok(api.post(OFFICER, SCHEME, body), 201)


def scheme(api: Api, year: str = YEAR) -> Scheme:
    return api.runtime.app.get_scheme(year)


def referral_body(person_id: str | None = None, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "care_plan_ref": "CSP-1001",
        "need": "digital_exclusion",
        "recipient": "vulnerable_adult",
        "plan": LENT,
        "reasons": ["cannot reach her support group online since lockdown"],
    }
    if person_id is not None:
        body["person_id"] = person_id
    body.update(fields)
    return body


def refer(api: Api, person_id: str | None = None, year: str = YEAR, **fields: Any) -> Any:
    """Refer (as the social worker) someone registered now unless a person_id is given."""
    who = person_id or str(api.register()["id"])
    return ok(
        api.post("social_worker", f"{SCHEME}/{year}/referrals", referral_body(who, **fields)), 201
    )


def item_body(kind: str = "tablet", **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": kind,
        "serial": f"SN{next(_serials)}",
        "cost": "199.99",
        "received_on": day(-5),
    }
    if kind == "tablet":
        body.update(make="Lenovo", model="Tab M10", imei=imei(), asset_tag="NCC-T1")
    if kind == "sim":
        body.update(
            network="Vodafone",
            data_allowance_gb=30,
            monthly_cost="8.20",
            starts_on=day(-5),
            expires_on=day(360),
            cost="0",
        )
    body.update(fields)
    return body


def receive(api: Api, kind: str = "tablet", **fields: Any) -> str:
    return str(ok(api.post(OFFICER, f"{SCHEME}/stock", item_body(kind, **fields)), 201)["id"])


def item(api: Api, item_id: str) -> StockItem:
    return api.runtime.app.get_item(uuid.UUID(item_id))


def kit(
    api: Api, kinds: tuple[str, ...] = ("tablet", "sim", "charger", "case")
) -> tuple[str, list[str]]:
    """A kit of fresh items; answers the kit id and the item ids (the tablet first)."""
    items = [receive(api, kind) for kind in kinds]
    body = {"label": f"KIT-{next(_serials)}", "item_ids": items}
    return str(ok(api.post(OFFICER, f"{SCHEME}/kits", body), 201)["id"]), items


def get_kit(api: Api, kit_id: str) -> Kit:
    return api.runtime.app.get_kit(uuid.UUID(kit_id))


def reserve(api: Api, person_id: str, kit_id: str, due_offset: int | None = 90) -> str:
    body = {
        "person_id": person_id,
        "kit_id": kit_id,
        "due_on": day(due_offset) if due_offset else None,
    }
    return str(ok(api.post(OFFICER, f"{SCHEME}/{YEAR}/loans", body), 201)["id"])


def hand_over_body(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agreement": "signature",
        "signature_png": PNG,
        "safe_use_advice": True,
        "safeguarding_advice": True,
    }
    body.update(fields)
    return body


def handed_over(api: Api, plan: dict[str, str] | None = None) -> tuple[str, str, list[str]]:
    """A person with a place and a kit handed over to them: (person, loan, items)."""
    person_id = refer(api, plan=plan or LENT)["person_id"]
    kit_id, items = kit(api)
    loan_id = reserve(api, person_id, kit_id, 90 if "loan" in (plan or LENT).values() else None)
    ok(api.post(OFFICER, f"{SCHEME}/loans/{loan_id}/hand-over", hand_over_body()))
    return person_id, loan_id, items


def loan(api: Api, loan_id: str) -> Loan:
    return api.runtime.app.get_loan(uuid.UUID(loan_id))


def events(api: Api, record_id: uuid.UUID | str) -> list[Any]:
    """Every event of one record, oldest first (untyped: each kind has its own fields)."""
    return list(api.runtime.app.history(uuid.UUID(str(record_id))))


def states(api: Api, items: list[str]) -> list[str]:
    return [item(api, i).state.value for i in items]


def second_officer(api: Api) -> str:
    name = "device_officer2"
    api.users[name] = add_user(
        api.runtime.engine, name, "Second Officer", Role.DEVICE_OFFICER, PASSWORD
    )
    return name
