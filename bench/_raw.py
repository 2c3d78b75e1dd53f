"""(a) The raw library: one new aggregate and one save per operation, from N threads."""

from __future__ import annotations

import threading
import time
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from bench._db import BenchDatabase


class Tick(Aggregate):
    """The smallest useful aggregate: created with one small payload."""

    @event("Created")
    def __init__(self, client: int, n: int) -> None:
        self.client = client
        self.n = n


class RawBench(Application[UUID]):
    # Its own name, so its tables never clash with the API's ("lac") in the same database.
    name = "rawbench"


def raw_saves_per_second(db: BenchDatabase, clients: int, seconds: float) -> tuple[float, int]:
    """(saves per second, saves) over `seconds`, with `clients` threads sharing one app."""
    app = RawBench(env=db.eventsourcing_env(pool_size=clients))
    counts = [0] * clients
    errors: list[BaseException] = []
    start = threading.Barrier(clients + 1, timeout=60)
    stop = threading.Event()

    def work(client: int) -> None:
        start.wait()
        try:
            while not stop.is_set():
                app.save(Tick(client, counts[client]))
                counts[client] += 1
        except BaseException as error:  # reported below; a failed run must not look fast
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(clients)]
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
    total = sum(counts)
    return total / elapsed, total
