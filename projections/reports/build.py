"""Build a committee report from the report facts as the event log stood at one position."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import Engine, select

from projections.reports.breakdowns import breakdown_tables
from projections.reports.costs import CostTable, default_table, table_from_fact
from projections.reports.definitions import load_definitions
from projections.reports.disclosure import Disclosure
from projections.reports.history import Folded, fold_forward, load_history, position_at
from projections.reports.measures import MEASURES, Period
from projections.reports.model import Cell, Chart, Footer, Report, Section, Series, Table
from projections.reports.performance import (
    definitions_table,
    performance_table,
    year_label,
    year_to_date,
)
from projections.reports.records import History
from projections.reports.reference import Reference, load_reference
from projections.reports.request import (
    QUARTER_MONTHS,
    ReportContext,
    ReportNotReady,
    ReportRequest,
)
from projections.reports.value import value_table
from projections.tables import projection_positions

Progress = Callable[[str], None]
FACTS_PROJECTION = "report_facts"
# Reports in one process are built one at a time: the kept history is folded in place.
reports_lock = threading.RLock()
_heads: dict[str, Folded] = {}
_older: dict[str, History] = {}


def facts_projected_to(engine: Engine) -> int:
    """How far the report-facts projection has read the event log."""
    query = select(projection_positions.c.position).where(
        projection_positions.c.name == FACTS_PROJECTION
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def resolve_position(context: ReportContext, request: ReportRequest) -> int:
    have = facts_projected_to(context.engine)
    if request.as_at is not None:
        return position_at(context.engine, request.as_at)
    if request.position is None:
        return have
    if request.position > have:
        raise ReportNotReady(request.position, have)
    return request.position


def history_at(engine: Engine, position: int) -> History:
    """The folded history at `position`. Call with `reports_lock` held.

    The newest history asked for is kept and moved forward by folding only the facts recorded
    since, so a report on a growing log does not re-read it all; an older position is folded
    afresh (and the last one kept).
    """
    key = engine.url.render_as_string(hide_password=True)
    head = _heads.get(key)
    if head is None or head.history.position <= position:
        if head is None:
            head = _heads[key] = Folded(History(0))
        fold_forward(engine, head, position)
        return head.history
    older = _older.get(key)
    if older is None or older.position != position:
        older = _older[key] = load_history(engine, position)
    return older


def forget_histories() -> None:
    """Drop every kept history (the next report reads the log afresh)."""
    with reports_lock:
        _heads.clear()
        _older.clear()


def _costs(history: History) -> CostTable:
    if history.unit_costs is None:
        return default_table()
    return table_from_fact(*history.unit_costs)


def build_report(
    context: ReportContext, request: ReportRequest, progress: Progress | None = None
) -> Report:
    with reports_lock:
        return _build(context, request.checked(datetime.now(UTC).date()), progress)


def _build(context: ReportContext, request: ReportRequest, progress: Progress | None) -> Report:
    step = progress or (lambda _name: None)
    position = resolve_position(context, request)
    step("Reading the event log")
    history = history_at(context.engine, position)
    definitions = load_definitions(context.definitions_file, MEASURES)
    disclosure = Disclosure(context.rule, request.view)
    lsoas = {p.lsoa_code for p in history.people.values() if p.lsoa_code}
    reference = load_reference(context.engine, context.districts, lsoas)
    costs = _costs(history)
    year, quarter = request.year, request.quarter
    ytd = year_to_date(year, quarter)
    step("Working out the indicators")
    performance = performance_table(definitions, history, year, quarter, disclosure)
    step("Breakdowns and charts")
    months = month_table(history, ytd, disclosure)
    breakdowns = breakdown_tables(history, ytd, reference, context.districts, disclosure)
    step("Value for money")
    value, summary = value_table(history, costs, year, ytd, disclosure)
    sections = _sections(request, performance, definitions_table(definitions), months, breakdowns)
    sections += (
        Section(
            "value",
            "Value for money (estimate)",
            (
                "This section is an ESTIMATE. It multiplies the outcomes recorded in the year to "
                "date by a table of unit costs, and sets the result against what the programme "
                "cost. Every unit cost, its source and each assumption are shown beside it.",
            ),
            (value, summary),
        ),
    )
    digest = hashlib.sha256(
        "|".join(
            (
                history.digest,
                definitions.digest,
                costs.digest,
                reference.digest,
                disclosure.describe(),
                request.view,
                str(year),
                str(quarter),
            )
        ).encode()
    ).hexdigest()
    footer = Footer(
        position=position,
        last_recorded_at=history.last_recorded_at,
        as_at=request.as_at,
        digest=digest,
        facts=history.facts,
        definitions_version=definitions.version,
        imd_edition=reference.imd_edition,
        population_edition=reference.population_edition,
        disclosure_rule=disclosure.describe(),
        unit_costs=costs.source,
    )
    return Report(
        title="Local Area Coordination and the digital device scheme",
        subtitle=_subtitle(year, quarter),
        year=year,
        quarter=quarter,
        view=request.view,
        sections=sections,
        footer=footer,
        notes=_notes(reference),
    )


def _subtitle(year: int, quarter: int) -> str:
    months = QUARTER_MONTHS[quarter - 1]
    return (
        f"Quarterly performance report, quarter {quarter} {year_label(year)} "
        f"({months}; year to date from April {year})"
    )


def _notes(reference: Reference) -> tuple[str, ...]:
    return (
        "Figures are worked out from the recorded events up to the log position in this footer; "
        "events recorded later (including late corrections) are not counted, so the same "
        "position always gives the same figures.",
        "Dates are the dates the work happened as recorded by staff (a contact's date, an "
        "outcome's date), not the dates they were typed in.",
        f"Deprivation: {reference.imd_edition} (Open Government Licence v3.0, Crown copyright).",
    )


def _sections(
    request: ReportRequest,
    performance: Table,
    definitions: Table,
    months: Table,
    breakdowns: tuple[Table, ...],
) -> tuple[Section, ...]:
    by_id = {t.id: t for t in breakdowns}
    where = (by_id["by-district"], by_id["by-quintile"])
    who = tuple(by_id[k] for k in ("by-source", "by-age", "by-sex", "by-ethnicity"))
    return (
        Section(
            "performance",
            "Quarterly performance",
            (
                "The committee's performance table: each indicator's annual plan, the figure for "
                "each quarter of the financial year so far, and the year to date.",
            ),
            (performance, definitions),
        ),
        Section(
            "by-month",
            "Referrals and outcomes by month",
            (),
            (months,),
            (month_chart(months),),
        ),
        Section(
            "where",
            "Where people live: district and deprivation",
            (
                "Councillors asked to see referrals by deprivation and by spread across the "
                "county. Rates per 10,000 residents use the official population denominators.",
            ),
            where,
            tuple(bar_chart(t) for t in where),
        ),
        Section(
            "equality",
            "Who was introduced, and by whom (equality monitoring)",
            ("Breakdowns for the public sector equality duty and by referral source.",),
            who,
        ),
    )


def month_table(history: History, ytd: Period, disclosure: Disclosure) -> Table:
    rows = []
    introduced, outcomes = MEASURES["lac.people_introduced"], _people_with_outcome
    day = ytd.start
    while day <= ytd.end:
        nxt = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        month = Period(day, date.fromordinal(nxt.toordinal() - 1))
        people = len({o[1] for o in introduced(history, month)})
        rows.append(
            (
                _cell_label(day.strftime("%b %Y")),
                disclosure.count(people),
                disclosure.count(outcomes(history, month)),
            )
        )
        day = nxt
    return Table(
        id="by-month",
        title="People introduced and people with an outcome, by month",
        columns=("Month", "People introduced to LAC", "People with an outcome recorded"),
        rows=tuple(rows),
    )


def _cell_label(text: str) -> Cell:
    return Cell(text)


def _people_with_outcome(history: History, period: Period) -> int:
    return len(
        {o.person_id for o in history.outcomes.values() if not o.withdrawn and period.holds(o.on)}
    )


def month_chart(table: Table) -> Chart:
    return Chart(
        id="chart-by-month",
        title=table.title,
        kind="line",
        categories=tuple(r[0].text for r in table.rows),
        series=tuple(
            Series(name, tuple(r[i].number for r in table.rows))
            for i, name in enumerate(table.columns[1:], start=1)
        ),
        table_id=table.id,
        description="Counts by month; suppressed values (1 to 7) are not drawn.",
    )


def bar_chart(table: Table) -> Chart:
    rows = [r for r in table.rows if r[0].text != "All people"]
    return Chart(
        id=f"chart-{table.id}",
        title=f"People introduced to LAC: {table.title.split(' by ', 1)[-1]}",
        kind="bar",
        categories=tuple(r[0].text for r in rows),
        series=(Series(table.columns[1], tuple(r[1].number for r in rows)),),
        table_id=table.id,
        description="People introduced in the year to date; suppressed values are not drawn.",
    )
