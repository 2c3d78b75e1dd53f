"""Disclosure control at the edges, and in every table of a published report.

NHS Digital's rule is the default: 0 stays 0; 1 to 7 are shown as *; 8 and above are rounded
to the nearest 5 (halves up); percentages come from the rounded figures; means and medians are
suppressed below 8 people. The internal view shows the raw figures; money is never suppressed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from domain.codes import ContactMode, ContactPurpose, OutcomeDomain, Participant
from domain.contact import ContactDetails
from domain.outcomes import OutcomeRecord
from domain.person import PersonDetails
from domain.reference import Programme, ReferralSource
from projections.imd import load_imd
from projections.reports.build import build_report
from projections.reports.definitions import load_definitions
from projections.reports.disclosure import Disclosure, DisclosureRule
from projections.reports.measures import MEASURES
from projections.reports.model import Cell, Report, Table
from projections.reports.request import ReportContext, ReportRequest
from tests.api.seed_helpers import IMD, POPULATION, MakeRuntime, notts_imd_file, runtime_factory

PUBLISHED = Disclosure(DisclosureRule(), "published")
INTERNAL = Disclosure(DisclosureRule(), "internal")
IN_CI = os.environ.get("CI", "").lower() == "true"
needs_imd = pytest.mark.skipif(
    not IMD.exists() and not IN_CI, reason=f"the IMD 2019 reference files are not at {IMD}"
)


# the rule at the edges ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (0, "0"),
        (1, "*"),
        (7, "*"),
        (8, "10"),  # 8 / 5 = 1.6 -> 2
        (12, "10"),  # 2.4 -> 2
        (13, "15"),  # 2.6 -> 3
        (17, "15"),  # 3.4 -> 3
        (18, "20"),  # 3.6 -> 4
        (22, "20"),
        (23, "25"),
        (1234, "1,235"),  # thousands are grouped; 246.8 -> 247
    ],
)
def test_counts_are_suppressed_below_8_and_rounded_to_the_nearest_5(raw: int, shown: str) -> None:
    cell = PUBLISHED.count(raw)
    assert cell.text == shown
    if shown == "*":
        assert (cell.number, cell.suppressed) == (None, True)
    else:
        assert cell.number == int(shown.replace(",", ""))
        assert not cell.suppressed


def test_a_half_rounds_up() -> None:
    # 12.5 is not a count, but the base can make a half: with round_to=10, 15 -> 20 and 25 -> 30.
    rule = DisclosureRule(smallest_shown=8, round_to=10)
    assert [rule.count(v) for v in (14, 15, 24, 25)] == [10, 20, 20, 30]
    assert DisclosureRule().count(7) is None


def test_percentages_are_worked_out_from_the_rounded_figures() -> None:
    assert PUBLISHED.percentage(8, 13).text == "67%"  # 10 of 15, not 8 of 13 (62%)
    assert PUBLISHED.percentage(8, 13).number == Decimal(67)
    assert PUBLISHED.percentage(13, 13).text == "100%"
    assert PUBLISHED.percentage(0, 13).text == "0%"  # 0 stays 0, and 0 of 15 is 0%
    assert PUBLISHED.percentage(12, 18).text == "50%"  # 10 of 20
    assert PUBLISHED.percentage(0, 0).text == "-"  # nothing to divide by


@pytest.mark.parametrize(("top", "bottom"), [(3, 20), (8, 7), (1, 1), (7, 100)])
def test_a_percentage_with_a_suppressed_part_is_suppressed(top: int, bottom: int) -> None:
    cell = PUBLISHED.percentage(top, bottom)
    assert (cell.text, cell.number, cell.suppressed) == ("*", None, True)


def test_means_and_medians_are_suppressed_below_8_people_and_shown_at_8() -> None:
    mean = Decimal("2.345")
    assert PUBLISHED.statistic(mean, 7).text == "*"
    assert PUBLISHED.statistic(mean, 7).suppressed
    assert PUBLISHED.statistic(mean, 8).text == "2.3"
    assert PUBLISHED.statistic(Decimal("2.35"), 8).text == "2.4"  # half up
    assert PUBLISHED.signed_statistic(mean, 8).text == "+2.3"
    assert PUBLISHED.signed_statistic(-mean, 8).text == "-2.3"
    assert PUBLISHED.signed_statistic(mean, 1).text == "*"
    assert PUBLISHED.statistic(None, 0).text == "-"  # nothing to average is not a secret
    # Sums over people (hours of support) follow the same threshold.
    assert PUBLISHED.amount(Decimal("3.5"), 7).text == "*"
    assert PUBLISHED.amount(Decimal("3.5"), 8).text == "4"


def test_the_rule_can_be_configured() -> None:
    rule = DisclosureRule(smallest_shown=10, round_to=10)
    strict = Disclosure(rule, "published")
    shown = {v: strict.count(v).text for v in (0, 1, 9, 10, 14, 15, 24, 25)}
    assert shown == {0: "0", 1: "*", 9: "*", 10: "10", 14: "10", 15: "20", 24: "20", 25: "30"}
    assert strict.percentage(9, 40).text == "*"
    assert strict.percentage(14, 25).text == "33%"  # 10 of 30
    assert strict.statistic(Decimal(5), 9).text == "*"
    assert strict.statistic(Decimal(5), 10).text == "5.0"
    assert "1 to 9 shown as *" in strict.describe()
    assert "rounded to the nearest 10" in strict.describe()
    assert "fewer than 10 people" in strict.describe()
    with pytest.raises(ValueError, match="at least 1"):
        DisclosureRule(smallest_shown=0)
    with pytest.raises(ValueError, match="at least 1"):
        DisclosureRule(round_to=0)


def test_the_internal_view_shows_raw_figures_and_says_so() -> None:
    assert [INTERNAL.count(v).text for v in (0, 1, 7, 8, 12, 13)] == [
        "0",
        "1",
        "7",
        "8",
        "12",
        "13",
    ]
    assert INTERNAL.percentage(8, 13).text == "62%"  # 61.5 -> 62 from the raw figures
    assert INTERNAL.percentage(3, 20).text == "15%"
    assert INTERNAL.statistic(Decimal("2.345"), 1).text == "2.3"
    assert INTERNAL.amount(Decimal("3.5"), 1).text == "4"
    assert INTERNAL.describe() == "Internal view: no disclosure control applied."
    assert PUBLISHED.describe().startswith("0 stays 0; 1 to 7 shown as *; 8 and above rounded")


def test_rates_per_10000_use_the_published_count() -> None:
    assert PUBLISHED.rate_per_10k(13, 20_000).text == "7.5"  # 15 x 10,000 / 20,000
    assert INTERNAL.rate_per_10k(13, 20_000).text == "6.5"  # 13 x 10,000 / 20,000
    assert PUBLISHED.rate_per_10k(8, 30_000).text == "3.3"  # 10 x 10,000 / 30,000 = 3.33
    assert PUBLISHED.rate_per_10k(0, 30_000).text == "0.0"
    assert PUBLISHED.rate_per_10k(5, 30_000).text == "*"  # a rate would give the count away
    assert PUBLISHED.rate_per_10k(13, None).text == "-"
    assert PUBLISHED.rate_per_10k(13, 0).text == "-"


@pytest.mark.parametrize("view", [PUBLISHED, INTERNAL])
def test_money_is_never_suppressed_and_is_shown_to_the_pound(view: Disclosure) -> None:
    assert view.money(Decimal("3.50")).text == "£4"
    assert view.money(Decimal("3.49")).text == "£3"
    assert view.money(Decimal(0)).text == "£0"
    assert view.money(Decimal("1234567.5")).text == "£1,234,568"
    assert view.money(Decimal("-12.5")).text == "-£13"
    assert not view.money(Decimal(5)).suppressed


# a published report --------------------------------------------------------------------------

STAFF = uuid4()
DISTRICT_POPULATION = {  # IoD2019 denominators (mid-2015), summed over each district's LSOAs
    "Ashfield": 123_577,
    "Bassetlaw": 113_741,
    "Broxtowe": 111_837,
    "Gedling": 116_142,
    "Mansfield": 106_780,
    "Newark and Sherwood": 117_839,
    "Rushcliffe": 113_712,
}
# district, LSOA (IMD 2019 quintile), referral source, born, sex, how many such people
COHORTS: tuple[tuple[str, str, ReferralSource, date, str, int], ...] = (
    ("Mansfield", "E01028226", ReferralSource.GP, date(1950, 1, 1), "female", 9),  # q1
    ("Mansfield", "E01028219", ReferralSource.SELF, date(1985, 1, 1), "male", 4),  # q5
    ("Ashfield", "E01027930", ReferralSource.GP, date(1950, 1, 1), "male", 4),  # q1
    ("Ashfield", "E01027925", ReferralSource.SELF, date(1970, 1, 1), "female", 4),  # q3
    ("Bassetlaw", "E01028001", ReferralSource.HOUSING, date(1999, 1, 1), "female", 4),  # q1
    ("Gedling", "E01028142", ReferralSource.HOUSING, date(1940, 1, 1), "male", 1),  # q3
)
# 13 in Mansfield, 8 in Ashfield, 4 in Bassetlaw, 1 in Gedling: 26 in all.


@dataclass(frozen=True)
class Reports:
    published: Report
    internal: Report


@pytest.fixture(scope="module")
def make_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRuntime]:
    yield from runtime_factory(tmp_path_factory)


@pytest.fixture(scope="module")
def reports(make_runtime: MakeRuntime, tmp_path_factory: pytest.TempPathFactory) -> Reports:
    runtime = make_runtime()
    load_imd(runtime.engine, notts_imd_file(tmp_path_factory), POPULATION)
    app = runtime.app
    day = datetime(2021, 4, 6, 10, tzinfo=UTC)
    number = 0
    for district, lsoa, source, born, sex, count in COHORTS:
        for _ in range(count):
            number += 1
            day += timedelta(days=7)
            details = PersonDetails(
                f"Person {number}", born, "NG18 1AB", district, lsoa_code=lsoa, sex=sex
            )
            person, referral = app.register_and_refer(
                details, Programme.LAC, source, None, ["lonely"], True, STAFF, occurred_at=day
            )
            if number % 5 == 0:
                continue  # 5 of the 26 are not accepted
            app.accept_referral(referral.id, STAFF, STAFF, day + timedelta(days=1))
            contact_at = datetime.combine(day.date() + timedelta(days=2), time(11, tzinfo=UTC))
            contact = ContactDetails(
                contact_at,
                20,
                ContactMode.PHONE,
                (Participant.PERSON,),
                (ContactPurpose.LISTENING,),
            )
            app.log_contact(person.id, contact, STAFF)
            if number <= 12:
                outcome = OutcomeRecord(
                    OutcomeDomain.CRISIS_AVOIDED, None, day.date() + timedelta(days=3), "at home"
                )
                app.record_outcome(person.id, outcome, STAFF)
    runtime.catch_up()
    context = ReportContext(runtime.engine, runtime.settings.districts)
    return Reports(
        build_report(context, ReportRequest(2021, 4, "published")),
        build_report(context, ReportRequest(2021, 4, "internal")),
    )


def by_id(report: Report, table_id: str) -> Table:
    return next(t for t in report.tables() if t.id == table_id)


def column(table: Table, heading: str) -> dict[str, Cell]:
    index = table.columns.index(heading)
    return {row[0].text: row[index] for row in table.rows}


BREAKDOWN_COUNTS = (
    "People introduced to LAC",
    "People starting an involvement",
    "People with an outcome",
    "Device scheme: people benefited",
)
# Table -> the columns that hold counts of people or events (the rest are labels, populations,
# rates, money, or text). The performance table's count rows are found from the definitions.
COUNT_COLUMNS: dict[str, tuple[str, ...]] = {
    "by-month": ("People introduced to LAC", "People with an outcome recorded"),
    "by-district": BREAKDOWN_COUNTS,
    "by-quintile": BREAKDOWN_COUNTS,
    "by-source": BREAKDOWN_COUNTS,
    "by-age": BREAKDOWN_COUNTS,
    "by-sex": BREAKDOWN_COUNTS,
    "by-ethnicity": BREAKDOWN_COUNTS,
    "value-for-money": ("Outcomes counted",),
}
NO_COUNTS = ("definitions", "value-summary")
COUNTED_LABELS = {
    i.label for i in load_definitions(None, MEASURES).indicators if i.figure in ("people", "count")
}


def published_counts(report: Report) -> Iterator[tuple[str, str, Cell]]:
    """(table, where, cell) for every cell of the report that holds a count."""
    for table in report.tables():
        if table.id == "performance":
            quarters = range(3, len(table.columns))
            for row in table.rows:
                if row[1].text in COUNTED_LABELS:
                    yield from ((table.id, f"{row[1].text}/{i}", row[i]) for i in quarters)
                for i in quarters:  # the n of a mean change is a count too
                    for n in re.findall(r"\(n=([^)]*)\)", row[i].text):
                        yield table.id, f"{row[1].text}/{i}/n", Cell(n, _number(n))
            continue
        assert table.id in COUNT_COLUMNS or table.id in NO_COUNTS, f"unclassified {table.id}"
        for heading in COUNT_COLUMNS.get(table.id, ()):
            index = table.columns.index(heading)
            for row in table.rows:
                yield table.id, f"{row[0].text}/{heading}", row[index]


def _number(text: str) -> int | None:
    return int(text.replace(",", "")) if re.fullmatch(r"[\d,]+", text) else None


@needs_imd
def test_no_published_table_shows_a_count_from_1_to_7(reports: Reports) -> None:
    seen: set[str] = set()
    for table_id, where, cell in published_counts(reports.published):
        seen.add(table_id)
        value = _number(cell.text)
        if value is None:
            assert cell.text in ("*", "", "-"), (table_id, where, cell)
            assert cell.number is None, (table_id, where, cell)
            continue
        assert value == 0 or (value >= 8 and value % 5 == 0), (table_id, where, cell)
        assert cell.number is None or cell.number == value, (table_id, where, cell)
    assert seen == {"performance", *COUNT_COLUMNS}  # every table with counts was scanned


@needs_imd
def test_the_internal_report_does_show_the_small_counts(reports: Reports) -> None:
    small = [
        cell.text
        for _table, _where, cell in published_counts(reports.internal)
        if (n := _number(cell.text)) is not None and 1 <= n <= 7
    ]
    assert small  # the scan above would have found them had they been published


@needs_imd
def test_the_district_table_as_published(reports: Reports) -> None:
    table = by_id(reports.published, "by-district")
    introduced = column(table, "People introduced to LAC")
    assert {k: v.text for k, v in introduced.items()} == {
        "Ashfield": "10",  # 8
        "Bassetlaw": "*",  # 4
        "Broxtowe": "0",
        "Gedling": "*",  # 1
        "Mansfield": "15",  # 13
        "Newark and Sherwood": "0",
        "Rushcliffe": "0",
        "All people": "25",  # 26
    }
    # People with an outcome: people 1 to 12 (all in Mansfield), less the 5th and the 10th,
    # who were not accepted: 10.
    outcomes = column(table, "People with an outcome")
    assert (outcomes["Mansfield"].text, outcomes["Ashfield"].text) == ("10", "0")
    assert outcomes["All people"].text == "10"
    population = column(table, "Population")
    assert {k: v.number for k, v in population.items()} == {
        **DISTRICT_POPULATION,
        "All people": sum(DISTRICT_POPULATION.values()),
    }


@needs_imd
def test_rates_per_10000_residents_are_worked_out_from_the_published_counts(
    reports: Reports,
) -> None:
    published = column(by_id(reports.published, "by-district"), "Introduced per 10,000 residents")
    internal = column(by_id(reports.internal, "by-district"), "Introduced per 10,000 residents")
    # 15 x 10,000 / 106,780 = 1.40; 10 x 10,000 / 123,577 = 0.81; 25 x 10,000 / 803,628 = 0.31
    assert published["Mansfield"].text == "1.4"
    assert published["Ashfield"].text == "0.8"
    assert published["Bassetlaw"].text == "*"
    assert published["Broxtowe"].text == "0.0"
    assert published["All people"].text == "0.3"
    # Internal: 13 x 10,000 / 106,780 = 1.22; 8 x 10,000 / 123,577 = 0.65; 4 / 113,741 = 0.35
    assert internal["Mansfield"].text == "1.2"
    assert internal["Ashfield"].text == "0.6"
    assert internal["Bassetlaw"].text == "0.4"


@needs_imd
def test_quintiles_and_equality_breakdowns_as_published(reports: Reports) -> None:
    quintile = column(by_id(reports.published, "by-quintile"), "People introduced to LAC")
    # q1: 9 + 4 + 4 = 17 -> 15; q3: 4 + 1 = 5; q5: 4
    assert {k: v.text for k, v in quintile.items()} == {
        "1 (most deprived)": "15",
        "2": "0",
        "3": "*",
        "4": "0",
        "5 (least deprived)": "*",
        "All people": "25",
    }
    source = column(by_id(reports.published, "by-source"), "People introduced to LAC")
    assert (source["GP"].text, source["Self"].text, source["Housing"].text) == ("15", "10", "*")
    sex = column(by_id(reports.published, "by-sex"), "People introduced to LAC")
    assert (sex["Female"].text, sex["Male"].text) == ("15", "10")  # 17 and 9


@needs_imd
def test_the_performance_table_as_published(reports: Reports) -> None:
    table = by_id(reports.published, "performance")
    rows = {r[1].text: tuple(c.text for c in r[3:]) for r in table.rows}
    # Introduced weekly from 13 April 2021: 12 in Q1, 13 in Q2, 1 in Q3 (5 October); 26 in all.
    introduced = rows["People introduced to Local Area Coordination"]
    assert introduced == ("10", "15", "*", "0", "25")
    # 21 contacts of 20 minutes for 21 people = 7 hours, shown because 21 >= 8 people.
    assert rows["Hours of support contacts"][4] == "7"
    # The mean change has no pairs at all: nothing to suppress.
    assert rows["Mean change in wellbeing (SWEMWBS metric score)"] == ("-",) * 5
    # Money is never suppressed, even at £0.
    assert rows["Spend: tablets and accessories (£)"] == ("£0",) * 5
