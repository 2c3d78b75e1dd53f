"""Part 3 helpers: people with open involvements, and a probe that watches the caseload
read model's position."""

from __future__ import annotations

import bisect
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg

from bench._db import BenchDatabase

PROBE_INTERVAL = 0.001  # seconds between polls of the caseload position


def open_involvements(app: Any, count: int) -> tuple[list[uuid.UUID], uuid.UUID]:
    """`count` people referred and accepted (each with an open involvement); the actor."""
    from bench._load import NhsNumbers
    from domain.person import PersonDetails
    from domain.reference import NOTTINGHAMSHIRE_DISTRICTS, Programme, ReferralSource

    actor, numbers, people = uuid.uuid4(), NhsNumbers(start=500_000_000), []
    for i in range(count):
        details = PersonDetails(
            name=f"Person {i}",
            date_of_birth=date(1950, 1, 1) + timedelta(days=i),
            postcode="NG18 1AB",
            district=NOTTINGHAMSHIRE_DISTRICTS[i % len(NOTTINGHAMSHIRE_DISTRICTS)],
            nhs_number=numbers.take(),
        )
        _person, referral = app.register_and_refer(
            details, Programme.LAC, ReferralSource.GP, None, ["lonely"], True, actor
        )
        app.accept_referral(referral.id, actor, actor)
        people.append(_person.id)
    return people, actor


def contact_details() -> Any:
    from domain.codes import ContactMode, ContactPurpose, Participant
    from domain.contact import ContactDetails

    return ContactDetails(
        datetime.now(UTC) - timedelta(seconds=5),
        30,
        ContactMode.PHONE,
        (Participant.PERSON,),
        (ContactPurpose.LISTENING,),
        "Rang to see how the first week at the lunch club went",
    )


@dataclass
class PositionProbe:
    """Polls projection_positions for one projection; keeps (time, position) at each change."""

    db: BenchDatabase
    name: str = "casework"
    times: list[float] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> PositionProbe:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        query = "SELECT position FROM projection_positions WHERE name = %s"
        with psycopg.connect(self.db.url, autocommit=True) as conn:
            while not self._stop.is_set():
                row = conn.execute(query, (self.name,), prepare=True).fetchone()
                now = time.perf_counter()
                position = int(row[0]) if row else 0
                if not self.positions or position != self.positions[-1]:
                    self.times.append(now)
                    self.positions.append(position)
                time.sleep(PROBE_INTERVAL)

    def seen_at(self, position: int) -> float | None:
        """When the probe first saw the read model at or past `position`."""
        index = bisect.bisect_left(self.positions, position)
        return self.times[index] if index < len(self.times) else None

    def wait_for(self, position: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.positions and self.positions[-1] >= position:
                return True
            time.sleep(0.01)
        return False
