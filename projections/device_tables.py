"""Read-model tables for the digital device lending and gifting scheme.

Every row is rebuilt from the event log. Overdue loans and expiring connectivity depend on
today's date and are never stored: the queries compute them.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
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

Money = Numeric(12, 2)

# One row per tablet, SIM or accessory: its details and where it stands now.
stock_items = Table(
    "rm_stock_items",
    metadata,
    Column("item_id", Uuid, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("serial", Text, nullable=False),
    Column("make", Text),
    Column("model", Text),
    Column("imei", String(15)),
    Column("asset_tag", Text),
    Column("network", Text),
    Column("data_allowance_gb", Integer),
    Column("monthly_cost", Money),
    Column("starts_on", Date),
    Column("expires_on", Date),
    Column("cost", Money, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("description", Text),
    Column("state", String(20), nullable=False),
    Column("last_step", String(20)),
    Column("last_step_on", Date),
    Column("wiped", Boolean, nullable=False),
    Column("enrolled", Boolean, nullable=False),
    Column("enrolled_on", Date),
    Column("kit_id", Uuid),
    # The loan holding the item (reserved or issued); the last loan that held or gave it.
    Column("loan_id", Uuid),
    Column("last_loan_id", Uuid),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_rm_stock_items_board", "kind", "state"),
    Index("ix_rm_stock_items_expiry", "kind", "expires_on"),
)

kits = Table(
    "rm_kits",
    metadata,
    Column("kit_id", Uuid, primary_key=True),
    Column("label", Text, nullable=False),
    Column("item_ids", JSON, nullable=False),
    Column("dismantled", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

loans = Table(
    "rm_loans",
    metadata,
    Column("loan_id", Uuid, primary_key=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("kit_id", Uuid, nullable=False),
    Column("item_ids", JSON, nullable=False),
    # item id (text) -> "loan" or "gift", as the person's plan said at reservation.
    Column("provisions", JSON, nullable=False),
    Column("is_gift", Boolean, nullable=False),
    Column("status", String(20), nullable=False),
    Column("reserved_on", Date, nullable=False),
    Column("handed_over_on", Date),
    Column("agreement", String(20)),
    Column("due_on", Date),
    Column("ended_on", Date),
    Column("end_status", String(20)),
    Column("condition", String(20)),
    Column("accessories_present", JSON),
    Column("end_note", Text),
    Column("sessions_count", Integer, nullable=False, default=0),
    Column("support_minutes", Integer, nullable=False, default=0),
    Column("open_tickets", Integer, nullable=False, default=0),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_rm_loans_due", "status", "due_on"),
)

loan_sessions = Table(
    "rm_loan_sessions",
    metadata,
    Column("session_id", Uuid, primary_key=True),
    Column("loan_id", Uuid, nullable=False, index=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("on", Date, nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("topic", Text),  # sealed in the event: blanked on erasure
    Column("outcome", Text),
    Column("recorded_by", Uuid, nullable=False),
)

loan_tickets = Table(
    "rm_loan_tickets",
    metadata,
    Column("ticket_id", Uuid, primary_key=True),
    Column("loan_id", Uuid, nullable=False, index=True),
    Column("person_id", Uuid, nullable=False, index=True),
    Column("opened_on", Date, nullable=False),
    Column("problem", Text),
    Column("resolved_on", Date),
    Column("resolution", Text),
)

schemes = Table(
    "rm_scheme",
    metadata,
    Column("year", String(20), primary_key=True),
    Column("scheme_id", Uuid, nullable=False, unique=True),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("capacity", Integer, nullable=False),
    # budget line -> amount in pounds, as a decimal string (exact).
    Column("budget", JSON, nullable=False),
    Column("support_hourly_rate", Money, nullable=False),
    Column("setup_cost_per_device", Money, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

# One row per person per scheme year: enrolled, waiting (in order) or left.
scheme_places = Table(
    "rm_scheme_places",
    metadata,
    Column("year", String(20), primary_key=True),
    Column("person_id", Uuid, primary_key=True),
    Column("referral_id", Uuid, nullable=False),
    Column("need", String(60), nullable=False),
    Column("recipient", String(30), nullable=False),
    Column("cares_for_id", Uuid),
    # item kind -> "loan" or "gift"
    Column("plan", JSON, nullable=False),
    Column("status", String(20), nullable=False),
    Column("referred_on", Date, nullable=False),
    Column("referred_by", Uuid, nullable=False),
    # The log position of the referral while waiting: the list is in this order.
    Column("waiting_position", BigInteger),
    Column("enrolled_on", Date),
    Column("left_on", Date),
    Column("left_reason", Text),
    Column("care_plan_ref", Text),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_rm_scheme_places_waiting", "year", "status", "waiting_position"),
    Index("ix_rm_scheme_places_person", "person_id"),
)

DEVICE_TABLES: tuple[Table, ...] = (
    stock_items,
    kits,
    loans,
    loan_sessions,
    loan_tickets,
    schemes,
    scheme_places,
)
