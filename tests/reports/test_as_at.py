"""A report as the event log stood at a position or a moment, with a late correction.

A contact of 60 minutes and an outcome are recorded in quarter 1 of 2021/22; the report is
built at that log position (P1). Later the contact is corrected to 90 minutes and the outcome
withdrawn. A report at P1 must not see either change, however often it is built; a report now
sees both; a report "as at" a moment between the two is the report at P1.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from uuid import UUID, uuid4

import pytest

from domain.codes import ContactMode, ContactPurpose, OutcomeDomain, Participant
from domain.contact import ContactDetails
from domain.outcomes import OutcomeRecord
from domain.person import PersonDetails
from domain.reference import Programme, ReferralSource
from projections.reports.build import build_report, facts_projected_to, forget_histories
from projections.reports.model import Report, Table
from projections.reports.request import ReportContext, ReportNotReady, ReportRequest
from tests.api.seed_helpers import MakeRuntime, runtime_factory
from workers.runtime import Runtime

STAFF = uuid4()
YEAR, QUARTER = 2021, 1
CONTACT_DAY = date(2021, 5, 10)
HOURS, CONTACTS, CRISIS = (
    "Hours of support contacts",
    "Support contacts",
    "People with an outcome: crisis avoided",
)


def at(day: date) -> datetime:
    return datetime.combine(day, time(10, tzinfo=UTC))


def details(minutes: int) -> ContactDetails:
    return ContactDetails(
        at(CONTACT_DAY),
        minutes,
        ContactMode.PHONE,
        (Participant.PERSON,),
        (ContactPurpose.PLANNING,),
    )


@dataclass(frozen=True)
class Story:
    runtime: Runtime
    context: ReportContext
    person: UUID
    p1: int  # the log position after the contact and the outcome
    moment: datetime  # a moment after P1 and before the late corrections
    p2: int  # the log position after the corrections
    first: Report  # at P1, built before the corrections
    now: Report  # at P2, the builder's kept history moved on from P1
    again: Report  # at P1 again, with the builder's kept history already at P2
    now_afresh: Report  # at P2, after the builder forgot every history it kept
    again_afresh: Report  # at P1, likewise
    as_at: Report  # as at `moment`, after the corrections


@pytest.fixture(scope="module")
def make_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRuntime]:
    yield from runtime_factory(tmp_path_factory)


def report(
    context: ReportContext, position: int | None = None, as_at: datetime | None = None
) -> Report:
    request = ReportRequest(YEAR, QUARTER, "internal", as_at=as_at, position=position)
    return build_report(context, request)


@pytest.fixture(scope="module")
def story(make_runtime: MakeRuntime) -> Story:
    runtime = make_runtime()
    app = runtime.app
    alan = PersonDetails("Alan Example", date(1985, 7, 9), "NG17 2AB", "Ashfield")
    person, referral = app.register_and_refer(
        alan, Programme.LAC, ReferralSource.SELF, None, ["lonely"], True, STAFF,
        occurred_at=at(date(2021, 4, 5)),
    )  # fmt: skip
    app.accept_referral(referral.id, STAFF, STAFF, at(date(2021, 4, 6)))
    contact = app.log_contact(person.id, details(60), STAFF).id
    outcome = OutcomeRecord(OutcomeDomain.CRISIS_AVOIDED, None, date(2021, 5, 20), "stayed home")
    outcome_id = app.record_outcome(person.id, outcome, STAFF).id
    runtime.catch_up()
    p1 = app.log_position()
    context = ReportContext(runtime.engine, runtime.settings.districts)
    forget_histories()
    first = report(context, position=p1)
    moment = datetime.now(UTC)

    # The late corrections, recorded after the moment.
    app.correct_contact(contact, details(90), "it was an hour and a half", STAFF)
    app.change_involvement(
        person.id, lambda i, when: i.withdraw_outcome(outcome_id, "recorded in error", STAFF, when)
    )
    runtime.catch_up()
    p2 = app.log_position()
    # The builder keeps the newest history it folded and moves it on; an older position is
    # folded afresh. Each way must give the same report.
    now = report(context)
    again = report(context, position=p1)
    forget_histories()
    now_afresh = report(context, position=p2)
    forget_histories()
    again_afresh = report(context, position=p1)
    as_at = report(context, as_at=moment)
    return Story(
        runtime, context, person.id, p1, moment, p2, first, now, again, now_afresh,
        again_afresh, as_at,
    )  # fmt: skip


def performance(r: Report) -> Table:
    return next(t for t in r.tables() if t.id == "performance")


def q1(r: Report, label: str) -> str:
    """The quarter 1 figure of an indicator (column 3: after service, label, annual plan)."""
    row = next(row for row in performance(r).rows if row[1].text == label)
    return row[3].text


def test_the_report_at_p1_counts_the_contact_and_outcome_as_first_recorded(story: Story) -> None:
    assert story.p2 > story.p1
    assert story.first.footer.position == story.p1
    assert q1(story.first, CONTACTS) == "1"
    assert q1(story.first, HOURS) == "1"  # 60 minutes
    assert q1(story.first, CRISIS) == "1"


def test_the_report_at_p1_is_identical_after_the_late_corrections(story: Story) -> None:
    for again in (story.again, story.again_afresh):
        assert again == story.first
        assert again.footer.digest == story.first.footer.digest
        assert again.footer.lines() == story.first.footer.lines()
        assert q1(again, HOURS) == "1"
        assert q1(again, CRISIS) == "1"


def test_the_report_now_sees_the_corrected_contact_and_no_outcome(story: Story) -> None:
    assert story.now.footer.position == story.p2
    assert q1(story.now, CONTACTS) == "1"  # corrected, not added
    assert q1(story.now, HOURS) == "2"  # 90 minutes = 1.5 hours, rounded half up
    assert q1(story.now, CRISIS) == "0"  # withdrawn
    assert story.now.footer.digest != story.first.footer.digest
    assert story.now.footer.facts > story.first.footer.facts


def test_a_history_moved_on_from_p1_is_the_history_folded_afresh(story: Story) -> None:
    assert story.now == story.now_afresh


def test_as_at_a_moment_between_gives_the_figures_at_p1(story: Story) -> None:
    assert story.as_at.sections == story.first.sections
    footer = story.as_at.footer
    assert footer.as_at == story.moment
    # The last counted event recorded by the moment is the outcome, at P1 itself.
    assert footer.position == story.p1
    assert footer.digest == story.first.footer.digest
    assert f"as at {story.moment.isoformat()}" in footer.lines()[0]


def test_a_moment_before_anything_was_recorded_gives_an_empty_report(story: Story) -> None:
    before = report(story.context, as_at=datetime(2021, 1, 1, tzinfo=UTC))
    assert before.footer.position == 0
    assert before.footer.facts == 0
    assert q1(before, CONTACTS) == "0"


def test_a_position_the_facts_have_not_reached_is_not_ready(story: Story) -> None:
    runtime = story.runtime
    have = facts_projected_to(runtime.engine)
    assert have == runtime.app.log_position()
    # Recorded, but the facts projection has not caught up with it yet.
    later = runtime.app.log_contact(story.person, details(30), STAFF).position
    with pytest.raises(ReportNotReady) as error:
        report(story.context, position=later)
    assert (error.value.wanted, error.value.have) == (later, have)
    with pytest.raises(ReportNotReady):
        report(story.context, position=have + 1000)
    runtime.catch_up()
    assert report(story.context, position=later).footer.position == later


def test_the_html_of_the_two_builds_at_p1_is_byte_identical(story: Story) -> None:
    try:
        output = importlib.import_module("api.report_output")
    except ModuleNotFoundError:
        pytest.skip("api.report_output (the renderers) is not there yet")
    first, again = output.render_html(story.first), output.render_html(story.again)
    assert first.encode() == again.encode()
    assert f"Event log position {story.p1} " in first
