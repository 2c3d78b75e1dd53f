"""The versioned indicator definitions: the shipped file, files that must be refused, and a
council's own file changing the report."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from projections.reports.build import build_report
from projections.reports.definitions import SHIPPED, YTD_FOR, BadDefinitions, load_definitions
from projections.reports.measures import MEASURES, Period
from projections.reports.model import Report
from projections.reports.records import History
from projections.reports.request import ReportContext, ReportRequest
from tests.api.seed_helpers import MakeRuntime, runtime_factory

FIGURE_YTD = {
    "people": "distinct",
    "count": ("sum", "latest"),
    "hours": "sum",
    "money": "sum",
    "rate": "rate",
    "median": "pooled",
    "change": "pooled",
}


def test_the_shipped_definitions_load() -> None:
    definitions = load_definitions(None, MEASURES)
    assert definitions.version == "2021.1"
    ids = [i.id for i in definitions.indicators]
    assert len(ids) == len(set(ids)) == 32
    assert ids[:3] == ["people_introduced", "new_involvements", "active_involvements"]
    services = {i.service for i in definitions.indicators}
    assert services == {"Local Area Coordination", "Digital device scheme"}
    assert definitions.digest == load_definitions(SHIPPED, MEASURES).digest
    people = definitions.indicators[0]
    assert people.target(2021) == 450
    assert people.target(2022) == 500
    assert people.target(2023) is None


def test_every_measure_named_exists_and_every_ytd_fits_its_figure() -> None:
    raw = tomllib.loads(SHIPPED.read_text("utf-8"))["indicator"]
    year = Period(date(2021, 4, 1), date(2022, 3, 31))
    for entry in raw:
        assert entry["measure"] in MEASURES, entry["id"]
        allowed = FIGURE_YTD[entry["figure"]]
        assert entry["ytd"] in (allowed if isinstance(allowed, tuple) else (allowed,))
        # Each measure runs, and an empty history has nothing to count.
        assert MEASURES[entry["measure"]](History(0), year) == [], entry["id"]
    assert set(YTD_FOR) == set(FIGURE_YTD)


def test_every_outcome_domain_and_spend_line_has_its_row() -> None:
    measures = {i.measure for i in load_definitions(None, MEASURES).indicators}
    outcomes = {m for m in MEASURES if m.startswith("lac.outcome.")}
    spend = {m for m in MEASURES if m.startswith("devices.spend.")}
    assert outcomes <= measures
    assert spend <= measures
    assert len(outcomes) == 8
    assert len(spend) == 4


# files that must be refused ----------------------------------------------------------------

GOOD: dict[str, Any] = {
    "id": "people_introduced",
    "service": "Local Area Coordination",
    "label": "People introduced",
    "measure": "lac.people_introduced",
    "figure": "people",
    "ytd": "distinct",
    "events": "Referral.Received",
    "counts": "Different people referred.",
    "targets": {"2021": 450},
}
SECOND: dict[str, Any] = {
    **GOOD,
    "id": "contacts",
    "label": "Support contacts",
    "measure": "lac.support_contacts",
    "figure": "count",
    "ytd": "sum",
}


def toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f'"{k}" = {toml_value(v)}' for k, v in value.items()) + " }"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return str(value).lower() if isinstance(value, bool) else str(value)


def write(tmp_path: Path, *indicators: dict[str, Any], version: str = "test-1") -> Path:
    lines = [f"version = {toml_value(version)}", ""]
    for indicator in indicators:
        lines.append("[[indicator]]")
        lines.extend(f"{k} = {toml_value(v)}" for k, v in indicator.items())
        lines.append("")
    path = tmp_path / "indicators.toml"
    path.write_text("\n".join(lines), "utf-8")
    return path


def refused(path: Path) -> str:
    with pytest.raises(BadDefinitions) as error:
        load_definitions(path, MEASURES)
    message = str(error.value)
    assert str(path) in message
    return message


def test_a_minimal_file_of_two_indicators_loads(tmp_path: Path) -> None:
    definitions = load_definitions(write(tmp_path, GOOD, SECOND), MEASURES)
    assert [i.id for i in definitions.indicators] == ["people_introduced", "contacts"]
    assert definitions.version == "test-1"


def test_an_unknown_measure_is_refused_naming_the_indicator_and_measure(tmp_path: Path) -> None:
    message = refused(write(tmp_path, GOOD, {**SECOND, "measure": "lac.happiness"}))
    assert "indicator 2" in message
    assert "unknown measure 'lac.happiness'" in message


@pytest.mark.parametrize(
    ("figure", "ytd", "allowed"),
    [
        ("people", "sum", "distinct"),  # adding up people counts someone twice
        ("count", "distinct", "sum or latest"),
        ("median", "sum", "pooled"),  # medians do not add up
        ("rate", "latest", "rate"),
        ("money", "pooled", "sum"),
    ],
)
def test_a_year_to_date_that_does_not_fit_the_figure_is_refused(
    tmp_path: Path, figure: str, ytd: str, allowed: str
) -> None:
    message = refused(write(tmp_path, {**GOOD, "figure": figure, "ytd": ytd}))
    assert f"indicator 1: a {figure} figure takes ytd {allowed}" in message


def test_an_unknown_figure_is_refused(tmp_path: Path) -> None:
    message = refused(write(tmp_path, {**GOOD, "figure": "vibes"}))
    assert "indicator 1: figure must be one of people, count" in message


@pytest.mark.parametrize("field", ["label", "id", "measure", "service", "counts"])
def test_a_missing_or_blank_text_field_is_refused_naming_it(tmp_path: Path, field: str) -> None:
    missing = {k: v for k, v in SECOND.items() if k != field}
    assert f"indicator 2: {field} must be a non-empty string" in refused(
        write(tmp_path, GOOD, missing)
    )
    blank = {**SECOND, field: "   "}
    assert f"indicator 2: {field} must be a non-empty string" in refused(
        write(tmp_path, GOOD, blank)
    )


@pytest.mark.parametrize("target", ["lots", True, [450]])
def test_a_target_that_is_not_a_number_is_refused(tmp_path: Path, target: Any) -> None:
    path = write(tmp_path, GOOD)
    text = path.read_text().replace('{ "2021" = 450 }', f'{{ "2021" = {_raw(target)} }}')
    path.write_text(text)
    assert "indicator 1: target for 2021 must be a number" in refused(path)


def _raw(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return toml_value(value)


def test_a_target_year_that_is_not_a_year_is_refused(tmp_path: Path) -> None:
    message = refused(write(tmp_path, {**GOOD, "targets": {"2021/22": 450}}))
    assert "indicator 1: target year '2021/22' must be like 2021" in message


def test_targets_that_are_not_a_table_are_refused(tmp_path: Path) -> None:
    message = refused(write(tmp_path, {**GOOD, "targets": 450}))
    assert "indicator 1: targets must be a table of year = number" in message


def test_a_duplicate_id_is_refused_naming_the_id(tmp_path: Path) -> None:
    message = refused(write(tmp_path, GOOD, {**SECOND, "id": "people_introduced"}))
    assert "indicator 2: id 'people_introduced' is used twice" in message
    # Which id is repeated: a council editing a long file needs to know.
    assert "people_introduced" in message


def test_a_file_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "indicators.toml"
    path.write_text('version = "1"\n[[indicator]\nid = "x"\n', "utf-8")
    assert "cannot be read as TOML" in refused(path)
    path.write_bytes(b"\xff\xfe not utf-8")
    assert "cannot be read as TOML" in refused(path)
    missing = tmp_path / "nowhere.toml"
    assert "cannot be read as TOML" in refused(missing)


def test_a_file_without_version_or_indicators_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "indicators.toml"
    path.write_text('[[indicator]]\nid = "x"\n', "utf-8")
    assert "needs a version string" in refused(path)
    path.write_text('version = "1"\n', "utf-8")
    assert "needs at least one [[indicator]]" in refused(path)


# a council's own file --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def make_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRuntime]:
    yield from runtime_factory(tmp_path_factory)


def report(make_runtime: MakeRuntime, definitions: Path | None) -> Report:
    runtime = make_runtime()
    context = ReportContext(
        runtime.engine, runtime.settings.districts, definitions_file=definitions
    )
    return build_report(context, ReportRequest(2021, 2, "internal"))


def test_a_councils_own_file_changes_the_annual_plan_label_and_version(
    make_runtime: MakeRuntime, tmp_path: Path
) -> None:
    own = tmp_path / "notts-indicators.toml"
    text = SHIPPED.read_text("utf-8")
    text = text.replace('version = "2021.1"', 'version = "notts-2021.2"', 1)
    text = text.replace(
        'label = "People introduced to Local Area Coordination"',
        'label = "People introduced to LAC (Nottinghamshire count)"',
        1,
    )
    text = text.replace('targets = { "2021" = 450, "2022" = 500 }', 'targets = { "2021" = 475 }', 1)
    own.write_text(text, "utf-8")

    shipped, theirs = report(make_runtime, None), report(make_runtime, own)
    first = shipped.tables()[0].rows[0]
    assert (first[1].text, first[2].text) == ("People introduced to Local Area Coordination", "450")
    row = theirs.tables()[0].rows[0]
    assert (row[1].text, row[2].text) == ("People introduced to LAC (Nottinghamshire count)", "475")
    assert row[2].number == 475
    assert shipped.footer.definitions_version == "2021.1"
    assert theirs.footer.definitions_version == "notts-2021.2"
    assert "Indicator definitions version notts-2021.2." in theirs.footer.lines()
    definitions = next(t for t in theirs.tables() if t.id == "definitions")
    assert "version notts-2021.2" in definitions.title
    # Same (empty) facts, different definitions: the inputs digest must say so.
    assert theirs.footer.digest != shipped.footer.digest
    # The rest of the table is the shipped one.
    assert [r[1].text for r in theirs.tables()[0].rows[1:]] == [
        r[1].text for r in shipped.tables()[0].rows[1:]
    ]


def test_a_bad_councils_file_stops_the_report(make_runtime: MakeRuntime, tmp_path: Path) -> None:
    bad = write(tmp_path, {**GOOD, "measure": "lac.nope"})
    with pytest.raises(BadDefinitions, match=r"unknown measure 'lac\.nope'"):
        report(make_runtime, bad)
