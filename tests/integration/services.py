"""Real services for integration tests: a fresh PostgreSQL database, Redis, Celery processes."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import IO

import psycopg
import pytest
import redis

from workers.settings import Settings

POSTGRES_ADMIN_URL = os.environ.get(
    "LAC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("LAC_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def require_service(name: str, error: Exception) -> None:
    """With CI=true a missing service fails the test; on a laptop it skips with the reason."""
    message = f"{name} is not reachable ({type(error).__name__}: {error})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def create_database() -> str:
    name = f"lac_it_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        require_service("PostgreSQL", error)
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def check_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        require_service("Redis", error)


def settings_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAC_")}
    env.update(
        {
            "LAC_DATABASE_URL": settings.database_url or "",
            "LAC_REDIS_URL": settings.redis_url or "",
            "LAC_QUEUE": settings.queue,
            "LAC_DATA_DIR": str(settings.data_dir),
            "LAC_SECRET_KEY": settings.secret_key or "",
            "LAC_SWEEP_SECONDS": str(settings.sweep_seconds),
            "LAC_POISON_RETRIES": str(settings.poison_retries),
        }
    )
    return env


class CeleryProcess:
    """A real `celery worker` or `celery beat` in its own process group."""

    def __init__(self, settings: Settings, kind: str, log_dir: Path) -> None:
        self.settings = settings
        self.kind = kind
        self.log_path = log_dir / f"celery-{kind}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> None:
        args = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "workers.celery_app",
            self.kind,
            "--loglevel=INFO",
        ]
        if self.kind == "worker":
            args += [
                "-Q",
                self.settings.queue,
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        else:
            args += [f"--schedule={self.settings.data_dir / 'beat-schedule'}"]
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            args,
            env=settings_env(self.settings),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=Path(__file__).resolve().parents[2],
        )

    def kill(self) -> None:
        """SIGKILL the whole process group: no clean shutdown, no acks."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._log:
            self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateRedis:
    """A redis-server of our own, so a test can stop and restart it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            require_service("redis-server binary", FileNotFoundError("redis-server"))
        assert binary is not None
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _pings(self.url), 10, "private redis to start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _pings(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def wait_until(condition: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")
