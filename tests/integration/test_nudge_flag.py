"""Nudges from the API never queue more than one waiting catch-up task (real Redis)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import redis

from workers.nudge import PENDING_MS, CeleryNudger, clear_pending, pending_key, redis_client
from workers.settings import Settings


def settings(redis_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        redis_url=redis_url,
        queue=f"lac-nudge-{uuid.uuid4().hex[:8]}",
        data_dir=tmp_path,
        secret_key="nudge-secret-" + "x" * 30,
    )


def queued(client: redis.Redis, queue: str, wanted: int, timeout: float = 3.0) -> int:
    """Messages waiting in the queue, once it holds `wanted` or the time is up."""
    deadline = time.monotonic() + timeout
    while True:
        found = int(client.llen(queue))
        if found >= wanted or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def test_a_burst_of_nudges_queues_one_task_until_the_worker_starts_it(
    redis_url: str, tmp_path: Path
) -> None:
    config = settings(redis_url, tmp_path)
    client = redis_client(config)
    nudger = CeleryNudger(config)
    try:
        for _ in range(50):
            nudger.nudge()
            time.sleep(0.002)
        assert queued(client, config.queue, 1) == 1
        time.sleep(0.3)  # later nudges of the burst have been handled by now
        assert client.llen(config.queue) == 1
        assert 0 < int(client.pttl(pending_key(config))) <= PENDING_MS

        clear_pending(config, client)  # what the task does before it reads the log
        nudger.nudge()
        assert queued(client, config.queue, 2) == 2
    finally:
        nudger.close()
        client.delete(config.queue, pending_key(config))
        client.close()


def test_the_flag_runs_out_so_a_lost_task_delays_catching_up_only_briefly(
    redis_url: str, tmp_path: Path
) -> None:
    config = settings(redis_url, tmp_path)
    client = redis_client(config)
    client.set(pending_key(config), "1", px=300)  # as if its task had been lost
    nudger = CeleryNudger(config)
    try:
        nudger.nudge()
        time.sleep(0.1)
        assert client.llen(config.queue) == 0
        time.sleep(0.4)
        nudger.nudge()
        assert queued(client, config.queue, 1) == 1
    finally:
        nudger.close()
        client.delete(config.queue, pending_key(config))
        client.close()
