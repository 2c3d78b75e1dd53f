"""What the device officer's pages share: reading stock, kits and a person's loans from the
JSON API, the scheme year to show, and the words for the scheme's codes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.web.client import Api
from api.web.guards import PageError, shown

SCHEME = "/device-scheme"
MAX_PAGES = 20  # of 100 items: the whole stock of a scheme for 300 people, with room to spare
ON_LOAN = ("reserved", "issued")
GONE = ("lost", "stolen", "gifted", "disposed")

STATES = {
    "in_stock": "In stock",
    "reserved": "Reserved for a loan",
    "issued": "On loan",
    "awaiting_wipe": "Waiting for a wipe",
    "in_repair": "In repair",
    "lost": "Lost",
    "stolen": "Stolen",
    "gifted": "Gifted",
    "disposed": "Disposed of",
}
KINDS = {
    "tablet": "Tablet",
    "sim": "SIM",
    "charger": "Charger",
    "case": "Case",
    "other_accessory": "Other accessory",
}
LOAN_STATUSES = {
    "reserved": "Reserved, not handed over",
    "active": "On loan",
    "returned": "Returned",
    "lost": "Lost",
    "stolen": "Stolen",
    "damaged": "Ended, damaged",
    "gifted": "Gifted",
    "cancelled": "Cancelled",
}


def stage(item: dict[str, Any]) -> str:
    """Where an item stands, in the officer's words (its state, and what that hides)."""
    state = item["state"]
    if state == "in_stock":
        if item["kind"] == "tablet" and not item["enrolled"]:
            return "Received, not enrolled"
        if item["kind"] == "tablet" and not item["wiped"]:
            return "Needs a wipe"
        return "In a kit" if item["kit_id"] else "Ready"
    return STATES.get(state, str(state))


def steps_for(item: dict[str, Any]) -> list[str]:
    """The stock steps that fit the item as it stands (the API has the last word)."""
    state, tablet = item["state"], item["kind"] == "tablet"
    steps: list[str] = []
    if tablet and not item["enrolled"] and state not in GONE:
        steps.append("enrol")
    if state == "awaiting_wipe" or (state == "in_stock" and tablet and not item["wiped"]):
        steps.append("wipe")
    if state == "in_repair":
        steps.append("repaired")
    if state in ("in_stock", "awaiting_wipe") and not item["loan_id"]:
        steps.append("repair")
    if state in ("in_stock", "awaiting_wipe", "in_repair") and not item["loan_id"]:
        steps.append("dispose")
    return steps


async def all_items(api: Api, state: str, min_position: int | None = None) -> list[dict[str, Any]]:
    """Every item at one state, page by page."""
    found: list[dict[str, Any]] = []
    for number in range(1, MAX_PAGES + 1):
        params = {"state": state, "page": number, "page_size": 100, "min_position": min_position}
        body = shown(await api.get(f"{SCHEME}/stock", **params)).body
        found.extend(body["items"])
        if len(found) >= body["total"] or not body["items"]:
            break
    return found


@dataclass
class KitView:
    """A kit as the stock board shows it: its items (the tablet first)."""

    kit_id: str
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def tablet(self) -> dict[str, Any] | None:
        return next((i for i in self.items if i["kind"] == "tablet"), None)

    @property
    def name(self) -> str:
        tablet = self.tablet
        return f"Kit with tablet {tablet['serial']}" if tablet else f"Kit {self.kit_id[:8]}"

    @property
    def ready(self) -> bool:
        """Can be reserved: every item in stock, and the tablet wiped."""
        tablet = self.tablet
        in_stock = all(i["state"] == "in_stock" for i in self.items)
        return in_stock and tablet is not None and bool(tablet["wiped"])


def kits_of(items: list[dict[str, Any]]) -> list[KitView]:
    kits: dict[str, KitView] = {}
    for item in items:
        if item["kit_id"]:
            kits.setdefault(str(item["kit_id"]), KitView(str(item["kit_id"]))).items.append(item)
    for kit in kits.values():
        kit.items.sort(key=lambda i: (i["kind"] != "tablet", i["kind"], i["serial"]))
    return sorted(kits.values(), key=lambda k: k.name)


async def scheme_years(api: Api) -> list[dict[str, Any]]:
    body = shown(await api.get(f"{SCHEME}/years")).body
    return list(body)


def chosen_year(years: list[dict[str, Any]], wanted: str | None) -> str | None:
    """The year asked for if there is one, else the latest (the API lists latest first)."""
    names = [y["year"] for y in years]
    if wanted and wanted in names:
        return wanted
    return names[0] if names else None


async def person_record(
    api: Api, person_id: str, min_position: int | None = None
) -> dict[str, Any]:
    answer = await api.get(f"{SCHEME}/people/{person_id}", min_position=min_position)
    return dict(shown(answer).body)


def loan_of(record: dict[str, Any], loan_id: str) -> dict[str, Any]:
    """One of the person's loans, with its own sessions and tickets; 404 if not theirs."""
    for loan in record["loans"]:
        if str(loan["loan_id"]) == loan_id:
            mine: dict[str, list[dict[str, Any]]] = {"sessions": [], "tickets": []}
            for name in mine:
                mine[name] = [r for r in record[name] if str(r["loan_id"]) == loan_id]
            return {**loan, **mine}
    raise PageError(404, "This person has no such loan.")


def open_loan(record: dict[str, Any]) -> dict[str, Any] | None:
    return next((ln for ln in record["loans"] if ln["status"] in ("reserved", "active")), None)


def loan_url(person_id: object, loan_id: object) -> str:
    return f"/app/devices/people/{person_id}/loans/{loan_id}"


def position_of(after: int | None) -> int | None:
    return after if after and after > 0 else None
