"""A support session's topic is personal (it can name a relative, a GP, a need): sealed with
the person's key like the outcome, unreadable once they are erased; sessions stored before the
topic was sealed still load, with the topic as it was written."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import project_aggregate

from domain.cipher_cache import InMemoryKeyStore
from domain.device_codes import SessionKind
from domain.erasure import ErasureGround
from domain.loan import Loan
from domain.sealing import SEALED_PREFIX, SealingMapper
from tests.domain.test_loan import ACTOR, TODAY, World, world

TOPIC = "Video calls to her daughter in HMP Foston Hall"
OUTCOME = "Made her first video call"


def record(w: World, loan: UUID, outcome: str | None = OUTCOME) -> UUID:
    session = uuid4()
    kind = SessionKind.TRAINING
    w.change(loan, lambda x: x.record_session(session, kind, TODAY, 40, TOPIC, outcome, ACTOR))
    return session


def sessions(w: World, loan: UUID) -> list[Loan.SessionRecorded]:
    return [e for e in w.app.history(loan) if isinstance(e, Loan.SessionRecorded)]


def stored_sessions(w: World) -> list[Any]:
    notifications = w.app.recorder.select_notifications(start=1, limit=1000)
    return [n for n in notifications if n.topic.endswith("Loan.SessionRecorded")]


def test_the_topic_is_sealed_in_the_stored_event_and_read_back_with_the_key() -> None:
    w = world()
    loan = w.lent()
    record(w, loan)
    [stored] = stored_sessions(w)
    assert TOPIC.encode() not in stored.state and OUTCOME.encode() not in stored.state
    assert f'"topic":"{SEALED_PREFIX}'.encode() in stored.state.replace(b" ", b"")
    [read] = sessions(w, loan)
    assert (read.topic, read.outcome, read.minutes) == (TOPIC, OUTCOME, 40)


def test_erasure_makes_the_topic_unreadable_and_keeps_what_reports_count() -> None:
    w = world()
    loan = w.lent()
    record(w, loan)
    w.app.erase_person(w.person, ACTOR, ErasureGround.REQUEST)
    [read] = sessions(w, loan)
    assert (read.topic, read.outcome) == (None, None)
    assert (read.kind, read.on, read.minutes) == (SessionKind.TRAINING, TODAY, 40)
    rebuilt = project_aggregate(None, list(w.app.history(loan)))
    assert isinstance(rebuilt, Loan) and len(rebuilt.sessions) == 1


def test_a_session_stored_before_the_topic_was_sealed_still_loads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = world()
    loan = w.lent()
    with monkeypatch.context() as before:  # the event class as it was: only the outcome sealed
        before.setattr(Loan.SessionRecorded, "personal_fields", ("outcome",))
        session = record(w, loan)
    [stored] = stored_sessions(w)
    assert TOPIC.encode() in stored.state and OUTCOME.encode() not in stored.state
    [read] = sessions(w, loan)
    assert (read.session_id, read.topic, read.outcome) == (session, TOPIC, OUTCOME)
    assert w.loan(loan).sessions == {session}
    later = record(w, loan)  # sessions recorded from now on are sealed, beside the old one
    assert [s.topic for s in sessions(w, loan)] == [TOPIC, TOPIC]
    assert w.loan(loan).sessions == {session, later}


def test_an_old_plain_topic_is_read_without_taking_the_person_for_erased(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With nothing sealed in the event no key is looked up: a person without a key in this
    store is not marked erased, and their personal data can still be recorded."""
    w = world()
    loan = w.lent()
    with monkeypatch.context() as before:
        before.setattr(Loan.SessionRecorded, "personal_fields", ("outcome",))
        record(w, loan, outcome=None)
    [stored] = stored_sessions(w)
    reader = SealingMapper(w.app.mapper.transcoder)
    keys = InMemoryKeyStore()  # holds no key for the person
    reader.use_keys(keys)
    read = reader.to_domain_event(stored)
    assert isinstance(read, Loan.SessionRecorded) and read.topic == TOPIC
    assert reader.ciphers is not None and not reader.ciphers.is_revoked(w.person)
    assert reader.ciphers.cipher(w.person, create=True) is not None
