"""Nudges from the API never queue more than one waiting catch-up task (real Redis)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis

from workers.nudge import PENDING_MS, CeleryNudger, clear_pending, pending_key, redis_client
from workers.settings import Settings


@dataclass
class Nudging:
    config: Settings
    client: Any
    nudger: CeleryNudger

    def queued(self, wanted: int, timeout: float = 3.0) -> int:
        """Messages waiting in the queue, once it holds `wanted` or the time is up."""
        deadline = time.monotonic() + timeout
        while True:
            found = int(self.client.llen(self.config.queue))
            if found >= wanted or time.monotonic() > deadline:
                return found
            time.sleep(0.02)


@pytest.fixture
def nudging(redis_url: str, tmp_path: Path) -> Iterator[Nudging]:
    config = Settings(
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        redis_url=redis_url,
        queue=f"lac-nudge-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        secret_key="nudge-secret-" + "x" * 30,
    )
    client: redis.Redis = redis_client(config)
    nudger = CeleryNudger(config)
    try:
        yield Nudging(config, client, nudger)
    finally:
        nudger.close()
        client.delete(config.queue, pending_key(config))
        client.close()


def test_a_burst_of_nudges_queues_one_task_until_the_worker_starts_it(nudging: Nudging) -> None:
    for _ in range(50):
        nudging.nudger.nudge()
        time.sleep(0.002)
    assert nudging.queued(1) == 1
    time.sleep(0.3)  # later nudges of the burst have been handled by now
    assert nudging.client.llen(nudging.config.queue) == 1
    assert 0 < int(nudging.client.pttl(pending_key(nudging.config))) <= PENDING_MS

    clear_pending(nudging.config, nudging.client)  # what the task does before it reads the log
    nudging.nudger.nudge()
    assert nudging.queued(2) == 2


def test_the_flag_runs_out_so_a_lost_task_delays_catching_up_only_briefly(
    nudging: Nudging,
) -> None:
    nudging.client.set(pending_key(nudging.config), "1", px=300)  # as if its task was lost
    nudging.nudger.nudge()
    time.sleep(0.1)
    assert nudging.client.llen(nudging.config.queue) == 0
    # No further nudge: the nudger looks again once the lost task's flag has run out.
    assert nudging.queued(1) == 1
