"""A real Celery projector worker (`lac worker`) in a subprocess, on its own Redis queue."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench._db import BenchDatabase
from bench._server import ROOT, SECRET_KEY

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass(frozen=True)
class Worker:
    command: list[str]
    queue: str
    log_path: Path
    pid: int

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def new_queue() -> str:
    return f"lac_bench_{secrets.token_hex(4)}"


def worker_env(db: BenchDatabase, queue: str, data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAC_")}
    env.update(
        LAC_DATABASE_URL=db.url,
        LAC_SECRET_KEY=SECRET_KEY,
        LAC_REDIS_URL=REDIS_URL,
        LAC_QUEUE=queue,
        LAC_DATA_DIR=data_dir,
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def running_worker(db: BenchDatabase, queue: str, concurrency: int = 2) -> Iterator[Worker]:
    """`lac worker` (prefork, --concurrency as the product's default); always stopped."""
    command = [str(Path(sys.executable).with_name("lac")), "worker", f"--concurrency={concurrency}"]
    with tempfile.TemporaryDirectory(prefix="lac-bench-worker-") as data_dir:
        log_path = Path(data_dir) / "worker.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=worker_env(db, queue, data_dir),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its prefork children are stopped with it
            )
            try:
                yield Worker(command, queue, log_path, process.pid)
            finally:
                _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()  # warm shutdown: the children finish their task and exit
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait(timeout=5)


def forget_queue(queue: str) -> None:
    """Remove this run's queue and its binding from Redis (our own keys only)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    finally:
        client.close()
