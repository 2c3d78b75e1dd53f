"""The referral lifecycle: received, decided once (accepted, declined, redirected), closed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.errors import InvalidField, InvalidTransition
from domain.reference import Programme, ReferralSource, ReferralStatus
from domain.referral import MAX_REASONS, Referral, check_reasons

WHEN = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
ACTOR = uuid4()
COORDINATOR = uuid4()
S = ReferralStatus


def received() -> Referral:
    referral = Referral(
        person_id=uuid4(),
        programme=Programme.LAC,
        source=ReferralSource.COUNCILLOR,
        referrer="Cllr Smith",
        reasons=["evicted", "sofa-surfing"],
        consent_to_share=True,
        actor_id=ACTOR,
        occurred_at=WHEN,
    )
    referral.collect_events()
    return referral


STEPS: dict[str, Callable[[Referral], None]] = {
    "accept": lambda r: r.accept(COORDINATOR, ACTOR, WHEN),
    "decline": lambda r: r.decline("not in the area", ACTOR, WHEN),
    "redirect": lambda r: r.redirect("Housing options", None, ACTOR, WHEN),
    "close": lambda r: r.close(None, ACTOR, WHEN),
}


def status_of(referral: Referral) -> ReferralStatus:
    return referral.status  # read through a call, so type checkers do not narrow it


def referral_in(status: ReferralStatus) -> Referral:
    referral = received()
    path = {
        S.RECEIVED: [],
        S.ACCEPTED: ["accept"],
        S.DECLINED: ["decline"],
        S.REDIRECTED: ["redirect"],
        S.CLOSED: ["accept", "close"],
    }[status]
    for step in path:
        STEPS[step](referral)
    referral.collect_events()
    assert status_of(referral) is status
    return referral


def test_received_referral_holds_what_was_given() -> None:
    referral = received()
    assert status_of(referral) is S.RECEIVED
    assert referral.reasons == ["evicted", "sofa-surfing"]
    assert referral.referrer == "Cllr Smith"
    assert referral.programme is Programme.LAC
    assert referral.referred_by == ACTOR
    assert referral.received_at == WHEN
    assert referral.coordinator_id is None
    assert referral.version == 1


def test_accept_then_close() -> None:
    referral = received()
    referral.accept(COORDINATOR, ACTOR, WHEN)
    assert status_of(referral) is S.ACCEPTED
    assert referral.coordinator_id == COORDINATOR
    referral.close("  moved on  ", ACTOR, WHEN)
    assert status_of(referral) is S.CLOSED
    accepted, closed = referral.collect_events()
    assert isinstance(accepted, Referral.Accepted)
    assert accepted.coordinator_id == COORDINATOR
    assert isinstance(closed, Referral.Closed)
    assert closed.note == "moved on"
    assert closed.person_id == referral.person_id
    assert referral.version == 3


def test_decline_then_close() -> None:
    referral = received()
    referral.decline("  already supported  ", ACTOR, WHEN)
    assert status_of(referral) is S.DECLINED
    referral.close(None, ACTOR, WHEN)
    assert status_of(referral) is S.CLOSED
    declined, closed = referral.collect_events()
    assert isinstance(declined, Referral.Declined)
    assert declined.reason == "already supported"
    assert declined.person_id == referral.person_id
    assert isinstance(closed, Referral.Closed)
    assert closed.note is None


def test_redirect_then_close() -> None:
    referral = received()
    referral.redirect(" Citizens Advice ", "   ", ACTOR, WHEN)
    assert status_of(referral) is S.REDIRECTED
    assert referral.redirected_to == "Citizens Advice"
    (redirected,) = referral.collect_events()
    assert isinstance(redirected, Referral.Redirected)
    assert not redirected.note  # a blank note records no text ("" today, None for no note)
    referral.close("done", ACTOR, WHEN)
    assert status_of(referral) is S.CLOSED


INVALID = [
    (status, action)
    for status, allowed in [
        (S.RECEIVED, {"accept", "decline", "redirect"}),
        (S.ACCEPTED, {"close"}),
        (S.DECLINED, {"close"}),
        (S.REDIRECTED, {"close"}),
        (S.CLOSED, set()),
    ]
    for action in STEPS
    if action not in allowed
]


@pytest.mark.parametrize(("status", "action"), INVALID, ids=[f"{s.value}-{a}" for s, a in INVALID])
def test_invalid_transition_says_action_status_and_why(status: ReferralStatus, action: str) -> None:
    referral = referral_in(status)
    version = referral.version
    with pytest.raises(InvalidTransition) as info:
        STEPS[action](referral)
    error = info.value
    assert (error.record, error.record_id, error.action) == ("referral", referral.id, action)
    assert error.status == status.value
    assert error.why
    message = str(error)
    assert f"cannot {action} referral {referral.id}" in message
    assert f"it is {status.value}" in message
    assert error.why in message
    assert status_of(referral) is status
    assert referral.version == version
    assert referral.collect_events() == []


def test_invalid_transition_explains_the_rule() -> None:
    with pytest.raises(InvalidTransition) as info:
        referral_in(S.RECEIVED).close(None, ACTOR, WHEN)
    assert info.value.why == "a referral is decided before it is closed"
    with pytest.raises(InvalidTransition) as info:
        referral_in(S.DECLINED).accept(COORDINATOR, ACTOR, WHEN)
    assert info.value.why == "only a received referral is accepted"


def test_all_valid_transitions_are_covered() -> None:
    valid = {(s, a) for s in S for a in STEPS} - set(INVALID)
    assert valid == {
        (S.RECEIVED, "accept"),
        (S.RECEIVED, "decline"),
        (S.RECEIVED, "redirect"),
        (S.ACCEPTED, "close"),
        (S.DECLINED, "close"),
        (S.REDIRECTED, "close"),
    }
    for status, action in valid:
        referral = referral_in(status)
        STEPS[action](referral)
        assert len(referral.collect_events()) == 1


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_decline_requires_a_reason(reason: str) -> None:
    referral = received()
    with pytest.raises(InvalidField) as info:
        referral.decline(reason, ACTOR, WHEN)
    assert info.value.field == "reason"
    assert "must not be empty" in info.value.message
    assert status_of(referral) is S.RECEIVED
    assert referral.collect_events() == []


def test_decline_reason_length_is_limited() -> None:
    with pytest.raises(InvalidField) as info:
        received().decline("x" * 1001, ACTOR, WHEN)
    assert info.value.field == "reason"


def test_redirect_requires_somewhere_to_redirect_to() -> None:
    referral = received()
    with pytest.raises(InvalidField) as info:
        referral.redirect("  ", "note", ACTOR, WHEN)
    assert info.value.field == "redirected_to"
    assert status_of(referral) is S.RECEIVED


def test_close_note_length_is_limited() -> None:
    referral = referral_in(S.ACCEPTED)
    with pytest.raises(InvalidField) as info:
        referral.close("n" * 2001, ACTOR, WHEN)
    assert info.value.field == "note"
    assert status_of(referral) is S.ACCEPTED


def test_check_reasons_trims_and_keeps_order() -> None:
    assert check_reasons([" lonely ", "bereaved"]) == ["lonely", "bereaved"]
    assert check_reasons(iter(["one"])) == ["one"]
    assert check_reasons(["r"] * MAX_REASONS) == ["r"] * MAX_REASONS


@pytest.mark.parametrize(
    ("reasons", "words"),
    [
        ([], "at least one reason"),
        ([""], "must not be empty"),
        (["  "], "must not be empty"),
        (["lonely", " "], "must not be empty"),
        (["r"] * (MAX_REASONS + 1), f"at most {MAX_REASONS} reasons"),
        (["x" * 1001], "at most 1000 characters"),
    ],
)
def test_check_reasons_rejects(reasons: list[str], words: str) -> None:
    with pytest.raises(InvalidField) as info:
        check_reasons(reasons)
    assert info.value.field == "reasons"
    assert words in info.value.message
