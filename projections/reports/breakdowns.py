"""Breakdowns for the year to date, as the councillors asked: by district, by deprivation
quintile of the person's LSOA, by referral source, and by age band, sex and ethnicity (the
equality duty), with rates per 10,000 residents where there is a population to divide by."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from domain.person import ETHNIC_GROUPS, SEXES
from domain.reference import AGE_BANDS, ReferralSource
from projections.reports.disclosure import Disclosure
from projections.reports.measures import (
    MEASURES,
    Measure,
    Period,
    people_benefited,
    people_introduced,
)
from projections.reports.model import Cell, Table
from projections.reports.records import History
from projections.reports.reference import Reference

NOT_KNOWN = "Not known"
QUINTILE_NAMES = {
    1: "1 (most deprived)",
    2: "2",
    3: "3",
    4: "4",
    5: "5 (least deprived)",
}
COLUMNS = (
    "People introduced to LAC",
    "People starting an involvement",
    "People with an outcome",
    "Device scheme: people benefited",
)


@dataclass(frozen=True)
class Cohorts:
    """Who counts in each column of a breakdown, for the year to date."""

    columns: tuple[set[UUID], ...]

    @staticmethod
    def of(history: History, period: Period) -> Cohorts:
        def people(
            measure: Measure,
        ) -> set[UUID]:
            return {o[1] for o in measure(history, period) if o[1] is not None}

        outcome_people = {
            o.person_id for o in history.outcomes.values() if not o.withdrawn and period.holds(o.on)
        }
        return Cohorts(
            (
                people(people_introduced),
                people(MEASURES["lac.new_involvements"]),
                outcome_people,
                people(people_benefited),
            )
        )


Grouper = Callable[[UUID], str]
WORDS = {"gp": "GP", "lac": "LAC"}


def label(code: str) -> str:
    """A code as words: family_or_neighbour -> Family or neighbour; gp -> GP."""
    if code == NOT_KNOWN or not code.replace("_", "").isalpha():
        return code
    words = [WORDS.get(w, w) for w in code.split("_")]
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def _rows(
    categories: Sequence[str],
    group: Grouper,
    cohorts: Cohorts,
    disclosure: Disclosure,
    population: dict[str, int] | None,
) -> tuple[tuple[Cell, ...], ...]:
    counts = {c: [0] * len(cohorts.columns) for c in categories}
    category_of = {
        person: group(person) for person in set().union(*cohorts.columns)
    }  # each person looked up once
    for index, cohort in enumerate(cohorts.columns):
        found = Counter(category_of[person] for person in cohort)
        for category, number in found.items():
            counts.setdefault(category, [0] * len(cohorts.columns))[index] += number
    rows = []
    for category, values in counts.items():
        if category == NOT_KNOWN and not any(values):
            continue
        cells = [Cell(label(category)), *(disclosure.count(v) for v in values)]
        if population is not None:
            people = population.get(category)
            cells.append(Cell(f"{people:,}", people) if people else Cell("-"))
            cells.append(disclosure.rate_per_10k(values[0], people))
        rows.append(tuple(cells))
    totals = [sum(col) for col in zip(*counts.values(), strict=True)]
    total_cells = [Cell("All people"), *(disclosure.count(v) for v in totals)]
    if population is not None:
        residents = sum(population.values()) or None
        total_cells.append(Cell(f"{residents:,}", residents) if residents else Cell("-"))
        total_cells.append(disclosure.rate_per_10k(totals[0], residents))
    return (*rows, tuple(total_cells))


def breakdown_tables(
    history: History,
    period: Period,
    reference: Reference,
    districts: Sequence[str],
    disclosure: Disclosure,
) -> tuple[Table, ...]:
    cohorts = Cohorts.of(history, period)
    people = history.people

    def attribute(name: str) -> Grouper:
        def group(person: UUID) -> str:
            found = people.get(person)
            value = getattr(found, name, None) if found else None
            return str(value) if value else NOT_KNOWN

        return group

    def quintile(person: UUID) -> str:
        found = people.get(person)
        q = reference.quintile.get(found.lsoa_code or "") if found else None
        return QUINTILE_NAMES[q] if q else NOT_KNOWN

    first_source: dict[UUID, tuple[object, str]] = {}
    for r in sorted(history.referrals.values(), key=lambda r: r.received_on):
        first_source.setdefault(r.person_id, (r.received_on, r.source))

    def source(person: UUID) -> str:
        found = first_source.get(person)
        return found[1] if found else NOT_KNOWN

    q_population = {QUINTILE_NAMES[q]: n for q, n in reference.quintile_population.items()}
    has_population = bool(reference.district_population)
    specs: tuple[tuple[str, str, Sequence[str], Grouper, dict[str, int] | None], ...] = (
        (
            "by-district",
            "District",
            list(districts),
            attribute("district"),
            reference.district_population if has_population else None,
        ),
        (
            "by-quintile",
            "Deprivation quintile (IMD 2019)",
            list(QUINTILE_NAMES.values()),
            quintile,
            q_population if has_population else None,
        ),
        ("by-source", "Referral source", [s.value for s in ReferralSource], source, None),
        (
            "by-age",
            "Age band (at registration)",
            [label for _l, _h, label in AGE_BANDS],
            attribute("age_band"),
            None,
        ),
        ("by-sex", "Sex", list(SEXES), attribute("sex"), None),
        ("by-ethnicity", "Ethnic group", list(ETHNIC_GROUPS), attribute("ethnicity"), None),
    )
    tables = []
    for table_id, heading, categories, group, population in specs:
        extra = ("Population", "Introduced per 10,000 residents") if population is not None else ()
        tables.append(
            Table(
                id=table_id,
                title=f"Year to date by {heading[0].lower()}{heading[1:]}",
                columns=(heading, *COLUMNS, *extra),
                rows=_rows([*categories, NOT_KNOWN], group, cohorts, disclosure, population),
                notes=_notes(table_id, reference),
            )
        )
    return tuple(tables)


def _notes(table_id: str, reference: Reference) -> tuple[str, ...]:
    notes = ["Each person is counted once per column, in the group they were in as at the report."]
    if table_id == "by-quintile":
        notes.append(
            f"Quintile of the person's LSOA: {reference.imd_edition}; "
            "quintile = decile / 2, rounded up."
        )
    if table_id in ("by-district", "by-quintile"):
        notes.append(
            f"Rates use {reference.population_edition}, from the published (rounded) counts."
        )
    if table_id == "by-source":
        notes.append("Source of the person's first referral (either programme).")
    return tuple(notes)
