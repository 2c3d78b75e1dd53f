"""(a) The raw library: the same transactions as the API's command mix, from N threads.

Each command of the mix becomes the save it makes in the product, with trivial aggregates:
refer = person, NHS-number claim and referral created in one save; accept = the referral and
the person loaded and changed, the involvement created, one save; contact = the involvement
loaded, a contact created; outcome = the involvement loaded and changed. No sealing, no
checks, no HTTP: the floor for the same events.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from bench._load import MIX


class Tick(Aggregate):
    """The smallest useful aggregate: created with one small payload, then touched."""

    @event("Created")
    def __init__(self, client: int, n: int) -> None:
        self.client = client
        self.n = n

    @event("Touched")
    def touch(self, n: int) -> None:
        self.n = n


class RawBench(Application[UUID]):
    # Its own name, so its tables never clash with the API's ("lac") in the same database.
    name = "rawbench"


@dataclass
class RawClient:
    """One thread's state: referrals waiting, involvements open; commands and events saved."""

    index: int
    rng: random.Random
    waiting: list[tuple[UUID, UUID]] = field(default_factory=list)
    open: list[UUID] = field(default_factory=list)
    commands: int = 0
    events: int = 0

    def feasible(self, kind: str) -> str:
        if kind in ("contact", "outcome") and not self.open:
            kind = "accept"
        if kind == "accept" and not self.waiting:
            kind = "refer"
        return kind


def one_command(app: RawBench, c: RawClient, kind: str) -> None:
    n = c.commands
    kind = c.feasible(kind)
    if kind == "refer":
        person, claim, referral = Tick(c.index, n), Tick(c.index, n), Tick(c.index, n)
        app.save(person, claim, referral)
        c.waiting.append((referral.id, person.id))
        c.events += 3
    elif kind == "accept":
        referral_id, person_id = c.waiting.pop(0)
        referral, person = app.repository.get(referral_id), app.repository.get(person_id)
        referral.touch(n)
        person.touch(n)
        involvement = Tick(c.index, n)
        app.save(referral, person, involvement)
        c.open.append(involvement.id)
        c.events += 3
    elif kind == "contact":
        app.repository.get(c.rng.choice(c.open))
        app.save(Tick(c.index, n))
        c.events += 1
    else:
        involvement = app.repository.get(c.rng.choice(c.open))
        involvement.touch(n)
        app.save(involvement)
        c.events += 1
    c.commands += 1


@dataclass(frozen=True)
class RawResult:
    seconds: float
    commands: int
    events: int

    @property
    def per_second(self) -> float:
        return self.commands / self.seconds

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds


def raw_mix(env: dict[str, str], clients: int, seconds: float) -> RawResult:
    """The command mix against the bare library for `seconds`, `clients` threads, one app."""
    app = RawBench(env=env)
    states = [RawClient(i, random.Random(i)) for i in range(clients)]
    errors: list[BaseException] = []
    start = threading.Barrier(clients + 1, timeout=60)
    stop = threading.Event()
    kinds, weights = [k for k, _ in MIX], [w for _, w in MIX]

    def work(c: RawClient) -> None:
        start.wait()
        try:
            while not stop.is_set():
                one_command(app, c, c.rng.choices(kinds, weights)[0])
        except BaseException as error:  # reported below; a failed run must not look fast
            errors.append(error)

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in states]
    try:
        for t in threads:
            t.start()
        start.wait()
        began = time.perf_counter()
        time.sleep(seconds)
        stop.set()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
    finally:
        stop.set()
        app.close()
    if errors:
        raise RuntimeError(f"raw benchmark failed: {errors[0]!r}") from errors[0]
    return RawResult(elapsed, sum(c.commands for c in states), sum(c.events for c in states))
