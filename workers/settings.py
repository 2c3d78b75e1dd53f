"""One settings object for every process; every value comes from a ``LAC_`` variable."""

from __future__ import annotations

import hashlib
import hmac
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlparse

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.reference import NOTTINGHAMSHIRE_DISTRICTS


class Settings(BaseSettings):
    """Configuration; the embedded default needs none of it set."""

    model_config = SettingsConfigDict(env_prefix="LAC_", extra="ignore")

    data_dir: Path = Field(Path("var"), description="Where the embedded SQLite files live")
    database_url: str | None = Field(None, description="postgresql://user:pass@host:5432/db")
    redis_url: str | None = Field(None, description="redis://host:6379/0; unset = in-process")
    secret_key: str | None = Field(None, description="Signs tokens and keys NHS-number claims")
    token_minutes: int = Field(60, ge=1, le=24 * 60)
    districts: tuple[str, ...] = NOTTINGHAMSHIRE_DISTRICTS
    imd_file: Path | None = None
    population_file: Path | None = None
    queue: str = "lac"
    sweep_seconds: float = Field(5.0, gt=0)
    no_contact_days: int = Field(42, ge=1, le=365, description="Flag people not seen for this long")
    wait_timeout_seconds: float = Field(10.0, gt=0, le=60)
    db_pool_size: int = Field(10, ge=1, le=100)
    db_lock_timeout_seconds: int = Field(5, ge=1)
    poison_retries: int = Field(
        3, ge=0, le=100, description="Retries of an event a read model cannot apply, then skipped"
    )
    host: str = "127.0.0.1"
    port: int = 8000
    disclosure_smallest_shown: int = Field(
        8, ge=1, le=100, description="Published counts below this (but above 0) show as *"
    )
    disclosure_round_to: int = Field(5, ge=1, le=100, description="Published counts round to this")
    retention_years: int = Field(
        6, ge=1, le=100, description="Erase a person this many years after their involvement closed"
    )
    max_request_bytes: int = Field(
        1_000_000, ge=1_000, le=50_000_000, description="Larger request bodies get 413"
    )
    trust_forwarded_for: bool = Field(
        False,
        description="Behind a reverse proxy that sets X-Forwarded-For: record its last entry "
        "as the client's address",
    )
    login_attempts: int = Field(5, ge=1, le=100, description="Failed sign-ins before a lockout")
    login_lockout_minutes: int = Field(15, ge=1, le=24 * 60)
    report_definitions: Path | None = Field(
        None, description="A council's own indicator definitions file (TOML); unset = shipped"
    )

    def derived_key(self, purpose: str) -> bytes:
        """A key for one purpose, so that rotating the token key never touches NHS claims."""
        return hmac.new(self.secret().encode(), purpose.encode(), hashlib.sha256).digest()

    def extract_key(self) -> bytes:
        """Keys the pseudonyms in evaluation extracts: stable, not reversible without it."""
        return self.derived_key("lac:extract-pseudonyms")

    def token_key(self) -> str:
        return self.derived_key("lac:tokens").hex()

    @property
    def embedded(self) -> bool:
        """No Redis: the projector runs inside the API process."""
        return self.redis_url is None

    @cached_property
    def read_model_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'lac.sqlite'}"

    def event_store_env(self) -> dict[str, str]:
        """The eventsourcing library's settings for the event store."""
        if not self.database_url:
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.data_dir / "events.sqlite"),
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        url = urlparse(self.database_url)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.path.lstrip("/"),
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_POOL_SIZE": str(self.db_pool_size),
            "POSTGRES_MAX_OVERFLOW": str(self.db_pool_size),
            "POSTGRES_LOCK_TIMEOUT": str(self.db_lock_timeout_seconds),
            "POSTGRES_CONNECT_TIMEOUT": "5",
            # A connection the pool kept across a database restart is checked before use.
            "POSTGRES_PRE_PING": "y",
        }

    def secret(self) -> str:
        """The configured secret; embedded mode generates one once into the data directory.

        With a shared database every process must use the same secret, so it must be set.
        """
        if self.secret_key:
            return self.secret_key
        if self.database_url:
            raise RuntimeError(
                "set LAC_SECRET_KEY: with LAC_DATABASE_URL every process must share one secret"
            )
        path = self.data_dir / "secret_key"
        if not path.exists():
            import secrets

            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()
