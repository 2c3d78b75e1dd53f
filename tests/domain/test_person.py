"""PersonDetails checks, age bands, and the Person and NhsNumberClaim aggregates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from uuid import uuid4

import pytest

from domain.errors import InvalidField
from domain.person import ANALYTIC, PERSONAL, NhsNumberClaim, Person, PersonDetails
from domain.reference import NOTTINGHAMSHIRE_DISTRICTS, age_band, age_on

TODAY = date(2024, 6, 1)
WHEN = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
ACTOR = uuid4()
ANNE = PersonDetails(
    name="  Anne Example ",
    date_of_birth=date(1950, 3, 4),
    postcode="ng181ab",
    district="Mansfield",
    nhs_number="943 476 5919",
    lsoa_code="e01028075",
    address="1 High Street",
    phone="  ",
    sex="female",
)


def checked(details: PersonDetails = ANNE, **changes: Any) -> PersonDetails:
    return replace(details, **changes).checked(NOTTINGHAMSHIRE_DISTRICTS, TODAY)


def new_person(details: PersonDetails = ANNE) -> Person:
    good = checked(details)
    person = Person(
        personal=good.personal(), analytic=good.analytic(TODAY), actor_id=ACTOR, occurred_at=WHEN
    )
    person.collect_events()
    return person


def only_correction(person: Person) -> Person.DetailsCorrected:
    (corrected,) = person.collect_events()
    assert isinstance(corrected, Person.DetailsCorrected)
    return corrected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ng181ab", "NG18 1AB"),
        ("NG18 1AB", "NG18 1AB"),
        (" ng18  1ab ", "NG18 1AB"),
        ("ng11aa", "NG1 1AA"),
        ("s801ab", "S80 1AB"),
        ("sw1a1aa", "SW1A 1AA"),
    ],
)
def test_checked_normalises_postcode(raw: str, expected: str) -> None:
    assert checked(postcode=raw).postcode == expected


def test_checked_normalises_every_field() -> None:
    good = checked()
    assert good.name == "Anne Example"
    assert good.nhs_number == "9434765919"
    assert good.lsoa_code == "E01028075"
    assert good.phone is None  # blank optional text becomes None
    assert good.address == "1 High Street"
    assert good.district == "Mansfield"
    assert good.date_of_birth == date(1950, 3, 4)


def test_checked_allows_missing_optional_fields() -> None:
    good = checked(nhs_number=None, lsoa_code="", sex=None, email=None)
    assert (good.nhs_number, good.lsoa_code, good.sex, good.email) == (None, None, None, None)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"postcode": "NOT A POSTCODE"}, "postcode", "UK postcode"),
        ({"postcode": "12345"}, "postcode", "UK postcode"),
        ({"postcode": ""}, "postcode", "UK postcode"),
        ({"district": "Nottingham City"}, "district", "Nottingham City"),
        ({"district": "mansfield"}, "district", "known: Ashfield"),
        ({"date_of_birth": date(2024, 6, 2)}, "date_of_birth", "future"),
        ({"date_of_birth": date(1900, 1, 1)}, "date_of_birth", "120 years"),
        ({"lsoa_code": "W01000001"}, "lsoa_code", "E01028075"),
        ({"lsoa_code": "E0102807"}, "lsoa_code", "LSOA"),
        ({"name": ""}, "name", "must not be empty"),
        ({"name": "   "}, "name", "must not be empty"),
        ({"name": "x" * 201}, "name", "at most 200 characters (got 201)"),
        ({"nhs_number": "9434765918"}, "nhs_number", "Modulus 11"),
        ({"sex": "unknown"}, "sex", "not_stated"),
        ({"phone": "0" * 41}, "phone", "at most 40"),
        ({"email": "a" * 255}, "email", "at most 254"),
        ({"address": "a" * 501}, "address", "at most 500"),
    ],
)
def test_checked_rejects_bad_values_naming_the_field(
    changes: dict[str, Any], field: str, words: str
) -> None:
    with pytest.raises(InvalidField) as info:
        checked(**changes)
    assert info.value.field == field
    assert words in info.value.message


def test_name_of_exactly_200_characters_and_birth_today_are_allowed() -> None:
    good = checked(name="y" * 200, date_of_birth=TODAY)
    assert len(good.name) == 200
    assert good.analytic(TODAY)["age_band"] == "0-17"


def test_personal_and_analytic_split_the_fields() -> None:
    good = checked()
    assert set(good.personal()) == set(PERSONAL)
    analytic = good.analytic(TODAY)
    assert set(analytic) == set(ANALYTIC)
    assert analytic == {
        "district": "Mansfield",
        "lsoa_code": "E01028075",
        "age_band": "65-74",
        "sex": "female",
        "ethnicity": None,
    }
    assert not set(analytic) & set(good.personal())


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        (date(2010, 1, 1), date(2024, 6, 1), "0-17"),
        (date(2006, 6, 2), date(2024, 6, 1), "0-17"),  # 18 tomorrow
        (date(2006, 6, 1), date(2024, 6, 1), "18-24"),  # 18 today
        (date(1959, 6, 2), date(2024, 6, 1), "55-64"),  # 65 tomorrow
        (date(1959, 6, 1), date(2024, 6, 1), "65-74"),
        (date(1939, 6, 1), date(2024, 6, 1), "85+"),
        (date(1900, 1, 1), date(2024, 6, 1), "85+"),
        (date(2000, 2, 29), date(2018, 2, 28), "0-17"),  # leap-day birthday: 18 on 1 March
        (date(2000, 2, 29), date(2018, 3, 1), "18-24"),
        (date(2024, 6, 1), date(2024, 6, 1), "0-17"),
    ],
)
def test_age_band(born: date, on: date, band: str) -> None:
    assert age_band(born, on) == band


def test_age_on_counts_whole_years() -> None:
    assert age_on(date(1980, 12, 31), date(2024, 12, 30)) == 43
    assert age_on(date(1980, 12, 31), date(2024, 12, 31)) == 44


def test_age_band_refuses_a_birth_after_the_day_measured() -> None:
    with pytest.raises(InvalidField) as info:
        age_band(date(2024, 6, 2), date(2024, 6, 1))
    assert info.value.field == "date_of_birth"


def test_new_person_holds_personal_and_analytic_values() -> None:
    person = new_person()
    assert person.nhs_number == "9434765919"
    assert person.personal["name"] == "Anne Example"
    assert person.analytic["district"] == "Mansfield"
    assert person.details() == checked()
    assert person.cares_for_id is None


def test_correct_records_nothing_when_nothing_changed() -> None:
    person = new_person()
    assert person.correct(checked(), ACTOR, WHEN, TODAY) is False
    assert person.collect_events() == []
    assert person.version == 1


def test_correct_records_only_the_changed_personal_field() -> None:
    person = new_person()
    assert person.correct(checked(phone="01623 000000"), ACTOR, WHEN, TODAY) is True
    corrected = only_correction(person)
    assert corrected.personal == {"phone": "01623 000000"}
    assert corrected.analytic == {}
    assert corrected.actor_id == ACTOR
    assert person.personal["phone"] == "01623 000000"
    assert person.personal["name"] == "Anne Example"
    assert person.version == 2


def test_correct_records_only_the_changed_analytic_field() -> None:
    person = new_person()
    assert person.correct(checked(district="Gedling"), ACTOR, WHEN, TODAY) is True
    corrected = only_correction(person)
    assert corrected.personal is None
    assert corrected.analytic == {"district": "Gedling"}
    assert person.analytic["district"] == "Gedling"


def test_correct_records_both_kinds_of_change_together() -> None:
    person = new_person()
    person.correct(checked(nhs_number=None, lsoa_code="E01028076"), ACTOR, WHEN, TODAY)
    corrected = only_correction(person)
    assert corrected.personal == {"nhs_number": None}
    assert corrected.analytic == {"lsoa_code": "E01028076"}
    assert person.nhs_number is None


def test_correct_recomputes_the_age_band_on_the_day_of_correction() -> None:
    person = new_person(replace(ANNE, date_of_birth=date(1959, 6, 2)))
    assert person.analytic["age_band"] == "55-64"
    later = date(2024, 6, 2)
    assert person.correct(checked(date_of_birth=date(1959, 6, 2)), ACTOR, WHEN, later)
    corrected = only_correction(person)
    assert corrected.personal is None
    assert corrected.analytic == {"age_band": "65-74"}


def test_link_carer_refuses_self() -> None:
    person = new_person()
    with pytest.raises(InvalidField) as info:
        person.link_carer(person.id, "partner", ACTOR, WHEN)
    assert info.value.field == "cares_for_id"
    assert "own carer" in info.value.message
    assert person.collect_events() == []
    assert person.cares_for_id is None


def test_link_carer_records_the_link_and_checks_relationship() -> None:
    person, cared_for = new_person(), uuid4()
    with pytest.raises(InvalidField) as info:
        person.link_carer(cared_for, "  ", ACTOR, WHEN)
    assert info.value.field == "relationship"
    person.link_carer(cared_for, " daughter ", ACTOR, WHEN)
    (linked,) = person.collect_events()
    assert isinstance(linked, Person.CarerLinked)
    assert (person.cares_for_id, person.carer_relationship) == (cared_for, "daughter")


def test_nhs_number_claim_release_and_reclaim() -> None:
    claim_id, first, second = uuid4(), uuid4(), uuid4()
    claim = NhsNumberClaim(claim_id=claim_id, person_id=first)
    assert (claim.id, claim.person_id) == (claim_id, first)
    claim.release()
    assert claim.person_id is None
    claim.reclaim(second)
    assert claim.person_id == second
    assert [type(e) for e in claim.collect_events()] == [
        NhsNumberClaim.Claimed,
        NhsNumberClaim.Released,
        NhsNumberClaim.Reclaimed,
    ]
