"""Tell the Celery worker there is something new, without ever making a command wait on Redis.

At most one general catch-up task waits in the queue at a time: a nudge sets a short-lived
"pending" flag in Redis (SET NX) and sends a task only when it set the flag; the task clears the
flag before it reads the log (`clear_pending`). An event committed after that is seen by the
running task or nudges a new one; one committed before is read by the task. Without the flag,
under a steady stream of commands the nudges outran the worker and the queue grew, and with it
the time from a commit to the caseload. The flag expires (PENDING_MS), so a task that is lost
delays catching up by that long at most (the beat sweep runs as well).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from workers.settings import Settings

log = logging.getLogger("lac.nudge")

# Commands arriving within this window share one message to the worker.
COALESCE_SECONDS = 0.01
# How long a nudge's flag keeps further nudges from sending another task.
PENDING_MS = 2000


def pending_key(settings: Settings) -> str:
    return f"lac:catch-up-pending:{settings.queue}"


def redis_client(settings: Settings) -> Any:
    import redis

    return redis.Redis.from_url(
        settings.redis_url or "", socket_connect_timeout=2, socket_timeout=2
    )


def clear_pending(settings: Settings, client: Any) -> None:
    """Called by the worker's task before it reads the log; a failure only means a spare task."""
    if client is None:
        return
    try:
        client.delete(pending_key(settings))
    except Exception as error:
        log.warning("could not clear the catch-up flag (%s)", type(error).__name__)


class CeleryNudger:
    """Sends 'catch up' to the worker from a background thread; failures only delay."""

    def __init__(self, settings: Settings) -> None:
        from workers.celery_app import make_celery

        self.celery = make_celery(settings)
        self.redis = redis_client(settings)
        self.key = pending_key(settings)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lac-nudger", daemon=True)
        self._thread.start()
        self.failures = 0

    def nudge(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        recheck: float | None = None  # when to try again after a nudge found the flag set
        while not self._stop.is_set():
            woken = self._wake.wait(
                None if recheck is None else max(0.0, recheck - time.monotonic())
            )
            if self._stop.is_set():
                return
            if woken:
                time.sleep(COALESCE_SECONDS)
                self._wake.clear()
            try:
                recheck = self._send()
                self.failures = 0
            except Exception as error:  # Redis down: the beat sweep catches up later.
                self.failures += 1
                if self.failures == 1:
                    log.warning(
                        "could not nudge the worker (%s); the sweep will catch up",
                        type(error).__name__,
                    )
                time.sleep(min(0.1 * self.failures, 2.0))

    def _send(self) -> float | None:
        """Send a task unless one is waiting; then returns when to look again: the waiting
        task may have been lost with a killed worker, and its flag outlives it until it
        expires, so the nudge is tried once more after that (an extra task does no harm)."""
        if not self.redis.set(self.key, "1", nx=True, px=PENDING_MS):
            left = max(int(self.redis.pttl(self.key)), 0)
            return time.monotonic() + left / 1000 + COALESCE_SECONDS
        try:
            self.celery.send_task("lac.catch_up")
        except Exception:
            self.redis.delete(self.key)  # let the next nudge try again
            raise
        return None

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)
        self.redis.close()
