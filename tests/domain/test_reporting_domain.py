"""Reporting in the domain, on in-memory (popo) persistence: the unit-cost table used for the
value-for-money estimate, and the record of each pseudonymised extract handed out."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.application import LacApplication
from domain.cipher_cache import InMemoryKeyStore
from domain.errors import InvalidField
from domain.reporting import UNIT_COSTS_ID, EvaluationExtract, UnitCost, UnitCostTable

ADMIN, EVALUATOR = uuid4(), uuid4()
GP = UnitCost(
    "gp_appointment", "A GP appointment", Decimal(39), "visits.gp", Decimal(1), "PSSRU 2021"
)
EVICTION = UnitCost(
    "eviction",
    "An eviction and the housing duty that follows",
    Decimal(7000),
    "home_kept_or_found/eviction_prevented",
    Decimal(1),
    "Housing team, 2021",
)
PROGRAMME = {"2021": Decimal(172_262)}


def new_app() -> LacApplication:
    env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    return LacApplication(env, claim_secret=b"test", key_store=InMemoryKeyStore())


@pytest.fixture
def app() -> LacApplication:
    return new_app()


# unit costs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("costs", "field"),
    [
        ([replace(GP, key="GP appointment")], "unit_costs.0.key"),
        ([replace(GP, key="g")], "unit_costs.0.key"),  # at least two characters
        ([GP, replace(EVICTION, key="9lives")], "unit_costs.1.key"),
        ([GP, replace(EVICTION, amount=Decimal(-1))], "unit_costs.1.amount"),
        ([replace(GP, amount=Decimal(10_000_001))], "unit_costs.0.amount"),
        ([replace(GP, applies_to="visits.dentist")], "unit_costs.0.applies_to"),
        ([replace(GP, applies_to="home_kept_or_found/won_the_lottery")], "unit_costs.0.applies_to"),
        ([replace(GP, quantity=Decimal(0))], "unit_costs.0.quantity"),
        ([replace(GP, label="  ")], "unit_costs.0.label"),
        ([replace(GP, source="")], "unit_costs.0.source"),
        ([GP, EVICTION, replace(EVICTION, label="Again")], "unit_costs"),  # duplicate key
    ],
)
def test_a_bad_unit_cost_is_refused_naming_the_field(
    app: LacApplication, costs: list[UnitCost], field: str
) -> None:
    with pytest.raises(InvalidField) as error:
        app.set_unit_costs(costs, PROGRAMME, ADMIN)
    assert error.value.field == field
    assert str(error.value).startswith(f"{field}: ")
    assert UNIT_COSTS_ID not in app.repository  # nothing was recorded


def test_a_duplicate_key_says_each_key_may_appear_once(app: LacApplication) -> None:
    with pytest.raises(InvalidField, match="each key may appear once"):
        app.set_unit_costs([GP, replace(GP, label="Another GP cost")], PROGRAMME, ADMIN)


@pytest.mark.parametrize(
    ("programme", "field"),
    [
        ({"2021/22": Decimal(1)}, "programme_costs"),  # not a financial year such as 2021
        ({"21": Decimal(1)}, "programme_costs"),
        ({"1999": Decimal(1)}, "programme_costs"),
        ({"2021": Decimal(-1)}, "programme_costs.2021"),
        ({"2022": Decimal(100_000_001)}, "programme_costs.2022"),
    ],
)
def test_a_bad_programme_year_or_cost_is_refused(
    app: LacApplication, programme: dict[str, Decimal], field: str
) -> None:
    with pytest.raises(InvalidField) as error:
        app.set_unit_costs([GP], programme, ADMIN)
    assert error.value.field == field
    assert UNIT_COSTS_ID not in app.repository


def test_setting_the_costs_records_them_checked_and_as_text(app: LacApplication) -> None:
    padded = replace(GP, label="  A GP appointment  ")
    recorded = app.set_unit_costs([padded, EVICTION], PROGRAMME, ADMIN)
    assert recorded.id == UNIT_COSTS_ID
    assert recorded.version == 2  # the table was started, then set
    table: UnitCostTable = app.repository.get(UNIT_COSTS_ID)
    assert [c["key"] for c in table.costs] == ["gp_appointment", "eviction"]
    assert table.costs[0] == {
        "key": "gp_appointment",
        "label": "A GP appointment",
        "amount": "39",
        "applies_to": "visits.gp",
        "quantity": "1",
        "source": "PSSRU 2021",
    }
    assert table.programme_costs == {"2021": "172262"}


def test_a_second_set_replaces_the_first(app: LacApplication) -> None:
    app.set_unit_costs([GP, EVICTION], PROGRAMME, ADMIN)
    dearer = replace(GP, amount=Decimal("42.50"), source="PSSRU 2022")
    second = app.set_unit_costs([dearer], {"2022": Decimal(170_558)}, ADMIN)
    assert (second.id, second.version) == (UNIT_COSTS_ID, 3)
    table: UnitCostTable = app.repository.get(UNIT_COSTS_ID)
    assert [(c["key"], c["amount"], c["source"]) for c in table.costs] == [
        ("gp_appointment", "42.50", "PSSRU 2022")
    ]
    assert table.programme_costs == {"2022": "170558"}  # 2021's is gone, not merged
    events = list(app.events.get(UNIT_COSTS_ID))
    assert [type(e).__qualname__ for e in events] == [
        "UnitCostTable.Started",
        "UnitCostTable.Set",
        "UnitCostTable.Set",
    ]
    # The first set stays in the log: a report as at a past position uses the costs then.
    first_set = events[1]
    assert isinstance(first_set, UnitCostTable.Set)
    assert [c["key"] for c in first_set.costs] == ["gp_appointment", "eviction"]


def test_an_outcome_domain_or_a_visit_count_may_carry_a_cost(app: LacApplication) -> None:
    costs = [
        replace(GP, key="ae", applies_to="visits.ae"),
        replace(GP, key="care_month", applies_to="crisis_avoided", quantity=Decimal("0.5")),
        replace(GP, key="free", amount=Decimal(0), applies_to="less_isolated"),
    ]
    assert app.set_unit_costs(costs, {}, ADMIN).version == 2


# extracts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("purpose", ["", "  ", "evaluate", "  too short  ", "123456789"])
def test_an_extract_needs_a_purpose_of_at_least_10_characters(
    app: LacApplication, purpose: str
) -> None:
    before = app.log_position()
    with pytest.raises(InvalidField) as error:
        app.record_extract(purpose, 2021, 10, 5, "ab" * 32, EVALUATOR)
    assert error.value.field == "purpose"
    assert app.log_position() == before  # nothing recorded


def test_an_extract_request_is_recorded(app: LacApplication) -> None:
    purpose = "Independent evaluation by the university, contract 2021-17"
    recorded = app.record_extract(purpose, 2021, 1234, 57, "cd" * 32, EVALUATOR)
    assert recorded.version == 1
    assert recorded.position == app.log_position()
    extract: EvaluationExtract = app.repository.get(recorded.id)
    assert (extract.purpose, extract.rows) == (purpose, 57)
    (event,) = app.events.get(recorded.id)
    assert isinstance(event, EvaluationExtract.Requested)
    assert (event.purpose, event.year, event.position, event.rows) == (purpose, 2021, 1234, 57)
    assert (event.digest, event.actor_id) == ("cd" * 32, EVALUATOR)


def test_each_extract_is_its_own_record_and_a_year_is_optional(app: LacApplication) -> None:
    first = app.record_extract("For the annual evaluation", None, 10, 3, "ef" * 32, EVALUATOR)
    second = app.record_extract("For the annual evaluation", None, 10, 3, "ef" * 32, EVALUATOR)
    assert first.id != second.id
    assert second.position > first.position
    extract: EvaluationExtract = app.repository.get(first.id)
    assert extract.rows == 3


def test_a_purpose_longer_than_500_characters_is_refused(app: LacApplication) -> None:
    with pytest.raises(InvalidField) as error:
        app.record_extract("x" * 501, 2021, 10, 5, "ab" * 32, EVALUATOR)
    assert error.value.field == "purpose"
