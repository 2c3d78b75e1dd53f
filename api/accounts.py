"""Users, password hashes (argon2) and signed, expiring bearer tokens (JWT)."""

from __future__ import annotations

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
    Engine,
    MetaData,
    String,
    Table,
    Uuid,
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

hasher = PasswordHasher()
# Verifying against this when the user is unknown keeps the timing the same either way.
_DUMMY_HASH = hasher.hash("not a real password, only for timing")
MIN_PASSWORD = 12
ALGORITHM = "HS256"


class UsernameTaken(Exception):
    pass


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


def issue_token(user: User, secret: str, minutes: int) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(user.id),
        "role": user.role.value,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str) -> uuid.UUID | None:
    """The user id in a valid, unexpired token; None for anything else."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp"]})
        return uuid.UUID(claims["sub"])
    except (jwt.PyJWTError, KeyError, ValueError):
        return None
