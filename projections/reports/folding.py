"""How each kind of fact changes the records (a fold, in log order)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from projections.reports.records import (
    ConnectionFacts,
    ContactFacts,
    History,
    InvolvementFacts,
    ItemFacts,
    LoanFacts,
    MeasureFacts,
    OutcomeFacts,
    PersonFacts,
    ReferralFacts,
    SchemeFacts,
)

Folder = Callable[..., None]
ANALYTIC = ("district", "lsoa_code", "age_band", "sex", "ethnicity")


def _uuid(value: Any) -> UUID | None:
    return UUID(str(value)) if value else None


def person(h: History, kind: str, entity: UUID, _p: Any, _on: Any, *rest: Any) -> None:
    data = rest[-1]
    found = h.people.setdefault(entity, PersonFacts())
    for name in ANALYTIC:
        if name in data:
            setattr(found, name, data[name])


def referral(h: History, kind: str, entity: UUID, person_id: UUID, on: date, *rest: Any) -> None:
    _district, code, detail, _number, _data = rest
    if kind == "referral.received":
        h.referrals[entity] = ReferralFacts(person_id, detail, code, on)
    elif entity in h.referrals and kind != "referral.closed":
        h.referrals[entity].decision = kind.split(".", 1)[1]


STEP = {"opened": "active", "reopened": "active", "resumed": "active", "paused": "paused"}


def involvement(h: History, kind: str, entity: UUID, person_id: UUID, on: date, *rest: Any) -> None:
    district, _code, _detail, _number, data = rest
    step = kind.split(".", 1)[1]
    if step == "opened":
        h.involvements[entity] = InvolvementFacts(
            person_id, district, _uuid(data.get("referral_id"))
        )
    found = h.involvements.get(entity)
    if found is None:
        return
    if step in ("opened", "reopened"):
        found.opened_on.append(on)
    # The referral that first opened it stays: the wait to a first contact runs from there.
    if district:
        found.district = district
    if step != "reassigned":
        found.steps.append((on, STEP.get(step, "closed")))


def outcome(h: History, kind: str, _e: UUID, person_id: UUID, on: date, *rest: Any) -> None:
    _district, code, detail, _number, data = rest
    if kind == "outcome.recorded":
        h.outcomes[data["id"]] = OutcomeFacts(person_id, code, detail, on, data.get("visits"))
    elif data["id"] in h.outcomes:
        h.outcomes[data["id"]].withdrawn = True


def measure(h: History, kind: str, _e: UUID, person_id: UUID, on: date, *rest: Any) -> None:
    _district, code, detail, _number, data = rest
    if kind == "measure.recorded":
        h.measures[data["id"]] = MeasureFacts(person_id, code, detail, on, list(data["items"]))
    elif data["id"] in h.measures:
        h.measures[data["id"]].withdrawn = True


def contact(h: History, kind: str, entity: UUID, person_id: UUID, on: date, *rest: Any) -> None:
    _district, _code, _detail, number, _data = rest
    if kind == "contact.logged":
        h.contacts[entity] = ContactFacts(person_id, None, on, number)
        return
    found = h.contacts.get(entity)
    if found is None:
        return
    if kind == "contact.withdrawn":
        found.withdrawn = True
    else:
        found.on, found.minutes = on, number


def connection(h: History, kind: str, entity: UUID, person_id: UUID, on: date, *_: Any) -> None:
    found = h.connections.setdefault(entity, ConnectionFacts(person_id))
    found.steps.append((on, kind.split(".", 1)[1]))


def community_work(h: History, _k: str, _e: UUID, _p: Any, on: date, *rest: Any) -> None:
    district, code, _detail, _number, _data = rest
    h.community_work.append((on, district, code))


def scheme(h: History, kind: str, entity: UUID, person_id: Any, on: date, *rest: Any) -> None:
    _district, code, _detail, _number, data = rest
    if kind == "scheme.opened":
        h.schemes[entity] = SchemeFacts(
            code,
            on,
            date.fromisoformat(data["ends_on"]),
            data["budget"],
            data["support_hourly_rate"],
            data["setup_cost_per_device"],
        )
    elif kind == "scheme.budget_set" and entity in h.schemes:
        found = h.schemes[entity]
        found.budget = data["budget"]
        found.support_hourly_rate = data["support_hourly_rate"]
        found.setup_cost_per_device = data["setup_cost_per_device"]
    elif person_id is not None:
        status = {"scheme.place_taken": "enrolled", "scheme.place_left": "left"}.get(kind, code)
        h.places.setdefault(person_id, []).append((on, status))


def loan(h: History, kind: str, entity: UUID, person_id: UUID, on: date, *rest: Any) -> None:
    _district, code, _detail, number, data = rest
    if kind == "loan.reserved":
        h.loans[entity] = LoanFacts(person_id, dict(data["provisions"]))
        return
    found = h.loans.get(entity)
    if kind == "loan.session":
        h.sessions.append((person_id, on, code, number))
    elif found is not None and kind == "loan.handed_over":
        found.handed_over_on = on
    elif found is not None and kind == "loan.ended":
        found.ended = (on, code)


def item(h: History, kind: str, entity: UUID, _p: Any, on: date, *rest: Any) -> None:
    _district, code, _detail, _number, data = rest
    if kind == "item.received":
        h.items[entity] = ItemFacts(code, dict(data))
    elif entity in h.items:
        h.items[entity].enrolled_on = on


def nothing(*_: Any) -> None:
    """Facts kept for the record (unit costs, extract requests) that fold elsewhere."""


FOLDERS: dict[str, Folder] = {
    "person": person,
    "referral": referral,
    "involvement": involvement,
    "outcome": outcome,
    "measure": measure,
    "contact": contact,
    "connection": connection,
    "community_work": community_work,
    "scheme": scheme,
    "loan": loan,
    "item": item,
    "unit_costs": nothing,
    "extract": nothing,
}
