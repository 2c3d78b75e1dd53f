"""Code lists for the digital device lending and gifting scheme."""

from __future__ import annotations

from enum import Enum


class ItemKind(Enum):
    TABLET = "tablet"
    SIM = "sim"
    CHARGER = "charger"
    CASE = "case"
    OTHER = "other_accessory"


class ItemState(Enum):
    IN_STOCK = "in_stock"
    RESERVED = "reserved"
    ISSUED = "issued"
    AWAITING_WIPE = "awaiting_wipe"
    IN_REPAIR = "in_repair"
    LOST = "lost"
    STOLEN = "stolen"
    GIFTED = "gifted"
    DISPOSED = "disposed"


class Need(Enum):
    COVID_ACCESS = "access_to_support_affected_by_covid"
    DIGITAL_EXCLUSION = "digital_exclusion"
    CARER_SUPPORT = "carer_support"


class Recipient(Enum):
    VULNERABLE_ADULT = "vulnerable_adult"
    CARER = "carer"


class Provision(Enum):
    LOAN = "loan"
    GIFT = "gift"


class PlaceStatus(Enum):
    ENROLLED = "enrolled"
    WAITING = "waiting"
    LEFT = "left"


class LoanStatus(Enum):
    RESERVED = "reserved"
    ACTIVE = "active"
    RETURNED = "returned"
    LOST = "lost"
    STOLEN = "stolen"
    DAMAGED = "damaged"
    GIFTED = "gifted"
    CANCELLED = "cancelled"


class Agreement(Enum):
    SIGNATURE = "signature"
    WITNESSED_VERBAL = "witnessed_verbal"


class SessionKind(Enum):
    TRAINING = "training"
    REMOTE_SUPPORT = "remote_support"


class Condition(Enum):
    GOOD = "good"
    FAIR = "fair"
    DAMAGED = "damaged"


class BudgetLine(Enum):
    TABLETS = "tablets"
    CONNECTIVITY = "connectivity_4g"
    SETUP = "setup_and_device_management"
    SUPPORT = "service_user_support"


DEVICE_ENUMS: tuple[type[Enum], ...] = (
    ItemKind,
    ItemState,
    Need,
    Recipient,
    Provision,
    PlaceStatus,
    LoanStatus,
    Agreement,
    SessionKind,
    Condition,
    BudgetLine,
)
