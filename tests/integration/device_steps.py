"""Steps for the device scheme journey: stock received, kits assembled, referrals made,
kits reserved and handed over through the HTTP API, and the figures the read side should
show worked out independently from the journey's own inputs."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tests.integration.journey_steps import Actor, Journey, day

SCHEME = "/device-scheme"
# A 1x1 PNG, as a signature pad would send it.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
    )
).decode()
COSTS = {"tablet": Decimal("189.00"), "charger": Decimal("12.50"), "case": Decimal("15.75")}
SIM_COST = Decimal("5.00")
ADVICE = {"safe_use_advice": True, "safeguarding_advice": True}


def today(offset: int = 0) -> date:
    return datetime.now(UTC).date() + timedelta(days=offset)


def luhn(payload: str) -> str:
    """The 14-digit payload with its Luhn check digit: a valid IMEI."""
    total = 0
    for index, char in enumerate(reversed(payload)):
        value = int(char) * (1 if index % 2 else 2)
        total += value - 9 if value > 9 else value
    return payload + str((10 - total % 10) % 10)


def pounds(amount: Decimal) -> str:
    """Money as the API writes it: a string with pence."""
    return str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def months_between(start: date, end: date) -> int:
    """Whole calendar months from start to end (15 Jan to 15 Apr is 3, to 14 Apr is 2)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(0, months) if end > start else 0


@dataclass(frozen=True)
class Kit:
    kit_id: str
    tablet: str
    sim: str
    accessories: tuple[str, str]

    @property
    def items(self) -> list[str]:
        return [self.tablet, self.sim, *self.accessories]


def receive(j: Journey, officer: Actor, kind: str, serial: str, **fields: Any) -> str:
    body = {"kind": kind, "serial": serial, "received_on": day(-30), **fields}
    body.setdefault("cost", pounds(COSTS.get(kind, SIM_COST)))
    return str(j.post(officer, f"{SCHEME}/stock", body, status=201)["id"])


def stocked_kit(j: Journey, officer: Actor, n: int, imei: str, monthly: Decimal) -> Kit:
    """A tablet (enrolled on the management platform), SIM, charger and case, as one kit."""
    tablet = receive(
        j,
        officer,
        "tablet",
        f"TAB-{n}",
        make="Lenovo",
        model="Tab M10",
        imei=luhn(imei),
        asset_tag=f"NCC-T{n}",
    )
    sim = receive(
        j,
        officer,
        "sim",
        f"SIM-{n}",
        network="Vodafone",
        data_allowance_gb=30,
        monthly_cost=pounds(monthly),
        starts_on=day(-30),
        expires_on=day(400),
    )
    accessories = (
        receive(j, officer, "charger", f"CHG-{n}"),
        receive(j, officer, "case", f"CASE-{n}"),
    )
    j.post(officer, f"{SCHEME}/stock/{tablet}/enrol", {})
    body = {"label": f"KIT-{n}", "item_ids": [tablet, sim, *accessories]}
    kit_id = j.post(officer, f"{SCHEME}/kits", body, status=201)["id"]
    return Kit(str(kit_id), tablet, sim, accessories)


def new_person(name: str, district: str, postcode: str, address: str, phone: str) -> Any:
    return {
        "name": name,
        "date_of_birth": "1944-02-11",
        "postcode": postcode,
        "district": district,
        "address": address,
        "phone": phone,
    }


def referral(person: Any, plan_ref: str, need: str, tablet: str, reason: str, **more: Any) -> Any:
    return {
        "person": person,
        "care_plan_ref": plan_ref,
        "need": need,
        "recipient": "vulnerable_adult",
        "plan": {"tablet": tablet},
        "reasons": [reason],
        **more,
    }


def issue(j: Journey, officer: Actor, year: str, person_id: str, kit: Kit, **agreed: Any) -> str:
    """Reserve the kit for the person and hand it over with the agreement given."""
    due = {"due_on": day(90)} if agreed.pop("lent", True) else {}
    body = {"person_id": person_id, "kit_id": kit.kit_id, **due}
    loan_id = str(j.post(officer, f"{SCHEME}/{year}/loans", body, status=201)["id"])
    j.post(officer, f"{SCHEME}/loans/{loan_id}/hand-over", {**agreed, **ADVICE})
    return loan_id


def session(j: Journey, officer: Actor, loan_id: str, kind: str, minutes: int, topic: str) -> None:
    body = {"kind": kind, "on": day(0), "minutes": minutes, "topic": topic, "outcome": "done"}
    j.post(officer, f"{SCHEME}/loans/{loan_id}/sessions", body, status=201)


def counts(board: dict[str, Any]) -> dict[tuple[str, str], int]:
    """The stock board's counts by (kind, state), leaving out empty ones."""
    return {(c["kind"], c["state"]): c["count"] for c in board["counts"] if c["count"]}


def each_kind(**states: int) -> dict[tuple[str, str], int]:
    """The same count of tablets, SIMs, chargers and cases at each state."""
    return {
        (kind, state): n
        for kind in ("tablet", "sim", "charger", "case")
        for state, n in states.items()
    }


def states_of(board: dict[str, Any]) -> dict[str, str]:
    return {row["item_id"]: row["state"] for row in board["items"]}
