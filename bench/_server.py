"""(b) setup: users made directly in the database, then a real API server in a subprocess."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench._db import Store

PASSWORD = "bench-password-not-secret"
SECRET_KEY = "bench-secret-key-only-for-a-throw-away-database"
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Client:
    """One load-generating client: a social worker and a coordinator, signed in."""

    index: int
    social_worker_token: str
    coordinator_token: str


@dataclass(frozen=True)
class Server:
    base_url: str
    command: list[str]
    log_path: Path
    pid: int

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def cpu_seconds(self) -> float | None:
        """User + system CPU the server and its worker processes have used so far (Linux
        /proc; else None)."""
        stats = _process_stats()
        if self.pid not in stats:
            return None
        tree, found = {self.pid}, True
        while found:  # children, grandchildren, ...
            found = False
            for pid, (parent, _) in stats.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    found = True
        return sum(stats[pid][1] for pid in tree) / os.sysconf("SC_CLK_TCK")

    def projections_behind(self, token: str) -> int | None:
        """How many log positions the slowest read model trails (GET /ready); None: unknown."""
        try:
            answer = httpx.get(
                f"{self.base_url}/ready", headers={"Authorization": f"Bearer {token}"}, timeout=10
            )
            projections = answer.json()["projections"]
            return max(int(p["behind"]) for p in projections.values())
        except (httpx.HTTPError, KeyError, ValueError, TypeError):
            return None

    def wait_caught_up(self, token: str, timeout: float = 60) -> float | None:
        """Seconds until every read model has caught up with the log; None if it did not."""
        began = time.perf_counter()
        while time.perf_counter() - began < timeout:
            behind = self.projections_behind(token)
            if behind is None:
                return None
            if behind == 0:
                return time.perf_counter() - began
            time.sleep(0.05)
        return None


def create_users(store: Store, clients: int) -> None:
    """One social worker and one coordinator per client, through the project's own code."""
    from api.accounts import add_user, service_metadata
    from api.roles import Role
    from workers.runtime import Runtime
    from workers.settings import Settings

    settings = Settings(secret_key=SECRET_KEY, redis_url=None, **store.settings_kwargs())  # type: ignore[arg-type]
    runtime = Runtime(settings)
    try:
        service_metadata.create_all(runtime.engine)
        for i in range(clients):
            add_user(runtime.engine, f"sw{i}", f"Social Worker {i}", Role.SOCIAL_WORKER, PASSWORD)
            add_user(runtime.engine, f"co{i}", f"Coordinator {i}", Role.COORDINATOR, PASSWORD)
    finally:
        runtime.close()


def _process_stats() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, user + system clock ticks) of every process we can read."""
    stats: dict[int, tuple[int, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return stats


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_command(port: int, how: str, workers: int = 1) -> list[str]:
    """`lac serve --workers N` once the CLI exists (or when asked for), else uvicorn with the
    factory (one process). Each process runs the embedded projector."""
    use_lac = how == "lac" or (how == "auto" and importlib.util.find_spec("api.cli") is not None)
    if use_lac:
        lac = str(Path(sys.executable).with_name("lac"))
        port_args = ["--host", "127.0.0.1", "--port", str(port)]
        return [lac, "serve", *port_args, "--workers", str(workers)]
    return [
        sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


def server_env(store: Store, data_dir: str, extra: dict[str, str] | None) -> dict[str, str]:
    # Drop any LAC_* from the caller's shell: no LAC_REDIS_URL means the embedded projector.
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAC_")}
    env.update(LAC_SECRET_KEY=SECRET_KEY, LAC_DATA_DIR=data_dir, PYTHONUNBUFFERED="1")
    env.update(store.lac_env())
    env.update(extra or {})
    return env


@contextmanager
def running_server(
    store: Store, how: str = "auto", extra_env: dict[str, str] | None = None, workers: int = 1
) -> Iterator[Server]:
    """Start the API, wait for /health, and always stop it (TERM, then KILL)."""
    port = free_port()
    command = server_command(port, how, workers)
    with tempfile.TemporaryDirectory(prefix="lac-bench-") as data_dir:
        log_path = Path(data_dir) / "server.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=server_env(store, data_dir, extra_env),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            server = Server(f"http://127.0.0.1:{port}", command, log_path, process.pid)
            try:
                _wait_healthy(server, process)
                yield server
            finally:
                _stop(process)


def _wait_healthy(server: Server, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server not healthy after {timeout}s:\n{server.log_tail()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def sign_in(base_url: str, clients: int) -> list[Client]:
    """Tokens through POST /auth/token, as a real client gets them."""

    def token(http: httpx.Client, username: str) -> str:
        answer = http.post("/auth/token", data={"username": username, "password": PASSWORD})
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    with httpx.Client(base_url=base_url, timeout=30) as http:
        return [Client(i, token(http, f"sw{i}"), token(http, f"co{i}")) for i in range(clients)]
