"""Support for a seeded loan: 1-4 training sessions, some remote support, the odd ticket.

The first training session is at the hand-over (switching on, Wi-Fi, the home screen); the rest
follow every week or two. Remote support sessions come over the following months, and about
one loan in three has a support ticket, mostly resolved within the week. Nothing is planned
after ``stop`` (the day before the loan ends, or the end of the year).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from uuid import UUID

from domain.device_codes import SessionKind
from workers import seed_devices_names as n
from workers.seed_devices_clerk import Clerk, new_id
from workers.seed_devices_stock import Action, Agenda, working_day


class Support:
    """Schedules a loan's support on the agenda; each step goes through the loan."""

    def __init__(self, clerk: Clerk, agenda: Agenda, officer: UUID, counts: Counter[str]) -> None:
        self.clerk, self.agenda, self.officer, self.counts = clerk, agenda, officer, counts

    def plan(self, day: date, rng: random.Random, loan: UUID, stop: date) -> None:
        at = day
        for index in range(rng.choices((1, 2, 3, 4), (20, 35, 30, 15))[0]):
            if at > stop:
                break
            topic, outcome = n.TRAINING[0] if index == 0 else rng.choice(n.TRAINING[1:])
            self.agenda.on(at, self._session(loan, rng, SessionKind.TRAINING, topic, outcome))
            at = working_day(at + timedelta(days=rng.randint(4, 14)))
        for _ in range(rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0]):
            at = working_day(day + timedelta(days=rng.randint(14, 240)))
            topic, outcome = rng.choice(n.REMOTE)
            remote = self._session(loan, rng, SessionKind.REMOTE_SUPPORT, topic, outcome)
            if at <= stop:
                self.agenda.on(at, remote)
        for _ in range(rng.choice((0, 0, 0, 0, 1, 1, 2))):
            opened = working_day(day + timedelta(days=rng.randint(7, 250)))
            resolved = working_day(opened + timedelta(days=rng.randint(0, 6)))
            ticket = self._ticket(loan, new_id(rng), *rng.choice(n.TICKETS))
            if opened <= stop:
                self.agenda.on(opened, ticket(resolved if resolved <= stop else None))

    def _session(
        self, loan: UUID, rng: random.Random, kind: SessionKind, topic: str, outcome: str
    ) -> Action:
        session_id = new_id(rng)
        training = kind is SessionKind.TRAINING
        minutes = rng.choice((45, 60, 60, 75, 90) if training else (10, 15, 20, 30, 40))

        def session(day: date) -> None:
            self.clerk.change_loan(
                loan,
                lambda x: x.record_session(
                    session_id, kind, day, minutes, topic, outcome, self.officer
                ),
            )
            self.counts["sessions"] += 1

        return session

    def _ticket(
        self, loan: UUID, ticket: UUID, problem: str, resolution: str
    ) -> Callable[[date | None], Action]:
        def resolve(day: date) -> None:
            self.clerk.change_loan(
                loan, lambda x: x.resolve_ticket(ticket, day, resolution, self.officer)
            )

        def opened(resolved: date | None) -> Action:
            def open_ticket(day: date) -> None:
                self.clerk.change_loan(
                    loan, lambda x: x.open_ticket(ticket, day, problem, self.officer)
                )
                self.counts["tickets"] += 1
                if resolved is not None:
                    self.agenda.on(resolved, resolve)

            return open_ticket

        return opened
