"""(b) load: N keep-alive clients send a realistic mix of commands for a fixed time."""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from bench._server import Client
from domain.nhs_number import check_digit
from domain.reference import NOTTINGHAMSHIRE_DISTRICTS

# The mix: a social worker refers someone new; a coordinator accepts a referral this client
# made earlier (opening the person's involvement), logs a support contact and records a coded
# outcome for someone on this client's caseload. Each step falls back to the one it needs
# first: no open involvement yet -> accept; no referral waiting -> refer.
MIX: tuple[tuple[str, float], ...] = (
    ("refer", 0.30),
    ("accept", 0.20),
    ("contact", 0.35),
    ("outcome", 0.15),
)
POSTCODES = ("NG18 1AB", "NG17 7AA", "S80 2AA", "NG9 1AA", "NG5 1AA", "NG24 1AA", "NG2 7AA")
REASONS = ("lonely since a bereavement", "struggling to get out", "no way to get online")


class NhsNumbers:
    """Unique, valid NHS numbers shared by all clients: the next nine digits that can carry
    a Modulus 11 check digit (a remainder of 10 means no number can end them)."""

    def __init__(self, start: int = 400_000_000) -> None:
        self._next = itertools.count(start)
        self._lock = threading.Lock()

    def take(self) -> str:
        with self._lock:
            while True:
                first_nine = f"{next(self._next):09d}"
                digit = check_digit(first_nine)
                if digit is not None:
                    return f"{first_nine}{digit}"


@dataclass
class Tally:
    """What one client saw: latencies of successful commands and failures by status."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)

    def ok(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

    def failed(self, kind: str, status: str, detail: str) -> None:
        key = f"{kind} {status}"
        self.errors[key] += 1
        self.samples.setdefault(key, detail[:300])


def person(rng: random.Random, numbers: NhsNumbers) -> dict[str, Any]:
    born = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 75))
    return {
        "name": f"Person {rng.randrange(10**6)}",
        "date_of_birth": born.isoformat(),
        "postcode": rng.choice(POSTCODES),
        "district": rng.choice(NOTTINGHAMSHIRE_DISTRICTS),
        "nhs_number": numbers.take(),
        "sex": rng.choice(("female", "male", "not_stated")),
    }


def referral(rng: random.Random, numbers: NhsNumbers) -> dict[str, Any]:
    return {
        "person": person(rng, numbers),
        "programme": "lac",
        "source": rng.choice(("gp", "housing", "self", "family_or_neighbour")),
        "reasons": [rng.choice(REASONS)],
        "consent_to_share": True,
    }


def contact_body(rng: random.Random) -> dict[str, Any]:
    return {
        "contact_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "duration_minutes": rng.choice((15, 30, 45, 60)),
        "mode": rng.choice(("in_person", "phone")),
        "participants": ["person"],
        "purposes": [rng.choice(("listening", "planning"))],
        "notes": "Talked about getting to the lunch club on Thursdays",
    }


def outcome_body(rng: random.Random) -> dict[str, Any]:
    return {
        "domain": "crisis_avoided",
        "occurred_on": datetime.now(UTC).date().isoformat(),
        "evidence": rng.choice(("stayed at home", "kept the tenancy", "back in touch with family")),
    }


@dataclass
class Caseload:
    """What one client has made so far: referrals waiting, people with an open involvement."""

    waiting: list[tuple[str, str]] = field(default_factory=list)  # (referral id, person id)
    open: list[str] = field(default_factory=list)  # person ids

    def feasible(self, kind: str) -> str:
        """The wanted kind, or the step it needs first."""
        if kind in ("contact", "outcome") and not self.open:
            kind = "accept"
        if kind == "accept" and not self.waiting:
            kind = "refer"
        return kind

    def done(self, kind: str, request: Request, answer: dict[str, Any]) -> None:
        if kind == "refer":
            self.waiting.append((str(answer["id"]), str(answer["person_id"])))
        elif kind == "accept":
            self.open.append(request.person_id)


@dataclass(frozen=True)
class Request:
    kind: str
    url: str
    body: dict[str, Any]
    headers: dict[str, str]
    person_id: str = ""


def next_request(
    kind: str, rng: random.Random, numbers: NhsNumbers, caseload: Caseload, client: Client
) -> Request:
    worker = {"Authorization": f"Bearer {client.social_worker_token}"}
    coordinator = {"Authorization": f"Bearer {client.coordinator_token}"}
    kind = caseload.feasible(kind)
    if kind == "refer":
        return Request(kind, "/referrals", referral(rng, numbers), worker)
    if kind == "accept":
        referral_id, person_id = caseload.waiting.pop(0)
        return Request(kind, f"/referrals/{referral_id}/accept", {}, coordinator, person_id)
    person_id = rng.choice(caseload.open)
    if kind == "contact":
        return Request(kind, f"/people/{person_id}/contacts", contact_body(rng), coordinator)
    return Request(kind, f"/people/{person_id}/outcomes", outcome_body(rng), coordinator)


def run_client(
    client: Client,
    base_url: str,
    numbers: NhsNumbers,
    start: threading.Barrier,
    stop: threading.Event,
    tally: Tally,
) -> None:
    rng = random.Random(client.index)
    caseload = Caseload()
    kinds = [kind for kind, _ in MIX]
    weights = [weight for _, weight in MIX]
    with httpx.Client(base_url=base_url, timeout=30) as http:  # one keep-alive connection
        start.wait()
        while not stop.is_set():
            request = next_request(rng.choices(kinds, weights)[0], rng, numbers, caseload, client)
            began = time.perf_counter()
            try:
                answer = http.post(request.url, json=request.body, headers=request.headers)
            except httpx.HTTPError as error:
                tally.failed(request.kind, type(error).__name__, str(error))
                continue
            elapsed = time.perf_counter() - began
            if not answer.is_success:
                tally.failed(request.kind, str(answer.status_code), answer.text)
                continue
            tally.ok(request.kind, elapsed)
            caseload.done(request.kind, request, answer.json())


@dataclass(frozen=True)
class LoadResult:
    seconds: float
    tallies: list[Tally]

    def latencies(self, kind: str | None = None) -> list[float]:
        found = [
            x
            for t in self.tallies
            for k, xs in t.latencies.items()
            if kind in (None, k)
            for x in xs
        ]
        return sorted(found)

    @property
    def succeeded(self) -> int:
        return len(self.latencies())

    @property
    def per_second(self) -> float:
        return self.succeeded / self.seconds

    def errors(self) -> Counter[str]:
        return sum((t.errors for t in self.tallies), Counter())

    def samples(self) -> dict[str, str]:
        merged: dict[str, str] = {}
        for t in self.tallies:
            for key, text in t.samples.items():
                merged.setdefault(key, text)
        return merged


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def run_load(base_url: str, clients: list[Client], seconds: float) -> LoadResult:
    numbers = NhsNumbers()
    start = threading.Barrier(len(clients) + 1, timeout=60)
    stop = threading.Event()
    tallies = [Tally() for _ in clients]
    threads = [
        threading.Thread(
            target=run_client, args=(c, base_url, numbers, start, stop, t), daemon=True
        )
        for c, t in zip(clients, tallies, strict=True)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    try:
        time.sleep(seconds)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    return LoadResult(time.perf_counter() - began, tallies)
