"""Read-model tables. Every row here can be rebuilt from the event log."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    Uuid,
)
from sqlalchemy.engine import Dialect


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always gives back an aware UTC datetime (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return (
            value.astimezone(UTC)
            if dialect.name != "sqlite"
            else value.astimezone(UTC).replace(tzinfo=None)
        )

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

projection_positions = Table(
    "projection_positions",
    metadata,
    Column("name", String(60), primary_key=True),
    Column("position", BigInteger, nullable=False, default=0),
    Column("updated_at", UTCDateTime()),
)

people = Table(
    "rm_people",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200)),
    Column("name_search", String(200), index=True),
    Column("date_of_birth", Date),
    Column("nhs_number", String(10), index=True),
    Column("postcode", String(10)),
    Column("address", Text),
    Column("phone", String(40)),
    Column("email", String(254)),
    Column("district", String(60), nullable=False, index=True),
    Column("lsoa_code", String(9)),
    Column("age_band", String(10)),
    Column("sex", String(20)),
    Column("ethnicity", String(60)),
    Column("cares_for_id", Uuid),
    Column("carer_relationship", String(60)),
    Column("registered_at", UTCDateTime(), nullable=False),
    Column("registered_by", Uuid, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

referrals = Table(
    "rm_referrals",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("programme", String(20), nullable=False),
    Column("source", String(40), nullable=False),
    Column("referrer", String(300)),
    Column("reasons", JSON),
    Column("consent_to_share", Boolean, nullable=False),
    Column("status", String(20), nullable=False),
    Column("referred_by", Uuid, nullable=False, index=True),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("coordinator_id", Uuid, index=True),
    Column("decided_at", UTCDateTime()),
    Column("decided_by", Uuid),
    Column("decline_reason", Text),
    Column("redirected_to", String(200)),
    Column("closed_at", UTCDateTime()),
    Column("close_note", Text),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_rm_referrals_inbox", "programme", "status", "received_at"),
)

# One row per erased person: who erased them, when and on what ground (no personal data).
erasures = Table(
    "rm_erasures",
    metadata,
    Column("person_id", Uuid, primary_key=True),
    Column("erasure_id", Uuid, nullable=False),
    Column("ground", String(20), nullable=False),
    Column("erased_by", Uuid, nullable=False),
    Column("erased_at", UTCDateTime(), nullable=False),
    Column("position", BigInteger, nullable=False),
)
