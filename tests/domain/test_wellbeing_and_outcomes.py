"""Coded outcomes and wellbeing measures on an involvement: checks, scores and replay."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from domain.codes import (
    DETAILS,
    CloseReason,
    GoalStatus,
    Instrument,
    InvolvementStatus,
    Occasion,
    OutcomeDetail,
    OutcomeDomain,
    SupportLevel,
)
from domain.errors import InvalidField
from domain.involvement import Involvement
from domain.outcomes import MAX_VISITS, OutcomeRecord, VisitCounts
from domain.wellbeing import SCALES, SWEMWBS_METRIC, Score, check_items, score

WHEN = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
TODAY = WHEN.date()
ACTOR = uuid4()
SWEMWBS, ONS4, UCLA3 = Instrument.SWEMWBS, Instrument.ONS4, Instrument.UCLA3
BASELINE, FOLLOW_UP = Occasion.BASELINE, Occasion.FOLLOW_UP
VISITS = VisitCounts(gp_before=6, gp_after=2, ae_before=2, ae_after=0)


def opened() -> Involvement:
    return Involvement(
        person_id=uuid4(),
        coordinator_id=uuid4(),
        district="Ashfield",
        support_level=SupportLevel.WALKING_ALONGSIDE,
        referral_id=None,
        actor_id=ACTOR,
        occurred_at=WHEN - timedelta(days=90),
    )


def outcome(
    domain: OutcomeDomain,
    detail: OutcomeDetail | None = None,
    visits: VisitCounts | None = None,
    occurred_on: date = TODAY,
) -> OutcomeRecord:
    return OutcomeRecord(domain, detail, occurred_on, "  said so at the review  ", visits)


# outcomes -------------------------------------------------------------------------------

VALID = [
    outcome(OutcomeDomain.CRISIS_AVOIDED),
    outcome(OutcomeDomain.HOME, OutcomeDetail.EVICTION_PREVENTED),
    outcome(OutcomeDomain.HOME, OutcomeDetail.TENANCY_SECURED),
    outcome(OutcomeDomain.WORK_VOLUNTEERING_TRAINING, OutcomeDetail.TRAINING),
    outcome(OutcomeDomain.CONNECTED),
    outcome(OutcomeDomain.LESS_ISOLATED),
    outcome(OutcomeDomain.ENGAGED_WITH_SERVICE, OutcomeDetail.WARDEN_CALL),
    outcome(OutcomeDomain.FEWER_GP_AE_VISITS, visits=VISITS),
    outcome(OutcomeDomain.SAFEGUARDING_RAISED),
]


@pytest.mark.parametrize("record", VALID, ids=lambda r: f"{r.domain.value}-{r.detail}")
def test_valid_outcomes_are_recorded(record: OutcomeRecord) -> None:
    involvement = opened()
    outcome_id = uuid4()
    involvement.record_outcome(outcome_id, record, ACTOR, WHEN)
    assert involvement.outcomes == {outcome_id}
    recorded = involvement.collect_events()[-1]
    assert isinstance(recorded, Involvement.OutcomeRecorded)
    assert (recorded.domain, recorded.detail) == (record.domain, record.detail)
    assert (recorded.occurred_on, recorded.evidence) == (TODAY, "said so at the review")
    if record.visits is None:
        assert recorded.visits is None
    else:
        assert recorded.visits == {"gp_before": 6, "gp_after": 2, "ae_before": 2, "ae_after": 0}


def test_the_detail_must_belong_to_the_domain() -> None:
    for domain in OutcomeDomain:
        allowed = DETAILS.get(domain, ())
        for detail in OutcomeDetail:
            visits = VISITS if domain is OutcomeDomain.FEWER_GP_AE_VISITS else None
            record = outcome(domain, detail, visits)
            if detail in allowed:
                assert record.checked(TODAY).detail is detail
                continue
            with pytest.raises(InvalidField) as info:
                record.checked(TODAY)
            assert info.value.field == "detail"
            expected = "needs one of" if allowed else "takes no detail"
            assert expected in info.value.message
    with pytest.raises(InvalidField, match="eviction_prevented, tenancy_secured"):
        outcome(OutcomeDomain.HOME).checked(TODAY)


def test_fewer_visits_needs_counts_and_fewer_visits() -> None:
    with pytest.raises(InvalidField) as info:
        outcome(OutcomeDomain.FEWER_GP_AE_VISITS).checked(TODAY)
    assert info.value.field == "visits"
    with pytest.raises(InvalidField) as info:
        outcome(OutcomeDomain.LESS_ISOLATED, visits=VISITS).checked(TODAY)
    assert (info.value.field, info.value.message) == (
        "visits",
        "only a fewer-visits outcome takes visit counts",
    )
    same = VisitCounts(gp_before=3, gp_after=2, ae_before=0, ae_after=1)
    with pytest.raises(InvalidField, match="no fewer GP and A&E visits"):
        outcome(OutcomeDomain.FEWER_GP_AE_VISITS, visits=same).checked(TODAY)
    more = replace(same, gp_after=5)
    with pytest.raises(InvalidField, match="no fewer"):
        outcome(OutcomeDomain.FEWER_GP_AE_VISITS, visits=more).checked(TODAY)
    fewer = replace(same, ae_after=0)
    assert outcome(OutcomeDomain.FEWER_GP_AE_VISITS, visits=fewer).checked(TODAY).visits == fewer


@pytest.mark.parametrize(
    ("name", "value"),
    [("gp_before", -1), ("gp_after", -1), ("ae_before", MAX_VISITS + 1), ("ae_after", -3)],
)
def test_visit_counts_are_in_range(name: str, value: int) -> None:
    visits = replace(VisitCounts(10, 1, 3, 0), **{name: value})
    with pytest.raises(InvalidField) as info:
        outcome(OutcomeDomain.FEWER_GP_AE_VISITS, visits=visits).checked(TODAY)
    assert info.value.field == f"visits.{name}"
    assert info.value.message == f"must be 0 to {MAX_VISITS}"


def test_outcome_dates_and_evidence() -> None:
    involvement = opened()
    tomorrow = outcome(OutcomeDomain.CONNECTED, occurred_on=TODAY + timedelta(days=1))
    with pytest.raises(InvalidField) as info:
        involvement.record_outcome(uuid4(), tomorrow, ACTOR, WHEN)
    assert (info.value.field, info.value.message) == ("occurred_on", "must not be in the future")
    blank = replace(outcome(OutcomeDomain.CONNECTED), evidence="  ")
    with pytest.raises(InvalidField) as info:
        involvement.record_outcome(uuid4(), blank, ACTOR, WHEN)
    assert info.value.field == "evidence"
    assert involvement.version == 1
    # Recorded later, dated when it happened.
    involvement.record_outcome(uuid4(), tomorrow, ACTOR, WHEN + timedelta(days=1))
    assert involvement.version == 2


def test_outcomes_are_withdrawn_only_when_known() -> None:
    involvement = opened()
    kept, withdrawn = uuid4(), uuid4()
    involvement.record_outcome(kept, outcome(OutcomeDomain.CONNECTED), ACTOR, WHEN)
    involvement.record_outcome(withdrawn, outcome(OutcomeDomain.LESS_ISOLATED), ACTOR, WHEN)
    with pytest.raises(InvalidField) as info:
        involvement.withdraw_outcome(uuid4(), "typed in error", ACTOR, WHEN)
    assert (info.value.field, info.value.message) == (
        "outcome_id",
        "no such outcome on this involvement",
    )
    with pytest.raises(InvalidField) as info:
        involvement.withdraw_outcome(withdrawn, " ", ACTOR, WHEN)
    assert info.value.field == "reason"
    involvement.withdraw_outcome(withdrawn, "recorded on the wrong person", ACTOR, WHEN)
    assert involvement.outcomes == {kept}
    with pytest.raises(InvalidField):
        involvement.withdraw_outcome(withdrawn, "twice", ACTOR, WHEN)


def test_outcomes_are_recorded_after_closure_too() -> None:
    involvement = opened()
    involvement.close(CloseReason.GOALS_MET, None, ACTOR, WHEN)
    involvement.record_outcome(uuid4(), outcome(OutcomeDomain.CONNECTED), ACTOR, WHEN)
    assert len(involvement.outcomes) == 1


# wellbeing measures ---------------------------------------------------------------------

GOOD_ITEMS = {SWEMWBS: [3, 3, 2, 4, 3, 2, 4], ONS4: [5, 6, 4, 7], UCLA3: [3, 2, 3]}


@pytest.mark.parametrize(
    ("instrument", "count", "low", "high"),
    [(SWEMWBS, 7, 1, 5), (ONS4, 4, 0, 10), (UCLA3, 3, 1, 3)],
    ids=["swemwbs", "ons4", "ucla3"],
)
def test_items_count_and_range_per_instrument(
    instrument: Instrument, count: int, low: int, high: int
) -> None:
    scale = SCALES[instrument]
    assert (scale.items, scale.low, scale.high, len(scale.labels)) == (count, low, high, count)
    assert check_items(instrument, [low] * count) == [low] * count
    assert check_items(instrument, [high] * count) == [high] * count
    for wrong in (count - 1, count + 1, 0):
        with pytest.raises(InvalidField) as info:
            check_items(instrument, [low] * wrong)
        assert info.value.field == "items"
        assert f"has {count} items; {wrong} given" in info.value.message
    for position in range(count):
        for bad in (low - 1, high + 1):
            items = [low] * count
            items[position] = bad
            with pytest.raises(InvalidField) as info:
                check_items(instrument, items)
            assert info.value.field == f"items.{position + 1}"
            assert f"{bad} is outside {low}-{high}" in info.value.message
            assert scale.labels[position] in info.value.message


def test_the_error_names_the_third_item() -> None:
    with pytest.raises(InvalidField) as info:
        check_items(SWEMWBS, [3, 3, 6, 3, 3, 3, 3])
    assert str(info.value) == "items.3: feeling relaxed: 6 is outside 1-5"


@pytest.mark.parametrize("bad", [True, False, 2.0, "3", None], ids=repr)
def test_items_must_be_whole_numbers_and_bools_are_refused(bad: Any) -> None:
    items: list[Any] = [2, bad, 2]
    with pytest.raises(InvalidField) as info:
        check_items(UCLA3, items)
    assert (info.value.field, info.value.message) == ("items.2", "must be a whole number")


@pytest.mark.parametrize(
    ("raw", "metric"),
    [(7, "7.00"), (8, "9.51"), (14, "15.32"), (21, "19.25"), (28, "25.03"), (35, "35.00")],
)
def test_swemwbs_raw_sum_and_metric_conversion(raw: int, metric: str) -> None:
    items = [1] * 7
    for position in range(raw - 7):
        items[position % 7] += 1
    assert sum(items) == raw
    assert score(SWEMWBS, items) == Score(raw, Decimal(metric))


def test_swemwbs_metric_table_covers_every_raw_score_and_rises() -> None:
    assert sorted(SWEMWBS_METRIC) == list(range(7, 36))
    values = [SWEMWBS_METRIC[raw] for raw in range(7, 36)]
    assert values == sorted(values) and len(set(values)) == len(values)


def test_ucla3_has_a_raw_sum_and_ons4_no_total() -> None:
    assert score(UCLA3, [1, 1, 1]) == Score(3, None)
    assert score(UCLA3, [3, 3, 3]) == Score(9, None)
    assert score(UCLA3, [3, 2, 1]).raw == 6
    assert score(ONS4, [7, 8, 6, 2]) == Score(None, None)


def test_baseline_once_per_instrument_and_follow_up_needs_a_baseline() -> None:
    involvement = opened()
    with pytest.raises(InvalidField) as info:
        involvement.record_measure(
            uuid4(), SWEMWBS, FOLLOW_UP, TODAY, GOOD_ITEMS[SWEMWBS], ACTOR, WHEN
        )
    assert (info.value.field, info.value.message) == (
        "occasion",
        "record a swemwbs baseline first",
    )
    baseline = uuid4()
    involvement.record_measure(baseline, SWEMWBS, BASELINE, TODAY, GOOD_ITEMS[SWEMWBS], ACTOR, WHEN)
    with pytest.raises(InvalidField) as info:
        involvement.record_measure(
            uuid4(), SWEMWBS, BASELINE, TODAY, GOOD_ITEMS[SWEMWBS], ACTOR, WHEN
        )
    assert info.value.message == "a swemwbs baseline is already recorded"
    with pytest.raises(InvalidField, match="record a ucla3 baseline first"):
        involvement.record_measure(uuid4(), UCLA3, FOLLOW_UP, TODAY, GOOD_ITEMS[UCLA3], ACTOR, WHEN)
    involvement.record_measure(uuid4(), UCLA3, BASELINE, TODAY, GOOD_ITEMS[UCLA3], ACTOR, WHEN)
    first, second = uuid4(), uuid4()
    involvement.record_measure(first, SWEMWBS, FOLLOW_UP, TODAY, [4] * 7, ACTOR, WHEN)
    involvement.record_measure(second, SWEMWBS, FOLLOW_UP, TODAY, [5] * 7, ACTOR, WHEN)
    assert involvement.measures[first] == (SWEMWBS, FOLLOW_UP)
    assert involvement.measures[baseline] == (SWEMWBS, BASELINE)
    assert len(involvement.measures) == 4


def test_measure_items_and_dates_are_checked_on_the_involvement() -> None:
    involvement = opened()
    with pytest.raises(InvalidField) as info:
        involvement.record_measure(uuid4(), ONS4, BASELINE, TODAY, [5, 5, 11, 5], ACTOR, WHEN)
    assert info.value.field == "items.3"
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(InvalidField) as info:
        involvement.record_measure(uuid4(), ONS4, BASELINE, tomorrow, [5] * 4, ACTOR, WHEN)
    assert (info.value.field, info.value.message) == ("taken_on", "must not be in the future")
    assert involvement.version == 1
    involvement.record_measure(
        uuid4(), ONS4, BASELINE, TODAY - timedelta(days=3), [5] * 4, ACTOR, WHEN
    )
    recorded = involvement.collect_events()[-1]
    assert isinstance(recorded, Involvement.MeasureRecorded)
    assert (recorded.taken_on, recorded.items) == (TODAY - timedelta(days=3), [5, 5, 5, 5])


def test_withdrawing_a_baseline_allows_another() -> None:
    involvement = opened()
    baseline = uuid4()
    involvement.record_measure(baseline, UCLA3, BASELINE, TODAY, [3, 3, 3], ACTOR, WHEN)
    with pytest.raises(InvalidField) as info:
        involvement.withdraw_measure(uuid4(), "wrong person", ACTOR, WHEN)
    assert info.value.field == "measure_id"
    involvement.withdraw_measure(baseline, "items typed in the wrong order", ACTOR, WHEN)
    assert involvement.measures == {}
    involvement.record_measure(uuid4(), UCLA3, BASELINE, TODAY, [1, 2, 3], ACTOR, WHEN)
    assert len(involvement.measures) == 1


def test_replaying_rebuilds_goals_measures_outcomes_and_status() -> None:
    involvement = opened()
    goal = uuid4()
    involvement.set_goal(goal, "a home of my own", ACTOR, WHEN)
    involvement.change_goal(goal, GoalStatus.ACHIEVED, ACTOR, WHEN)
    kept, gone = uuid4(), uuid4()
    involvement.record_outcome(
        kept, outcome(OutcomeDomain.HOME, OutcomeDetail.TENANCY_SECURED), ACTOR, WHEN
    )
    involvement.record_outcome(gone, outcome(OutcomeDomain.CRISIS_AVOIDED), ACTOR, WHEN)
    involvement.withdraw_outcome(gone, "duplicate", ACTOR, WHEN)
    base, follow, wrong = uuid4(), uuid4(), uuid4()
    involvement.record_measure(base, SWEMWBS, BASELINE, TODAY, GOOD_ITEMS[SWEMWBS], ACTOR, WHEN)
    involvement.record_measure(follow, SWEMWBS, FOLLOW_UP, TODAY, [4] * 7, ACTOR, WHEN)
    involvement.record_measure(wrong, ONS4, BASELINE, TODAY, GOOD_ITEMS[ONS4], ACTOR, WHEN)
    involvement.withdraw_measure(wrong, "not asked", ACTOR, WHEN)
    involvement.pause("holiday", ACTOR, WHEN)
    copy: Any = None
    for domain_event in involvement.collect_events():
        copy = domain_event.mutate(copy)
    assert isinstance(copy, Involvement)
    assert copy.version == involvement.version == 11
    assert copy.goals == involvement.goals == {goal: GoalStatus.ACHIEVED}
    assert copy.outcomes == involvement.outcomes == {kept}
    assert (
        copy.measures
        == involvement.measures
        == {
            base: (SWEMWBS, BASELINE),
            follow: (SWEMWBS, FOLLOW_UP),
        }
    )
    assert copy.status is involvement.status is InvolvementStatus.PAUSED
