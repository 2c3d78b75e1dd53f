"""Tell the Celery worker there is something new, without ever making a command wait on Redis."""

from __future__ import annotations

import logging
import threading
import time

from workers.settings import Settings

log = logging.getLogger("lac.nudge")

# Commands arriving within this window share one message to the worker.
COALESCE_SECONDS = 0.01


class CeleryNudger:
    """Sends 'catch up' to the worker from a background thread; failures only delay."""

    def __init__(self, settings: Settings) -> None:
        from workers.celery_app import make_celery

        self.celery = make_celery(settings)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lac-nudger", daemon=True)
        self._thread.start()
        self.failures = 0

    def nudge(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            if self._stop.is_set():
                return
            time.sleep(COALESCE_SECONDS)
            self._wake.clear()
            try:
                self.celery.send_task("lac.catch_up")
                self.failures = 0
            except Exception as error:  # Redis down: the beat sweep catches up later.
                self.failures += 1
                if self.failures == 1:
                    log.warning(
                        "could not nudge the worker (%s); the sweep will catch up",
                        type(error).__name__,
                    )
                time.sleep(min(0.1 * self.failures, 2.0))

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)
