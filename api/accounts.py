"""Users, password hashes (argon2), signed, expiring and revocable bearer tokens (JWT), and
the limit on failed sign-ins."""

from __future__ import annotations

import hashlib
import hmac
import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    delete,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from api.roles import Role
from projections.tables import UTCDateTime

service_metadata = MetaData()

users = Table(
    "users",
    service_metadata,
    Column("id", Uuid, primary_key=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    # A coordinator's team district: they see their own caseload and their team's.
    Column("district", String(60)),
    Column("created_at", UTCDateTime(), nullable=False),
)

# Failed sign-ins, by a keyed hash of the username or of the client's address (never either
# itself, nor the password): enough to count them, nothing to read back.
login_failures = Table(
    "login_failures",
    service_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(64), nullable=False),
    Column("failed_at", UTCDateTime(), nullable=False),
    Index("ix_login_failures_subject", "subject", "failed_at"),
    Index("ix_login_failures_failed_at", "failed_at"),
)

# Tokens signed out before they expire; a row is dropped once its token has expired anyway.
revoked_tokens = Table(
    "revoked_tokens",
    service_metadata,
    Column("jti", String(64), primary_key=True),
    Column("expires_at", UTCDateTime(), nullable=False, index=True),
)

hasher = PasswordHasher()
# Verifying against this when the user is unknown keeps the timing the same either way.
_DUMMY_HASH = hasher.hash("not a real password, only for timing")
MIN_PASSWORD = 12
ALGORITHM = "HS256"


class UsernameTaken(Exception):
    pass


class LockedOut(Exception):
    """Too many failed sign-ins for the username or from the address."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"locked out for {retry_after} s")
        self.retry_after = retry_after


def now() -> datetime:
    """The clock of the sign-in limits (tests move it)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    username: str
    full_name: str
    role: Role
    active: bool
    district: str | None = None


def _user(row: Any) -> User:
    return User(row.id, row.username, row.full_name, Role(row.role), row.active, row.district)


def add_user(
    engine: Engine,
    username: str,
    full_name: str,
    role: Role,
    password: str,
    district: str | None = None,
) -> User:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password must be at least {MIN_PASSWORD} characters")
    user = User(uuid.uuid4(), username.strip().lower(), full_name.strip(), role, True, district)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(users).values(
                    id=user.id,
                    username=user.username,
                    full_name=user.full_name,
                    role=role.value,
                    password_hash=hasher.hash(password),
                    active=True,
                    district=district,
                    created_at=datetime.now(UTC),
                )
            )
    except IntegrityError:
        raise UsernameTaken(username) from None
    return user


def get_user(engine: Engine, user_id: uuid.UUID) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return _user(row) if row else None


def list_users(engine: Engine, role: Role | None = None) -> list[User]:
    query = select(users).order_by(users.c.full_name)
    if role is not None:
        query = query.where(users.c.role == role.value)
    with engine.connect() as conn:
        return [_user(r) for r in conn.execute(query)]


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(users).where(users.c.username == username.strip().lower())
        ).first()
    try:
        hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    return _user(row)


@dataclass(frozen=True)
class LoginLimits:
    """At most `attempts` failed sign-ins per username, and `per_address` per client address,
    within `window`; `key` keys the hashes they are counted by."""

    key: bytes
    attempts: int
    per_address: int
    window: timedelta


def sign_in(
    engine: Engine, limits: LoginLimits, username: str, password: str, address: str | None
) -> User | None:
    """The user, or None for a wrong username or password; LockedOut while either the username
    or the address has had too many failures, whatever the password (and whether or not the
    username exists). A success clears the username's failures."""
    subjects = [(_subject(limits.key, "user", username.strip().lower()), limits.attempts)]
    if address:
        subjects.append((_subject(limits.key, "address", address), limits.per_address))
    moment = now()
    with engine.connect() as conn:
        wait = max(_locked_for(conn, s, n, limits.window, moment) for s, n in subjects)
    if wait:
        raise LockedOut(wait)
    user = authenticate(engine, username, password)
    with engine.begin() as conn:
        _count(conn, user, [s for s, _ in subjects], moment - limits.window, moment)
    return user


def _count(
    conn: Connection, user: User | None, subjects: list[str], stale: datetime, moment: datetime
) -> None:
    """A failure counts against every subject (and old ones go); a success clears the user's."""
    failures = login_failures.c
    if user is not None:
        conn.execute(delete(login_failures).where(failures.subject == subjects[0]))
        return
    conn.execute(delete(login_failures).where(failures.failed_at <= stale))
    conn.execute(insert(login_failures), [{"subject": s, "failed_at": moment} for s in subjects])


def _subject(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _locked_for(
    conn: Connection, subject: str, allowed: int, window: timedelta, moment: datetime
) -> int:
    """Seconds until fewer than `allowed` failures remain in the window (0: not locked)."""
    nth_latest: datetime | None = conn.execute(
        select(login_failures.c.failed_at)
        .where(login_failures.c.subject == subject, login_failures.c.failed_at > moment - window)
        .order_by(login_failures.c.failed_at.desc())
        .offset(allowed - 1)
        .limit(1)
    ).scalar()
    if nth_latest is None:
        return 0
    return max(1, math.ceil((nth_latest + window - moment).total_seconds()))


def issue_token(user: User, secret: str, minutes: int) -> str:
    issued = datetime.now(UTC)
    claims = {
        "sub": str(user.id),
        "role": user.role.value,
        "iat": issued,
        "exp": issued + timedelta(minutes=minutes),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


@dataclass(frozen=True)
class Claims:
    user_id: uuid.UUID
    jti: str
    expires_at: datetime


def read_token(token: str, secret: str) -> Claims | None:
    """The claims of a valid, unexpired token; None for anything else."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub", "jti"]}
        )
        return Claims(
            uuid.UUID(claims["sub"]), str(claims["jti"]), datetime.fromtimestamp(claims["exp"], UTC)
        )
    except (jwt.PyJWTError, KeyError, ValueError, TypeError, OverflowError):
        return None


def signed_in(engine: Engine, token: str, secret: str) -> tuple[User, Claims] | None:
    """The active user a valid, unexpired, unrevoked token was issued to, with its claims."""
    claims = read_token(token, secret)
    if claims is None:
        return None
    user = get_user(engine, claims.user_id)
    if user is None or not user.active:
        return None
    with engine.connect() as conn:
        if is_revoked(conn, claims.jti):  # signed out
            return None
    return user, claims


def revoke_token(engine: Engine, claims: Claims) -> None:
    """Sign a token out: refused from now on. Rows of tokens that have expired are dropped."""
    with engine.begin() as conn:
        conn.execute(delete(revoked_tokens).where(revoked_tokens.c.expires_at < datetime.now(UTC)))
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(revoked_tokens).values(jti=claims.jti, expires_at=claims.expires_at)
            )
    except IntegrityError:
        pass  # signed out already


def is_revoked(conn: Connection, jti: str) -> bool:
    found = conn.execute(select(revoked_tokens.c.jti).where(revoked_tokens.c.jti == jti))
    return found.first() is not None
