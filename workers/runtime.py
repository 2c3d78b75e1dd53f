"""The composition root: builds the application, read-model engine, projectors and nudger."""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol

from sqlalchemy import Engine, select

from domain.application import LacApplication
from projections.assets import AssetsProjection
from projections.casework import CaseworkProjection
from projections.db import create_tables, make_engine
from projections.devices import DeviceSchemeProjection
from projections.people import PeopleProjection
from projections.projector import Projection, Projector
from projections.referrals import ReferralsProjection
from projections.report_facts import ReportFactsProjection
from projections.tables import projection_positions
from workers.settings import Settings

log = logging.getLogger("lac.runtime")


class Nudger(Protocol):
    def nudge(self) -> None: ...

    def close(self) -> None: ...


class Runtime:
    """Everything a process needs, built once per process (after a fork, in workers)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        if not settings.database_url:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        env = {f"LAC_{k}": v for k, v in settings.event_store_env().items()}
        self.app = LacApplication(
            env,
            claim_secret=settings.derived_key("lac:nhs-number-claims"),
            districts=settings.districts,
        )
        self.engine: Engine = make_engine(settings.read_model_url, pool_size=settings.db_pool_size)
        create_tables(self.engine)
        projections: tuple[Projection, ...] = (
            PeopleProjection(),
            ReferralsProjection(),
            CaseworkProjection(),
            AssetsProjection(),
            DeviceSchemeProjection(),
            ReportFactsProjection(),
        )
        self.projectors = [
            Projector(self.app, self.engine, p, poison_retries=settings.poison_retries)
            for p in projections
        ]
        self.nudger: Nudger | None = None
        # Projections whose last catch-up failed (name -> error type), for /ready.
        self.failures: dict[str, str] = {}

    def projector(self, name: str) -> Projector:
        for projector in self.projectors:
            if projector.name == name:
                return projector
        raise KeyError(f"no projection named {name!r}")

    def start_nudger(self) -> None:
        """In-process projector thread (embedded) or Celery nudges (with Redis)."""
        if self.nudger is not None:
            return
        if self.settings.embedded:
            self.nudger = InProcessProjector(self)
        else:
            from workers.nudge import CeleryNudger

            self.nudger = CeleryNudger(self.settings)

    def nudge(self) -> None:
        if self.nudger is not None:
            self.nudger.nudge()

    def positions(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(projection_positions.c.name, projection_positions.c.position)
            ).all()
        found = {str(name): int(pos) for name, pos in rows}
        return {p.name: found.get(p.name, 0) for p in self.projectors}

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until every read model has reached the log position, or the timeout passes."""
        deadline = time.monotonic() + timeout
        delay = 0.005
        nudged = False
        while True:
            if min(self.positions().values()) >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            if not nudged:  # once: the projector keeps going until it has caught up
                self.nudge()
                nudged = True
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

    def catch_up(self) -> int:
        """Catch every projection up; one that fails does not hold the others back."""
        applied, failed = take_turns(self.projectors, self.failures)
        if failed:
            raise failed[0]
        return applied

    def close(self) -> None:
        if self.nudger is not None:
            self.nudger.close()
        self.app.close()
        self.engine.dispose()


def take_turns(
    projectors: list[Projector], failures: dict[str, str], max_rounds: int | None = None
) -> tuple[int, list[Exception]]:
    """Run the projectors a batch each in turn until each is caught up (or max_rounds ran).

    Taking turns means that under a steady stream of commands a projection that always finds
    new events (people) never starves the ones after it (casework, the caseload). A projection
    that fails drops out of the round (name -> error type in `failures`); the others go on.
    Returns the events applied and the errors.
    """
    applied, failed, rounds = 0, [], 0
    pending = list(projectors)
    while pending and (max_rounds is None or rounds < max_rounds):
        rounds += 1
        for projector in list(pending):
            try:
                before = projector.position()
                count = projector.run_batch()
                failures.pop(projector.name, None)
            except Exception as error:
                failures[projector.name] = type(error).__name__
                log.warning("projection %s failed: %s", projector.name, type(error).__name__)
                failed.append(error)
                pending.remove(projector)
                continue
            applied += count
            if count == 0 and projector.position() == before:
                pending.remove(projector)
    return applied, failed


class InProcessProjector:
    """Embedded mode: a daemon thread runs the projectors when nudged, and sweeps regularly."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lac-projector", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.runtime.settings.sweep_seconds)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.runtime.catch_up()
            except Exception as error:
                # The type only: a database error's detail can quote stored (personal) values.
                log.warning("projector batch failed (%s); it will be retried", type(error).__name__)
                time.sleep(0.5)

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=10)
