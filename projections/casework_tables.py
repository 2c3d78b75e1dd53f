"""Read-model tables for casework and the community assets directory.

Every row is rebuilt from the event log. Flags such as "no contact for 42 days" are never
stored: they depend on today's date and are computed by the queries.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    Uuid,
)

from projections.tables import UTCDateTime, metadata

# One row per person: the current state of their involvement (reopening reuses the row).
involvements = Table(
    "rm_involvements",
    metadata,
    Column("person_id", Uuid, primary_key=True),
    Column("involvement_id", Uuid, nullable=False, unique=True),
    Column("coordinator_id", Uuid, nullable=False),
    Column("district", String(60), nullable=False),
    Column("status", String(10), nullable=False),
    Column("support_level", String(40), nullable=False),
    Column("referral_id", Uuid),
    Column("first_opened_at", UTCDateTime(), nullable=False),
    # When the current spell of work began (the first opening, or the latest reopening).
    Column("opened_at", UTCDateTime(), nullable=False),
    Column("paused_at", UTCDateTime()),
    Column("pause_note", Text),
    Column("closed_at", UTCDateTime()),
    Column("close_reason", String(40)),
    Column("close_note", Text),
    Column("what_matters", Text),
    Column("strengths", JSON),
    Column("next_action", Text),
    Column("next_action_due", Date),
    # Latest contact_at among the person's contacts that were not withdrawn, and their count.
    Column("last_contact_at", UTCDateTime()),
    Column("contacts_count", Integer, nullable=False, default=0),
    # The latest date of a safeguarding concern raised (outcomes not withdrawn).
    Column("safeguarding_raised_at", Date),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_rm_involvements_coordinator", "coordinator_id", "status"),
    Index("ix_rm_involvements_district", "district", "status"),
)

goals = Table(
    "rm_goals",
    metadata,
    Column("goal_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("text", Text),
    Column("status", String(20), nullable=False),
    Column("set_at", UTCDateTime(), nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
)

contacts = Table(
    "rm_contacts",
    metadata,
    Column("contact_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False),
    Column("involvement_id", Uuid, nullable=False),
    Column("district", String(60), nullable=False),
    Column("contact_at", UTCDateTime(), nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("participants", JSON, nullable=False),
    Column("purposes", JSON, nullable=False),
    Column("notes", Text),
    Column("asset_ids", JSON, nullable=False),
    Column("recorded_by", Uuid, nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("corrected", Boolean, nullable=False, default=False),
    Column("corrected_at", UTCDateTime()),
    Column("correction_why", Text),
    Column("withdrawn", Boolean, nullable=False, default=False),
    Column("withdrawn_at", UTCDateTime()),
    Column("withdrawn_why", Text),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_rm_contacts_person", "person_id", "withdrawn", "contact_at"),
    Index("ix_rm_contacts_district", "district", "contact_at"),
)

outcomes = Table(
    "rm_outcomes",
    metadata,
    Column("outcome_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("domain", String(60), nullable=False),
    Column("detail", String(60)),
    Column("occurred_on", Date, nullable=False),
    Column("evidence", Text),
    Column("visits", JSON),
    Column("recorded_by", Uuid, nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("withdrawn", Boolean, nullable=False, default=False),
    Column("withdrawn_reason", Text),
    Index("ix_rm_outcomes_domain", "domain", "occurred_on"),
)

measures = Table(
    "rm_measures",
    metadata,
    Column("measure_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("instrument", String(20), nullable=False),
    Column("occasion", String(20), nullable=False),
    Column("taken_on", Date, nullable=False),
    Column("items", JSON, nullable=False),
    Column("raw_score", Integer),
    Column("metric_score", Numeric(5, 2)),
    Column("recorded_by", Uuid, nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("withdrawn", Boolean, nullable=False, default=False),
    Column("withdrawn_reason", Text),
    Index("ix_rm_measures_instrument", "instrument", "occasion", "taken_on"),
)

connections = Table(
    "rm_connections",
    metadata,
    Column("connection_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("asset_id", Uuid, nullable=False, index=True),
    Column("district", String(60), nullable=False),
    Column("status", String(20), nullable=False),
    Column("introduced_at", UTCDateTime(), nullable=False),
    Column("attended_at", UTCDateTime()),
    Column("checked_at", UTCDateTime()),
    Column("dropped_at", UTCDateTime()),
    Column("note", Text),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# Every record that belongs to a person (involvement, contacts, connections): the timeline.
person_records = Table(
    "rm_person_records",
    metadata,
    Column("person_id", Uuid, primary_key=True),
    Column("record_id", Uuid, primary_key=True),
    Column("kind", String(20), nullable=False),
)

assets = Table(
    "rm_assets",
    metadata,
    Column("asset_id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("name_search", String(200), nullable=False, index=True),
    Column("category", String(20), nullable=False),
    Column("district", String(60), nullable=False),
    Column("description", Text),
    Column("contact", String(300)),
    Column("accessibility", Text),
    Column("last_verified_on", Date),
    Column("retired", Boolean, nullable=False, default=False),
    Column("retired_at", UTCDateTime()),
    # How many people's connections to the asset are at each status now.
    Column("introduced", Integer, nullable=False, default=0),
    Column("attended", Integer, nullable=False, default=0),
    Column("still_connected", Integer, nullable=False, default=0),
    Column("dropped", Integer, nullable=False, default=0),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_rm_assets_district", "district", "category"),
)

# The assets projection's own note of each connection's status, to move the counts.
asset_links = Table(
    "rm_asset_links",
    metadata,
    Column("connection_id", Uuid, primary_key=True),
    Column("asset_id", Uuid, nullable=False),
    Column("status", String(20), nullable=False),
    Index("ix_rm_asset_links_asset", "asset_id", "status"),
)

community_work = Table(
    "rm_community_work",
    metadata,
    Column("work_id", Uuid, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("district", String(60), nullable=False),
    Column("asset_id", Uuid),
    Column("description", Text, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("recorded_by", Uuid, nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Index("ix_rm_community_work_district", "district", "occurred_on"),
    Index("ix_rm_community_work_kind", "kind", "occurred_on"),
)
