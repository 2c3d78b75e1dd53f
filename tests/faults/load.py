"""A load of commands over HTTP from client threads, each command retried as a careful client
would: with the same Idempotency-Key, after a 503 (or a 409 that says when to retry)."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from tests.integration.services import wait_until

# (url, JSON body) for the n-th command of the load.
Command = Callable[[int], tuple[str, dict[str, Any]]]
RETRY_FOR = 60.0  # a command still not acknowledged after this long counts as failed
RETRY_PAUSE = 0.1  # the test's clients retry sooner than Retry-After says, to keep it short


@dataclass
class Sent:
    """One command: every answer it got, and the body of the one that acknowledged it."""

    number: int
    key: str
    url: str
    codes: list[int] = field(default_factory=list)
    acknowledged: dict[str, Any] | None = None
    retry_after_missing: int = 0
    refused: str | None = None  # the answer that ended it unacknowledged


class Load:
    """Client threads sending commands until stopped; each thread finishes its command first."""

    def __init__(
        self, client: TestClient, headers: dict[str, str], command: Command, threads: int = 4
    ) -> None:
        self.client, self.headers, self.command = client, headers, command
        self.sent: list[Sent] = []
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=RETRY_FOR + 30)
        assert not any(t.is_alive() for t in self._threads), "a load thread did not finish"

    def acknowledged(self) -> list[Sent]:
        with self._lock:
            return [s for s in self.sent if s.acknowledged is not None]

    def wait_for_acks(self, more: int, seconds: float = 60) -> None:
        target = len(self.acknowledged()) + more
        wait_until(lambda: len(self.acknowledged()) >= target, seconds, f"{more} more acks")

    def codes(self) -> Counter[int]:
        with self._lock:
            return Counter(code for s in self.sent for code in s.codes)

    def _run(self) -> None:
        while not self._stop.is_set():
            number = next(self._numbers)
            url, body = self.command(number)
            sent = Sent(number, f"load-{number}", url)
            with self._lock:
                self.sent.append(sent)
            self._send(sent, body)

    def _send(self, sent: Sent, body: dict[str, Any]) -> None:
        headers = {**self.headers, "Idempotency-Key": sent.key}
        deadline = time.monotonic() + RETRY_FOR
        while time.monotonic() < deadline:
            try:
                answer = self.client.post(sent.url, json=body, headers=headers)
            except Exception as error:  # the app raised past its handlers: a client sees a 500
                sent.codes.append(500)
                sent.refused = type(error).__name__
                return
            sent.codes.append(answer.status_code)
            if answer.is_success:
                sent.acknowledged = answer.json()
                return
            retry = answer.status_code == 503 or (
                answer.status_code == 409 and "Retry-After" in answer.headers
            )
            if not retry:
                sent.refused = answer.text[:300]
                return
            if "Retry-After" not in answer.headers:
                sent.retry_after_missing += 1
            time.sleep(RETRY_PAUSE)
