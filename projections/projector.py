"""Pull events after a tracked position and apply them to read models, exactly once.

Each batch runs in ONE read-model transaction: the first statement locks the projection's
position row (so a second consumer waits instead of applying the same events), the events are
applied, and the position advances with a compare-and-set that refuses to go backwards. A crash
anywhere rolls the whole batch back, and the next run starts from the last committed position.
An event whose handler raises (a poison event) is retried, then skipped: projections/failures.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from eventsourcing.application import Application
from eventsourcing.persistence import InterfaceError as StoreInterfaceError
from eventsourcing.persistence import OperationalError as StoreOperationalError
from eventsourcing.utils import get_topic
from sqlalchemy import Connection, Engine, Table, delete, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from projections import batch
from projections.failures import Failure, describe, forget, given_up, mark_skipped, record_attempt
from projections.tables import projection_positions

log = logging.getLogger("lac.projector")

# Events per transaction: big enough to amortise the commit and the lock, small enough that a
# batch holds the position lock for well under a second and a killed worker redoes little.
BATCH_SIZE = 1000
# Retries of an event whose handler raises, after its first failure, before it is skipped
# (LAC_POISON_RETRIES). Each retry runs the batch again from its start.
POISON_RETRIES = 3
# Errors of the database or the connection, not of the event: never counted against an event.
TRANSIENT: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
    StoreOperationalError,
    StoreInterfaceError,
    ConnectionError,
)


class PositionConflict(Exception):
    """Another consumer moved the position while this batch ran; the batch is rolled back."""


class WriteOutFailed(Exception):
    """Writing a batch's buffered rows failed; the batch runs again in careful mode."""


class HandlerFailed(Exception):
    """A handler (or the decoding) raised on one event; the batch is rolled back."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(f"{failure.projection}: event {failure.position} failed")
        self.failure = failure


Handler = Callable[[Connection, Any, int], None]


class Projection(Protocol):
    """A named read model: its tables and a handler per event class it cares about."""

    name: str
    tables: tuple[Table, ...]

    def handlers(self) -> dict[type[Any], Handler]: ...


@dataclass
class Projector:
    """Keeps one projection up to date from one application's notification log."""

    app: Application[Any]
    engine: Engine
    projection: Projection
    batch_size: int = BATCH_SIZE
    poison_retries: int = POISON_RETRIES

    def __post_init__(self) -> None:
        self._handlers = self.projection.handlers()
        # A projection that reads no personal field gets its events with those left sealed.
        sealed = not getattr(self.projection, "reads_personal_fields", True)
        mapper: Any = self.app.mapper
        self._decode = mapper.to_sealed_event if sealed else mapper.to_domain_event
        # Personal fields are opened with per-person keys: a batch's keys are read in one query.
        self._decode_all = None if sealed else getattr(mapper, "to_domain_events", None)
        self._topics = tuple(get_topic(cls) for cls in self._handlers)
        self._ensure_position_row()

    def _ensure_position_row(self) -> None:
        """Create the position row once; concurrent creators do not collide."""
        dialect = self.engine.dialect.name
        insert_ = postgresql_insert if dialect == "postgresql" else sqlite_insert
        with self.engine.begin() as conn:
            conn.execute(
                insert_(projection_positions)
                .values(name=self.name, position=0, updated_at=datetime.now(UTC))
                .on_conflict_do_nothing(index_elements=["name"])
            )

    @property
    def name(self) -> str:
        return self.projection.name

    def position(self) -> int:
        with self.engine.connect() as conn:
            found = conn.execute(
                select(projection_positions.c.position).where(
                    projection_positions.c.name == self.name
                )
            ).scalar()
        return int(found or 0)

    def run_batch(self) -> int:
        """Apply the next batch; returns how many events were applied (0 when caught up).

        An event whose handler raises is recorded and the batch runs again, until the event
        has failed 1 + poison_retries times; from then on the batch skips it. When writing out
        the buffered rows fails, the batch runs again in careful mode (every write made by the
        handler of its event), so that the event that cannot be stored is the one recorded.
        """
        careful = False
        # Bounded: every failed round adds an attempt to an event of this batch.
        for _ in range((self.poison_retries + 1) * self.batch_size + 2):
            try:
                return self._apply_batch(careful)
            except WriteOutFailed:
                careful = True
            except HandlerFailed as failed:
                attempts = record_attempt(self.engine, failed.failure)
                log.warning(
                    "projection %s: event at position %d (%s) failed: %s, %s; attempt %d of %d",
                    self.name,
                    failed.failure.position,
                    failed.failure.topic,
                    failed.failure.error_type,
                    failed.failure.message,
                    attempts,
                    self.poison_retries + 1,
                )
        raise RuntimeError(f"{self.name}: the batch kept failing")  # pragma: no cover

    def _apply_batch(self, careful: bool = False) -> int:
        with self.engine.begin() as conn:
            start = self._lock_position(conn)
            buffer = getattr(self.projection, "buffer_key", None)
            if buffer is not None:  # rows a failed batch left on this pooled connection
                conn.info.pop(buffer, None)
            batch.start(conn, direct=careful)
            last = self.app.recorder.max_notification_id() or 0
            if last <= start:
                return 0
            notifications = self.app.recorder.select_notifications(
                start, self.batch_size, stop=last, topics=self._topics, inclusive_of_start=False
            )
            skip = given_up(conn, self.name, start, self.poison_retries + 1)
            for notification, event in zip(
                notifications, self._decoded(notifications), strict=True
            ):
                if notification.id in skip:
                    mark_skipped(conn, self.name, notification.id)
                    continue
                self._apply(conn, notification, event, careful)
            self._write_out(conn)
            full = len(notifications) >= self.batch_size
            end = notifications[-1].id if full else last
            self._advance(conn, start, end)
            return len(notifications) - len(skip.intersection(n.id for n in notifications))

    def _decoded(self, notifications: Sequence[Any]) -> list[Any]:
        """Each notification's domain event, or the error its decoding raised (the error is
        raised again when the event is applied, so a poison event is still named)."""
        if self._decode_all is not None:
            return list(self._decode_all(notifications))
        decoded: list[Any] = []
        for notification in notifications:
            try:
                decoded.append(self._decode(notification))
            except Exception as error:
                decoded.append(error)
        return decoded

    def _write_out(self, conn: Connection) -> None:
        """Buffered rows in one go: the batch's row buffer, then a projection's own."""
        try:
            batch.flush(conn)
            flush = getattr(self.projection, "flush", None)
            if flush is not None:
                flush(conn)
        except TRANSIENT:
            raise
        except Exception as error:
            raise WriteOutFailed(type(error).__name__) from error

    def _apply(self, conn: Connection, notification: Any, event: Any, careful: bool) -> None:
        try:
            if isinstance(event, Exception):
                raise event
            domain_event = event
            self._handlers[type(domain_event)](conn, domain_event, notification.id)
            flush = getattr(self.projection, "flush", None)
            if careful and flush is not None:
                flush(conn)  # the projection's own buffer, written while the event is known
        except TRANSIENT:
            raise
        except Exception as error:
            kind, message = describe(error)
            failure = Failure(
                self.name,
                notification.id,
                notification.topic,
                notification.originator_id,
                kind,
                message,
            )
            raise HandlerFailed(failure) from error

    def catch_up(self, max_batches: int | None = None) -> int:
        """Run batches until caught up (or max_batches ran); returns events applied."""
        applied = 0
        batches = 0
        while max_batches is None or batches < max_batches:
            before = self.position()
            count = self.run_batch()
            applied += count
            batches += 1
            if count == 0 and self.position() == before:
                break
        return applied

    def is_caught_up(self) -> bool:
        return self.position() >= (self.app.recorder.max_notification_id() or 0)

    def reset(self) -> None:
        """Empty the projection's tables and set its position to 0, in one transaction."""
        with self.engine.begin() as conn:
            self._lock_position(conn)
            for table in reversed(self.projection.tables):
                conn.execute(delete(table))
            forget(conn, self.name)
            conn.execute(
                update(projection_positions)
                .where(projection_positions.c.name == self.name)
                .values(position=0, updated_at=datetime.now(UTC))
            )

    def _lock_position(self, conn: Connection) -> int:
        # An UPDATE takes the row lock in PostgreSQL and the write lock in SQLite up front.
        touched = conn.execute(
            update(projection_positions)
            .where(projection_positions.c.name == self.name)
            .values(updated_at=datetime.now(UTC))
        )
        if touched.rowcount != 1:
            raise PositionConflict(f"{self.name}: no position row (was the table emptied?)")
        found = conn.execute(
            select(projection_positions.c.position).where(projection_positions.c.name == self.name)
        ).scalar_one()
        return int(found)

    def _advance(self, conn: Connection, start: int, end: int) -> None:
        if end <= start:
            raise PositionConflict(f"{self.name}: position {end} does not advance past {start}")
        moved = conn.execute(
            update(projection_positions)
            .where(projection_positions.c.name == self.name)
            .where(projection_positions.c.position == start)
            .values(position=end)
        )
        if moved.rowcount != 1:
            raise PositionConflict(f"{self.name}: position moved away from {start}")
